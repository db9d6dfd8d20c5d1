"""A demo that is alive on the first login of `make run`: past years sent and accepted, the current
period open with its deadline ahead and its reports in every state, an address for every unit and
person, and a head for every reporting unit, so that reminders and mails work at once.

Everything goes through the services, as the people of the demo would act; only the times of the
past years' steps are moved back into those years afterwards (the services stamp "now"). Running
again changes nothing that is already there.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from kehoach.db import Vietnamese
from reports import permissions
from reports.followup.services import direction_give
from reports.models import Completion, ReportEvent, ReportingPeriod, ReportStatus, TaskReport
from reports.workflow.services import (
    period_open,
    period_set_open,
    report_accept,
    report_reopen,
    report_return,
    report_submit,
    report_update,
)
from tasks.models import Plan, Role, Unit, UnitKind, User

# The reserved domain of the demo's addresses (RFC 2606): nothing sent there reaches anyone.
DEMO_DOMAIN = "donvi.example"
# A current period whose deadline is nearer than this is given one this far ahead.
DEADLINE_AHEAD_DAYS = 30

RESULTS = {
    Completion.DONE: "Đã hoàn thành nhiệm vụ: tổ chức 3 hội nghị quán triệt, 1.250 lượt cán bộ tham dự.",
    Completion.IN_PROGRESS: "Đang triển khai: đã xây dựng kế hoạch chi tiết, tổ chức 1 hội thảo với 120 lượt tham dự.",
}
RETURN_REASON = "Đề nghị bổ sung số liệu cụ thể về số lượt tuyên truyền và kinh phí đã sử dụng."
REOPEN_REASON = "Cần cập nhật kết quả hội thảo tổ chức sau ngày gửi báo cáo."
DIRECTION = (
    "Giao Phòng Kế hoạch Tài chính cân đối, bố trí kinh phí trong quý tới; đơn vị tiếp tục triển khai."
)

# What the current period's reports are brought to, in turn: (status, completion); None leaves
# the report untouched (not yet written).
SCENARIOS = [
    ("accepted", Completion.DONE),
    ("submitted", Completion.IN_PROGRESS),
    None,
    ("returned", Completion.IN_PROGRESS),
    ("draft", Completion.IN_PROGRESS),
    ("reopened", Completion.DONE),
    None,
    ("submitted", Completion.DONE),
    ("accepted", Completion.IN_PROGRESS),
    None,
]
STEPS = {
    "draft": (),
    "submitted": ("submit",),
    "returned": ("submit", "return"),
    "accepted": ("submit", "accept"),
    "reopened": ("submit", "accept", "reopen"),
}


@dataclass
class Alive:
    """What was done, in lines for the command's output."""

    lines: list[str] = field(default_factory=list)


def _addresses() -> int:
    """An address on the reserved domain for every unit and person without one."""
    changed = 0
    for unit in Unit.objects.filter(email="").exclude(kind=UnitKind.GROUP):
        unit.email = f"{unit.code}@{DEMO_DOMAIN}"
        unit.save(update_fields=["email"])
        changed += 1
    for user in User.objects.filter(email=""):
        user.email = f"{user.username}@{DEMO_DOMAIN}"
        user.save(update_fields=["email"])
        changed += 1
    return changed


