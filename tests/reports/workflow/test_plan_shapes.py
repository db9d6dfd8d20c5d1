"""A plan of another shape than Kế hoạch 463 runs the same cycle: the Nghị quyết 57 plan of
fixtures/plans/ reports every six months to Văn phòng Sở, has co-lead units, sub-tasks (4.1, 4.2), a
group whose members each report and bodies that are only named. Nothing in the code knows either
plan: each test reads what the plan file says."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports import permissions
from reports.consolidated.generator import document_build
from reports.consolidated.selectors import scope
from reports.models import ReportStatus, TaskReport
from reports.workflow.services import period_open
from tasks.models import AssignmentRole, Plan, PlanRole, Role, Unit
from tasks.services import plan_load_file
from tests.factories import UserFactory
from tests.helpers import PLANS, fresh, plan_load_seed, report_take

pytestmark = pytest.mark.django_db

NQ57 = PLANS / "ke-hoach-nq57.json"


def _user(username, unit_code, role, **extra):
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    return UserFactory(username=username, unit=unit, role=role, **extra)


@pytest.fixture
def plans(db):
    """Both plan files loaded, as `make run` loads them, with the people of both."""
    plan_load_seed()
    plan_load_file(NQ57)
    people = {
        "vp": _user("vp.dieuphoi", "vp-so", Role.COORDINATOR),
        "qlkh": _user("qlkh.dieuphoi", "qlkh", Role.COORDINATOR),
        "leadership": _user("giamdoc", "ban-giam-doc", Role.LEADERSHIP),
    }
    for code in ("ttkhcn", "qlkh", "qlcn", "khtc", "vp-so"):
        people[f"{code}.head"] = _user(f"{code}.truongphong", code, Role.HEAD)
        people[f"{code}.staff"] = _user(f"{code}.canbo", code, Role.STAFF)
    return people


@pytest.fixture
def nq57(plans):
    return Plan.objects.get(code="kh-nq57")


@pytest.fixture
def opened(plans, nq57):
    return period_open(plan=nq57, year=2026, by=plans["vp"])


@pytest.fixture
def world_463_period(plans):
    """Kế hoạch 463's 2026 period, opened by its own coordinator."""
    return period_open(plan=Plan.objects.get(code="kh-463"), year=2026, by=plans["qlkh"]).period


def _reports(period, number):
    return {
        (report.unit.code, report.role)
        for report in TaskReport.objects.filter(period=period, task__number=number).select_related("unit")
    }


def test_a_six_monthly_plan_opens_both_halves_of_the_year(opened):
    periods = [item.period for item in opened]
    assert [(p.key, p.name, p.deadline) for p in periods] == [
        ("2026-h1", "6 tháng đầu năm 2026", datetime.date(2026, 6, 5)),
        ("2026-h2", "6 tháng cuối năm 2026", datetime.date(2026, 12, 5)),
    ]
    # Each half asks the same reports; the second half's window starts where the first ends
    assert periods[1].cutoff_from == periods[0].cutoff_to + datetime.timedelta(days=1)
    assert opened.reports_created == 2 * TaskReport.objects.filter(period=periods[0]).count()


def test_co_leads_each_report_as_lead(opened):
    assert _reports(opened.periods[0], "2") == {("qlkh", AssignmentRole.LEAD), ("vp-so", AssignmentRole.LEAD)}


def test_a_group_whose_members_report_asks_each_member_and_never_twice(opened):
    # Task 3: ttkhcn leads; the group of the department's units partners, its members reporting.
    # ttkhcn is a member too, but answers only for its own (lead) assignment.
    assert _reports(opened.periods[0], "3") == {
        ("ttkhcn", AssignmentRole.LEAD),
        ("vp-so", AssignmentRole.PARTNER),
        ("qlkh", AssignmentRole.PARTNER),
        ("qlcn", AssignmentRole.PARTNER),
        ("khtc", AssignmentRole.PARTNER),
    }


def test_bodies_only_named_owe_no_report(opened):
    # Task 1 names Ban Tuyên giáo; task 8 the Front; task 2 the group of departments (named by default)
    assert _reports(opened.periods[0], "1") == {
        ("vp-so", AssignmentRole.LEAD),
        ("ttkhcn", AssignmentRole.PARTNER),
    }
    assert _reports(opened.periods[0], "8") == {
        ("qlkh", AssignmentRole.LEAD),
        ("lhh", AssignmentRole.PARTNER),
    }
    assert not TaskReport.objects.filter(
        unit__code__in=["ban-tuyen-giao", "mttq", "nhom-so-ban-nganh"]
    ).exists()


def test_sub_tasks_are_reported_on_and_listed_after_their_parent(opened, nq57):
    assert _reports(opened.periods[0], "4.1") == {
        ("ttkhcn", AssignmentRole.LEAD),
        ("qlcn", AssignmentRole.PARTNER),
    }
    numbers = list(nq57.tasks.order_by("sort_key").values_list("number", flat=True))
    assert numbers == ["1", "2", "3", "4", "4.1", "4.2", "5", "6", "7", "8", "9", "10"]
    assert nq57.tasks.get(number="4.2").parent.number == "4"


