"""The service layer of reporting (reports.workflow.services): opening a period, the round of a report from
draft to accepted, the transitions it refuses, the stale second save, late submission, the rules
of a report's content and the evidence files.

Every refusal is checked twice: it raises, and it leaves the report (fields, version, outputs,
events, files) exactly as it was.
"""

import datetime
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import (
    Completion,
    EventKind,
    Evidence,
    IndicatorValue,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
)
from reports.workflow.services import (
    StaleReportError,
    evidence_add,
    evidence_remove,
    period_open,
    period_set_open,
    period_update,
    report_accept,
    report_reopen,
    report_return,
    report_submit,
    report_update,
)
from tasks.models import (
    OUTPUT_KIND_INDICATORS,
    Assignment,
    AssignmentRole,
    Indicator,
    Reporting,
    Role,
    Task,
    Unit,
    UnitKind,
)
from tests.factories import PDF, UnitFactory, UserFactory
from tests.helpers import (
    RESULTS,
    fresh,
    output_values,
    report_in,
    report_save,
    report_snapshot,
    report_take,
    rows,
)

ICT = datetime.timezone(datetime.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving

# Evidence files go to a folder of each test only.
pytestmark = pytest.mark.usefixtures("media_root")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


# A real 1×1 red PNG: signature, IHDR (8-bit RGB), one compressed scan line, IEND.
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + _png_chunk(b"IEND", b"")
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

FIXED_RESULTS = "Đã bổ sung số liệu: 2 hội thảo, 3 tin bài, 150 lượt người tham dự."

# What opening 2026 on Kế hoạch 463 must create: (task number, unit code, role). Each division of
# the department reports as a member of "các phòng, đơn vị thuộc Sở" on tasks 1, 3, 4 and 5 (but on
# the task it leads, only as lead); Ban Tuyên giáo and the Front are named only; other groups too.
EXPECTED_2026 = {
    ("1", "ttkhcn", "lead"),
    ("1", "lhh", "partner"),
    ("1", "qlkh", "partner"),
    ("1", "qlcn", "partner"),
    ("1", "khtc", "partner"),
    ("2", "qlkh", "lead"),
    ("2", "lhh", "partner"),
    ("3", "qlcn", "lead"),
    ("3", "qlkh", "partner"),
    ("3", "khtc", "partner"),
    ("3", "ttkhcn", "partner"),
    ("4", "qlkh", "lead"),
    ("4", "lhh", "partner"),
    ("4", "qlcn", "partner"),
    ("4", "khtc", "partner"),
    ("4", "ttkhcn", "partner"),
    ("5", "qlkh", "lead"),
    ("5", "lhh", "partner"),
    ("5", "qlcn", "partner"),
    ("5", "khtc", "partner"),
    ("5", "ttkhcn", "partner"),
}
OWED_2026 = len(EXPECTED_2026)


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def pdf(name="bien-ban-hoi-thao.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def report_keys(period) -> set:
    return set(period.reports.values_list("task__number", "unit__code", "role"))


@pytest.fixture
def coordinator(plan_463):
    return UserFactory(username="dieuphoi", unit=Unit.objects.get(code="qlkh"), role=Role.COORDINATOR)


# ------------------------------------------------------------------------------
# Opening a period
# ------------------------------------------------------------------------------
def test_opening_2026_creates_one_report_per_task_and_reporting_unit(plan_463, coordinator):
    # Given Kế hoạch 463 loaded and no period yet
    assert not ReportingPeriod.objects.exists()

    # When the coordinator opens 2026
    opened = period_open(plan=plan_463, year=2026, by=coordinator)

    # Then the period exists with the plan's deadline and the default cut-off
    period = opened.period
    assert opened.period_created is True
    assert (period.year, period.deadline) == (2026, datetime.date(2026, 11, 15))
    assert period.cutoff_to == datetime.date(2026, 11, 10)
    assert period.cutoff_from == datetime.date(2025, 11, 11)
    assert period.opened_by == coordinator and period.is_open
    # and the 21 reports owed, no more, each of them once
    assert opened.reports_created == OWED_2026 == 21
    assert TaskReport.objects.count() == OWED_2026
    assert report_keys(period) == EXPECTED_2026
    # and every one is a fresh draft
    assert set(period.reports.values_list("status", flat=True)) == {ReportStatus.DRAFT}


def test_opening_gives_no_report_to_groups_or_retired_district_committees(plan_463, coordinator):
    # Given the district committees are retired on 30/06/2025, and one of them is assigned by name too
    bien_hoa = Unit.objects.get(code="ubnd-bien-hoa")
    assert bien_hoa.valid_to == datetime.date(2025, 6, 30)
    Assignment.objects.create(
        task=Task.objects.get(plan=plan_463, number=3), unit=bien_hoa, role=AssignmentRole.PARTNER
    )

    # When 2026 is opened
    period = period_open(plan=plan_463, year=2026, by=coordinator).period

    # Then no group of bodies, no district committee, no party body or Front owes a report
    kinds = set(period.reports.values_list("unit__kind", flat=True))
    assert not kinds & {UnitKind.GROUP, UnitKind.DISTRICT, UnitKind.PARTY, UnitKind.FRONT}
    assert report_keys(period) == EXPECTED_2026

    # Nor in 2025: it ended on 30/06/2025, before the period's deadline of 15/11/2025
    period_2025 = period_open(plan=plan_463, year=2025, by=coordinator).period
    assert ("3", "ubnd-bien-hoa", "partner") not in report_keys(period_2025)
    # while in 2024 it still existed on the deadline and did owe one
    period_2024 = period_open(plan=plan_463, year=2024, by=coordinator).period
    assert ("3", "ubnd-bien-hoa", "partner") in report_keys(period_2024)


@pytest.mark.parametrize(
    "valid_from, valid_to, reports",
    [
        pytest.param(None, datetime.date(2026, 11, 15), True, id="ends-on-the-deadline"),
        pytest.param(None, datetime.date(2026, 11, 14), False, id="ended-the-day-before-the-deadline"),
        pytest.param(datetime.date(2026, 11, 15), None, True, id="founded-on-the-deadline"),
        pytest.param(datetime.date(2026, 11, 16), None, False, id="founded-the-day-after"),
    ],
)
def test_a_unit_reports_only_in_a_period_it_exists_at_the_deadline(
    plan_463, coordinator, valid_from, valid_to, reports
):
    # Given a unit assigned to task 3 with the given lifetime
    unit = UnitFactory(code="don-vi-moi", valid_from=valid_from, valid_to=valid_to)
    Assignment.objects.create(
        task=Task.objects.get(plan=plan_463, number=3), unit=unit, role=AssignmentRole.PARTNER
    )

    # When 2026 is opened
    period = period_open(plan=plan_463, year=2026, by=coordinator).period

    # Then it owes a report only if it exists on the period's deadline, 15/11/2026
    assert period.reports.filter(unit=unit).exists() is reports
    assert period.reports.count() == OWED_2026 + reports


def test_each_report_keeps_the_unit_name_and_role_of_the_day_it_was_opened(plan_463, coordinator):
    # Given 2026 opened
    period = period_open(plan=plan_463, year=2026, by=coordinator).period

    # Then each report carries the unit's name and role at that time
    for report in period.reports.select_related("unit", "task"):
        # its own assignment, or else its group's when it reports as a member
        assignment = Assignment.objects.filter(
            task=report.task, unit=report.unit
        ).first() or Assignment.objects.filter(task=report.task).get(
            unit__members=report.unit, reporting=Reporting.MEMBERS
        )
        assert report.unit_name == report.unit.name
        assert report.role == assignment.role

    # When the unit is renamed afterwards
    Unit.objects.filter(code="ttkhcn").update(name="Trung tâm Đổi mới sáng tạo")

    # Then its report still shows the name it reported under
    report = TaskReport.objects.get(period=period, unit__code="ttkhcn", task__number=1)
    assert report.unit_name == "Trung tâm Khoa học và Công nghệ"
    assert report.role == AssignmentRole.LEAD


def test_each_report_gets_its_task_deadline(plan_463, coordinator):
    # When 2026 is opened with a deadline later than the plan's 15/11
    period = period_open(
        plan=plan_463,
        year=2026,
        by=coordinator,
        deadline=datetime.date(2026, 11, 30),
    ).period

    # Then the tasks the plan gives no date of their own (1, 3, 5, and 4, "Hàng năm") are judged at
    # the period's deadline, and the fixed task 2 keeps 31/03/2024
    deadlines = {
        (number, code): deadline
        for number, code, deadline in period.reports.values_list("task__number", "unit__code", "deadline")
    }
    for (number, code), deadline in deadlines.items():
        expected = {
            "1": datetime.date(2026, 11, 30),
            "2": datetime.date(2024, 3, 31),
            "3": datetime.date(2026, 11, 30),
            "4": datetime.date(2026, 11, 30),
            "5": datetime.date(2026, 11, 30),
        }[number]
        assert deadline == expected, (number, code)


def test_opening_records_one_opened_event_per_report(plan_463, coordinator):
    # When 2026 is opened
    period = period_open(plan=plan_463, year=2026, by=coordinator).period

    # Then each report has exactly one event: opened, by the coordinator
    for report in period.reports.all():
        events = list(report.events.values_list("kind", "actor_id", "actor_name", "comment"))
        assert events == [(EventKind.OPENED, coordinator.pk, coordinator.get_full_name(), "")]
    assert ReportEvent.objects.count() == OWED_2026


def test_opening_twice_creates_nothing_and_changes_nothing(plan_463, coordinator):
    # Given 2026 opened, and one report already drafted by its unit
    period = period_open(plan=plan_463, year=2026, by=coordinator).period
    staff = UserFactory(unit=Unit.objects.get(code="ttkhcn"), role=Role.STAFF)
    report = TaskReport.objects.get(period=period, unit__code="ttkhcn", task__number=1)
    report_save(report, staff)
    before_period = ReportingPeriod.objects.filter(pk=period.pk).values().get()
    before = [report_snapshot(r) for r in TaskReport.objects.order_by("pk")]

    # When it is opened again, even with another deadline
    again = period_open(plan=plan_463, year=2026, by=coordinator, deadline=datetime.date(2026, 12, 15))

    # Then it says so, creates nothing and changes nothing
    assert again.period_created is False
    assert again.reports_created == 0
    assert again.period.pk == period.pk
    assert ReportingPeriod.objects.count() == 1
    assert ReportingPeriod.objects.filter(pk=period.pk).values().get() == before_period
    assert [report_snapshot(r) for r in TaskReport.objects.order_by("pk")] == before
    assert fresh(report).results == RESULTS


def test_a_unit_assigned_after_the_first_opening_gets_its_report_on_the_second(plan_463, coordinator):
    # Given 2026 opened
    period = period_open(plan=plan_463, year=2026, by=coordinator).period
    before = [report_snapshot(r) for r in TaskReport.objects.order_by("pk")]

    # When the Liên hiệp các Hội is made a partner of task 3, and the period opened again
    lhh = Unit.objects.get(code="lhh")
    Assignment.objects.create(
        task=Task.objects.get(plan=plan_463, number=3), unit=lhh, role=AssignmentRole.PARTNER
    )
    again = period_open(plan=plan_463, year=2026, by=coordinator)

    # Then exactly its report is added, with its opened event, and the others are untouched
    assert (again.period_created, again.reports_created) == (False, 1)
    new = TaskReport.objects.get(period=period, unit=lhh, task__number="3")
    assert (new.task.number, new.role, new.unit_name, new.status) == (
        "3",
        AssignmentRole.PARTNER,
        "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai",
        ReportStatus.DRAFT,
    )
    assert new.deadline == period.deadline
    assert list(new.events.values_list("kind", flat=True)) == [EventKind.OPENED]
    assert [report_snapshot(r) for r in TaskReport.objects.exclude(pk=new.pk).order_by("pk")] == before


@pytest.fixture
def year_2025_with_task_2(plan_463, coordinator):
    """2025 opened; returns a function taking qlkh's task-2 report through to the given end."""
    period = period_open(plan=plan_463, year=2025, by=coordinator).period
    head = UserFactory(unit=Unit.objects.get(code="qlkh"), role=Role.HEAD)
    leadership = UserFactory(unit=Unit.objects.get(code="ban-giam-doc"), role=Role.LEADERSHIP)
    report = TaskReport.objects.get(period=period, unit__code="qlkh", task__number=2)

    def take(completion, accept):
        data = {"completed_on": datetime.date(2024, 3, 20)} if completion == Completion.DONE else {}
        return report_take(
            report,
            "accepted" if accept else "submitted",
            staff=head,
            head=head,
            reviewer=leadership,
            completion=completion,
            **data,
        )

    return take


def test_a_fixed_task_accepted_as_done_is_not_asked_again_the_next_year(
    plan_463, coordinator, year_2025_with_task_2
):
    # Given qlkh's report on the fixed-date task 2 accepted as done in 2025 (lhh's was not)
    done = year_2025_with_task_2(Completion.DONE, accept=True)
    assert (done.status, done.completion) == (ReportStatus.ACCEPTED, Completion.DONE)

    # When 2026 is opened
    opened = period_open(plan=plan_463, year=2026, by=coordinator)

    # Then qlkh is not asked about task 2 again; lhh still is
    assert opened.reports_created == OWED_2026 - 1
    assert report_keys(opened.period) == EXPECTED_2026 - {("2", "qlkh", "lead")}


@pytest.mark.parametrize(
    "completion, accept",
    [
        pytest.param(Completion.DONE, False, id="done-but-only-submitted"),
        pytest.param(Completion.IN_PROGRESS, True, id="accepted-but-in-progress"),
    ],
)
def test_a_fixed_task_not_accepted_as_done_is_asked_again(
    plan_463, coordinator, year_2025_with_task_2, completion, accept
):
    # Given qlkh's 2025 report on task 2 either done but not accepted, or accepted but not done
    year_2025_with_task_2(completion, accept=accept)

    # When 2026 is opened
    opened = period_open(plan=plan_463, year=2026, by=coordinator)

    # Then qlkh still owes a report on task 2
    assert opened.reports_created == OWED_2026
    assert ("2", "qlkh", "lead") in report_keys(opened.period)


@pytest.mark.parametrize(
    "role, unit_code, extra",
    [
        pytest.param(Role.STAFF, "qlkh", {}, id="staff"),
        pytest.param(Role.HEAD, "qlkh", {}, id="unit-head"),
        pytest.param(Role.LEADERSHIP, "ban-giam-doc", {}, id="leadership"),
        pytest.param(Role.FINANCE, "khtc", {}, id="finance"),
        pytest.param(Role.STAFF, "qlkh", {"is_staff": True}, id="admin-site-access-only"),
        pytest.param(Role.COORDINATOR, "qlkh", {"is_active": False}, id="deactivated-coordinator"),
    ],
)
def test_only_a_coordinator_may_open_a_period(plan_463, role, unit_code, extra):
    # Given a user who is not an active coordinator nor an administrator
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    user = UserFactory(unit=unit, role=role, **extra)

    # When they try to open 2026, then they are refused and nothing is created
    with pytest.raises(PermissionDenied):
        period_open(plan=plan_463, year=2026, by=user)
    assert not ReportingPeriod.objects.exists()
    assert not TaskReport.objects.exists()
    assert not ReportEvent.objects.exists()


@pytest.mark.parametrize("superuser", [True, False], ids=["superuser", "admin-role"])
def test_an_administrator_may_open_a_period(plan_463, superuser):
    # Given an administrator of no unit: a superuser, or the role Quản trị hệ thống (one meaning of admin)
    user = UserFactory(username="quantri", unit=None, role=Role.ADMIN, is_staff=True, is_superuser=superuser)

    # When they open 2026, then the reports are created and the events name them
    opened = period_open(plan=plan_463, year=2026, by=user)
    assert opened.reports_created == OWED_2026
    assert set(ReportEvent.objects.values_list("actor_id", flat=True)) == {user.pk}


@pytest.mark.parametrize(
    "deadline, cutoff_to",
    [
        # Friday 13 → Monday 16: only a weekend between
        pytest.param(datetime.date(2026, 11, 16), datetime.date(2026, 11, 13), id="only-a-weekend-between"),
        # Monday 16 → Tuesday 17: no day between
        pytest.param(datetime.date(2026, 11, 17), datetime.date(2026, 11, 16), id="the-day-before"),
        pytest.param(datetime.date(2026, 11, 17), datetime.date(2026, 11, 17), id="the-deadline-itself"),
        pytest.param(datetime.date(2026, 11, 17), datetime.date(2026, 11, 20), id="after-the-deadline"),
    ],
)
def test_a_cutoff_without_a_working_day_before_the_deadline_is_refused(
    plan_463, coordinator, deadline, cutoff_to
):
    # Given 2026 opened
    period = period_open(plan=plan_463, year=2026, by=coordinator).period
    before = rows(ReportingPeriod, TaskReport, ReportEvent)

    # When the coordinator corrects it with a cut-off leaving no working day before the deadline
    with pytest.raises(ValidationError) as raised:
        period_update(period=period, by=coordinator, deadline=deadline, cutoff_to=cutoff_to)

    # Then it is refused, with a Vietnamese reason, and nothing changes
    assert any("ngày" in message for message in raised.value.messages)
    assert rows(ReportingPeriod, TaskReport, ReportEvent) == before


def test_a_cutoff_with_one_working_day_before_the_deadline_is_accepted(plan_463, coordinator):
    period = period_open(plan=plan_463, year=2026, by=coordinator).period
    # Monday 16 → Wednesday 18: Tuesday 17 between
    period = period_update(
        period=period,
        by=coordinator,
        deadline=datetime.date(2026, 11, 18),
        cutoff_to=datetime.date(2026, 11, 16),
    )
    assert (period.cutoff_to, period.deadline) == (datetime.date(2026, 11, 16), datetime.date(2026, 11, 18))


def test_an_ended_plan_gets_no_new_period(plan_463, coordinator):
    # Given the plan has ended
    plan_463.status = "ended"
    plan_463.save()

    # When the coordinator opens 2026, then it is refused in Vietnamese and nothing is created
    with pytest.raises(ValidationError) as raised:
        period_open(plan=plan_463, year=2026, by=coordinator)
    assert "đã kết thúc" in raised.value.messages[0]
    assert not ReportingPeriod.objects.exists()
    assert not TaskReport.objects.exists()


def test_a_year_before_the_plan_was_issued_is_refused(plan_463, coordinator):
    with pytest.raises(ValidationError) as raised:
        period_open(plan=plan_463, year=plan_463.issued_year - 1, by=coordinator)
    assert "ban hành năm" in raised.value.messages[0]
    assert not ReportingPeriod.objects.exists()


def test_a_yearly_report_may_be_due_in_the_next_year(plan_463, coordinator):
    # A deadline of 15/01/2027 for the 2026 report: the data still ends with the window
    opened = period_open(plan=plan_463, year=2026, by=coordinator, deadline=datetime.date(2027, 1, 15))
    assert (opened.period.deadline, opened.period.cutoff_to) == (
        datetime.date(2027, 1, 15),
        datetime.date(2026, 11, 10),
    )
    assert opened.reports_created == OWED_2026


def test_a_deadline_before_the_window_starts_is_refused(plan_463, coordinator):
    period = period_open(plan=plan_463, year=2026, by=coordinator).period
    before = rows(ReportingPeriod, TaskReport)
    with pytest.raises(ValidationError) as raised:
        period_update(period=period, by=coordinator, deadline=datetime.date(2025, 11, 1))
    assert any("không được trước ngày bắt đầu" in message for message in raised.value.messages)
    assert rows(ReportingPeriod, TaskReport) == before


# ------------------------------------------------------------------------------
# The full round
# ------------------------------------------------------------------------------
def test_full_round_draft_submit_return_fix_resubmit_accept(before_deadline, world, time_machine):
    report = world.report("ttkhcn", 1)
    assert (report.status, report.version) == (ReportStatus.DRAFT, 1)

    # Given the staff drafts the report
    report_update(
        report=report,
        by=world.ttkhcn_staff,
        version=1,
        data={"results": RESULTS, "completion": Completion.IN_PROGRESS, "progress": 60},
        values=output_values(world, {"events": 2}),
    )
    report = fresh(report)
    assert (report.status, report.version, report.results, report.updated_by) == (
        ReportStatus.DRAFT,
        2,
        RESULTS,
        world.ttkhcn_staff,
    )

    # When the head submits it
    report_submit(report=report, by=world.ttkhcn_head)
    report = fresh(report)
    first_submission = report.submitted_at
    assert report.status == ReportStatus.SUBMITTED
    assert first_submission is not None

    # and the coordinator returns it with a comment
    time_machine.move_to(datetime.datetime(2026, 10, 22, 9, 0, tzinfo=ICT), tick=False)
    report_return(report=report, by=world.coordinator, comment="  Thiếu số tin, bài tuyên truyền.  ")
    report = fresh(report)
    assert report.status == ReportStatus.RETURNED

    # and the staff fixes it
    report_update(
        report=report,
        by=world.ttkhcn_staff,
        version=2,
        data={"results": FIXED_RESULTS},
        values=output_values(world, {"events": 2, "articles": 3}),
    )
    report = fresh(report)
    assert (report.status, report.version, report.results) == (ReportStatus.RETURNED, 3, FIXED_RESULTS)
    assert report.progress == 60  # what the staff did not send is kept

    # and the head sends it again
    time_machine.move_to(datetime.datetime(2026, 10, 23, 9, 0, tzinfo=ICT), tick=False)
    report_submit(report=report, by=world.ttkhcn_head, comment="Đã bổ sung.")
    report = fresh(report)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at == first_submission  # first submission kept
    assert report.last_submitted_at > first_submission

    # and the coordinator accepts it
    report_accept(report=report, by=world.coordinator)
    report = fresh(report)

    # Then it is accepted, and its history tells the whole round in order
    assert report.status == ReportStatus.ACCEPTED
    assert report.accepted_at is not None
    assert not report.is_late
    events = list(
        report.events.order_by("created_at", "pk").values_list("kind", "actor_id", "actor_name", "comment")
    )
    assert events == [
        (EventKind.OPENED, world.coordinator.pk, world.coordinator.get_full_name(), ""),
        (EventKind.SAVED, world.ttkhcn_staff.pk, world.ttkhcn_staff.get_full_name(), ""),
        (EventKind.SUBMITTED, world.ttkhcn_head.pk, world.ttkhcn_head.get_full_name(), ""),
        (
            EventKind.RETURNED,
            world.coordinator.pk,
            world.coordinator.get_full_name(),
            "Thiếu số tin, bài tuyên truyền.",
        ),
        (EventKind.SAVED, world.ttkhcn_staff.pk, world.ttkhcn_staff.get_full_name(), ""),
        (EventKind.SUBMITTED, world.ttkhcn_head.pk, world.ttkhcn_head.get_full_name(), "Đã bổ sung."),
        (EventKind.ACCEPTED, world.coordinator.pk, world.coordinator.get_full_name(), ""),
    ]
    assert _values_of(report) == [(EVENTS, 2), (ARTICLES, 3)]


def test_the_leadership_accepts_the_coordinating_units_own_report(before_deadline, world):
    # Given qlkh's own report on task 2, submitted by its head
    report = report_in(world, "submitted", "qlkh", 2)

    # When the department's leadership accepts it
    report_accept(report=report, by=world.leadership, comment="Đồng ý.")

    # Then it is accepted, by the leadership
    report = fresh(report)
    assert report.status == ReportStatus.ACCEPTED
    assert list(report.events.values_list("kind", "actor_id", "comment"))[-1] == (
        EventKind.ACCEPTED,
        world.leadership.pk,
        "Đồng ý.",
    )


def test_reopening_an_accepted_report_lets_the_unit_edit_again(before_deadline, world):
    # Given an accepted report
    report = report_in(world, "accepted")

    # When the coordinator reopens it with a comment
    report_reopen(report=report, by=world.coordinator, comment="Cần cập nhật số liệu tháng 10.")

    # Then it is back with the unit, no longer accepted, and the staff may save it
    report = fresh(report)
    assert (report.status, report.accepted_at) == (ReportStatus.RETURNED, None)
    assert list(report.events.values_list("kind", "comment"))[-1] == (
        EventKind.REOPENED,
        "Cần cập nhật số liệu tháng 10.",
    )
    report_save(report, world.ttkhcn_staff, results=FIXED_RESULTS)
    assert fresh(report).results == FIXED_RESULTS


# ------------------------------------------------------------------------------
# Refused transitions: each raises and changes nothing
# ------------------------------------------------------------------------------
def in_state(status):
    """A case's `given`: its report brought to `status` through the services."""
    return lambda world, unit, task: report_in(world, status, unit, task)


def _close(world):
    period_set_open(period=world.period, is_open=False, by=world.coordinator)


def _add_evidence(world, report):
    evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf())


REFUSALS = [
    # id, unit, task, given (state maker), when (action), expected error
    (
        "staff-submits",
        "ttkhcn",
        1,
        in_state("draft"),
        lambda w, r: report_submit(report=r, by=w.ttkhcn_staff),
        PermissionDenied,
    ),
    (
        "submitting-an-empty-report",
        "ttkhcn",
        1,
        lambda w, u, t: w.report(u, t),
        lambda w, r: report_submit(report=r, by=w.ttkhcn_head),
        ValidationError,
    ),
    (
        "submitting-blank-results",
        "ttkhcn",
        1,
        lambda w, u, t: (report_save(w.report(u, t), w.ttkhcn_staff, results="  \n\t "), w.report(u, t))[1],
        lambda w, r: report_submit(report=r, by=w.ttkhcn_head),
        ValidationError,
    ),
    (
        "another-units-head-submits",
        "ttkhcn",
        1,
        in_state("draft"),
        lambda w, r: report_submit(report=r, by=w.qlcn_head),
        PermissionDenied,
    ),
    (
        "submitting-twice",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_submit(report=r, by=w.ttkhcn_head),
        PermissionDenied,
    ),
    (
        "coordinator-accepts-its-own-units-report",
        "qlkh",
        2,
        in_state("submitted"),
        lambda w, r: report_accept(report=r, by=w.coordinator),
        PermissionDenied,
    ),
    (
        "coordinator-returns-its-own-units-report",
        "qlkh",
        2,
        in_state("submitted"),
        lambda w, r: report_return(report=r, by=w.coordinator, comment="Tự duyệt."),
        PermissionDenied,
    ),
    (
        "leadership-accepts-another-units-report",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_accept(report=r, by=w.leadership),
        PermissionDenied,
    ),
    (
        "head-accepts-own-report",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_accept(report=r, by=w.ttkhcn_head),
        PermissionDenied,
    ),
    (
        "finance-accepts",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_accept(report=r, by=w.finance),
        PermissionDenied,
    ),
    (
        "accepting-a-draft",
        "ttkhcn",
        1,
        in_state("draft"),
        lambda w, r: report_accept(report=r, by=w.coordinator),
        PermissionDenied,
    ),
    (
        "returning-a-draft",
        "ttkhcn",
        1,
        in_state("draft"),
        lambda w, r: report_return(report=r, by=w.coordinator, comment="Chưa gửi."),
        PermissionDenied,
    ),
    (
        "accepting-twice",
        "ttkhcn",
        1,
        in_state("accepted"),
        lambda w, r: report_accept(report=r, by=w.coordinator),
        PermissionDenied,
    ),
    (
        "returning-without-a-comment",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_return(report=r, by=w.coordinator, comment=""),
        ValidationError,
    ),
    (
        "returning-with-a-blank-comment",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_return(report=r, by=w.coordinator, comment=" \n "),
        ValidationError,
    ),
    (
        "editing-after-acceptance",
        "ttkhcn",
        1,
        in_state("accepted"),
        lambda w, r: report_save(r, w.ttkhcn_staff, results=FIXED_RESULTS),
        PermissionDenied,
    ),
    (
        "editing-while-submitted",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_save(r, w.ttkhcn_staff, results=FIXED_RESULTS),
        PermissionDenied,
    ),
    ("adding-a-file-after-acceptance", "ttkhcn", 1, in_state("accepted"), _add_evidence, PermissionDenied),
    (
        "reopening-without-a-comment",
        "ttkhcn",
        1,
        in_state("accepted"),
        lambda w, r: report_reopen(report=r, by=w.coordinator, comment=""),
        ValidationError,
    ),
    (
        "reopening-by-the-unit-head",
        "ttkhcn",
        1,
        in_state("accepted"),
        lambda w, r: report_reopen(report=r, by=w.ttkhcn_head, comment="Xin sửa lại."),
        PermissionDenied,
    ),
    (
        "reopening-by-finance",
        "ttkhcn",
        1,
        in_state("accepted"),
        lambda w, r: report_reopen(report=r, by=w.finance, comment="Xin sửa lại."),
        PermissionDenied,
    ),
    (
        "reopening-by-the-coordinator-its-own-units-report",
        "qlkh",
        2,
        in_state("accepted"),
        lambda w, r: report_reopen(report=r, by=w.coordinator, comment="Sửa lại."),
        PermissionDenied,
    ),
    (
        "reopening-a-submitted-report",
        "ttkhcn",
        1,
        in_state("submitted"),
        lambda w, r: report_reopen(report=r, by=w.coordinator, comment="Sửa lại."),
        PermissionDenied,
    ),
    (
        "another-unit-edits",
        "ttkhcn",
        1,
        in_state("draft"),
        lambda w, r: report_save(r, w.qlcn_staff, results="Không phải việc của tôi."),
        PermissionDenied,
    ),
    (
        "coordinator-edits",
        "ttkhcn",
        1,
        in_state("draft"),
        lambda w, r: report_save(r, w.coordinator, results="Điều phối viết hộ."),
        PermissionDenied,
    ),
    # The period closed: nobody may change anything any more
    (
        "closed-period-save",
        "ttkhcn",
        1,
        lambda w, u, t: (report_in(w, "draft", u, t), _close(w))[0],
        lambda w, r: report_save(r, w.ttkhcn_staff, results=FIXED_RESULTS),
        PermissionDenied,
    ),
    (
        "closed-period-submit",
        "ttkhcn",
        1,
        lambda w, u, t: (report_in(w, "draft", u, t), _close(w))[0],
        lambda w, r: report_submit(report=r, by=w.ttkhcn_head),
        PermissionDenied,
    ),
    (
        "closed-period-accept",
        "ttkhcn",
        1,
        lambda w, u, t: (report_in(w, "submitted", u, t), _close(w))[0],
        lambda w, r: report_accept(report=r, by=w.coordinator),
        PermissionDenied,
    ),
    (
        "closed-period-return",
        "ttkhcn",
        1,
        lambda w, u, t: (report_in(w, "submitted", u, t), _close(w))[0],
        lambda w, r: report_return(report=r, by=w.coordinator, comment="Trả lại."),
        PermissionDenied,
    ),
    (
        "closed-period-reopen",
        "ttkhcn",
        1,
        lambda w, u, t: (report_in(w, "accepted", u, t), _close(w))[0],
        lambda w, r: report_reopen(report=r, by=w.coordinator, comment="Mở lại."),
        PermissionDenied,
    ),
    (
        "closed-period-add-file",
        "ttkhcn",
        1,
        lambda w, u, t: (report_in(w, "draft", u, t), _close(w))[0],
        _add_evidence,
        PermissionDenied,
    ),
    (
        "closed-period-remove-file",
        "ttkhcn",
        1,
        lambda w, u, t: (_add_evidence(w, w.report(u, t)), _close(w), w.report(u, t))[2],
        lambda w, r: evidence_remove(evidence=r.evidence.get(), by=w.ttkhcn_staff),
        PermissionDenied,
    ),
]


@pytest.mark.parametrize(
    "unit, task, given, when, error",
    [pytest.param(*case[1:], id=case[0]) for case in REFUSALS],
)
def test_a_refused_transition_raises_and_changes_nothing(
    before_deadline, world, media_root, unit, task, given, when, error
):
    # Given the report in the state the case needs
    report = fresh(given(world, unit, task))
    before = report_snapshot(report)
    files_before = files_in(media_root)

    # When the refused action is tried, then it raises
    with pytest.raises(error) as raised:
        when(world, report)

    # with a reason in Vietnamese
    message = raised.value.messages[0] if isinstance(raised.value, ValidationError) else str(raised.value)
    assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵêềếệểễđìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ]", message, re.I), (
        message
    )
    # and nothing changed: not the status, the content, the version, the events or the files
    assert report_snapshot(report) == before
    assert files_in(media_root) == files_before


