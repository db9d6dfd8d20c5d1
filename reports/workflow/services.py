"""Writes to reporting periods and reports. Each takes the acting user, checks what that user may
do, validates, saves, records the event and returns the object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from kehoach.bulk import bulk_insert, bulk_set_ids, chunks, history_copy
from kehoach.db import vi_sort_key
from kehoach.text import date_in_range, date_range_message, person_name, unidecode_vi
from reports import permissions
from reports.models import (
    Completion,
    Direction,
    EventKind,
    Evidence,
    IndicatorValue,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
)
from reports.states import SENT_STATUSES, TRANSITIONS, deadline_for
from reports.workflow.notifications import event_notify
from tasks.models import (
    Assignment,
    DeadlineKind,
    GroupMembership,
    Plan,
    PlanStatus,
    Reporting,
    Task,
    Unit,
    UnitKind,
    User,
)
from tasks.schedule import PeriodSpec, ScheduleKind


# ------------------------------------------------------------------------------
# Notifications: the person's own choices
# ------------------------------------------------------------------------------
def notification_settings_update(*, user, by, notify_by_email: bool):
    """Turn the mails of the workflow on or off for `user`; only they choose for themselves."""
    permissions.require(
        by is not None and by.pk == user.pk and user.is_active, "Mỗi người tự chọn nhận thư thông báo."
    )
    user.notify_by_email = notify_by_email
    user._history_user = by
    user.save(update_fields=["notify_by_email"])
    return user


def notifications_mark_seen(*, user, at: datetime.datetime | None = None) -> None:
    """Remember when `user` last read the page "Thông báo" (no history row: a visit changes nothing)."""
    at = at or timezone.now()
    User.objects.filter(pk=user.pk).update(notifications_seen_at=at)
    user.notifications_seen_at = at


class StaleReportError(ValidationError):
    """Someone else saved the report since this user opened it."""


def record_event(report: TaskReport, kind: str, by, comment: str = "", late: bool = False) -> ReportEvent:
    """Record what `by` did to `report`, under the name they bear today."""
    return ReportEvent.objects.create(
        report=report, kind=kind, actor=by, actor_name=person_name(by), comment=comment, late=late
    )


def _locked(report: TaskReport) -> TaskReport:
    """The report re-read under a row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE)."""
    return (
        TaskReport.objects.select_for_update()
        .select_related("period__plan", "task", "unit")
        .get(pk=report.pk)
    )


def _allowed(by, step: str, report: TaskReport) -> None:
    """Refuse, saying why, unless `by` may take `step` on `report` now."""
    permissions.require(permissions.can(by, step, report), permissions.refusal(by, step, report))


# ------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------
@dataclass
class PeriodOpened:
    period: ReportingPeriod
    period_created: bool
    reports_created: int


@dataclass
class YearOpened:
    """What opening a plan's year did, period by period."""

    items: list[PeriodOpened]

    def __iter__(self):
        return iter(self.items)

    @property
    def periods(self) -> list[ReportingPeriod]:
        return [item.period for item in self.items]

    @property
    def period(self) -> ReportingPeriod:
        """The year's period, for schedules of one period a year."""
        (only,) = self.items
        return only.period

    @property
    def period_created(self) -> bool:
        return any(item.period_created for item in self.items)

    @property
    def reports_created(self) -> int:
        return sum(item.reports_created for item in self.items)


def _refuse_closed_plan(plan: Plan) -> None:
    if plan.status != PlanStatus.IN_FORCE:
        raise ValidationError(f"Kế hoạch “{plan}” đã kết thúc: không mở kỳ báo cáo mới.")


def _check_window(
    plan: Plan, cutoff_from: datetime.date, cutoff_to: datetime.date, *, exclude=None, gaps: bool = True
) -> None:
    """Refuse a window that overlaps another period of the plan or (`gaps`) leaves a gap beside the
    periods next to it: the windows of a plan's periods follow each other, day after day. The
    schedule's own periods are contiguous by construction and may be opened in any order."""
    others = ReportingPeriod.objects.filter(plan=plan)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    overlap = (
        others.filter(cutoff_from__lte=cutoff_to, cutoff_to__gte=cutoff_from).order_by("cutoff_from").first()
    )
    if overlap is not None:
        raise ValidationError(
            f"Khoảng số liệu {cutoff_from:%d/%m/%Y}–{cutoff_to:%d/%m/%Y} chồng lên kỳ “{overlap.name}” "
            f"({overlap.cutoff_from:%d/%m/%Y}–{overlap.cutoff_to:%d/%m/%Y})."
        )
    if not gaps:
        return
    before = others.filter(cutoff_to__lt=cutoff_from).order_by("-cutoff_to").first()
    if before is not None and before.cutoff_to + datetime.timedelta(days=1) != cutoff_from:
        raise ValidationError(
            f"Giữa kỳ “{before.name}” (số liệu đến {before.cutoff_to:%d/%m/%Y}) và kỳ này có những ngày không "
            f"thuộc kỳ nào: số liệu của kỳ này phải bắt đầu từ {before.cutoff_to + datetime.timedelta(days=1):%d/%m/%Y}."
        )
    after = others.filter(cutoff_from__gt=cutoff_to).order_by("cutoff_from").first()
    if after is not None and cutoff_to + datetime.timedelta(days=1) != after.cutoff_from:
        raise ValidationError(
            f"Giữa kỳ này và kỳ “{after.name}” (số liệu từ {after.cutoff_from:%d/%m/%Y}) có những ngày không "
            f"thuộc kỳ nào: số liệu của kỳ này phải kết thúc ngày {after.cutoff_from - datetime.timedelta(days=1):%d/%m/%Y}."
        )