def test_each_plan_is_reviewed_by_its_own_coordinators(plans, opened, world_463_period):
    nq57_report = TaskReport.objects.get(period=opened.periods[0], task__number="1", unit__code="ttkhcn")
    report_463 = TaskReport.objects.get(period=world_463_period, task__number="1", unit__code="ttkhcn")
    assert permissions.is_reviewer_for(plans["vp"], nq57_report)
    assert not permissions.is_reviewer_for(plans["qlkh"], nq57_report)
    assert permissions.is_reviewer_for(plans["qlkh"], report_463)
    assert not permissions.is_reviewer_for(plans["vp"], report_463)
    # The leadership reviews neither: each plan has a coordinator who may
    assert not permissions.is_reviewer_for(plans["leadership"], nq57_report)


def test_a_plan_role_makes_someone_of_another_unit_a_coordinator_of_that_plan(plans, opened, nq57):
    report = TaskReport.objects.get(period=opened.periods[0], task__number="1", unit__code="ttkhcn")
    PlanRole.objects.create(user=plans["qlkh"], plan=nq57, kind=PlanRole.Kind.COORDINATOR)
    qlkh = type(plans["qlkh"]).objects.get(pk=plans["qlkh"].pk)  # the plan parts are read once per request
    assert permissions.is_reviewer_for(qlkh, report)
    assert nq57.pk in permissions.followed_plans(qlkh)


def test_the_coordinating_units_own_report_goes_to_the_leadership(plans, opened):
    own = TaskReport.objects.get(period=opened.periods[0], task__number="1", unit__code="vp-so")
    assert not permissions.is_reviewer_for(plans["vp"], own)
    assert permissions.is_reviewer_for(plans["leadership"], own)


def test_a_plan_nobody_coordinates_is_reviewed_by_the_leadership(plans, opened):
    plans["vp"].is_active = False
    plans["vp"].save()
    report = TaskReport.objects.get(period=opened.periods[0], task__number="1", unit__code="ttkhcn")
    assert permissions.is_reviewer_for(plans["leadership"], report)


def test_only_the_plans_coordinator_opens_its_periods(plans, nq57):
    with pytest.raises(PermissionDenied, match="kh-nq57"):
        period_open(plan=nq57, year=2027, by=plans["qlkh"])
    assert not nq57.periods.filter(year=2027).exists()


def test_sending_a_report_names_the_unit_that_receives_it(client, plans, opened):
    report = TaskReport.objects.get(period=opened.periods[1], task__number="1", unit__code="ttkhcn")
    report_take(report, "draft", staff=plans["ttkhcn.staff"], head=None, reviewer=None)
    client.force_login(plans["ttkhcn.head"])
    response = client.post(reverse("reports:report_submit", args=[report.pk]), follow=True)
    assert fresh(report).status == ReportStatus.SUBMITTED
    assert "Đã gửi báo cáo đến Văn phòng Sở Khoa học và Công nghệ." in response.content.decode()


def test_the_years_consolidated_report_composes_both_halves(plans, opened, nq57):
    first, second = (
        TaskReport.objects.get(period=item.period, task__number="1", unit__code="ttkhcn") for item in opened
    )
    people = {"staff": plans["ttkhcn.staff"], "head": plans["ttkhcn.head"], "reviewer": plans["vp"]}
    report_take(first, "accepted", results="Đã tổ chức 2 hội nghị quán triệt.", **people)
    report_take(second, "accepted", results="Đã đưa tin 12 bài trên cổng thông tin.", **people)

    year = document_build(scope(nq57, "2026"), today=datetime.date(2026, 12, 20))
    half = document_build(scope(nq57, "2026-h1"), today=datetime.date(2026, 12, 20))

    def result_of_task_1(document):
        return next(part.result for part in document.tasks if part.number == "1")

    # The lead, which has not reported, is named as owing its result
    missing = (
        "Chưa có kết quả được Sở xác nhận của: Văn phòng Sở Khoa học và Công nghệ (chủ trì) chưa gửi báo cáo."
    )
    assert result_of_task_1(year).splitlines() == [
        "Trung tâm Khoa học và Công nghệ (phối hợp): [6 tháng đầu năm 2026] Đã tổ chức 2 hội nghị quán triệt.",
        "Trung tâm Khoa học và Công nghệ (phối hợp): [6 tháng cuối năm 2026] Đã đưa tin 12 bài trên cổng thông tin.",
        missing,
    ]
    assert result_of_task_1(half).splitlines() == [
        "Trung tâm Khoa học và Công nghệ (phối hợp): Đã tổ chức 2 hội nghị quán triệt.",
        missing,
    ]
    assert scope(nq57, "2025") is None and scope(nq57, "2026-h3") is None