# ------------------------------------------------------------------------------
# The stale second save
# ------------------------------------------------------------------------------
def test_a_second_save_from_a_stale_version_is_refused_and_overwrites_nothing(before_deadline, world):
    # Given the staff and the head both open the report at version 1
    seen_by_staff = world.report("ttkhcn", 1)
    seen_by_head = world.report("ttkhcn", 1)
    assert seen_by_staff.version == seen_by_head.version == 1

    # When the staff saves first
    report_update(
        report=seen_by_staff,
        by=world.ttkhcn_staff,
        version=seen_by_staff.version,
        data={"results": RESULTS, "completion": Completion.IN_PROGRESS, "progress": 40},
        values=output_values(world, {"events": 2}),
    )

    # and the head then saves from the version they opened
    with pytest.raises(StaleReportError) as raised:
        report_update(
            report=seen_by_head,
            by=world.ttkhcn_head,
            version=seen_by_head.version,
            data={"results": "Bản của giám đốc.", "completion": Completion.NOT_STARTED, "progress": 0},
            values=output_values(world, {"events": None, "articles": 9}),
        )

    # Then the head is told to reload, and the staff's content is intact
    assert "người khác lưu" in raised.value.messages[0]
    stored = fresh(seen_by_staff)
    assert (stored.results, stored.completion, stored.progress, stored.version, stored.updated_by) == (
        RESULTS,
        Completion.IN_PROGRESS,
        40,
        2,
        world.ttkhcn_staff,
    )
    assert _values_of(stored) == [(EVENTS, 2)]
    assert list(stored.events.filter(kind=EventKind.SAVED).values_list("actor_id", flat=True)) == [
        world.ttkhcn_staff.pk
    ]

    # and, reloading, the head may save on top of it
    report_update(
        report=stored,
        by=world.ttkhcn_head,
        version=stored.version,
        data={"results": "Bản của giám đốc."},
        values={},
    )
    assert (fresh(stored).results, fresh(stored).version) == ("Bản của giám đốc.", 3)