def _create_period(plan: Plan, spec: PeriodSpec, by, *, gaps: bool = True) -> ReportingPeriod:
    period = ReportingPeriod(
        plan=plan,
        key=spec.key,
        name=spec.name,
        kind=spec.kind,
        year=spec.year,
        deadline=spec.deadline,
        cutoff_from=spec.cutoff_from,
        cutoff_to=spec.cutoff_to,
        opened_by=by,
    )
    period.full_clean()
    _check_window(plan, period.cutoff_from, period.cutoff_to, gaps=gaps)
    period._history_user = by
    period.save()
    return period


def _in_force(valid_from, valid_to, day: datetime.date) -> bool:
    """Whether a unit (or a membership) with these dates exists on `day`, as `Unit.objects.active_on`
    and `GroupMembership.objects.valid_on` read them: an open end is no end. A period asks the units
    that report for themselves and exist on its deadline: a unit that ended before it is not asked
    (its successor answers for its tasks), nor one founded after it."""
    return (valid_to is None or valid_to >= day) and (valid_from is None or valid_from <= day)


def _answering(unit: Unit, existing: dict[int, Unit], all_units: dict[int, Unit]) -> Unit | None:
    """The unit that answers for `unit` on the period's deadline: itself if it exists then, else its
    successor (or the successor's successor...) that does; None if there is none."""
    seen = set()
    while unit is not None and unit.pk not in seen:
        if unit.pk in existing:
            return existing[unit.pk]
        seen.add(unit.pk)
        unit = all_units.get(unit.successor_id)
    return None


@dataclass(frozen=True, slots=True)
class Asked:
    """An assignment as a period reads it to ask reports: its task (with its deadline rule), the
    unit assigned, its role and how the unit reports."""

    task_id: int
    task: Task
    unit_id: int
    role: str
    reporting: str


class _Map:
    """What deciding who owes what in periods of some plans reads: their tasks, their assignments
    (named-only ones owe nothing), every unit and the memberships of the groups whose members
    report. Read once, in a fixed number of queries, for as many periods as asked."""

    def __init__(self, plan_ids):
        plan_ids = set(plan_ids)
        self.tasks = Task.objects.filter(plan__in=plan_ids).in_bulk()
        self.units = Unit.objects.order_by().in_bulk()
        self.reporting = {pk: unit for pk, unit in self.units.items() if unit.kind != UnitKind.GROUP}
        by_plan: dict[int, list[Asked]] = {}
        for task_id, unit_id, role, reporting in (
            Assignment.objects.filter(task__plan__in=plan_ids)
            .exclude(reporting=Reporting.NAMED)
            .order_by()
            .values_list("task_id", "unit_id", "role", "reporting")
        ):
            task = self.tasks[task_id]
            by_plan.setdefault(task.plan_id, []).append(Asked(task_id, task, unit_id, role, reporting))
        # Each unit's place by its name as a Vietnamese dictionary sorts (then by id): the sort below
        # compares whole numbers, where comparing the names' keys cost most of its time at scale.
        place = {
            pk: n
            for n, pk in enumerate(sorted(self.units, key=lambda pk: (vi_sort_key(self.units[pk].name), pk)))
        }
        # Leads first ("lead" < "partner"): a successor answering for a lead and a partner leads.
        self.assignments = {
            plan_id: sorted(rows, key=lambda a: (a.task.sort_key, a.role, place[a.unit_id]))
            for plan_id, rows in by_plan.items()
        }
        groups = {a.unit_id for rows in by_plan.values() for a in rows if a.reporting != Reporting.REPORTS}
        self.members: dict[int, list[tuple[int, datetime.date | None, datetime.date | None]]] = {}
        for group_id, member_id, valid_from, valid_to in (
            GroupMembership.objects.filter(group__in=groups)
            .order_by()
            .values_list("group_id", "member_id", "valid_from", "valid_to")
        ):
            self.members.setdefault(group_id, []).append((member_id, valid_from, valid_to))

    def owed(self, period: ReportingPeriod, task_ids=None) -> list[tuple[Asked, Unit]]:
        """`_owed(period)`, for the tasks `task_ids` only when given."""
        day = period.deadline
        existing = {
            pk: unit for pk, unit in self.reporting.items() if _in_force(unit.valid_from, unit.valid_to, day)
        }
        assignments = [
            a for a in self.assignments.get(period.plan_id, ()) if task_ids is None or a.task_id in task_ids
        ]
        owed, seen = [], set()
        direct = {(a.task_id, a.unit_id) for a in assignments if a.reporting == Reporting.REPORTS}
        for assignment in assignments:
            if assignment.reporting == Reporting.REPORTS:
                units = [self.units[assignment.unit_id]]
            else:
                units = sorted(
                    (
                        self.units[member_id]
                        for member_id, valid_from, valid_to in self.members.get(assignment.unit_id, ())
                        if _in_force(valid_from, valid_to, day)
                    ),
                    key=lambda unit: vi_sort_key(unit.name),
                )
            for unit in units:
                if unit.pk not in existing and unit.kind != UnitKind.GROUP:
                    unit = _answering(unit, existing, self.reporting)
                    if unit is None:
                        continue
                key = (assignment.task_id, unit.pk)
                if unit.pk not in existing or key in seen:
                    continue
                if assignment.reporting == Reporting.MEMBERS and key in direct:
                    continue
                seen.add(key)
                owed.append((assignment, existing[unit.pk]))
        return owed


