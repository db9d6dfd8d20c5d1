from django.urls import path

from .calendar import views as calendar_views
from .consolidated import views as consolidated_views
from .followup import views as followup_views
from .search import views as search_views
from .workflow import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/cai-dat/", views.notification_settings, name="notification_settings"),
    path("ke-hoach/", views.plan_list, name="plan_list"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/chi-tieu/", views.plan_indicators, name="plan_indicators"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/sua/", views.report_edit, name="report_edit"),
    path("bao-cao/<int:pk>/gui/", views.report_submit, name="report_submit"),
    path("bao-cao/<int:pk>/tra-lai/", views.report_return, name="report_return"),
    path("bao-cao/<int:pk>/chap-nhan/", views.report_accept, name="report_accept"),
    path("bao-cao/<int:pk>/mo-lai/", views.report_reopen, name="report_reopen"),
    path("bao-cao/<int:pk>/tep/", views.evidence_upload, name="evidence_upload"),
    path("tep/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("tep/<int:pk>/go/", views.evidence_delete, name="evidence_delete"),
    path("duyet/", views.review_queue, name="review_queue"),
    path("ky-bao-cao/", views.period_list, name="period_list"),
    path("ky-bao-cao/them/", views.period_add, name="period_add"),
    path("ky-bao-cao/<int:pk>/sua/", views.period_edit, name="period_edit"),
    path("ky-bao-cao/<int:pk>/dong-mo/", views.period_toggle, name="period_toggle"),
    # Follow-up (theo dõi, đôn đốc): the board, reminders, escalations, funds
    path("theo-doi/", followup_views.board, name="board"),
    path("theo-doi/nhac/<int:unit_pk>/", followup_views.remind_unit, name="remind_unit"),
    path("don-doc/", followup_views.reminder_list, name="reminder_list"),
    path("chi-dao/", followup_views.escalation_list, name="escalation_list"),
    path("bao-cao/<int:pk>/chi-dao/", followup_views.direction_add, name="direction_add"),
    path("kinh-phi/", followup_views.funds, name="funds"),
    path("kinh-phi/xlsx/", followup_views.funds_export, name="funds_export"),
    # The consolidated yearly report to the UBND tỉnh
    path("tong-hop/", consolidated_views.consolidated_list, name="consolidated_list"),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/",
        consolidated_views.consolidated_detail,
        name="consolidated_detail",
    ),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/sua/",
        consolidated_views.consolidated_edit,
        name="consolidated_edit",
    ),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/tai-ve.<str:fmt>",
        consolidated_views.consolidated_export,
        name="consolidated_export",
    ),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/ban-hanh/",
        consolidated_views.consolidated_issue_page,
        name="consolidated_issue",
    ),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/ban-sua-doi/",
        consolidated_views.consolidated_new_edition_page,
        name="consolidated_new_edition",
    ),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/lan/<int:edition>/",
        consolidated_views.consolidated_edition,
        name="consolidated_edition",
    ),
    path(
        "tong-hop/<int:plan_pk>/<slug:key>/lan/<int:edition>/tai-ve.<str:fmt>",
        consolidated_views.consolidated_edition_export,
        name="consolidated_edition_export",
    ),
    # The private calendar feed of each user
    path("lich/", calendar_views.calendar_page, name="calendar"),
    path("tim-kiem/", search_views.search, name="search"),
    path("lich/cap-ma-moi/", calendar_views.calendar_renew, name="calendar_renew"),
    path("lich/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
