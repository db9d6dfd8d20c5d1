"""The audit trail: every change to plans, tasks, assignments, units, accounts and reports is
recorded with who and when, readable by administrators, and not editable through the application."""

import pytest
from django.urls import reverse

from reports.workflow.services import report_submit, report_update
from tasks.models import Assignment, Plan, Task, Unit, User

AUDITED = [Plan, Task, Assignment, Unit, User]


def test_a_report_change_and_its_submission_are_recorded_with_who_and_when(before_deadline, world):
    report = world.report("ttkhcn", 1)

    report = report_update(
        report=report,
        by=world.ttkhcn_staff,
        version=report.version,
        data={"results": "Đã làm.", "completion": "in_progress", "progress": 30},
        values={},
    )
    report_submit(report=report, by=world.ttkhcn_head)

    records = list(report.history.order_by("history_date"))
    assert [(r.history_user, r.status, r.results) for r in records[-2:]] == [
        (world.ttkhcn_staff, "draft", "Đã làm."),
        (world.ttkhcn_head, "submitted", "Đã làm."),
    ]
    assert all(r.history_date for r in records)


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_an_admin_edit_of_each_audited_model_is_recorded_and_shown(admin_client, superuser, world, model):
    obj = model.objects.order_by("pk").last()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk])
    before = obj.history.count()
    obj._history_user = superuser
    obj.save()

    page = admin_client.get(url)

    assert obj.history.count() == before + 1
    assert obj.history.latest().history_user == superuser
    assert page.status_code == 200 and "quantri" in page.content.decode()


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_history_cannot_be_reverted_nor_edited_from_the_admin(admin_client, superuser, world, model):
    obj = model.objects.order_by("pk").last()
    obj._history_user = superuser
    obj.save()
    record = obj.history.earliest()
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )
    before = obj.history.count()

    page = admin_client.get(url)
    assert page.status_code == 200  # an old version may be read...
    assert 'name="_save"' not in page.content.decode()  # ...but offers no button to bring it back
    assert admin_client.post(url, {}).status_code == 403
    assert obj.history.count() == before


def test_no_historical_model_is_registered_in_the_admin():
    from django.contrib import admin

    assert not [model for model in admin.site._registry if model.__name__.startswith("Historical")]


def test_staff_without_the_view_permission_cannot_read_the_history(client, world):
    from tests.factories import UserFactory

    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    unit = Unit.objects.get(code="ttkhcn")

    response = client.get(reverse("admin:tasks_unit_history", args=[unit.pk]))

    assert response.status_code == 403