def _owed(period: ReportingPeriod) -> list[tuple[Asked, Unit]]:
    """(assignment, unit reporting on it) for every report the period asks: each unit that reports on
    its own, and each member of a group whose members report, as the group is on the period's
    deadline (dated memberships; a member assigned itself answers for its own assignment); named-only assignments owe nothing. A unit that does not exist on the
    period's deadline is not asked: its successor existing then answers for its part, with its role
    (once per task: as a lead if it answers for a lead)."""
    return _Map([period.plan_id]).owed(period)


def _periods_fill(
    periods: list[ReportingPeriod], by, owed: dict[int, list[tuple[Asked, Unit]]]
) -> list[dict]:
    """Create the reports each of `periods` asks (`owed`, by period) that are missing, but those of a
    fixed-date task completed and accepted in an earlier period, each with its event "opened", in a
    fixed number of queries per thousands of reports. Returns the reports created (their
    `period_id`, `task_id`, `unit_id`, `unit_name`), period after period."""
    if not periods:
        return []
    completed_fixed: dict[tuple[int, int], datetime.date] = {}
    for task_id, unit_id, deadline in (
        TaskReport.objects.filter(
            task__plan__in={period.plan_id for period in periods},
            task__deadline_kind=DeadlineKind.FIXED,
            period__deadline__lt=max(period.deadline for period in periods),
            status=ReportStatus.ACCEPTED,
            completion=Completion.DONE,
        )
        .order_by()
        .values_list("task_id", "unit_id", "period__deadline")
    ):
        key = (task_id, unit_id)
        completed_fixed[key] = min(deadline, completed_fixed.get(key, deadline))
    reports = TaskReport.objects.filter(period__in=periods).order_by()
    existing, last = set(), 0
    for pk, *key in reports.values_list("pk", "period_id", "task_id", "unit_id"):
        existing.add(tuple(key))
        last = max(last, pk)
    new_reports = []
    for period in periods:
        for assignment, unit in owed.get(period.pk, ()):
            key = (assignment.task_id, unit.pk)
            if (period.pk, *key) in existing:
                continue
            if key in completed_fixed and completed_fixed[key] < period.deadline:
                continue
            new_reports.append(
                {
                    "period_id": period.pk,
                    "task_id": assignment.task_id,
                    "unit_id": unit.pk,
                    "unit_name": unit.name,
                    "role": assignment.role,
                    "deadline": deadline_for(assignment.task, period),
                }
            )
    if not new_reports:
        return []
    bulk_insert(TaskReport, new_reports)
    wanted = {(r["period_id"], r["task_id"], r["unit_id"]) for r in new_reports}
    # Read back only the rows added: ids are handed out in increasing order (a sequence, SQLite's
    # AUTOINCREMENT), so each new row's is above every id read before the insert.
    created = {
        (period_id, task_id, unit_id): pk
        for pk, period_id, task_id, unit_id in reports.filter(pk__gt=last).values_list(
            "pk", "period_id", "task_id", "unit_id"
        )
        if (period_id, task_id, unit_id) in wanted
    }
    bulk_insert(
        ReportEvent,
        [{"report_id": created[(r["period_id"], r["task_id"], r["unit_id"])]} for r in new_reports],
        kind=EventKind.OPENED,
        actor=by,
        actor_name=person_name(by),
    )
    return new_reports


def period_fill(*, period: ReportingPeriod, by, task_ids=None) -> int:
    """Create the reports `period` asks that are missing (a unit assigned since it was opened), and
    nothing else; a fixed-date task completed and accepted in an earlier period is not asked again.
    Only for the tasks `task_ids` when given. Returns how many were created."""
    owed = _Map([period.plan_id]).owed(period, task_ids)
    return len(_periods_fill([period], by, {period.pk: owed}))