# ------------------------------------------------------------------------------
# Late submission
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "moment, late",
    [
        pytest.param(datetime.datetime(2026, 10, 20, 9, 0, tzinfo=ICT), False, id="october"),
        pytest.param(
            datetime.datetime(2026, 11, 15, 23, 59, tzinfo=ICT), False, id="last-minute-of-15-november"
        ),
        # 00:01 on 16/11 in Đồng Nai is still 15/11 in UTC
        pytest.param(
            datetime.datetime(2026, 11, 16, 0, 1, tzinfo=ICT), True, id="first-minute-of-16-november"
        ),
        pytest.param(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=ICT), True, id="five-days-late"),
    ],
)
def test_submission_after_the_deadline_is_allowed_and_marked_late(world, time_machine, moment, late):
    # Given a drafted report, and the clock at the given moment
    time_machine.move_to(moment, tick=False)
    report = report_in(world, "draft")

    # When the head submits it
    report_submit(report=report, by=world.ttkhcn_head)

    # Then it is submitted, and late exactly when sent after 15/11/2026 (Vietnam time)
    report = fresh(report)
    assert report.status == ReportStatus.SUBMITTED
    assert report.is_late is late
    event = report.events.get(kind=EventKind.SUBMITTED)
    assert event.late is late


def test_a_report_first_sent_on_time_stays_on_time_when_resent_late(world, time_machine):
    # Given a report sent on time, then returned
    time_machine.move_to(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=ICT), tick=False)
    report = report_in(world, "submitted")
    report_return(report=report, by=world.coordinator, comment="Bổ sung số liệu.")

    # When it is sent again after the deadline
    time_machine.move_to(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=ICT), tick=False)
    report_submit(report=report, by=world.ttkhcn_head)

    # Then the report counts as on time, and the second sending is marked late
    report = fresh(report)
    assert report.is_late is False
    assert list(report.events.filter(kind=EventKind.SUBMITTED).values_list("late", flat=True)) == [
        False,
        True,
    ]


