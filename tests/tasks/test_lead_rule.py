"""The lead rule, the same in every path that writes assignments: a task with units assigned has at
least one lead, and several leads (đồng chủ trì) are allowed. Admin task page, admin assignment
page and its delete, spreadsheet import and plan files each refuse the same breach, with the same
words, and change nothing."""

import copy
import json

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from tasks.models import Assignment, AssignmentRole, Task, Unit
from tasks.resources import AssignmentResource
from tasks.services import plan_load
from tests.helpers import PLAN_463 as SEED_PATH
from tests.tasks.test_admin import _admin_url, _inline_post, _rows

NO_LEAD = "không còn đơn vị chủ trì"


def assignments_of(task) -> list[tuple]:
    return sorted(Assignment.objects.filter(task=task).values_list("unit__code", "role"))


def sheet(*rows):
    dataset = tablib.Dataset(headers=["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"])
    for row in rows:
        dataset.append(row)
    return dataset


# ------------------------------------------------------------------------------
# The admin's task page
# ------------------------------------------------------------------------------
def test_the_task_page_refuses_a_task_left_without_a_lead(admin_client, plan_463):
    # Given task 2, led by the Phòng QLKH with the Liên hiệp Hội as partner
    task = plan_463.tasks.get(number=2)
    before = assignments_of(task)
    rows = _rows(task)
    for row in rows:
        row["role"] = AssignmentRole.PARTNER

    # When the administrator makes every unit a partner
    response = admin_client.post(_admin_url(Task, "change", task.pk), _inline_post(task, rows))

    # Then the page says why, and nothing changed
    assert response.status_code == 200
    assert f"Nhiệm vụ 2 của kế hoạch “kh-463” {NO_LEAD}" in response.content.decode()
    assert assignments_of(task) == before


def test_the_task_page_accepts_two_leads(admin_client, plan_463):
    task = plan_463.tasks.get(number=2)
    rows = _rows(task)
    for row in rows:
        row["role"] = AssignmentRole.LEAD

    response = admin_client.post(_admin_url(Task, "change", task.pk), _inline_post(task, rows))

    assert response.status_code == 302
    assert [role for _, role in assignments_of(task)] == [AssignmentRole.LEAD, AssignmentRole.LEAD]


# ------------------------------------------------------------------------------
# The admin's assignment page
# ------------------------------------------------------------------------------
def test_the_assignment_page_refuses_to_turn_the_last_lead_into_a_partner(admin_client, plan_463):
    task = plan_463.tasks.get(number=2)
    lead = task.assignments.get(role=AssignmentRole.LEAD)
    data = {
        "task": task.pk,
        "unit": lead.unit_id,
        "role": AssignmentRole.PARTNER,
        "note": "",
        "order": lead.order,
    }

    response = admin_client.post(_admin_url(Assignment, "change", lead.pk), data)

    assert response.status_code == 200
    assert NO_LEAD in response.content.decode()
    assert task.assignments.get(pk=lead.pk).role == AssignmentRole.LEAD


def test_the_assignment_page_refuses_to_delete_the_last_lead(admin_client, plan_463):
    task = plan_463.tasks.get(number=2)
    lead = task.assignments.get(role=AssignmentRole.LEAD)

    page = admin_client.get(_admin_url(Assignment, "delete", lead.pk))
    response = admin_client.post(_admin_url(Assignment, "delete", lead.pk), {"post": "yes"})

    assert NO_LEAD in page.content.decode()
    assert response.status_code == 200
    assert Assignment.objects.filter(pk=lead.pk).exists()


def test_the_bulk_delete_refuses_to_take_a_tasks_last_lead(admin_client, plan_463):
    task = plan_463.tasks.get(number=2)
    before = assignments_of(task)
    pks = list(task.assignments.values_list("pk", flat=True))
    lead = task.assignments.get(role=AssignmentRole.LEAD)

    # Deleting only the lead leaves the partner without a lead: refused
    response = admin_client.post(
        reverse("admin:tasks_assignment_changelist"),
        {"action": "delete_selected", "_selected_action": [lead.pk], "post": "yes"},
    )
    assert NO_LEAD in response.content.decode()
    assert assignments_of(task) == before

    # Deleting every unit of the task leaves it unassigned, which the rule allows
    admin_client.post(
        reverse("admin:tasks_assignment_changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert assignments_of(task) == []


# ------------------------------------------------------------------------------
# The spreadsheet import
# ------------------------------------------------------------------------------
def test_an_import_that_turns_the_lead_into_a_partner_imports_nothing(plan_463):
    # The defect this rule was written for: accepted before as "0 mới, 1 cập nhật"
    task = plan_463.tasks.get(number=1)
    before = assignments_of(task)

    result = AssignmentResource().import_data(
        sheet(("kh-463", 1, "Trung tâm Khoa học và Công nghệ", "Phối hợp", "")), dry_run=False
    )

    assert result.has_errors()
    assert f"Nhiệm vụ 1 của kế hoạch “kh-463” {NO_LEAD}" in str(result.base_errors[0].error)
    assert assignments_of(task) == before


def test_an_import_may_give_a_task_a_second_lead(plan_463):
    result = AssignmentResource().import_data(
        sheet(("kh-463", 2, "Phòng Kế hoạch Tài chính", "Chủ trì", "Đồng chủ trì")), dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors()
    leads = plan_463.tasks.get(number=2).assignments.filter(role=AssignmentRole.LEAD)
    assert sorted(leads.values_list("unit__code", flat=True)) == ["khtc", "qlkh"]


# ------------------------------------------------------------------------------
# Plan files
# ------------------------------------------------------------------------------
def test_a_plan_file_with_a_task_without_lead_loads_nothing(db):
    data = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    for assignment in broken["tasks"][2]["assignments"]:
        assignment["role"] = AssignmentRole.PARTNER

    with pytest.raises(ValidationError) as refusal:
        plan_load(data=broken)

    assert f"Nhiệm vụ 3 của kế hoạch “kh-463” {NO_LEAD}" in " ".join(refusal.value.messages)
    assert not Task.objects.exists() and not Unit.objects.exists()


def test_a_plan_file_may_name_two_leads(db):
    data = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    for assignment in data["tasks"][1]["assignments"]:
        assignment["role"] = AssignmentRole.LEAD

    plan_load(data=data)

    task = Task.objects.get(plan__code="kh-463", number=2)
    assert task.assignments.filter(role=AssignmentRole.LEAD).count() == 2