@transaction.atomic
def period_open(*, plan: Plan, year: int, by, deadline: datetime.date | None = None) -> YearOpened:
    """Open every period the plan's schedule gives `year` and create the reports each asks.

    One report per task and unit that reports on it (docs/domain.md, "Plans and tasks"); groups of
    bodies report only through their members when the plan says so; units not in existence during
    the period do not report. Opening again creates only what is missing and changes nothing else.
    `deadline` overrides the schedule's deadline of a yearly period (one period a year).
    """
    permissions.require(
        permissions.can_manage_periods(by, plan.pk),
        f"Chỉ người điều phối kế hoạch {plan.code} được mở kỳ báo cáo.",
    )
    if plan.issued_year and year < plan.issued_year:
        raise ValidationError(f"Kế hoạch ban hành năm {plan.issued_year}: không có kỳ báo cáo năm {year}.")
    specs = plan.periods_of_year(year)
    if not specs:
        raise ValidationError(
            f"Kế hoạch {plan.code} báo cáo theo các kỳ đặt riêng: hãy thêm từng kỳ với tên, khoảng số liệu và hạn gửi."
        )
    if deadline is not None:
        if len(specs) != 1:
            raise ValidationError(
                "Chỉ đổi được hạn khi mở kỳ của kế hoạch báo cáo mỗi năm một kỳ; hãy sửa hạn từng kỳ sau khi mở."
            )
        cutoff_to = min(specs[0].cutoff_to, deadline - datetime.timedelta(days=plan.cutoff_days))
        specs = [replace(specs[0], deadline=deadline, cutoff_to=cutoff_to)]
    opened = []
    existing = {
        period.key: period
        for period in ReportingPeriod.objects.filter(plan=plan, key__in=[s.key for s in specs])
    }
    for spec in specs:
        period = existing.get(spec.key)
        if period is None:
            _refuse_closed_plan(plan)
            period = _create_period(plan, spec, by, gaps=False)
        opened.append(PeriodOpened(period, spec.key not in existing, period_fill(period=period, by=by)))
    return YearOpened(opened)


@transaction.atomic
def period_add(
    *,
    plan: Plan,
    name: str,
    cutoff_from: datetime.date,
    cutoff_to: datetime.date,
    deadline: datetime.date,
    by,
    key: str = "",
) -> PeriodOpened:
    """Open a period of the plan's own (a custom schedule, or an extra period), with its name, window
    of data and deadline, and create the reports it asks."""
    permissions.require(
        permissions.can_manage_periods(by, plan.pk),
        f"Chỉ người điều phối kế hoạch {plan.code} được mở kỳ báo cáo.",
    )
    _refuse_closed_plan(plan)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Hãy đặt tên kỳ, ví dụ “Đợt 1 năm 2026”."})
    key = key or slugify(unidecode_vi(name))[:40].strip("-") or f"{cutoff_to:%Y%m%d}"
    if ReportingPeriod.objects.filter(plan=plan, key=key).exists():
        raise ValidationError({"name": f"Kế hoạch đã có kỳ mang mã “{key}”: hãy đặt tên khác."})
    spec = PeriodSpec(key, name, ScheduleKind.CUSTOM, cutoff_to.year, cutoff_from, cutoff_to, deadline)
    period = _create_period(plan, spec, by)
    return PeriodOpened(period, True, period_fill(period=period, by=by))


@transaction.atomic
def period_set_open(*, period: ReportingPeriod, is_open: bool, by) -> ReportingPeriod:
    permissions.require(
        permissions.can_manage_periods(by, period.plan_id),
        "Chỉ người điều phối kế hoạch được đóng, mở kỳ báo cáo.",
    )
    period.is_open = is_open
    period._history_user = by
    period.save(update_fields=["is_open"])
    return period


PERIOD_FIELDS = ("name", "deadline", "cutoff_from", "cutoff_to", "is_open")


@transaction.atomic
def period_update(*, period: ReportingPeriod, by, **changes) -> ReportingPeriod:
    """Correct a period's name, deadline, data cut-off or openness (`PERIOD_FIELDS`), then judge its
    reports against the corrected deadline."""
    permissions.require(
        permissions.can_manage_periods(by, period.plan_id),
        "Chỉ người điều phối kế hoạch được sửa kỳ báo cáo.",
    )
    unknown = set(changes) - set(PERIOD_FIELDS)
    if unknown:
        raise ValidationError("Không sửa được trường: " + ", ".join(sorted(unknown)))
    current = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    _check_window(current.plan, current.cutoff_from, current.cutoff_to, exclude=current)
    current._history_user = by
    current.save()
    reports_rejudge(periods=[current])
    return current


def reports_rejudge(*, periods=None, tasks=None) -> int:
    """Store again the deadline that judges each report of open `periods` (or of open periods of
    `tasks`), after a period's deadline or a task's deadline rule changed. Returns how many moved.

    Closed periods keep the deadline they were judged by. Reads the reports as plain rows and each
    period and task once, whatever the number of reports.
    """
    reports = TaskReport.objects.filter(period__is_open=True)
    open_periods = ReportingPeriod.objects.filter(is_open=True)
    if periods is not None:
        periods = list(periods)
        reports = reports.filter(period__in=periods)
        open_periods = open_periods.filter(pk__in=[period.pk for period in periods])
    task_map = None
    if tasks is not None:
        tasks = list(tasks)
        task_map = {task.pk: task for task in tasks}
        reports = reports.filter(task__in=tasks)
        open_periods = open_periods.filter(plan__in={task.plan_id for task in tasks})
    period_map = {period.pk: period for period in open_periods.only("pk", "deadline", "year")}
    rows = list(reports.order_by().values_list("pk", "deadline", "period_id", "task_id"))
    if task_map is None:
        task_map = Task.objects.only("pk", "deadline_kind", "due_date", "due_day", "due_month").in_bulk(
            {task_id for _, _, _, task_id in rows}
        )
    judged: dict[tuple[int, int], datetime.date] = {}
    moved = []
    for pk, deadline, period_id, task_id in rows:
        key = (task_id, period_id)
        if key not in judged:
            judged[key] = deadline_for(task_map[task_id], period_map[period_id])
        if deadline != judged[key]:
            moved.append(TaskReport(pk=pk, deadline=judged[key]))
    TaskReport.objects.bulk_update(moved, ["deadline"], batch_size=1000)
    return len(moved)