# ------------------------------------------------------------------------------
# The rules of a report's content
# ------------------------------------------------------------------------------
def test_done_without_a_completion_date_is_refused(before_deadline, world):
    report = world.report("ttkhcn", 1)
    before = report_snapshot(report)

    with pytest.raises(ValidationError) as raised:
        report_update(
            report=report,
            by=world.ttkhcn_staff,
            version=1,
            data={"results": RESULTS, "completion": Completion.DONE, "completed_on": None, "progress": 100},
            values=output_values(world, {"events": 1}),
        )

    assert "ngày hoàn thành" in " ".join(raised.value.messages)
    assert report_snapshot(report) == before


def test_done_forces_progress_to_100(before_deadline, world):
    report = world.report("ttkhcn", 1)

    report_save(
        report,
        world.ttkhcn_staff,
        completion=Completion.DONE,
        progress=30,
        completed_on=datetime.date(2026, 9, 30),
    )

    report = fresh(report)
    assert (report.completion, report.progress, report.completed_on) == (
        Completion.DONE,
        100,
        datetime.date(2026, 9, 30),
    )


def test_not_started_forces_progress_to_0_and_clears_the_completion_date(before_deadline, world):
    # Given a report marked done on 30/09/2026
    report = world.report("ttkhcn", 1)
    report_save(
        report, world.ttkhcn_staff, completion=Completion.DONE, completed_on=datetime.date(2026, 9, 30)
    )

    # When it is changed to not started, with a progress and a date still sent
    report_save(
        report,
        world.ttkhcn_staff,
        completion=Completion.NOT_STARTED,
        progress=50,
        completed_on=datetime.date(2026, 9, 30),
    )

    # Then its progress is 0 and it has no completion date
    report = fresh(report)
    assert (report.completion, report.progress, report.completed_on) == (Completion.NOT_STARTED, 0, None)


