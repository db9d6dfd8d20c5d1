from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("ke-hoach/", views.plan_list, name="plan_list"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
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
    path("ky-bao-cao/<int:pk>/dong-mo/", views.period_toggle, name="period_toggle"),
]