# The reason written in a report's history when a change of assignment withdraws it.
WITHDRAWN_REASON = "Hủy do thay đổi phân công"


@dataclass
class AssignmentsFollowed:
    """What a change of assignments did to the open periods, in words for whoever made it."""

    created: list[str]
    withdrawn: list[str]
    kept: list[str]
    role_changed: list[str]

    def messages(self) -> list[str]:
        said = []
        if self.created:
            said.append(f"Kỳ đang mở: thêm {len(self.created)} báo cáo phải gửi ({'; '.join(self.created)}).")
        if self.withdrawn:
            said.append(
                f"Kỳ đang mở: hủy {len(self.withdrawn)} báo cáo chưa gửi của đơn vị không còn được phân công "
                f"({'; '.join(self.withdrawn)}); nội dung vẫn lưu trong lịch sử thay đổi."
            )
        if self.kept:
            said.append(
                f"Kỳ đang mở: giữ {len(self.kept)} báo cáo của đơn vị không còn được phân công vì đã gửi hoặc "
                f"đã có tệp minh chứng, ý kiến chỉ đạo ({'; '.join(self.kept)})."
            )
        if self.role_changed:
            said.append(
                f"Kỳ đang mở: đổi vai trò trong {len(self.role_changed)} báo cáo chưa gửi "
                f"({'; '.join(self.role_changed)})."
            )
        return said


def reports_follow_assignments(*, task_ids, by=None) -> AssignmentsFollowed:
    """The open periods of the tasks' plans follow the tasks' assignments as they now are: a unit
    newly owing a report gets it; a report not yet sent (draft or returned) of a unit no longer owing
    it is withdrawn (deleted; its history keeps its content), unless files or directions hang on it;
    a report sent or accepted is never touched; the role of a report not yet sent follows its
    assignment's. Closed periods keep what they were.

    Set-based: who owes what is read once for every open period, and the reports as plain rows, so
    the number of queries does not grow with the tasks, units, periods or reports."""
    task_ids = set(task_ids)
    done = AssignmentsFollowed([], [], [], [])
    plans = Task.objects.filter(pk__in=task_ids).values("plan_id")
    periods = list(ReportingPeriod.objects.filter(is_open=True, plan__in=plans).order_by("deadline", "pk"))
    if not periods:
        return done
    owed_map = _Map({period.plan_id for period in periods})
    tasks = owed_map.tasks
    owed = {period.pk: owed_map.owed(period, task_ids) for period in periods}
    created = _periods_fill(periods, by, owed)
    order = {period.pk: n for n, period in enumerate(periods)}
    by_period = {period.pk: period for period in periods}

    def label(period_id, task_id, unit_name) -> str:
        return f"{unit_name}, nhiệm vụ {tasks[task_id].number}, {by_period[period_id].name}"

    def place(period_id, task_id, unit_name):
        return order[period_id], tasks[task_id].sort_key, vi_sort_key(unit_name)

    done.created += [
        label(r["period_id"], r["task_id"], r["unit_name"])
        for r in sorted(created, key=lambda r: place(r["period_id"], r["task_id"], r["unit_name"]))
    ]
    roles = {
        period_id: {(assignment.task_id, unit.pk): assignment.role for assignment, unit in pairs}
        for period_id, pairs in owed.items()
    }
    # The reports whose unit no longer owes them or whose role changed: only those are sorted (in
    # the order of the periods, tasks and units' names) for the messages, not every report of the
    # open periods.
    rows = sorted(
        (
            row
            for row in TaskReport.objects.filter(period__in=periods)
            .order_by()
            .values_list("pk", "period_id", "task_id", "unit_id", "unit_name", "status", "role")
            if row[2] in task_ids and roles[row[1]].get((row[2], row[3])) != row[6]
        ),
        key=lambda row: place(row[1], row[2], row[4]),
    )
    unowed = [row for row in rows if (row[2], row[3]) not in roles[row[1]] and row[5] not in SENT_STATUSES]
    held = set()
    for batch in chunks([row[0] for row in unowed]):
        held.update(Evidence.objects.filter(report__in=batch).order_by().values_list("report_id", flat=True))
        held.update(Direction.objects.filter(report__in=batch).order_by().values_list("report_id", flat=True))
    withdrawn, role_changed = [], {}
    for pk, period_id, task_id, unit_id, unit_name, status, role in rows:
        owed_role = roles[period_id].get((task_id, unit_id))
        if status in SENT_STATUSES:
            if owed_role is None:
                done.kept.append(label(period_id, task_id, unit_name))
        elif owed_role is None:
            if pk in held:
                done.kept.append(label(period_id, task_id, unit_name))
                continue
            withdrawn.append(pk)
            done.withdrawn.append(label(period_id, task_id, unit_name))
        elif role != owed_role:
            role_changed[pk] = owed_role
    _reports_withdraw(withdrawn, by)
    done.role_changed += _reports_follow_roles(role_changed, by, label)
    return done