def test_in_progress_keeps_its_progress_and_has_no_completion_date(before_deadline, world):
    report = world.report("ttkhcn", 1)
    report_save(
        report, world.ttkhcn_staff, completion=Completion.DONE, completed_on=datetime.date(2026, 9, 30)
    )

    report_save(report, world.ttkhcn_staff, completion=Completion.IN_PROGRESS, progress=70)

    report = fresh(report)
    assert (report.completion, report.progress, report.completed_on) == (Completion.IN_PROGRESS, 70, None)


def test_progress_over_100_is_refused(before_deadline, world):
    report = world.report("ttkhcn", 1)
    before = report_snapshot(report)

    with pytest.raises(ValidationError):
        report_save(report, world.ttkhcn_staff, progress=150)

    assert report_snapshot(report) == before


def _values_of(report):
    return list(
        IndicatorValue.objects.filter(report=report)
        .order_by("indicator__order")
        .values_list("indicator__name", "value")
    )


EVENTS, ARTICLES, PARTICIPANTS = (
    OUTPUT_KIND_INDICATORS[kind][0] for kind in ("events", "articles", "participants")
)


def test_indicator_values_are_created_updated_and_deleted(before_deadline, world):
    report = world.report("ttkhcn", 1)

    # When the staff reports 2 events and 5 articles
    report_save(report, world.ttkhcn_staff, outputs={"events": 2, "articles": 5})
    assert _values_of(report) == [(EVENTS, 2), (ARTICLES, 5)]
    events_row = IndicatorValue.objects.get(report=report, indicator__name=EVENTS)

    # and then 3 events, no articles, and leaves participants out
    report_save(report, world.ttkhcn_staff, outputs={"events": 3, "articles": None})

    # Then the events row is updated in place, the articles row is gone, nothing else appears
    assert list(IndicatorValue.objects.filter(report=report).values_list("pk", "value")) == [
        (events_row.pk, 3)
    ]

    # and a value not sent at all is left as it was
    report_save(report, world.ttkhcn_staff, outputs={"participants": 150})
    assert _values_of(report) == [(EVENTS, 3), (PARTICIPANTS, 150)]


