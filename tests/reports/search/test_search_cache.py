"""The search's results kept in the cache (reports.search.page_cache): served again while nothing
searched has changed, drawn afresh after a report's words, a task's title or a unit's name change
(by bulk updates, as any path may write them), and never shared between people who see other
reports.

Transactional tests: the cache is only used outside a transaction, and PostgreSQL replaces a stamp
when the change is committed, as in production.
"""

import pytest
from django.urls import reverse

from reports.models import TaskReport
from reports.search import views
from tasks.models import Task, Unit
from tests.helpers import calls_of

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("reports:search")


@pytest.fixture
def drawn(monkeypatch):
    """How many times the results were drawn rather than served."""
    return calls_of(monkeypatch, views, "_results")


def found(client, user, **query) -> str:
    client.force_login(user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


def test_results_are_served_until_what_they_show_changes(client, world, drawn):
    report = world.report("ttkhcn", 1)
    TaskReport.objects.filter(pk=report.pk).update(difficulties="Thiếu máy ở xã Quỳnh Nhai")
    link = reverse("reports:report_detail", args=[report.pk])

    assert link in found(client, world.coordinator, q="quynh nhai")
    assert link in found(client, world.coordinator, q="quynh nhai")
    assert len(drawn) == 1

    # The report's words changed: no longer found, on the next request
    TaskReport.objects.filter(pk=report.pk).update(difficulties="")
    assert link not in found(client, world.coordinator, q="quynh nhai")
    # A task renamed, a unit renamed: found by their new words
    task = Task.objects.filter(plan=world.plan).first()
    Task.objects.filter(pk=task.pk).update(title="Nhiệm vụ Tà Xùa")
    assert reverse("reports:task_detail", args=[task.pk]) in found(client, world.coordinator, q="ta xua")
    Unit.objects.filter(code="ttkhcn").update(name="Trung tâm Mường Lát")
    assert "Trung tâm Mường Lát" in found(client, world.coordinator, q="muong lat")
    # Another kind, another page: each its own entry
    found(client, world.coordinator, q="muong lat", loai="don-vi")
    found(client, world.coordinator, q="muong lat", loai="don-vi", trang="2")
    assert len(drawn) == 6


def test_who_sees_other_reports_is_drawn_results_of_their_own(client, world, drawn):
    report = world.report("ttkhcn", 1)
    TaskReport.objects.filter(pk=report.pk).update(difficulties="Thiếu máy ở xã Quỳnh Nhai")
    link = reverse("reports:report_detail", args=[report.pk])

    assert link in found(client, world.ttkhcn_staff, q="quynh nhai")
    assert link not in found(client, world.qlcn_staff, q="quynh nhai")
    assert link in found(client, world.ttkhcn_head, q="quynh nhai")
    # The unit's head sees what its staff sees: one entry for both
    assert len(drawn) == 2