def _reports_withdraw(pks: list[int], by) -> None:
    """Delete the reports `pks` (not sent, no files or directions on them), each with its last content
    in its history (`WITHDRAWN_REASON`)."""
    for batch in chunks(pks):
        for report in TaskReport.objects.filter(pk__in=batch).order_by("pk"):
            report._change_reason = WITHDRAWN_REASON
            report._history_user = by
            report.delete()


def _reports_follow_roles(roles: dict[int, str], by, label) -> list[str]:
    """Give each report of `roles` (pk → role) the role of its assignment, in its history; returns
    what changed, in words, in the order given."""
    now = timezone.now()
    changed = {}
    for batch in chunks(roles):
        for report in TaskReport.objects.filter(pk__in=batch):
            report.role, report.updated_at = roles[report.pk], now
            changed[report.pk] = report
    bulk_update_with_history(
        list(changed.values()),
        TaskReport,
        ["role", "updated_at"],
        default_user=by,
        default_change_reason="Đổi vai trò theo phân công",
    )
    return [
        f"{label(r.period_id, r.task_id, r.unit_name)}: {r.get_role_display().lower()}"
        for r in (changed[pk] for pk in roles)
    ]


def follow_task_changes(*, task_ids, by=None, **kwargs) -> list[str]:
    """After tasks changed (`tasks.signals.tasks_changed`): their open periods' reports are judged
    against their deadlines as they now are, and follow their assignments. Returns what was done, in
    words."""
    reports_rejudge(tasks=Task.objects.filter(pk__in=list(task_ids)))
    return reports_follow_assignments(task_ids=task_ids, by=by).messages()


# The reason written in a report's history when a reorganisation hands it to the successor.
HANDED_OVER_REASON = "Chuyển cho đơn vị kế thừa"


def reports_hand_over(*, handovers, successors, ended, by=None, **kwargs) -> list[str]:
    """After units were reorganised (`tasks.signals.units_reorganised`): in open periods whose
    deadline falls after the old unit's last day, each report the old unit had not sent (draft or
    returned) passes, with its content, indicator values, files and events, to the successor that took the
    assignment (or, for a task it answered through a group, its successor), under the successor's
    name; a report sent or accepted stays the old unit's, under
    its name. A report is not handed over when the successor already has one for the task in that
    period (the change of assignments then withdraws it, its content kept in the history, or keeps
    it if files hang on it). Refused while an open period whose deadline the old unit still reaches
    holds a report it has not sent: that period asks the old unit, which the move would undo.
    Returns what was done, in words. The reports are read as plain rows and handed over in a few
    statements, whatever their number."""
    chosen = {(old, task): successor for old, successor, task in handovers}
    successors = {old: successor for old, successor in successors.items() if successor}
    if not chosen and not successors:
        return []
    rows = list(
        TaskReport.objects.filter(period__is_open=True, unit_id__in=set(ended))
        .order_by()
        .values_list("pk", "period_id", "task_id", "unit_id", "unit_name", "status")
    )
    periods = ReportingPeriod.objects.filter(is_open=True).in_bulk()
    tasks = Task.objects.only("pk", "number", "sort_key").in_bulk({row[2] for row in rows})
    rows.sort(key=lambda row: (periods[row[1]].deadline, tasks[row[2]].sort_key, row[4]))

    def target(unit_id, task_id):
        return chosen.get((unit_id, task_id)) or successors.get(unit_id)

    def label(period_id, task_id, unit_name) -> str:
        return f"{unit_name}, nhiệm vụ {tasks[task_id].number}, {periods[period_id].name}"

    early = [
        (period_id, task_id, unit_name)
        for _, period_id, task_id, unit_id, unit_name, status in rows
        if (unit_id, task_id) in chosen
        and status not in SENT_STATUSES
        and periods[period_id].deadline <= ended[unit_id]
    ]
    if early:
        raise ValidationError(
            [
                f"Kỳ “{periods[period_id].name}” còn mở, hạn gửi {periods[period_id].deadline:%d/%m/%Y} trong "
                f"thời gian {unit_name} còn hoạt động, và báo cáo nhiệm vụ {tasks[task_id].number} của đơn vị "
                "này chưa gửi: hãy để đơn vị gửi báo cáo hoặc đóng kỳ trước khi tổ chức lại."
                for period_id, task_id, unit_name in early
            ]
        )
    rows = [row for row in rows if periods[row[1]].deadline > ended[row[3]] and target(row[3], row[2])]
    units = Unit.objects.in_bulk({target(row[3], row[2]) for row in rows})
    taken = set(
        TaskReport.objects.filter(period_id__in={row[1] for row in rows}, unit_id__in=units)
        .order_by()
        .values_list("period_id", "task_id", "unit_id")
    )
    handed, kept, refused = {}, [], []
    for pk, period_id, task_id, unit_id, unit_name, status in rows:
        successor = units[target(unit_id, task_id)]
        words = f"{unit_name} → {successor.name}, nhiệm vụ {tasks[task_id].number}, {periods[period_id].name}"
        if status in SENT_STATUSES:
            kept.append(label(period_id, task_id, unit_name))
        elif (period_id, task_id, successor.pk) in taken:
            refused.append(words)
        else:
            taken.add((period_id, task_id, successor.pk))
            handed[pk] = (successor.pk, words)
    _reports_hand(handed, by)
    said = []
    if handed:
        said.append(
            f"Kỳ đang mở: chuyển {len(handed)} báo cáo chưa gửi, cùng nội dung và tệp minh chứng, cho đơn vị kế "
            f"thừa ({'; '.join(words for _, words in handed.values())})."
        )
    if kept:
        said.append(f"Kỳ đang mở: giữ {len(kept)} báo cáo đã gửi dưới tên đơn vị cũ ({'; '.join(kept)}).")
    if refused:
        said.append(
            f"Kỳ đang mở: không chuyển {len(refused)} báo cáo chưa gửi vì đơn vị kế thừa đã có báo cáo cho "
            f"nhiệm vụ đó trong kỳ ({'; '.join(refused)})."
        )
    return said


