"""The rows of the admin's long lists kept in the cache (kehoach.admin.KeptRowsAdmin): served again
while none of their tables changed, drawn afresh after a change by any path (bulk updates here),
one entry per filter, order and page, never the rows of someone allowed more, and the page's count
of rows the same whether its rows were drawn or served.

Transactional tests: the cache is only used outside a transaction, and PostgreSQL replaces a stamp
when the change is committed, as in production.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kehoach.admin import KeptRowsAdmin
from kehoach.templatetags import kept_rows
from reports.models import ReportEvent, TaskReport
from tasks.models import Plan, Unit
from tests.helpers import calls_of

pytestmark = pytest.mark.django_db(transaction=True)

ASSIGNMENTS = reverse("admin:tasks_assignment_changelist")
REPORTS = reverse("admin:reports_taskreport_changelist")


@pytest.fixture
def drawn(monkeypatch):
    """How many times a page's rows were drawn rather than served."""
    return calls_of(monkeypatch, kept_rows, "result_list")


def listed(client, user, url, **query) -> str:
    client.force_login(user)
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def counted(html: str) -> int:
    """The rows the page says it shows (the action bar's counter: "0 of N selected")."""
    return int(re.search(r'data-actions-icnt="(\d+)"', html).group(1))


def test_rows_are_served_until_a_row_they_show_changes(client, world, drawn):
    first = listed(client, world.admin, ASSIGNMENTS)
    with CaptureQueriesContext(connection) as queries:
        again = listed(client, world.admin, ASSIGNMENTS)
    assert len(drawn) == 1
    # Served: the rows themselves are never read, not even to count them
    assert not [query for query in queries if '"tasks_assignment"."note"' in query["sql"]]
    assert again.count('class="action-select"') == first.count('class="action-select"') > 0
    assert counted(again) == counted(first) == first.count('class="action-select"')

    # A unit renamed, a plan's code changed: on the next request
    Unit.objects.filter(code="ttkhcn").update(name="Trung tâm Mường Lát")
    assert "Trung tâm Mường Lát" in listed(client, world.admin, ASSIGNMENTS)
    Plan.objects.filter(pk=world.plan.pk).update(code="KH-TA-XUA")
    assert "KH-TA-XUA" in listed(client, world.admin, ASSIGNMENTS)
    assert len(drawn) == 3


def test_a_report_changed_redraws_the_reports_list(client, world, drawn):
    report = world.report("ttkhcn", 1)
    assert "Trung tâm Mường Lát" not in listed(client, world.admin, REPORTS)
    listed(client, world.admin, REPORTS)
    assert len(drawn) == 1

    TaskReport.objects.filter(pk=report.pk).update(unit_name="Trung tâm Mường Lát")
    assert "Trung tâm Mường Lát" in listed(client, world.admin, REPORTS)
    assert len(drawn) == 2


def test_each_filter_order_and_page_is_its_own_entry(client, world, drawn):
    every = listed(client, world.admin, ASSIGNMENTS)
    leads = listed(client, world.admin, ASSIGNMENTS, role__exact="lead")
    by_unit = listed(client, world.admin, ASSIGNMENTS, o="3")
    second = listed(client, world.admin, ASSIGNMENTS, p="2")
    assert len(drawn) == 4
    assert counted(leads) < counted(every)
    assert by_unit != every
    # Each row's link keeps the list's filters, as Django's own rows do
    assert "_changelist_filters=role__exact%3Dlead" in leads
    assert counted(second) >= 0

    listed(client, world.admin, ASSIGNMENTS, role__exact="lead")
    assert len(drawn) == 4


def test_who_may_not_act_is_never_served_the_rows_of_who_may(client, world, drawn):
    listed(client, world.admin, ASSIGNMENTS)
    viewer = world.admin.__class__.objects.create_user("xem.phancong", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_assignment"))

    page = listed(client, viewer, ASSIGNMENTS)
    assert 'class="action-select"' not in page
    assert len(drawn) == 2


def test_a_list_read_from_tables_without_stamps_is_refused_at_start():
    class ReportAdmin(KeptRowsAdmin, admin.ModelAdmin):
        list_display = ["unit_name", "task", "period"]
        list_select_related = ["task", "period__plan"]

    class EventAdmin(KeptRowsAdmin, admin.ModelAdmin):  # events have no stamps
        list_select_related = ["report__period"]

    class EditorAdmin(KeptRowsAdmin, admin.ModelAdmin):  # a relation shown is read, selected or not
        list_display = ["unit_name", "updated_by"]

    class EditedAdmin(KeptRowsAdmin, admin.ModelAdmin):
        list_display = ["unit_name", "status"]
        list_editable = ["status"]

    def refused(admin_class, model) -> list[str]:
        return [error.id for error in admin_class(model, admin.AdminSite()).check()]

    assert refused(ReportAdmin, TaskReport) == []
    assert refused(EventAdmin, ReportEvent) == ["kehoach.E001"]
    assert "reports_reportevent" in EventAdmin(ReportEvent, admin.AdminSite()).check()[0].msg
    assert refused(EditorAdmin, TaskReport) == ["kehoach.E001"]
    assert refused(EditedAdmin, TaskReport) == ["kehoach.E002"]