def test_an_indicator_of_another_task_is_refused(before_deadline, world):
    # Given task 1 (events, articles, participants), its report already holding 2 events
    report = world.report("ttkhcn", 1)
    report_save(report, world.ttkhcn_staff, outputs={"events": 2})
    before = report_snapshot(report)
    orders_of_task_4 = Indicator.objects.get(
        task__plan=world.plan, task__number="4", name__startswith="Nhiệm vụ đặt"
    )

    # When a value of task 4's indicator is sent along with a change
    with pytest.raises(ValidationError) as raised:
        report_save(
            report,
            world.ttkhcn_staff,
            results=FIXED_RESULTS,
            outputs={"events": 5},
            values={orders_of_task_4.pk: 1},
        )

    # Then the whole save is refused, in words, and nothing changed
    assert "không thuộc nhiệm vụ" in raised.value.messages[0]
    assert report_snapshot(report) == before


@pytest.mark.parametrize("quantity", [pytest.param(-1, id="minus-1"), pytest.param(-1000, id="minus-1000")])
def test_a_negative_output_quantity_is_refused_as_invalid_and_changes_nothing(
    before_deadline, world, quantity
):
    # Given a report holding 2 events
    report = world.report("ttkhcn", 1)
    report_save(report, world.ttkhcn_staff, outputs={"events": 2})
    before = report_snapshot(report)

    # When a save sends a negative number of events (as an import, the admin or a script could)
    try:
        report_save(report, world.ttkhcn_staff, results=FIXED_RESULTS, outputs={"events": quantity})
    except Exception as error:  # noqa: BLE001 - the kind of error is what is checked
        raised = error
    else:
        raised = None

    # Then nothing changed, and the refusal is a validation error the caller can show, not a
    # database crash
    assert report_snapshot(report) == before
    assert isinstance(raised, ValidationError), repr(raised)


