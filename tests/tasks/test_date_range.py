"""Dates people type in the admin are within 01/01/2000 and 31/12/2100: the admin refuses a unit
dissolved on 01/01/0001, and every such date field carries the rule."""

import datetime

import pytest
from django.urls import reverse

from kehoach.text import EARLIEST_DATE, LATEST_DATE
from reports.models import ConsolidatedReport, ReportingPeriod
from tasks.models import LegalDocument, Plan, Task, Unit
from tests.helpers import rows

RANGE_MESSAGE = "Ngày phải trong khoảng từ 01/01/2000 đến 31/12/2100."
TYPED_DATES = [
    (Unit, "valid_from"),
    (Unit, "valid_to"),
    (LegalDocument, "issued_on"),
    (Plan, "issued_on"),
    (Task, "due_date"),
    (ReportingPeriod, "deadline"),
    (ReportingPeriod, "cutoff_from"),
    (ReportingPeriod, "cutoff_to"),
    (ConsolidatedReport, "issued_on"),
]


def _unit_post(unit: Unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "document_code": unit.document_code,
        "code": unit.code,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "email": unit.email,
        "valid_from": "",
        "valid_to": "",
        "successor": "",
    }
    # the groups it belongs to, as the page's inline of dated memberships sends them
    memberships = list(unit.memberships.all())
    data |= {
        "memberships-TOTAL_FORMS": len(memberships),
        "memberships-INITIAL_FORMS": len(memberships),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for n, membership in enumerate(memberships):
        data |= {
            f"memberships-{n}-id": membership.pk,
            f"memberships-{n}-member": unit.pk,
            f"memberships-{n}-group": membership.group_id,
            f"memberships-{n}-valid_from": "",
            f"memberships-{n}-valid_to": "",
        }
    data.update(changes)
    return data


@pytest.mark.parametrize("typed", ["01/01/0001", "01/01/2101"])
def test_the_admin_refuses_a_unit_dissolved_out_of_range(admin_client, plan_463, typed):
    unit = Unit.objects.get(code="khtc")
    before = rows(Unit, Unit.history.model)

    response = admin_client.post(
        reverse("admin:tasks_unit_change", args=[unit.pk]), _unit_post(unit, valid_to=typed)
    )

    assert response.status_code == 200  # the form again, not a redirect
    assert response.context["adminform"].form.errors["valid_to"] == [RANGE_MESSAGE]
    assert RANGE_MESSAGE in response.content.decode()
    assert rows(Unit, Unit.history.model) == before


def test_the_admin_accepts_a_unit_dissolved_in_range(admin_client, plan_463):
    unit = Unit.objects.get(code="khtc")

    response = admin_client.post(
        reverse("admin:tasks_unit_change", args=[unit.pk]), _unit_post(unit, valid_to="31/12/2100")
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.valid_to == LATEST_DATE


@pytest.mark.parametrize("model, name", TYPED_DATES, ids=lambda value: getattr(value, "__name__", value))
def test_every_typed_date_field_has_the_range(model, name):
    validators = model._meta.get_field(name).validators
    limits = {type(validator).__name__: validator.limit_value for validator in validators}
    assert limits == {"MinValueValidator": EARLIEST_DATE, "MaxValueValidator": LATEST_DATE}
    assert {str(validator.message) for validator in validators} == {RANGE_MESSAGE}


def test_the_admin_dates_a_membership_of_a_group(admin_client, plan_463):
    unit = Unit.objects.get(code="khtc")
    data = _unit_post(unit)
    data["memberships-0-valid_from"] = "01/07/2025"

    response = admin_client.post(reverse("admin:tasks_unit_change", args=[unit.pk]), data)

    assert response.status_code == 302
    membership = unit.memberships.get()
    assert (membership.group.code, membership.valid_from) == (
        "nhom-don-vi-thuoc-so",
        datetime.date(2025, 7, 1),
    )


def test_the_admin_refuses_a_membership_ending_before_it_begins(admin_client, plan_463):
    unit = Unit.objects.get(code="khtc")
    data = _unit_post(unit)
    data |= {"memberships-0-valid_from": "01/07/2025", "memberships-0-valid_to": "30/06/2025"}

    response = admin_client.post(reverse("admin:tasks_unit_change", args=[unit.pk]), data)

    assert response.status_code == 200
    assert "Ngày thôi là thành viên không được trước ngày bắt đầu." in response.content.decode()
    assert unit.memberships.get().valid_from is None
