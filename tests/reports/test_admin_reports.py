"""Reports in the admin: readable by administrators, changed only through the workflow."""

import datetime

import pytest
from django.urls import reverse

from kehoach.pagination import CappedPaginator
from kehoach.text import number_text
from reports.models import ReportEvent, ReportingPeriod, TaskReport
from tasks.models import Assignment


@pytest.mark.parametrize("model", [ReportingPeriod, TaskReport, ReportEvent], ids=lambda m: m.__name__)
def test_admin_pages_load(admin_client, world, model):
    obj = model.objects.order_by("pk").first()
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    for url in (reverse(f"{info}_changelist"), reverse(f"{info}_change", args=[obj.pk])):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", [TaskReport, ReportEvent], ids=lambda m: m.__name__)
def test_reports_and_events_cannot_be_changed_or_deleted_in_the_admin(admin_client, world, model):
    obj = model.objects.order_by("pk").first()
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    before = model.objects.count()

    admin_client.post(reverse(f"{info}_change", args=[obj.pk]), {"status": "accepted", "kind": "accepted"})
    response = admin_client.post(reverse(f"{info}_delete", args=[obj.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert model.objects.count() == before
    obj.refresh_from_db()
    assert getattr(obj, "status", "draft") == "draft"
    assert admin_client.get(reverse(f"{info}_add")).status_code == 403


def test_the_period_deadline_can_be_corrected_in_the_admin(admin_client, world):
    period = world.period
    url = reverse("admin:reports_reportingperiod_change", args=[period.pk])
    response = admin_client.post(
        url,
        {"deadline": "14/11/2026", "cutoff_from": "11/11/2025", "cutoff_to": "13/11/2026", "is_open": "on"},
    )
    assert response.status_code == 200
    assert "ít nhất một ngày làm việc" in response.content.decode()
    period.refresh_from_db()
    assert period.deadline.isoformat() == "2026-11-15"


@pytest.mark.parametrize(
    ("url", "rows"),
    [("admin:reports_taskreport_changelist", TaskReport), ("admin:tasks_assignment_changelist", Assignment)],
    ids=["reports", "assignments"],
)
def test_a_long_admin_list_counts_up_to_its_cap_and_says_there_are_more(
    admin_client, world, monkeypatch, url, rows
):
    total = rows.objects.count()
    assert total > 3
    monkeypatch.setattr(CappedPaginator, "cap", 3)

    capped = admin_client.get(reverse(url)).content.decode()
    monkeypatch.setattr(CappedPaginator, "cap", total)
    exact = admin_client.get(reverse(url)).content.decode()

    assert f"Hơn 3 {rows._meta.verbose_name_plural}" in capped
    assert "lọc hoặc tìm để thu hẹp danh sách" in capped
    assert "Hơn" not in exact.split('class="paginator"')[1]
    assert f"{number_text(total)} {rows._meta.verbose_name_plural}" in exact


def test_the_admin_list_of_reports_shows_the_period_opened_last_first(admin_client, world):
    first = TaskReport.objects.filter(period=world.period).order_by("pk").first()
    later = ReportingPeriod.objects.create(
        plan=world.plan,
        key="2027",
        name="Năm 2027",
        kind=world.period.kind,
        year=2027,
        deadline=datetime.date(2027, 11, 15),
        cutoff_from=datetime.date(2026, 11, 14),
        cutoff_to=datetime.date(2027, 11, 13),
    )
    new = TaskReport.objects.create(
        period=later,
        task=first.task,
        unit=first.unit,
        unit_name=first.unit_name,
        role=first.role,
        deadline=later.deadline,
    )
    last_of_2026 = TaskReport.objects.filter(period=world.period).order_by("-pk").first()

    html = admin_client.get(reverse("admin:reports_taskreport_changelist")).content.decode()

    assert html.index(f"/{new.pk}/change/") < html.index(f"/{last_of_2026.pk}/change/")