# ------------------------------------------------------------------------------
# Evidence files
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, content, content_type",
    [
        pytest.param("Biên bản hội thảo.pdf", PDF, "application/pdf", id="pdf"),
        pytest.param("anh-hoi-thao.PNG", PNG, "image/png", id="png"),
    ],
)
def test_a_real_pdf_or_png_is_accepted(before_deadline, world, media_root, name, content, content_type):
    report = world.report("ttkhcn", 1)

    # When the staff attaches it
    evidence = evidence_add(report=report, by=world.ttkhcn_staff, upload=SimpleUploadedFile(name, content))

    # Then it is kept, with its name, type and size, the bytes stored as sent
    evidence = Evidence.objects.get(pk=evidence.pk)
    assert (
        evidence.report_id,
        evidence.original_name,
        evidence.content_type,
        evidence.size,
        evidence.uploaded_by,
    ) == (
        report.pk,
        name,
        content_type,
        len(content),
        world.ttkhcn_staff,
    )
    stored = media_root / evidence.file.name
    assert stored.read_bytes() == content
    # and the event names the file
    assert list(report.events.values_list("kind", "actor_id", "comment"))[-1] == (
        EventKind.FILE_ADDED,
        world.ttkhcn_staff.pk,
        name,
    )


def test_the_stored_file_name_is_random_and_hides_the_original_name(before_deadline, world, media_root):
    report = world.report("ttkhcn", 1)

    first = evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf("bao-cao-mat.pdf"))
    second = evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf("bao-cao-mat.pdf"))

    for evidence in (first, second):
        assert re.fullmatch(r"minh-chung/2026/[0-9a-f]{32}", evidence.file.name), evidence.file.name
        assert "bao-cao" not in evidence.file.name and ".pdf" not in evidence.file.name
    assert first.file.name != second.file.name
    on_disk = [p.relative_to(media_root).as_posix() for p in files_in(media_root)]
    assert sorted(on_disk) == sorted([first.file.name, second.file.name])
    assert not any("bao-cao" in name for name in on_disk)