def _reports_hand(handed: dict[int, tuple[int, str]], by) -> None:
    """Give each report of `handed` (pk → (successor pk, …)) to its successor, under the successor's
    name, with a row in its history (`HANDED_OVER_REASON`); a few statements per `BATCH` reports."""
    bulk_set_ids(TaskReport, "unit", {pk: successor for pk, (successor, _) in handed.items()})
    name_now = Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("name")[:1])
    for batch in chunks(handed):
        TaskReport.objects.filter(pk__in=batch).update(unit_name=name_now)
    history_copy(TaskReport, handed, history_type="~", by=by, reason=HANDED_OVER_REASON)


# ------------------------------------------------------------------------------
# The report's content
# ------------------------------------------------------------------------------
# What the unit writes; everything else of a report is the workflow's.
REPORT_FIELDS = (
    "results",
    "completion",
    "completed_on",
    "progress",
    "difficulties",
    "escalate",
    "proposals",
    "funds_planned",
    "funds_spent",
)


def report_content_errors(report: TaskReport, today: datetime.date) -> dict[str, str]:
    """What is wrong with the content of `report` as a unit would write it, by field."""
    errors = {}
    if report.completion == Completion.DONE and not report.completed_on:
        errors["completed_on"] = "Hãy ghi ngày hoàn thành."
    if report.completed_on and not date_in_range(report.completed_on):
        errors["completed_on"] = date_range_message("Ngày hoàn thành")
    elif report.completed_on and report.completed_on > today:
        errors["completed_on"] = "Ngày hoàn thành không được sau hôm nay."
    if report.funds_spent and report.funds_planned is None:
        errors["funds_planned"] = "Hãy ghi kinh phí dự trù khi đã ghi kinh phí sử dụng."
    return errors


