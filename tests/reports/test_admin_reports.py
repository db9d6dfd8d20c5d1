"""Reports in the admin: readable by administrators, changed only through the workflow."""

import pytest
from django.urls import reverse

from reports.models import ReportEvent, ReportingPeriod, TaskReport


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