def _heads(plan: Plan, password: str) -> list[str]:
    """A head for every unit that reports on `plan` and has none."""
    units = Unit.objects.filter(reports__period__plan=plan).distinct().order_by("name")
    created = []
    for unit in units:
        if User.objects.filter(unit=unit, role=Role.HEAD, is_active=True).exists():
            continue
        user = User(
            username=f"{unit.code}.lanhdao",
            last_name="Lãnh đạo",
            first_name=unit.short_name or unit.name,
            unit=unit,
            role=Role.HEAD,
            position=f"Lãnh đạo {unit.name}",
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        created.append(user.username)
    return created


def _writer(report: TaskReport) -> User:
    """Who writes the report: its unit's staff, else its head."""
    people = permissions.unit_members(report.unit_id).order_by("role", "username")
    return next((p for p in people if p.role == Role.STAFF), None) or people.first()


def _head(report: TaskReport) -> User:
    return permissions.unit_members(report.unit_id).filter(role=Role.HEAD).order_by("username").first()


def _take(report: TaskReport, status: str, completion: str, completed_on: datetime.date, **content):
    """Bring `report` to `status` through the services, as its unit and its reviewer would."""
    done = completion == Completion.DONE
    report_update(
        report=report,
        by=_writer(report),
        version=report.version,
        data={
            "results": RESULTS[completion],
            "completion": completion,
            "completed_on": completed_on if done else None,
            "progress": 100 if done else 60,
            **content,
        },
    )
    reviewer = permissions.reviewers_of(report).order_by("username").first()
    for step in STEPS[status]:
        current = TaskReport.objects.select_related("period__plan", "task", "unit").get(pk=report.pk)
        if step == "submit":
            report_submit(report=current, by=_head(current))
        elif step == "return":
            report_return(report=current, by=reviewer, comment=RETURN_REASON)
        elif step == "accept":
            report_accept(report=current, by=reviewer)
        else:
            report_reopen(report=current, by=reviewer, comment=REOPEN_REASON)


def _untouched(period: ReportingPeriod) -> list[TaskReport]:
    """The period's reports, if none has been written yet (else none: the demo was made before)."""
    reports = list(
        TaskReport.objects.filter(period=period)
        .select_related("period__plan", "task", "unit")
        .order_by("task__sort_key", Vietnamese("unit_name"))
    )
    if any(report.status != ReportStatus.DRAFT or report.results for report in reports):
        return []
    return reports


def _past_year(plan: Plan, year: int, by: User) -> list[str]:
    """Every report of `year` sent before the deadline and accepted, and the year closed."""
    lines = []
    for opened in period_open(plan=plan, year=year, by=by):
        period = opened.period
        reports = _untouched(period)
        sent_on = period.deadline - datetime.timedelta(days=5)
        for report in reports:
            _take(report, "accepted", Completion.DONE, sent_on - datetime.timedelta(days=10))
        if reports:
            sent_at = datetime.datetime.combine(sent_on, datetime.time(9), tzinfo=datetime.UTC)
            TaskReport.objects.filter(period=period).update(
                submitted_at=sent_at,
                last_submitted_at=sent_at,
                accepted_at=sent_at + datetime.timedelta(days=2),
                updated_at=sent_at + datetime.timedelta(days=2),
            )
            ReportEvent.objects.filter(report__period=period).update(created_at=sent_at, late=False)
            lines.append(f"{plan.code} {period.name}: {len(reports)} báo cáo đã gửi và được chấp nhận.")
        if period.is_open:
            period_set_open(period=period, is_open=False, by=by)
    return lines


def _this_year(plan: Plan, year: int, by: User, today: datetime.date) -> list[str]:
    """The current year open, its deadline ahead where the schedule gives one period a year, and
    its reports in every state (draft, sent, returned, accepted, reopened; on time and late)."""
    lines = []
    for opened in period_open(plan=plan, year=year, by=by):
        period = opened.period
        lines.append(f"{plan.code} {period.name}: hạn {period.deadline:%d/%m/%Y}.")
        reports = _untouched(period)
        if not reports:
            continue
        completed_on = today - datetime.timedelta(days=7)
        # Tasks whose own deadline has passed: one done late, one still under way (overdue).
        overdue = [report for report in reports if report.deadline < today]
        for report, scenario in zip(
            overdue, [("accepted", Completion.DONE), ("draft", Completion.IN_PROGRESS)], strict=False
        ):
            _take(report, *scenario, completed_on)
        escalated = False
        rest = [report for report in reports if report not in overdue[:2]]
        for report, scenario in zip(rest, itertools.cycle(SCENARIOS), strict=False):
            if scenario is None:
                continue
            status, completion = scenario
            content = {}
            if status == "submitted" and not escalated:
                content = {
                    "difficulties": "Chưa được bố trí kinh phí cho hội thảo thứ hai.",
                    "escalate": True,
                }
            _take(report, status, completion, completed_on, **content)
            if content:
                escalated = True
                leader = (
                    User.objects.filter(is_active=True, role=Role.LEADERSHIP).order_by("username").first()
                )
                if leader is not None:
                    direction_give(report=TaskReport.objects.get(pk=report.pk), by=leader, text=DIRECTION)
        counts = TaskReport.objects.filter(period=period).exclude(
            Q(status=ReportStatus.DRAFT) & Q(results="")
        )
        lines.append(f"{plan.code} {period.name}: {counts.count()} báo cáo đã được soạn, gửi hoặc duyệt.")
    return lines


@transaction.atomic
def demo_bring_to_life(*, plan: Plan, by: User, today: datetime.date, password: str, history: bool) -> Alive:
    """Open `plan`'s periods of this year (and, with `history`, every past year since the plan was
    issued, accepted and closed), give every reporting unit a head, and fill the reports."""
    alive = Alive()
    this_year = today.year
    # Opened first, so that the reporting units are known and each can be given a head.
    if history:
        for year in range(plan.issued_year or this_year, this_year):
            period_open(plan=plan, year=year, by=by)
    period_open(plan=plan, year=this_year, by=by, deadline=_ahead(plan, this_year, today))
    heads = _heads(plan, password)
    if heads:
        alive.lines.append(
            f"{plan.code}: tạo tài khoản lãnh đạo cho {len(heads)} đơn vị ({', '.join(heads)})."
        )
    if history:
        for year in range(plan.issued_year or this_year, this_year):
            alive.lines += _past_year(plan, year, by)
    alive.lines += _this_year(plan, this_year, by, today)
    return alive


def _ahead(plan: Plan, year: int, today: datetime.date) -> datetime.date | None:
    """The deadline a newly opened yearly period gets when the schedule's is past or too near."""
    specs = plan.periods_of_year(year)
    if len(specs) != 1 or specs[0].deadline >= today + datetime.timedelta(days=14):
        return None
    if ReportingPeriod.objects.filter(plan=plan, key=specs[0].key).exists():
        return None
    return today + datetime.timedelta(days=DEADLINE_AHEAD_DAYS)


@transaction.atomic
def demo_addresses() -> int:
    """Give every unit and person an address on the reserved domain (after the steps, so that the
    demo's own making sends no mail)."""
    return _addresses()