@transaction.atomic
def report_update(
    *, report: TaskReport, by, version: int, data: dict, values: dict[int, Decimal | None] | None = None
) -> TaskReport:
    """Save the report's content if nobody saved it since `version`; otherwise refuse, change nothing.

    `data` holds fields of `REPORT_FIELDS`; `values` maps the id of an indicator of the task to the
    report's actual value (None removes it). Errors name their field; an indicator's error is keyed
    `indicator_<id>`.
    """
    values = values or {}
    current = _locked(report)
    _allowed(by, "edit", current)
    if current.version != version:
        raise StaleReportError(
            "Báo cáo đã được người khác lưu sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
            "hãy mở lại báo cáo để xem bản mới nhất rồi sửa tiếp."
        )
    unknown_fields = set(data) - set(REPORT_FIELDS)
    if unknown_fields:
        raise ValidationError("Không sửa được trường: " + ", ".join(sorted(unknown_fields)))
    for name, value in data.items():
        setattr(current, name, value)
    if current.completion == Completion.DONE:
        current.progress = 100
    else:
        current.completed_on = None
    if current.completion == Completion.NOT_STARTED:
        current.progress = 0
    errors = report_content_errors(current, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    current.updated_by = by
    current.version = version + 1
    current.full_clean(exclude=["period", "task", "unit"])
    indicators = {indicator.pk: indicator for indicator in current.task.indicators.all()}
    unknown = set(values) - set(indicators)
    if unknown:
        raise ValidationError("Chỉ tiêu không thuộc nhiệm vụ của báo cáo.")
    value_errors = {}
    for indicator_id, value in values.items():
        if value is None:
            continue
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            value_errors[f"indicator_{indicator_id}"] = "Hãy ghi một số."
            continue
        problem = indicators[indicator_id].value_error(Decimal(value))
        if problem:
            value_errors[f"indicator_{indicator_id}"] = problem
    if value_errors:
        raise ValidationError(value_errors)
    # The row is locked since `_locked`, so the version read above cannot change before this save.
    current._history_user = by
    current.save()
    for indicator_id, value in values.items():
        if value is None:
            IndicatorValue.objects.filter(report=current, indicator_id=indicator_id).delete()
        else:
            IndicatorValue.objects.update_or_create(
                report=current, indicator_id=indicator_id, defaults={"value": Decimal(value)}
            )
    record_event(current, TRANSITIONS["edit"].event, by)
    return current


# ------------------------------------------------------------------------------
# The workflow's steps (states.TRANSITIONS)
# ------------------------------------------------------------------------------
def _step(report: TaskReport, by, step: str, comment: str = "") -> TaskReport:
    """Move `report` along the transition `step`, on behalf of `by`, recording its event."""
    transition = TRANSITIONS[step]
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError(f"Hãy ghi ý kiến khi {transition.verb}.")
    current = _locked(report)
    _allowed(by, step, current)
    now = timezone.now()
    late = False
    fields = ["status", "updated_by", "updated_at"]
    if step == "submit":
        if not current.results.strip():
            raise ValidationError("Chưa có nội dung “Kết quả đạt được”: hãy soạn báo cáo trước khi gửi.")
        late = timezone.localdate(now) > current.period.deadline
        current.submitted_at = current.submitted_at or now
        current.last_submitted_at = now
        fields += ["submitted_at", "last_submitted_at"]
    else:
        current.accepted_at = now if transition.target == ReportStatus.ACCEPTED else None
        fields.append("accepted_at")
    current.status = transition.target
    current.updated_by = by
    current._history_user = by
    current.save(update_fields=fields)
    event_notify(record_event(current, transition.event, by, comment, late=late))
    return current


@transaction.atomic
def report_submit(*, report: TaskReport, by, comment: str = "") -> TaskReport:
    return _step(report, by, "submit", comment)


@transaction.atomic
def report_return(*, report: TaskReport, by, comment: str) -> TaskReport:
    return _step(report, by, "return", comment)


@transaction.atomic
def report_accept(*, report: TaskReport, by, comment: str = "") -> TaskReport:
    return _step(report, by, "accept", comment)


@transaction.atomic
def report_reopen(*, report: TaskReport, by, comment: str) -> TaskReport:
    return _step(report, by, "reopen", comment)


# ------------------------------------------------------------------------------
# Evidence files
# ------------------------------------------------------------------------------
# Extension → (the type it is served as, what `filetype` may detect in its content). Nothing a
# browser would run (HTML, SVG, scripts). Old Office files share one container format.
ALLOWED_EVIDENCE = {
    "pdf": ("application/pdf", {"pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx"}),
    "doc": ("application/msword", {"doc", "xls", "ppt"}),
    "xls": ("application/vnd.ms-excel", {"doc", "xls", "ppt"}),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "jpg": ("image/jpeg", {"jpg"}),
    "jpeg": ("image/jpeg", {"jpg"}),
    "png": ("image/png", {"png"}),
}


def _evidence_kind(upload) -> str:
    """The file's extension, if allowed, within the size cap and matching the content; else refuse."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EVIDENCE:
        allowed = ", ".join(sorted({ext.upper() for ext in ALLOWED_EVIDENCE}))
        raise ValidationError(f"Không nhận tệp “{name}”: chỉ nhận các loại {allowed}.")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"Tệp “{name}” ({filesizeformat(upload.size)}) vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
        )
    upload.seek(0)
    guessed = filetype.guess(upload.read(8192))
    upload.seek(0)
    if guessed is None or guessed.extension not in ALLOWED_EVIDENCE[extension][1]:
        raise ValidationError(f"Nội dung tệp “{name}” không đúng loại .{extension}; tệp không được nhận.")
    return extension


@transaction.atomic
def evidence_add(*, report: TaskReport, by, upload) -> Evidence:
    current = _locked(report)
    _allowed(by, "edit", current)
    extension = _evidence_kind(upload)
    original_name = (upload.name or "tep").replace("/", "_").replace("\\", "_")[-255:]
    evidence = Evidence(
        report=current,
        original_name=original_name,
        content_type=ALLOWED_EVIDENCE[extension][0],
        size=upload.size,
        uploaded_by=by,
    )
    evidence.file.save(original_name, upload, save=False)
    evidence.save()
    record_event(current, EventKind.FILE_ADDED, by, original_name)
    return evidence


@transaction.atomic
def report_update_with_evidence(
    *,
    report: TaskReport,
    by,
    version: int,
    data: dict,
    values: dict[int, Decimal | None] | None = None,
    uploads=(),
) -> TaskReport:
    """Save the report's content and add the evidence files sent with it, all or nothing: a file
    refused leaves the report as it was (`report_update`, `evidence_add`)."""
    saved = report_update(report=report, by=by, version=version, data=data, values=values)
    for upload in uploads:
        try:
            evidence_add(report=saved, by=by, upload=upload)
        except ValidationError as error:
            raise ValidationError({"file": " ".join(error.messages)}) from error
    return saved


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by) -> None:
    current = _locked(evidence.report)
    _allowed(by, "edit", current)
    name, stored = evidence.original_name, evidence.file.name
    evidence.delete()
    # The file goes only once the row's deletion is committed.
    transaction.on_commit(lambda: evidence.file.storage.delete(stored))
    record_event(current, EventKind.FILE_REMOVED, by, name)
