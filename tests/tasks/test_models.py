"""Database constraints hold even when the application's validation is bypassed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tasks.models import Assignment, DeadlineKind, Task
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_task_number_is_unique_within_a_plan():
    task = TaskFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(plan=task.plan, number=1, title="Trùng số", content="x")
    TaskFactory(number=1)  # the same number in another plan is fine


def test_one_role_per_unit_and_task():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(task=assignment.task, unit=assignment.unit, role="partner")


@pytest.mark.parametrize(
    "fields",
    [
        {"deadline_kind": DeadlineKind.FIXED},
        {"deadline_kind": DeadlineKind.YEARLY, "due_day": 15},
        {"deadline_kind": DeadlineKind.ONGOING, "due_date": datetime.date(2024, 3, 31)},
        {"deadline_kind": DeadlineKind.FIXED, "due_date": datetime.date(2024, 3, 31), "due_month": 3},
    ],
)
def test_deadline_fields_must_match_the_kind(fields):
    plan = PlanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(plan=plan, number=1, title="t", content="c", **fields)
    with pytest.raises(ValidationError):
        Task(plan=plan, number=1, title="t", content="c", **fields).full_clean()


def test_yearly_deadline_must_be_a_real_day():
    task = TaskFactory.build(plan=PlanFactory(), deadline_kind=DeadlineKind.YEARLY, due_day=31, due_month=11)
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "31/11" in str(error.value)


def test_unit_validity_range_is_coherent():
    unit = UnitFactory()
    unit.valid_from = datetime.date(2025, 1, 1)
    unit.valid_to = datetime.date(2024, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_unit_cannot_succeed_itself():
    unit = UnitFactory(valid_to=datetime.date(2025, 6, 30))
    unit.successor = unit
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_parent_cycle_is_refused():
    top = UnitFactory()
    child = UnitFactory(parent=top)
    top.parent = child
    with pytest.raises(ValidationError, match="vòng lặp"):
        top.full_clean()


def test_a_unit_anything_refers_to_cannot_be_deleted():
    assignment = AssignmentFactory()
    with pytest.raises(ProtectedError):
        assignment.unit.delete()


def test_a_retired_unit_stays_with_its_successor():
    new = UnitFactory(name="Sở Khoa học và Công nghệ (sau hợp nhất)")
    old = UnitFactory(valid_to=datetime.date(2025, 6, 30), successor=new)
    old.full_clean()
    assert old.is_active_on(datetime.date(2025, 6, 30))
    assert not old.is_active_on(datetime.date(2025, 7, 1))
    assert list(new.predecessors.all()) == [old]


def test_a_successor_needs_an_end_date():
    unit = UnitFactory.build(successor=UnitFactory())
    with pytest.raises(ValidationError, match="ngày kết thúc"):
        unit.full_clean()


@pytest.mark.parametrize(
    "field, value",
    [("report_day", 32), ("report_day", 0), ("report_month_offset", 4), ("report_month_offset", -12)],
)
def test_the_report_deadline_must_be_a_day_and_a_month(field, value):
    plan = PlanFactory.build(
        issuer=UnitFactory(),
        coordinating_unit=UnitFactory(),
        report_recipient=UnitFactory(),
        **{field: value},
    )
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert field in refused.value.message_dict


def test_a_deadline_day_beyond_the_month_falls_on_its_last_day():
    # A yearly report "ngày 29/02": day 29, February counted -10 from December
    plan = PlanFactory(report_day=29, report_month_offset=-10)
    assert plan.periods_of_year(2024)[0].deadline == datetime.date(2024, 2, 29)
    assert plan.periods_of_year(2025)[0].deadline == datetime.date(2025, 2, 28)
    # A six-monthly report due on the 31st: 30/06 and 31/12
    plan = PlanFactory(schedule="half_yearly", report_day=31, report_month_offset=0)
    assert [p.deadline for p in plan.periods_of_year(2026)] == [
        datetime.date(2026, 6, 30),
        datetime.date(2026, 12, 31),
    ]