def test_a_file_name_with_a_path_is_kept_without_its_slashes(before_deadline, world, media_root):
    report = world.report("ttkhcn", 1)

    evidence = evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf("../../etc/bien-ban.pdf"))

    assert "/" not in evidence.original_name
    assert files_in(media_root) == [media_root / evidence.file.name]
    assert (media_root / evidence.file.name).resolve().is_relative_to(media_root.resolve())


@pytest.mark.parametrize(
    "name, content",
    [
        pytest.param(
            "cai-dat.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, id="exe"
        ),
        pytest.param("trang.html", HTML, id="html"),
        pytest.param("trang.htm", HTML, id="htm"),
        pytest.param("hinh.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', id="svg"),
        pytest.param("khong-duoi", PDF, id="no-extension"),
        pytest.param("bien-ban.pdf", HTML, id="html-bytes-named-pdf"),
        pytest.param("anh.png", PDF, id="pdf-bytes-named-png"),
        pytest.param("bang.docx", PDF, id="pdf-bytes-named-docx"),
        pytest.param("trang.pdf.html", PDF, id="double-extension-ending-html"),
    ],
)
def test_a_file_of_a_refused_type_or_a_lying_extension_is_refused(
    before_deadline, world, media_root, name, content
):
    report = world.report("ttkhcn", 1)
    before = report_snapshot(report)

    with pytest.raises(ValidationError) as raised:
        evidence_add(report=report, by=world.ttkhcn_staff, upload=SimpleUploadedFile(name, content))

    assert name in raised.value.messages[0]
    assert report_snapshot(report) == before
    assert files_in(media_root) == []


def test_a_file_over_the_size_limit_is_refused(before_deadline, world, media_root, settings):
    # Given the limit lowered to the size of our PDF
    settings.UPLOAD_MAX_BYTES = len(PDF)
    report = world.report("ttkhcn", 1)
    before = report_snapshot(report)

    # When a PDF one byte over the limit is attached, then it is refused and nothing is kept
    with pytest.raises(ValidationError) as raised:
        evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf(content=PDF + b"\n"))
    assert "vượt giới hạn" in raised.value.messages[0]
    assert report_snapshot(report) == before
    assert files_in(media_root) == []

    # But a PDF exactly at the limit is accepted
    evidence = evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf(content=PDF))
    assert evidence.size == settings.UPLOAD_MAX_BYTES


def test_removing_evidence_deletes_the_row_and_the_file_and_records_an_event(
    before_deadline, world, media_root, django_capture_on_commit_callbacks
):
    # Given a file attached by the staff
    report = world.report("ttkhcn", 1)
    evidence = evidence_add(report=report, by=world.ttkhcn_staff, upload=pdf("Danh sách đại biểu.pdf"))
    stored = media_root / evidence.file.name
    assert stored.exists()

    # When the head removes it
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=Evidence.objects.get(pk=evidence.pk), by=world.ttkhcn_head)

    # Then the row is gone, the file too once committed, and the history says who removed what
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not stored.exists()
    assert list(report.events.values_list("kind", "actor_id", "comment"))[-2:] == [
        (EventKind.FILE_ADDED, world.ttkhcn_staff.pk, "Danh sách đại biểu.pdf"),
        (EventKind.FILE_REMOVED, world.ttkhcn_head.pk, "Danh sách đại biểu.pdf"),
    ]


def test_another_unit_may_not_add_evidence(before_deadline, world, media_root):
    report = world.report("ttkhcn", 1)
    before = report_snapshot(report)

    with pytest.raises(PermissionDenied):
        evidence_add(report=report, by=world.qlcn_staff, upload=pdf())

    assert report_snapshot(report) == before
    assert files_in(media_root) == []
