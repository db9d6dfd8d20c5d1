"""Demo data at province scale (`manage.py seed_demo`): units, people, plans, tasks and years of
reports, as a benchmark and a showcase.

Its words are data: the province's bodies and their names, the names of people, the programs, the
texts of plans, reports and comments are read once from `fixtures/demo/province.json`
(`vocabulary`). Texts that name a plan's coordinating unit or its report deadline are built from
the plan: the unit's name and `Plan.deadline_rule`.

`demo_generate` promises:
- the same arguments give the same rows (names, states, numbers, dates); another seed other rows.
  Every choice comes from one `random.Random(seed)` and every date from the years asked, never from
  today: the data set is seen as of 20/10 of its last year (`DemoSummary.as_of`), mid-way through
  that year's reporting;
- plans of several shapes: most report yearly, some every six months or every quarter (or every plan
  on one schedule, `schedule`); some tasks have sub-tasks (4.1, 4.2) or two lead units; some partners
  are only named, some groups of bodies have each member report; one plan in five is coordinated by
  a second unit, with its own coordinator account, and a coordinator of the first unit given a part
  in it (`PlanRole`);
- the rules of the services hold: every period the plan's schedule gives a year (key, name, kind,
  window of data, deadline, as `period_open` makes them); one report per (period, task, unit owing
  it), as `period_open` decides who owes one: named-only assignments owe nothing, each member of a
  group whose members report does, a unit reports only if it exists on the period's deadline; with
  the unit's name of the time and the deadline `deadline_for` gives; a fixed-date task completed and
  accepted is not asked again; a report that was sent has its submission times, an accepted one its
  acceptance time, a completed task its date and 100 %;
- it only adds: every unit and account code starts with "demo-", every plan code with "kh-demo-"; a
  unit whose name an existing unit already bears is marked "(dữ liệu mẫu)" (names are unique);
- it is fast: units, accounts and plans go in with `bulk_create`, and the tables that grow with the
  reports (tasks, assignments, periods, reports, events, outputs, files, directions) with plain
  multi-row INSERTs (`_insert`), a few thousand reports at a time: the number of queries grows
  with the rows divided by the batch size, never with the rows. No signal is sent and no history
  row written. The password hash is computed once and shared by every account (all use
  the password of fixtures/demo-accounts.json).

Evidence rows are metadata only (name, type, size, path `minh-chung/<year>/<hex>`): no file is
written, so downloading one answers "Tệp không còn trên máy chủ". Each report keeps the last three
events of its history (opened, saved, submitted, returned, accepted), never more.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import gc
import itertools
import json
import random
import re
import string
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from kehoach.demo.accounts import demo_password
from kehoach.text import number_vi
from reports.models import (
    ConsolidatedReport,
    Direction,
    Evidence,
    IndicatorValue,
    Reminder,
    ReminderStage,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
)
from reports.states import deadline_for
from reports.workflow.services import ALLOWED_EVIDENCE
from tasks.models import (
    OUTPUT_KIND_INDICATORS,
    Assignment,
    AssignmentRole,
    DeadlineKind,
    DutyKind,
    GroupMembership,
    Indicator,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorDirection,
    IndicatorTarget,
    OutputKind,
    Plan,
    PlanDuty,
    PlanRole,
    PlanStatus,
    Reporting,
    Role,
    Task,
    Unit,
    UnitKind,
    User,
    task_sort_key,
)
from tasks.schedule import SPANS, ScheduleKind

UNIT_PREFIX = "demo-"
USER_PREFIX = "demo-"
PLAN_PREFIX = "kh-demo-"
NAME_CLASH_MARK = " (dữ liệu mẫu)"
DEFAULT_SEED = 2026

BATCH_SIZE = 2000
# Reports are written, with their outputs, files and events, every FLUSH_EVERY reports: memory stays
# flat whatever the size, and the query count grows with the rows / batch size only.
FLUSH_EVERY = 5000
PROGRESS_EVERY = 25_000

# (argument, smallest, largest, what it counts)
LIMITS = {
    "units": (20, 5000, "số đơn vị"),
    "plans": (1, 1000, "số kế hoạch"),
    "tasks_per_plan": (1, 200, "số nhiệm vụ mỗi kế hoạch"),
    "years": (1, 30, "số năm"),
}
# Plans × tasks × years × periods a year: the size of the reporting, bounded.
MAX_TASK_PERIODS = 800_000
FIRST_YEAR_MIN = 2000
LAST_YEAR_MAX = 2100

# The schedules a demo data set may have: every plan on one of the calendar schedules, or a mix.
MIXED = "mixed"
SCHEDULES = {
    MIXED: "hỗn hợp: phần lớn hằng năm, một số 6 tháng và hằng quý",
    **{kind.value: kind.label.lower() for kind in ScheduleKind if kind in SPANS},
}
# The mix, plan after plan: seven in ten yearly, two half-yearly, one quarterly.
MIXED_CYCLE = [
    ScheduleKind.YEARLY,
    ScheduleKind.HALF_YEARLY,
    ScheduleKind.YEARLY,
    ScheduleKind.QUARTERLY,
    ScheduleKind.YEARLY,
    ScheduleKind.YEARLY,
    ScheduleKind.HALF_YEARLY,
    ScheduleKind.YEARLY,
    ScheduleKind.YEARLY,
    ScheduleKind.YEARLY,
]
# The most periods a year of a schedule, for the size bound.
PERIODS_A_YEAR = {MIXED: 4, **{kind: len(SPANS[kind]) for kind in SCHEDULES if kind != MIXED}}

# Shapes of data set, by name (`seed_demo --shape`): the sizes and schedule each stands for. The
# monthly one is a single large plan: 120 tasks reported on every month by about 100 bodies (of its
# 170 units, the province, the department, its leadership, the groups, the merged units, the bodies
# only named and those no task names report nothing: `DemoSummary.reporting_units`).
SHAPES = {
    "province": {"units": 300, "plans": 20, "tasks_per_plan": 25, "years": 10, "schedule": MIXED},
    "monthly-120": {"units": 170, "plans": 1, "tasks_per_plan": 120, "years": 3, "schedule": "monthly"},
    "province-x10": {"units": 3000, "plans": 40, "tasks_per_plan": 60, "years": 10, "schedule": MIXED},
}
DEFAULT_SHAPE = "province"


def vocabulary_file() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "demo" / "province.json"


@functools.cache
def vocabulary() -> dict:
    """The words of the demo data set (fixtures/demo/province.json), read once; never changed."""
    return json.loads(vocabulary_file().read_text(encoding="utf-8"))


@dataclass
class DemoSummary:
    """What `demo_generate` wrote, counted as it was written."""

    seed: int
    first_year: int
    last_year: int
    as_of: datetime.date
    units: int = 0
    groups: int = 0
    retired_units: int = 0
    users: int = 0
    plans: int = 0
    plans_by_schedule: dict[str, int] = field(default_factory=dict)
    plan_roles: int = 0
    tasks: int = 0
    sub_tasks: int = 0
    co_led_tasks: int = 0
    assignments: int = 0
    duties: int = 0
    periods: int = 0
    reports: int = 0
    reporting_units: int = 0  # units with a report in the last year
    outputs: int = 0  # indicator values reported
    indicators: int = 0
    targets: int = 0
    evidence: int = 0
    events: int = 0
    directions: int = 0
    reports_by_status: dict[str, int] = field(default_factory=dict)
    coordinators: list[tuple[str, str]] = field(default_factory=list)  # (username, unit name)


# ------------------------------------------------------------------------------
# Arguments, existing demo data
# ------------------------------------------------------------------------------
def demo_shape(name: str) -> dict:
    """The sizes and schedule of the shape `name` (SHAPES); a ValidationError in Vietnamese if
    there is no such shape."""
    if name not in SHAPES:
        raise ValidationError(f"Không có dạng dữ liệu “{name}”: chọn một trong {', '.join(SHAPES)}.")
    return dict(SHAPES[name])


def demo_check_arguments(
    *, units, plans, tasks_per_plan, years, last_year, seed, schedule=MIXED
) -> dict[str, int | str]:
    """The arguments of `demo_generate` as integers (given as integers or text) and a schedule; a
    ValidationError listing, in Vietnamese, every one that is not an integer or out of bounds."""
    values, errors = {}, []
    given = {"units": units, "plans": plans, "tasks_per_plan": tasks_per_plan, "years": years}
    for name, value in given.items():
        low, high, label = LIMITS[name]
        number = _integer(value)
        if number is None:
            errors.append(f"{label.capitalize()} phải là số nguyên, không phải “{value}”.")
        elif not low <= number <= high:
            errors.append(
                f"{label.capitalize()} phải từ {low} đến {number_vi(high)}, không phải {number_vi(number)}."
            )
        else:
            values[name] = number
    year = _integer(last_year)
    if year is None:
        errors.append(f"Năm cuối phải là số nguyên, không phải “{last_year}”.")
    elif not FIRST_YEAR_MIN <= year <= LAST_YEAR_MAX:
        errors.append(f"Năm cuối phải từ {FIRST_YEAR_MIN} đến {LAST_YEAR_MAX}, không phải {year}.")
    else:
        values["last_year"] = year
    if (
        "years" in values
        and "last_year" in values
        and values["last_year"] - values["years"] + 1 < FIRST_YEAR_MIN
    ):
        errors.append(
            f"{values['years']} năm tính đến năm {values['last_year']} bắt đầu trước năm {FIRST_YEAR_MIN}: "
            "hãy giảm số năm."
        )
    if schedule in SCHEDULES:
        values["schedule"] = schedule
    else:
        choices = "; ".join(f"{key} ({label})" for key, label in SCHEDULES.items())
        errors.append(f"Lịch báo cáo “{schedule}” không có: chọn một trong {choices}.")
    if {"plans", "tasks_per_plan", "years", "schedule"} <= set(values):
        a_year = PERIODS_A_YEAR[values["schedule"]]
        task_periods = values["plans"] * values["tasks_per_plan"] * values["years"] * a_year
        if task_periods > MAX_TASK_PERIODS:
            errors.append(
                f"Số kế hoạch × số nhiệm vụ × số năm × số kỳ mỗi năm ({a_year}) = {number_vi(task_periods)} "
                f"vượt giới hạn {number_vi(MAX_TASK_PERIODS)}: dữ liệu quá lớn."
            )
    if _integer(seed) is None:
        errors.append(f"Hạt giống phải là số nguyên, không phải “{seed}”.")
    else:
        values["seed"] = _integer(seed)
    if errors:
        raise ValidationError(errors)
    return values


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        return int(value)
    return None


def _demo_units():
    return Unit.objects.filter(code__startswith=UNIT_PREFIX)


def _demo_users():
    return User.objects.filter(username__startswith=USER_PREFIX)


def _demo_plans():
    return Plan.objects.filter(code__startswith=PLAN_PREFIX)


def demo_exists() -> bool:
    """Whether any demo unit, account or plan is in the database."""
    return _demo_units().exists() or _demo_users().exists() or _demo_plans().exists()


def _wipe(queryset) -> int:
    # A plain DELETE: the deletion collector would load every generated row and write a history
    # row for each, for data that never had history. Foreign keys are still checked by the database.
    return queryset._raw_delete(queryset.db)


def _analyse() -> None:
    """PostgreSQL: statistics of the demo's tables, taken now (after writing them, before deleting
    them). Rows written moments ago (in the same transaction, or before autovacuum came by) have
    none: the planner then takes the tables for empty and joins them by nested loops, which ran a
    DELETE and the reads of a test for minutes."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (
            Plan, Task, Assignment, Indicator, IndicatorTarget, ReportingPeriod, TaskReport,
            IndicatorValue, ReportEvent, Evidence, Direction, Unit, GroupMembership,
        )
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))


@transaction.atomic
def demo_delete() -> None:
    """Delete every demo row and what was added to it since (reports, reminders, consolidated
    reports on demo periods). Never touches other rows: a row outside the demo data that still
    refers to a demo unit or account makes the deletion fail (ProtectedError, IntegrityError).
    """
    _analyse()
    plans = _demo_plans()
    periods = ReportingPeriod.objects.filter(plan__in=plans)
    reports = TaskReport.objects.filter(period__in=periods)
    units = _demo_units()
    for model in (ReportEvent, IndicatorValue, Evidence, Direction):
        _wipe(model.objects.filter(report__in=reports))
    _wipe(reports)
    ConsolidatedReport.objects.filter(plan__in=plans).delete()
    ReminderStage.objects.filter(Q(period__in=periods) | Q(unit__in=units)).delete()
    Reminder.objects.filter(unit__in=units).delete()
    _wipe(periods)
    tasks = Task.objects.filter(plan__in=plans)
    _wipe(Assignment.objects.filter(task__in=tasks))
    # By the indicator's key, not through a join: a join makes Django delete by a self-joined
    # subquery, which PostgreSQL ran for minutes on a small data set.
    _wipe(IndicatorTarget.objects.filter(indicator__in=Indicator.objects.filter(task__in=tasks).values("pk")))
    _wipe(Indicator.objects.filter(task__in=tasks))
    _wipe(tasks)
    _wipe(PlanDuty.objects.filter(plan__in=plans))
    _wipe(PlanRole.objects.filter(plan__in=plans))
    _wipe(Plan.basis_documents.through.objects.filter(plan__in=plans))
    _wipe(plans)
    # Accounts and units through the ORM: it refuses (PROTECT) when other data refers to them, and
    # unlinks the history rows naming a demo account as their author.
    _demo_users().delete()
    _wipe(GroupMembership.objects.filter(Q(member__in=units) | Q(group__in=units)))
    units.update(parent=None, successor=None)
    units.delete()
    # The plain DELETEs above leave foreign keys to be checked at commit: check them now, so that a
    # row outside the demo data pointing to a deleted one fails here, named, and not at commit.
    connection.check_constraints()


# ------------------------------------------------------------------------------
# How a province is drawn (its words are in the vocabulary)
# ------------------------------------------------------------------------------
# Share of the units beyond the core, by kind, in a province; each capped by its list.
SHARES = [
    (UnitKind.DIVISION, 0.02),
    (UnitKind.CENTRE, 0.02),
    (UnitKind.DEPARTMENT, 0.09),
    (UnitKind.PARTY, 0.03),
    (UnitKind.DISTRICT, 0.04),
    (UnitKind.COMMUNE, 0.33),
    (UnitKind.ASSOCIATION, 0.08),
    (UnitKind.INSTITUTE, 0.08),
]
MINIMUM = {UnitKind.DEPARTMENT: 1, UnitKind.DISTRICT: 1, UnitKind.COMMUNE: 2}
# The core: the province, the department, its leadership, the coordinating and finance divisions and
# the federation ("bodies" of the vocabulary), the divisions and centres always there, the groups.
CORE_BODIES = ("province", "department", "leadership", "coordinator", "finance", "federation")
# A task addressed to every body of a kind ("UBND các xã, phường", "các sở, ban, ngành", the
# vocabulary's wide scopes), each of which reports for itself, as the province's plans do: each
# assigned, or (GROUP_SCOPE_SHARE, where a group holds those bodies) the group, its members reporting.
# The rest name a few partners.
WIDE_SHARE = 0.7
GROUP_SCOPE_SHARE = 0.5
NAMED_PARTNERS = [0, 1, 2, 2, 3, 3, 4, 4, 5, 6]
PARTNER_WEIGHTS = {
    UnitKind.GROUP: 10,
    UnitKind.DEPARTMENT: 24,
    UnitKind.DIVISION: 8,
    UnitKind.CENTRE: 6,
    UnitKind.DISTRICT: 7,
    UnitKind.COMMUNE: 12,
    UnitKind.ASSOCIATION: 9,
    UnitKind.INSTITUTE: 9,
    UnitKind.ENTERPRISE: 9,
    UnitKind.PARTY: 2,
    UnitKind.FRONT: 4,
}
# Named, not judged (docs/domain.md, "Units and the 2025 reorganisation"): party bodies and the Front
# are only named; half the enterprises too. A group is named only, unless its members may report
# (the vocabulary says which), and then half the time its members report.
NAMED_ONLY_KINDS = {UnitKind.PARTY, UnitKind.FRONT}
ENTERPRISE_NAMED_SHARE = 0.5
MEMBERS_REPORT_SHARE = 0.5
# Sub-tasks: a plan of 6 tasks or more has one task with two or three sub-tasks, and one more for
# every 20 tasks. Co-leads: one task in ten (at least one in a plan of 4 tasks or more) has two.
SUB_TASKS_FROM = 6
SUB_TASKS_EVERY = 20
CO_LEADS_FROM = 4
CO_LEADS_EVERY = 10
# One plan in five (the 3rd, 8th, 13th…) is coordinated by the vocabulary's second coordinating unit.
SECOND_COORDINATOR_EVERY = 5
SECOND_COORDINATOR_FIRST = 3

OUTPUT_RANGES = {
    OutputKind.EVENTS: (1, 12),
    OutputKind.ARTICLES: (2, 60),
    OutputKind.PARTICIPANTS: (30, 2000),
    OutputKind.DOCUMENTS: (1, 8),
    OutputKind.TECHNOLOGIES: (1, 5),
    OutputKind.ORDERS: (1, 6),
    OutputKind.RESEARCH_NEEDS: (1, 15),
}
# How the counts and the shares are judged (Indicator's direction, aggregation, accumulation).
COUNT_RULES = (
    IndicatorDirection.AT_LEAST.value,
    IndicatorAggregation.SUM.value,
    IndicatorAccumulation.CUMULATIVE.value,
)
SHARE_RULES = (
    IndicatorDirection.AT_LEAST.value,
    IndicatorAggregation.EACH_UNIT.value,
    IndicatorAccumulation.LEVEL.value,
)
SHARE_EVERY = 4
SHARE_KIND = "share"
SHARE = ("Tỷ lệ hồ sơ, thủ tục xử lý trực tuyến toàn trình",)
SHARE_TARGET = Decimal(80)
QUARTERS = {1: ((31, 3), "I"), 2: ((30, 6), "II"), 3: ((30, 9), "III"), 4: ((31, 12), "IV")}
YEARLY_DUE = [(31, 3), (30, 6), (30, 9), (31, 10), (15, 12)]

AS_OF = (20, 10)  # day, month of the last year: the data set is seen as of this day
# A period of the last year whose deadline passed more than this before the day seen is judged as
# the years before; one whose window of data starts after it has nothing in it yet.
RECENT = datetime.timedelta(days=30)
PAST, CURRENT, FUTURE = "past", "current", "future"


# ------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------
def _slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _create(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


# Columns of the tables written by `_insert`, in the order of the generator's row tuples.
TASK_FIELDS = (
    "parent",
    "plan",
    "number",
    "sort_key",
    "title",
    "content",
    "lead_text",
    "partner_text",
    "deadline_kind",
    "due_date",
    "due_day",
    "due_month",
    "deadline_text",
)
ASSIGNMENT_FIELDS = ("task", "unit", "role", "reporting", "note", "order")
PERIOD_FIELDS = (
    "plan",
    "key",
    "name",
    "kind",
    "year",
    "deadline",
    "cutoff_from",
    "cutoff_to",
    "is_open",
    "opened_at",
    "opened_by",
)
REPORT_FIELDS = (
    "period",
    "task",
    "unit",
    "unit_name",
    "role",
    "deadline",
    "status",
    "results",
    "completion",
    "completed_on",
    "progress",
    "difficulties",
    "escalate",
    "proposals",
    "funds_planned",
    "funds_spent",
    "version",
    "updated_at",
    "updated_by",
    "submitted_at",
    "last_submitted_at",
    "accepted_at",
)
EVENT_FIELDS = ("report", "kind", "actor", "actor_name", "comment", "late", "created_at")
INDICATOR_FIELDS = (
    "task",
    "name",
    "unit_of_measure",
    "decimals",
    "direction",
    "aggregation",
    "accumulation",
    "is_share",
    "order",
)
TARGET_FIELDS = ("indicator", "scope", "year", "period_key", "value")
VALUE_FIELDS = ("report", "indicator", "value")
EVIDENCE_FIELDS = ("report", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
DIRECTION_FIELDS = ("report", "text", "author", "author_name", "created_at")
HALF_HOUR = datetime.timedelta(minutes=30)
ACCEPT_COMMENTS = ["", "", "Đồng ý."]
# PostgreSQL takes at most 65,535 parameters in one statement.
MAX_PARAMETERS = 60_000


def _insert(
    model, fields: tuple[str, ...], rows: list[tuple], *, returning: bool = False
) -> list[int] | None:
    """INSERT `rows` (values already adapted for the database, in the order of `fields`) into the
    table of `model`: one statement per table on SQLite (executemany), one per BATCH_SIZE rows
    elsewhere. With `returning`, the new ids in the order of `rows` where the database gives them
    (as bulk_create relies on, not on SQLite: executemany returns nothing), else None.

    At this volume the per-value work of bulk_create (a model instance per row, each value prepared
    field by field) costs ten times the database's. These rows also carry their own timestamps,
    which bulk_create would replace by now for `auto_now` fields. The database still checks every
    constraint; no signal is sent, as for bulk_create.
    """
    if not rows:
        return [] if returning and connection.vendor != "sqlite" else None
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(head + one, rows)
            return None
        ids = []
        tail = f" RETURNING {quote(meta.pk.column)}" if returning else ""
        per = max(1, min(BATCH_SIZE, MAX_PARAMETERS // len(fields)))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                head + ", ".join([one] * len(chunk)) + tail, [value for row in chunk for value in row]
            )
            if returning:
                ids += [pk for (pk,) in cursor.fetchall()]
        return ids if returning else None


@contextmanager
def _without_cycle_collection():
    """No cyclic garbage collection while generating: its passes grow with the hundreds of thousands
    of row tuples alive and, here, find nothing to collect (the rows make no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _datetime_adapter(tz, first_year: int, last_year: int):
    """Local times without zone (as the generator keeps them) → the database's value for an aware
    datetime. On SQLite, when `tz` keeps one offset through the years, the same conversion as the
    backend's (to UTC, without zone, as text) without the checks around it, which cost more than
    the conversion at a million values."""
    adapt = connection.ops.adapt_datetimefield_value

    def generic(value):
        return None if value is None else adapt(value.replace(tzinfo=tz))

    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return generic
    offsets = {
        datetime.datetime(year, month, 1, 12, tzinfo=tz).utcoffset()
        for year in range(first_year, last_year + 1)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return generic
    offset = offsets.pop() - datetime.datetime(2000, 1, 1, tzinfo=connection.timezone).utcoffset()

    def fast(value):
        return None if value is None else str(value - offset)

    sample = datetime.datetime(last_year, 6, 30, 16, 59)
    return fast if fast(sample) == generic(sample) else generic


def _table(pairs: list[tuple[str, int]]) -> tuple[tuple[str, ...], list[int]]:
    """Options and cumulative weights for `_Generator.weighted`."""
    return tuple(option for option, _ in pairs), list(itertools.accumulate(weight for _, weight in pairs))


STATUS_NOW = _table([("draft", 50), ("submitted", 22), ("returned", 8), ("accepted", 20)])
STATUS_PAST = _table([("accepted", 80), ("returned", 7), ("submitted", 6), ("draft", 7)])
COMPLETION_DRAFT = _table([("not_started", 55), ("in_progress", 38), ("done", 7)])
COMPLETION_ACCEPTED = _table([("done", 72), ("in_progress", 24), ("not_started", 4)])
COMPLETION_SENT = _table([("done", 42), ("in_progress", 53), ("not_started", 5)])


class _Task(NamedTuple):
    pk: int
    plan_id: int
    number: str
    deadline_kind: str
    due_date: datetime.date | None
    due_day: int | None
    due_month: int | None
    output_kinds: list[str]
    # (indicator id, what it counts: an OutputKind, or SHARE), once the indicators are written
    indicators: list[tuple[int, str]]
    # (unit, role, reporting, note), leads first, in the assignments' order
    assigned: list[tuple[Unit, str, str, str]]
    # (unit, role) of every unit owing a report on it when it exists, as `period_open` decides
    owed: list[tuple[Unit, str]]


class _PlanPeople(NamedTuple):
    """Who opens a plan's periods and reviews its reports, and the comments they write."""

    coordinating_unit: Unit
    coordinator: User
    return_comments: list[str]
    directions: list[str]


class _Period(NamedTuple):
    pk: int
    plan_id: int
    key: str
    year: int
    deadline: datetime.date
    opened_at: datetime.datetime
    stage: str  # PAST, CURRENT or FUTURE, as of the day the data set is seen
    phrase: str  # its name inside a sentence: "năm 2026", "quý III/2026", "tháng 5/2026"
    reach: int  # days from the start of its window of data to its deadline, at most 100
    people: _PlanPeople


def _month_day(text: str, year: int) -> datetime.date:
    month, day = (int(part) for part in text.split("-"))
    return datetime.date(year, month, day)


class _Generator:
    def __init__(self, *, units, plans, tasks_per_plan, years, seed, last_year, schedule, stdout):
        self.rng = random.Random(seed)
        self.words = words = vocabulary()
        self.n_units, self.n_plans, self.n_tasks = units, plans, tasks_per_plan
        self.schedule = schedule
        self.first_year, self.last_year = last_year - years + 1, last_year
        self.as_of = datetime.date(last_year, AS_OF[1], AS_OF[0])
        # The reorganisation: in its year when the years include it, else in their middle.
        reorganisation = words["reorganisation"]
        year = reorganisation["year"]
        self.reorg_year = year if self.first_year <= year <= last_year else self.first_year + (years - 1) // 2
        self.departments_end = _month_day(reorganisation["departments_end"], self.reorg_year)
        self.locals_end = _month_day(reorganisation["locals_end"], self.reorg_year)
        self.email_domain = words["email_domain"]
        self.tz = timezone.get_default_timezone()
        self.d, self.dt = (
            connection.ops.adapt_datefield_value,
            _datetime_adapter(self.tz, self.first_year, last_year),
        )
        rand = self.rand = self.rng.random
        self.ri = lambda low, high: low + int(rand() * (high - low + 1))
        self.pick = lambda options: options[int(rand() * len(options))]
        self.weighted = lambda table: table[0][bisect.bisect(table[1], rand() * table[1][-1])]
        self.stdout = stdout
        self.summary = DemoSummary(
            seed=seed, first_year=self.first_year, last_year=last_year, as_of=self.as_of
        )
        self.codes: set[str] = set()
        self._candidates: dict[int, tuple[list[Unit], dict[str, list[Unit]]]] = {}
        self.names: set[str] = set()  # as generated, before any NAME_CLASH_MARK
        self.taken_names = set(Unit.objects.values_list("name", flat=True))

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def at(self, day: datetime.date, hour: int | None = None, minute: int = 0) -> datetime.datetime:
        """A moment of `day` in office hours (7:00–16:59), or at `hour`:`minute`, local time without zone
        (`self.dt` writes it, `self.aware` gives it its zone)."""
        if hour is None:
            hour, minute = divmod(420 + int(self.rand() * 600), 60)
        return datetime.datetime(day.year, day.month, day.day, hour, minute)

    def aware(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.replace(tzinfo=self.tz)

    def run(self) -> DemoSummary:
        with _without_cycle_collection():
            self.make_units()
            self.make_users()
            self.make_plans()
            self.make_periods()
            self.make_reports()
        return self.summary

    # -- units ---------------------------------------------------------------------------------
    def unit(
        self, key: str, name: str, short: str, kind: str, *, parent=None, valid_from=None, document_code=""
    ) -> Unit:
        code = UNIT_PREFIX + key[: 40 - len(UNIT_PREFIX)].strip("-")
        base, n = code, 2
        while code in self.codes:
            code = f"{base[:37]}-{n}"
            n += 1
        self.codes.add(code)
        self.names.add(name)
        if name in self.taken_names:
            name += NAME_CLASH_MARK
        unit = Unit(
            code=code,
            name=name,
            short_name=short[:60],
            document_code=document_code,
            kind=kind,
            parent=parent,
            valid_from=valid_from,
            email="" if kind == UnitKind.GROUP else f"vanthu.{code}@{self.email_domain}",
        )
        self.units.append(unit)
        return unit

    def entry(self, entry: dict, kind: str, **options) -> Unit:
        """A unit of the vocabulary: {code, name, short_name, document_code (optional)}."""
        return self.unit(
            entry["code"],
            entry["name"],
            entry["short_name"],
            kind,
            document_code=entry.get("document_code", ""),
            **options,
        )

    @staticmethod
    def plain(unit: Unit) -> str:
        """The unit's name as the vocabulary gives it, for sentences: without NAME_CLASH_MARK."""
        return unit.name.removesuffix(NAME_CLASH_MARK)

    def own_units(self, kind: str) -> tuple[list[dict], list[dict]]:
        """The department's divisions or centres of the vocabulary: those always there, the others."""
        pool = self.words["divisions" if kind == UnitKind.DIVISION else "centres"]
        return [e for e in pool if e.get("always")], [e for e in pool if not e.get("always")]

    def core_units(self) -> int:
        always = sum(len(self.own_units(kind)[0]) for kind in (UnitKind.DIVISION, UnitKind.CENTRE))
        return len(CORE_BODIES) + always + len(self.words["groups"])

    def counts(self) -> dict[str, int]:
        """How many units of each kind beyond the core, summing with the mergers' successors to N."""
        w = self.words
        rest = self.n_units - self.core_units()
        caps = {
            UnitKind.DIVISION: len(self.own_units(UnitKind.DIVISION)[1]),
            UnitKind.CENTRE: len(self.own_units(UnitKind.CENTRE)[1]),
            UnitKind.DEPARTMENT: len(w["departments"]),
            UnitKind.PARTY: len(w["party_and_front"]),
            UnitKind.DISTRICT: len(w["districts"]),
            UnitKind.COMMUNE: len(w["communes"]) + 300,
            UnitKind.ASSOCIATION: len(w["association_fields"]),
            UnitKind.INSTITUTE: len(w["institutes"]),
        }
        counts = {
            kind: min(caps[kind], max(MINIMUM.get(kind, 0), int(share * rest))) for kind, share in SHARES
        }
        counts["merges"] = self.merge_pairs(counts[UnitKind.DISTRICT] + counts[UnitKind.COMMUNE])
        counts[UnitKind.ENTERPRISE] = rest - sum(counts.values())
        return counts

    @staticmethod
    def merge_pairs(local_units: int) -> int:
        # About one local committee in ten merges with another into a new one.
        return max(1, round(local_units * 0.05)) if local_units >= 2 else 0

    def make_units(self) -> None:
        rng, w, self.units = self.rng, self.words, []
        bodies = w["bodies"]
        counts = self.counts()
        province = self.entry(bodies["province"], UnitKind.GOVERNMENT)
        department = self.entry(bodies["department"], UnitKind.DEPARTMENT, parent=province)
        self.leadership_unit = self.entry(bodies["leadership"], UnitKind.LEADERSHIP, parent=department)
        self.coordinating_unit = self.entry(bodies["coordinator"], UnitKind.DIVISION, parent=department)
        self.finance_unit = self.entry(bodies["finance"], UnitKind.DIVISION, parent=department)
        self.province, self.department = province, department
        reorg_start = self.departments_end + datetime.timedelta(days=1)
        by_key = {bodies["department"]["code"]: department}
        # The divisions and centres always there lead more tasks than the others.
        self.favoured: set[int] = set()
        for kind in (UnitKind.DIVISION, UnitKind.CENTRE):
            always, others = self.own_units(kind)
            for entry in always + others[: counts[kind]]:
                starts = reorg_start if entry.get("new") and self.first_year < self.reorg_year else None
                by_key[entry["code"]] = unit = self.entry(entry, kind, parent=department, valid_from=starts)
                if entry.get("always"):
                    self.favoured.add(id(unit))
        self.second_coordinating_unit = by_key[w["second_coordinator"]]
        self.entry(bodies["federation"], UnitKind.ASSOCIATION)
        self.groups = [self.entry(entry, UnitKind.GROUP) for entry in w["groups"]]
        self.group_entries = {id(group): entry for group, entry in zip(self.groups, w["groups"], strict=True)}
        self.group_by_code = {
            entry["code"]: group for group, entry in zip(self.groups, w["groups"], strict=True)
        }

        chosen = w["departments"][: counts[UnitKind.DEPARTMENT]]
        for entry in chosen:
            starts = reorg_start if entry.get("new") and self.first_year < self.reorg_year else None
            by_key[entry["code"]] = self.entry(entry, UnitKind.DEPARTMENT, parent=province, valid_from=starts)
        self.retired: list[Unit] = []
        for entry in chosen:
            if entry.get("successor") in by_key:
                self.retire(by_key[entry["code"]], by_key[entry["successor"]], self.departments_end)
        for entry in w["party_and_front"][: counts[UnitKind.PARTY]]:
            self.entry(entry, entry["kind"])
        districts = [self.local(place) for place in w["districts"][: counts[UnitKind.DISTRICT]]]
        places = self.commune_names()
        communes = [
            self.local(next(places), parent=rng.choice(districts)) for _ in range(counts[UnitKind.COMMUNE])
        ]
        names = w["names"]
        for field_name in w["association_fields"][: counts[UnitKind.ASSOCIATION]]:
            self.unit(
                _slug("hoi " + field_name),
                names["association"].format(field=field_name),
                names["association_short"].format(field=field_name),
                UnitKind.ASSOCIATION,
            )
        for name in w["institutes"][: counts[UnitKind.INSTITUTE]]:
            short = name
            for long_form, short_form in names["institute_abbreviations"]:
                short = short.replace(long_form, short_form)
            self.unit(_slug(short), name, short, UnitKind.INSTITUTE)
        self.enterprises(counts[UnitKind.ENTERPRISE])

        # Mergers of local committees: pairs end on the day set, a new committee starts the next day.
        merging = rng.sample(
            communes if len(communes) >= 2 * counts["merges"] else districts + communes, 2 * counts["merges"]
        )
        for first, second in zip(merging[::2], merging[1::2], strict=False):
            successor = self.local(next(places), valid_from=self.locals_end + datetime.timedelta(days=1))
            self.retire(first, successor, self.locals_end)
            self.retire(second, successor, self.locals_end)

        # Parents and successors first: one bulk insert per depth.
        depth: dict[int, int] = {}

        def level(unit: Unit) -> int:
            if id(unit) not in depth:
                above = [u for u in (unit.parent, unit.successor) if u is not None]
                depth[id(unit)] = 1 + max((level(u) for u in above), default=-1)
            return depth[id(unit)]

        for d in sorted({level(u) for u in self.units}):
            _create(Unit, [u for u in self.units if level(u) == d])
        # A group holds every body of its kinds but the department itself, which issues the plans.
        self.members: dict[int, list[Unit]] = {}
        rows = []
        for group in self.groups:
            kinds = set(self.group_entries[id(group)]["kinds"])
            members = [u for u in self.units if u.kind in kinds and u is not department]
            self.members[id(group)] = sorted(members, key=lambda u: u.name)
            rows += [GroupMembership(member_id=u.pk, group_id=group.pk) for u in members]
        _create(GroupMembership, rows)

        self.summary.units = len(self.units)
        self.summary.groups = len(self.groups)
        self.summary.retired_units = len(self.retired)
        self.say(f"  {number_vi(len(self.units))} đơn vị…")

    def local(self, place: str, *, parent=None, valid_from=None) -> Unit:
        names = self.words["names"]
        kind = UnitKind.DISTRICT if place.startswith(tuple(names["district_prefixes"])) else UnitKind.COMMUNE
        return self.unit(
            _slug("ubnd " + place),
            names["local"].format(place=place),
            names["local_short"].format(place=place),
            kind,
            parent=parent,
            valid_from=valid_from,
        )

    def commune_names(self):
        w = self.words
        yield from w["communes"]
        combos = [f"{a} {b}" for a in w["place_first"] for b in w["place_second"] if a != b]
        self.rng.shuffle(combos)
        for place in combos:
            candidate = f"{self.rng.choice(w['names']['commune_prefixes'])} {place}"
            if w["names"]["local"].format(place=candidate) not in self.names:
                yield candidate

    def enterprises(self, count: int) -> None:
        w, rng = self.words, self.rng
        made = 0
        while made < count:
            (form, short_form), sector = (
                rng.choice(w["enterprise_forms"]),
                rng.choice(w["enterprise_sectors"]),
            )
            brand = f"{rng.choice(w['brand_first'])} {rng.choice(w['brand_second'])}"
            name = w["names"]["enterprise"].format(form=form, sector=sector, brand=brand)
            if name in self.names:
                continue
            short = w["names"]["enterprise_short"].format(short_form=short_form, brand=brand)
            self.unit(_slug(f"dn {sector} {brand}"), name, short, UnitKind.ENTERPRISE)
            made += 1

    def retire(self, unit: Unit, successor: Unit, last_day: datetime.date) -> None:
        unit.valid_to, unit.successor = last_day, successor
        self.retired.append(unit)

    # -- people --------------------------------------------------------------------------------
    def person(self, username: str, unit: Unit | None, role: str, position: str) -> User:
        rng, w = self.rng, self.words
        user = User(
            username=username,
            first_name=rng.choice(w["given_names"]),
            last_name=f"{rng.choice(w['family_names'])} {rng.choice(w['middle_names'])}",
            unit=unit,
            role=role,
            position=position,
            password=self.password,
            date_joined=self.joined,
            is_active=unit is None or unit.valid_to is None,
        )
        self.users.append(user)
        return user

    def make_users(self) -> None:
        rng, self.users = self.rng, []
        positions = self.words["positions"]
        salt = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))
        self.joined = self.aware(self.at(datetime.date(self.first_year, 1, 2), 8, 0))
        # One hash for every account: a hash per account would take seconds each with PBKDF2.
        self.password = make_password(demo_password(), salt=salt)
        main, second = self.coordinating_unit, self.second_coordinating_unit
        self.coordinator = self.person(
            f"{USER_PREFIX}dieuphoi",
            main,
            Role.COORDINATOR,
            positions["coordinator"].format(unit=self.plain(main)),
        )
        # The second coordinator of the first unit; also given a part in the second unit's plans.
        self.helper = self.person(
            f"{USER_PREFIX}dieuphoi2",
            main,
            Role.COORDINATOR,
            positions["coordinator"].format(unit=self.plain(main)),
        )
        suffix = _slug(second.document_code) or second.code.removeprefix(UNIT_PREFIX)
        self.second_coordinator = self.person(
            f"{USER_PREFIX}dieuphoi-{suffix}",
            second,
            Role.COORDINATOR,
            positions["coordinator"].format(unit=self.plain(second)),
        )
        self.directors = [
            self.person(
                f"{USER_PREFIX}giamdoc", self.leadership_unit, Role.LEADERSHIP, positions["director"]
            ),
            self.person(
                f"{USER_PREFIX}phogiamdoc",
                self.leadership_unit,
                Role.LEADERSHIP,
                positions["deputy_director"],
            ),
        ]
        # A coordinating unit's own reports are reviewed by the leadership.
        self.reviewer_of_coordinating_unit = self.directors[0]
        self.person(
            f"{USER_PREFIX}ketoan",
            self.finance_unit,
            Role.FINANCE,
            positions["finance"].format(unit=self.plain(self.finance_unit)),
        )
        self.heads: dict[int, User] = {}
        self.staff: dict[int, list[User]] = {}
        for unit in self.units:
            if unit.kind in (UnitKind.GROUP, UnitKind.LEADERSHIP):
                continue
            position = positions["head"].get(unit.kind, positions["head_otherwise"])
            self.heads[unit.pk] = self.person(f"{unit.code}.lanhdao", unit, Role.HEAD, position)
            own = 2 if unit.kind in (UnitKind.DIVISION, UnitKind.CENTRE) else 1
            self.staff[unit.pk] = [
                self.person(f"{unit.code}.canbo{i}", unit, Role.STAFF, rng.choice(positions["staff"]))
                for i in range(1, own + 1)
            ]
        _create(User, self.users)
        self.names_of = {user.pk: user.get_full_name() for user in self.users}
        self.summary.users = len(self.users)
        self.summary.coordinators = [
            (self.coordinator.username, self.plain(main)),
            (self.second_coordinator.username, self.plain(second)),
        ]
        self.say(f"  {number_vi(len(self.users))} tài khoản…")

    # -- plans, tasks, assignments -------------------------------------------------------------
    def schedule_of(self, index: int) -> str:
        if self.schedule != MIXED:
            return self.schedule
        return MIXED_CYCLE[(index - 1) % len(MIXED_CYCLE)]

    def make_plans(self) -> None:
        rng, w = self.rng, self.words
        plan_words = w["plan"]
        # Most plans run for years: four in five were issued in the first year, the others in any year.
        early = round(0.8 * (self.n_plans - 1))
        others = [self.first_year] * early + [
            rng.randint(self.first_year, self.last_year) for _ in range(self.n_plans - 1 - early)
        ]
        years = sorted([self.first_year, *others])
        self.plans: list[Plan] = []
        self.plan_last_year: dict[int, int] = {}
        people: list[_PlanPeople] = []
        for i, year in enumerate(years, start=1):
            schedule = self.schedule_of(i)
            rules = w["schedules"][schedule]
            rule = rules[0] if i == 1 else rng.choice(rules)
            second = i % SECOND_COORDINATOR_EVERY == SECOND_COORDINATOR_FIRST % SECOND_COORDINATOR_EVERY
            unit = self.second_coordinating_unit if second else self.coordinating_unit
            names = {
                "coordinator": self.plain(unit),
                "coordinator_code": unit.document_code,
                "finance": self.plain(self.finance_unit),
                "recipient": self.plain(self.province),
                "recipient_short": self.province.short_name,
            }
            program = rng.choice(w["programs"])
            ended = year <= self.last_year - 4 and rng.random() < 0.1
            plan = Plan(
                code=f"{PLAN_PREFIX}{i:03d}",
                number=f"{rng.randint(10, 480)}{plan_words['number_template']}",
                number_template=plan_words["number_template"],
                issued_year=year,
                issued_on=datetime.date(year, rng.randint(1, 6), rng.randint(1, 28)),
                place=w["place"],
                issuer=self.department,
                title=plan_words["title"].format(program=program, year=year),
                preamble=plan_words["preamble"].format(program=program, year=year),
                purposes=plan_words["purposes"],
                implementation_time=plan_words["implementation_time"].format(
                    year=year, frequency=SCHEDULES[schedule]
                ),
                funding_note=plan_words["funding_note"].format(**names),
                signer_title=rng.choice(plan_words["signer_titles"]),
                signer_name=f"{rng.choice(w['family_names'])} {rng.choice(w['middle_names'])} {rng.choice(w['given_names'])}",
                recipients="\n".join(plan_words["recipients"]).format(**names),
                filing_code=plan_words["filing_code"].format(number=rng.randint(1, 99), **names),
                coordinating_unit=unit,
                report_recipient=self.province,
                schedule=schedule,
                report_day=rule["report_day"],
                report_month_offset=rule["report_month_offset"],
                status=PlanStatus.ENDED if ended else PlanStatus.IN_FORCE,
            )
            # The report deadline in words, from the plan's own rule.
            names["deadline_rule"] = plan.deadline_rule
            plan.organisation = plan_words["duties"]["report"].format(**names)
            self.plans.append(plan)
            people.append(
                _PlanPeople(
                    unit,
                    self.second_coordinator if second else self.coordinator,
                    [text.format(**names) for text in w["return_comments"]],
                    [text.format(**names) for text in w["directions"]],
                )
            )
        _create(Plan, self.plans)
        self.people = {plan.pk: plan_people for plan, plan_people in zip(self.plans, people, strict=True)}
        for plan in self.plans:
            ends = plan.issued_year + rng.randint(2, 3) if plan.status == PlanStatus.ENDED else self.last_year
            self.plan_last_year[plan.pk] = min(ends, self.last_year)
        # The first unit's second coordinator helps follow the second unit's plans.
        roles = [
            PlanRole(user=self.helper, plan=plan, kind=PlanRole.Kind.COORDINATOR)
            for plan in self.plans
            if plan.coordinating_unit is self.second_coordinating_unit
        ]
        _create(PlanRole, roles)
        self.summary.plan_roles = len(roles)
        self.summary.plans_by_schedule = dict(Counter(plan.schedule for plan in self.plans))

        duties = []
        for plan in self.plans:
            unit = self.people[plan.pk].coordinating_unit
            names = {
                "coordinator": self.plain(unit),
                "finance": self.plain(self.finance_unit),
                "recipient": self.plain(self.province),
            }
            texts = plan_words["duties"]
            duties += [
                PlanDuty(
                    plan=plan,
                    kind=DutyKind.REPORT,
                    unit=self.groups[0],
                    recipient=unit,
                    order=1,
                    content=plan.organisation,
                ),
                PlanDuty(
                    plan=plan,
                    kind=DutyKind.FOLLOW_UP,
                    unit=unit,
                    recipient=self.province,
                    order=2,
                    content=texts["follow_up"].format(**names),
                ),
                PlanDuty(
                    plan=plan,
                    kind=DutyKind.FUNDING,
                    unit=self.finance_unit,
                    order=3,
                    content=texts["funding"].format(**names),
                ),
            ]
        _create(PlanDuty, duties)
        self.summary.duties = len(duties)

        # Tasks before their sub-tasks, which refer to them.
        drafts = []  # (task, its parent's number or None, its row but for the parent's id)
        for plan in self.plans:
            for number, parent, co_led in self.numbering(self.n_tasks):
                drafts.append((*self.task(plan, number, co_led), parent))
        _insert(Task, TASK_FIELDS, [(None, *row) for _, row, parent in drafts if parent is None])
        ids = self.task_ids()
        _insert(
            Task,
            TASK_FIELDS,
            [(ids[task.plan_id, parent], *row) for task, row, parent in drafts if parent is not None],
        )
        ids = self.task_ids()
        self.tasks: dict[int, list[_Task]] = {plan.pk: [] for plan in self.plans}
        assignments = []
        for task, _, _ in drafts:
            task = task._replace(pk=ids[task.plan_id, task.number])
            self.tasks[task.plan_id].append(task)
            assignments += [
                (task.pk, unit.pk, role, reporting, note, order)
                for order, (unit, role, reporting, note) in enumerate(task.assigned, start=1)
            ]
        _insert(Assignment, ASSIGNMENT_FIELDS, assignments)
        self.make_indicators()
        s = self.summary
        s.plans, s.tasks, s.assignments = len(self.plans), len(drafts), len(assignments)
        s.sub_tasks = sum(parent is not None for _, _, parent in drafts)
        s.co_led_tasks = sum(
            sum(role == AssignmentRole.LEAD for _, role, _, _ in task.assigned) > 1 for task, _, _ in drafts
        )
        self.say(
            f"  {number_vi(len(self.plans))} kế hoạch, {number_vi(len(drafts))} nhiệm vụ, {number_vi(len(assignments))} phân công…"
        )

    @staticmethod
    def task_ids() -> dict[tuple[int, str], int]:
        return {
            (plan, number): pk
            for pk, plan, number in Task.objects.filter(plan__in=_demo_plans()).values_list(
                "pk", "plan_id", "number"
            )
        }

    def numbering(self, n: int) -> list[tuple[str, str | None, bool]]:
        """The numbers of a plan's `n` tasks, in order, each with its parent's number (a sub-task) or
        None, and whether it has two leads."""
        rng = self.rng
        parents = 0 if n < SUB_TASKS_FROM else 1 + n // SUB_TASKS_EVERY
        sizes = [rng.randint(2, 3) for _ in range(parents)]
        tops = n - sum(sizes)
        with_subs = dict(zip(sorted(rng.sample(range(2, tops + 1), parents)), sizes, strict=True))
        numbers = []
        for top in range(1, tops + 1):
            numbers.append((str(top), None))
            numbers += [(f"{top}.{sub}", str(top)) for sub in range(1, with_subs.get(top, 0) + 1)]
        co_led = set(rng.sample(range(n), max(1, n // CO_LEADS_EVERY))) if n >= CO_LEADS_FROM else set()
        return [(number, parent, index in co_led) for index, (number, parent) in enumerate(numbers)]

    def exists_in(self, unit: Unit, year: int) -> bool:
        first = unit.valid_from.year if unit.valid_from else 0
        last = unit.valid_to.year if unit.valid_to else 9999
        return first <= year <= last

    def candidates(self, year: int) -> tuple[list[Unit], dict[str, list[Unit]]]:
        """Units that may lead (the department's own, there for good) and partner a plan of `year`."""
        if year not in self._candidates:
            leads = [
                u
                for u in self.units
                if u.kind in (UnitKind.DIVISION, UnitKind.CENTRE)
                and u.valid_to is None
                and (u.valid_from is None or u.valid_from.year < year)
            ]
            partners: dict[str, list[Unit]] = {}
            for u in self.units:
                if u.kind in PARTNER_WEIGHTS and u is not self.department and self.exists_in(u, year):
                    partners.setdefault(u.kind, []).append(u)
            self._candidates[year] = (leads, partners)
        return self._candidates[year]

    def reporting(self, unit: Unit) -> str:
        """How a unit named as a partner reports (docs/domain.md, "Named, not judged")."""
        if unit.kind == UnitKind.GROUP:
            may = self.group_entries[id(unit)].get("members_may_report")
            return Reporting.MEMBERS if may and self.rand() < MEMBERS_REPORT_SHARE else Reporting.NAMED
        if unit.kind in NAMED_ONLY_KINDS:
            return Reporting.NAMED
        if unit.kind == UnitKind.ENTERPRISE and self.rand() < ENTERPRISE_NAMED_SHARE:
            return Reporting.NAMED
        return Reporting.REPORTS

    def owed(self, assigned: list[tuple[Unit, str, str, str]]) -> list[tuple[Unit, str]]:
        """(unit, role) of every report a task's assignments ask, as `_owed` of the services: each
        unit reporting on its own, each member of a group whose members report (a member assigned
        itself answers for its own assignment), nothing for the named only."""
        direct = {id(unit) for unit, _, reporting, _ in assigned if reporting == Reporting.REPORTS}
        seen, owed = set(), []
        for unit, role, reporting, _ in sorted(assigned, key=lambda a: (a[1], a[0].name)):
            if reporting == Reporting.NAMED:
                continue
            for member in [unit] if reporting == Reporting.REPORTS else self.members[id(unit)]:
                if id(member) in seen or (reporting == Reporting.MEMBERS and id(member) in direct):
                    continue
                seen.add(id(member))
                owed.append((member, role))
        return owed

    def task(self, plan: Plan, number: str, co_led: bool) -> tuple[_Task, tuple]:
        """A task of `plan` (without its id yet) and its row but for its parent's id."""
        rng, year, w = self.rng, plan.issued_year, self.words
        task_words = w["task"]
        activity = rng.choice(w["activities"])
        outputs = activity["outputs"]
        title = f"{activity['text']} {rng.choice(w['topics'])}"
        kind = (
            DeadlineKind.ONGOING
            if number == "1"
            else rng.choices([DeadlineKind.ONGOING, DeadlineKind.YEARLY, DeadlineKind.FIXED], [55, 25, 20])[0]
        )
        due_date = due_day = due_month = None
        if kind == DeadlineKind.FIXED:
            due_year = year + rng.choice([0, 0, 1, 1, 2])
            quarter = rng.randint(3, 4) if due_year == year else rng.randint(1, 4)
            (day, month), roman = QUARTERS[quarter]
            due_date = datetime.date(due_year, month, day)
            deadline_text = task_words["deadline_fixed"].format(quarter=roman, year=due_year)
        elif kind == DeadlineKind.YEARLY:
            due_day, due_month = rng.choice(YEARLY_DUE)
            deadline_text = task_words["deadline_yearly"].format(day=due_day, month=due_month)
        else:
            deadline_text = task_words["deadline_ongoing"]

        leads, partners = self.candidates(year)
        # The plan's coordinating unit leads most tasks, then the department's other core units.
        coordinating = self.people[plan.pk].coordinating_unit
        weights = [4 if u is coordinating else 2 if id(u) in self.favoured else 1 for u in leads]
        lead = rng.choices(leads, weights)[0]
        lead_units = [lead]
        if co_led:
            others = [(u, weight) for u, weight in zip(leads, weights, strict=True) if u is not lead]
            lead_units.append(rng.choices([u for u, _ in others], [weight for _, weight in others])[0])
        chosen: list[tuple[Unit, str]] = []
        if rng.random() < WIDE_SHARE:
            scopes = w["wide_scopes"]
            scope = rng.choices(scopes, [s["weight"] for s in scopes])[0]
            group = self.group_by_code.get(scope.get("group"))
            if group is not None and rng.random() < GROUP_SCOPE_SHARE:
                chosen = [(group, Reporting.MEMBERS)]
                partner_text = group.name
            else:
                chosen = [
                    (u, self.reporting(u))
                    for kind_ in scope["kinds"]
                    for u in partners.get(kind_, ())
                    if all(u is not other for other in lead_units)
                ]
                partner_text = scope["text"]
        else:
            kinds = list(partners)
            kind_weights = [PARTNER_WEIGHTS[k] for k in kinds]
            for _ in range(rng.choice(NAMED_PARTNERS)):
                for _attempt in range(10):
                    unit = rng.choice(partners[rng.choices(kinds, kind_weights)[0]])
                    if all(unit is not other for other in lead_units) and all(
                        unit is not other for other, _ in chosen
                    ):
                        chosen.append((unit, self.reporting(unit)))
                        break
            partner_text = ", ".join(u.name for u, _ in chosen)
        note = task_words["co_lead_note"]
        assigned = [
            (u, AssignmentRole.LEAD.value, Reporting.REPORTS.value, note if i else "")
            for i, u in enumerate(lead_units)
        ]
        assigned += [(u, AssignmentRole.PARTNER.value, str(reporting), "") for u, reporting in chosen]
        # A merged unit's successor takes over its part from the day it starts.
        taken = {id(u) for u, *_ in assigned}
        for unit, reporting in chosen:
            heir = unit.successor
            if heir is not None and heir is not self.department and id(heir) not in taken:
                assigned.append((heir, AssignmentRole.PARTNER.value, str(reporting), ""))
                taken.add(id(heir))
        output_kinds = list(outputs)
        row = (
            plan.pk,
            number,
            task_sort_key(number),
            title,
            task_words["content"].format(title=title, frequency=SCHEDULES[plan.schedule]),
            ", ".join(u.name for u in lead_units) + ".",
            partner_text,
            kind.value,
            self.d(due_date),
            due_day,
            due_month,
            deadline_text,
        )
        task = _Task(
            0,
            plan.pk,
            number,
            kind.value,
            due_date,
            due_day,
            due_month,
            output_kinds,
            [],
            assigned,
            self.owed(assigned),
        )
        return task, row

    # -- indicators ----------------------------------------------------------------------------
    def make_indicators(self) -> None:
        """Each task's counts (the seven older counts, by its activity) with a yearly target
        for most, and every SHARE_EVERY-th task a share each unit must reach (a percentage with one
        decimal, a level) with its yearly target."""
        rows = []
        for plan_tasks in self.tasks.values():
            for index, task in enumerate(plan_tasks):
                for order, kind in enumerate(task.output_kinds, start=1):
                    name, unit_of_measure = OUTPUT_KIND_INDICATORS[OutputKind(kind)]
                    rows.append((task.pk, name, unit_of_measure, 0, *COUNT_RULES, False, order))
                if index % SHARE_EVERY == SHARE_EVERY - 1:
                    rows.append((task.pk, SHARE[0], "%", 1, *SHARE_RULES, True, len(task.output_kinds) + 1))
        _insert(Indicator, INDICATOR_FIELDS, rows)
        task_ids = [task.pk for plan_tasks in self.tasks.values() for task in plan_tasks]
        found: dict[int, list[tuple[int, str]]] = {}
        kind_of = {name: kind for kind, (name, _) in OUTPUT_KIND_INDICATORS.items()}
        for pk, task_id, name in (
            Indicator.objects.filter(task_id__in=task_ids)
            .order_by("task_id", "order")
            .values_list("pk", "task_id", "name")
        ):
            found.setdefault(task_id, []).append((pk, kind_of.get(name, SHARE_KIND)))
        decimal = connection.ops.adapt_decimalfield_value
        targets = []
        for plan in self.plans:
            plan_years = range(max(plan.issued_year, self.first_year), self.plan_last_year[plan.pk] + 1)
            for index, task in enumerate(self.tasks[plan.pk]):
                task = task._replace(indicators=found.get(task.pk, []))
                self.tasks[plan.pk][index] = task
                for indicator_id, kind in task.indicators:
                    if kind != SHARE_KIND and self.rand() < 0.3:
                        continue  # some counts have no target: "chưa đặt chỉ tiêu"
                    for year in plan_years:
                        value = SHARE_TARGET if kind == SHARE_KIND else self.count_target(kind)
                        targets.append((indicator_id, "year", year, "", decimal(value, 20, 4)))
        _insert(IndicatorTarget, TARGET_FIELDS, targets)
        self.summary.indicators, self.summary.targets = len(rows), len(targets)

    def count_target(self, kind: str) -> Decimal:
        """A yearly target of a count: about what two reports of a unit bring."""
        low, high = OUTPUT_RANGES[kind]
        return Decimal(self.ri(low, high) * 2)

    def indicator_value(self, kind: str):
        """A value a unit reports, adapted for the database."""
        if kind == SHARE_KIND:
            value = Decimal(self.ri(550, 1000)) / 10
        else:
            value = Decimal(self.ri(*OUTPUT_RANGES[kind]))
        return connection.ops.adapt_decimalfield_value(value, 20, 4)

    # -- periods -------------------------------------------------------------------------------
    def stage(self, year: int, cutoff_from: datetime.date, deadline: datetime.date) -> str:
        if year < self.last_year or deadline < self.as_of - RECENT:
            return PAST
        return FUTURE if cutoff_from > self.as_of else CURRENT

    def make_periods(self) -> None:
        """Every period each plan's schedule gives a year it runs, as `period_open` opens them: all
        the periods of a year at once, by the plan's coordinator."""
        rows, self.periods = [], []
        for year in range(self.first_year, self.last_year + 1):
            for plan in self.plans:
                if not plan.issued_year <= year <= self.plan_last_year[plan.pk]:
                    continue
                people = self.people[plan.pk]
                opened = self.at(
                    max(datetime.date(year, 1, 15), plan.issued_on + datetime.timedelta(days=7)), 8, 0
                )
                for spec in plan.periods_of_year(year):
                    rows.append(
                        (
                            plan.pk,
                            spec.key,
                            spec.name,
                            spec.kind,
                            year,
                            self.d(spec.deadline),
                            self.d(spec.cutoff_from),
                            self.d(spec.cutoff_to),
                            year == self.last_year,
                            self.dt(opened),
                            people.coordinator.pk,
                        )
                    )
                    self.periods.append(
                        _Period(
                            0,
                            plan.pk,
                            spec.key,
                            year,
                            spec.deadline,
                            opened,
                            self.stage(year, spec.cutoff_from, spec.deadline),
                            spec.name[:1].lower() + spec.name[1:],
                            min(100, (spec.deadline - spec.cutoff_from).days),
                            people,
                        )
                    )
        _insert(ReportingPeriod, PERIOD_FIELDS, rows)
        ids = {
            (plan, key): pk
            for pk, plan, key in ReportingPeriod.objects.filter(plan__in=_demo_plans()).values_list(
                "pk", "plan_id", "key"
            )
        }
        self.periods = [p._replace(pk=ids[p.plan_id, p.key]) for p in self.periods]
        self.summary.periods = len(self.periods)
        self.say(f"  {number_vi(len(self.periods))} kỳ báo cáo…")

    # -- reports -------------------------------------------------------------------------------
    def existing_on(self, day: datetime.date) -> set[int]:
        """Units that report for themselves and exist on `day` (`_in_force` of the services' `_Map.owed`)."""
        return {
            u.pk
            for u in self.units
            if u.kind != UnitKind.GROUP
            and (u.valid_from is None or u.valid_from <= day)
            and (u.valid_to is None or day <= u.valid_to)
        }

    def make_reports(self) -> None:
        w = self.words
        self.results, self.not_started = w["results"], w["not_started_results"]
        self.difficulties, self.proposals = w["difficulties"], w["proposals"]
        self.evidence_names = w["evidence_names"]
        done_fixed: set[tuple[int, int]] = set()
        existing: dict[datetime.date, set[int]] = {}
        reporting_now: set[int] = set()
        self.pending: list[tuple[tuple, dict]] = []
        self.statuses: Counter = Counter()
        # Periods of a plan come in the order of their deadlines: a fixed-date task completed and
        # accepted in one is not asked again in the later ones.
        for period in self.periods:
            if period.deadline not in existing:
                existing[period.deadline] = self.existing_on(period.deadline)
            units = existing[period.deadline]
            last_year = period.year == self.last_year
            for task in self.tasks[period.plan_id]:
                deadline = deadline_for(task, period)
                for unit, role in task.owed:
                    if unit.pk not in units or (task.pk, unit.pk) in done_fixed:
                        continue
                    status, completion = self.report(period, task, unit, role, deadline)
                    if task.deadline_kind == "fixed" and status == "accepted" and completion == "done":
                        done_fixed.add((task.pk, unit.pk))
                    if last_year:
                        reporting_now.add(unit.pk)
                    if len(self.pending) >= FLUSH_EVERY:
                        self.flush()
        self.flush()
        self.summary.reports_by_status = {status: self.statuses[status] for status in ReportStatus.values}
        self.summary.reporting_units = len(reporting_now)

    def report(
        self, period: _Period, task: _Task, unit: Unit, role: str, deadline: datetime.date
    ) -> tuple[str, str]:
        """Decide one report and its history; queue them for the next flush; return its status, completion."""
        # random(), not randint() or choice(): this runs once a report, and those cost ten times more.
        rand, ri, pick, weighted, dt = self.rand, self.ri, self.pick, self.weighted, self.dt
        year, people = period.year, period.people
        current = period.stage != PAST
        if period.stage == FUTURE:
            status, completion = "draft", "not_started"
        else:
            status = weighted(STATUS_NOW if current else STATUS_PAST)
            if status == "draft":
                completion = weighted(COMPLETION_DRAFT)
            elif status == "accepted" and not current:
                completion = weighted(COMPLETION_ACCEPTED)
            else:
                completion = weighted(COMPLETION_SENT)
        last_day = self.as_of if year == self.last_year else datetime.date(year, 12, 31)
        opened = period.opened_at
        days = datetime.timedelta

        completed_on = None
        if completion == "done":
            offset = -ri(0, period.reach) if rand() < 0.82 else ri(1, 45)
            completed_on = min(max(deadline + days(offset), opened.date()), last_day)
        progress = 100 if completion == "done" else 0 if completion == "not_started" else 5 * ri(2, 19)
        has_content = status != "draft" or completion != "not_started"
        staff = pick(self.staff[unit.id])
        head = self.heads[unit.id]
        reviewer = (
            self.reviewer_of_coordinating_unit if unit is people.coordinating_unit else people.coordinator
        )

        # The history in order: a moment in office hours of the day asked, never before the last
        # one, never after the last day seen of the year.
        timeline = [("opened", opened, people.coordinator, "", False)]
        clock = opened

        def later(day: datetime.date) -> datetime.datetime:
            nonlocal clock
            if day > last_day:
                day = last_day
            hour, minute = divmod(420 + int(rand() * 600), 60)
            moment = datetime.datetime(day.year, day.month, day.day, hour, minute)
            clock = moment if moment > clock else clock + HALF_HOUR
            return clock

        submitted_at = last_submitted_at = accepted_at = None
        saves = ri(1, 3) if has_content else 0
        if saves:
            if current:
                start = self.as_of - days(ri(20, 90))
            else:
                start = completed_on or (deadline - days(ri(10, 60)))
            timeline.append(("saved", later(start), staff, "", False))
        if status != "draft":
            if current:
                sent = self.as_of - days(ri(0, 30))
            else:
                early = period.reach // 4
                sent = period.deadline + days(-ri(0, early) if rand() < 0.88 else ri(1, 25))
            if completed_on and completed_on > sent:
                sent = completed_on
            submitted_at = last_submitted_at = later(sent)
            timeline.append(("submitted", submitted_at, head, "", submitted_at.date() > period.deadline))
            if status == "returned" or (status == "accepted" and rand() < 0.08):
                returned = later(submitted_at.date() + days(ri(1, 5)))
                timeline.append(("returned", returned, reviewer, pick(people.return_comments), False))
                if status == "accepted":
                    last_submitted_at = later(returned.date() + days(ri(2, 10)))
                    late = last_submitted_at.date() > period.deadline
                    timeline.append(("submitted", last_submitted_at, head, "", late))
            if status == "accepted":
                accepted_at = later(last_submitted_at.date() + days(ri(1, 10)))
                timeline.append(("accepted", accepted_at, reviewer, pick(ACCEPT_COMMENTS), False))
        updated_at = clock

        difficulties = proposals = ""
        escalate = False
        if has_content and rand() < 0.18:
            difficulties = pick(self.difficulties)
            escalate = rand() < 0.15
            if rand() < 0.6:
                proposals = pick(self.proposals)
        funds_planned = funds_spent = None
        if has_content and rand() < 0.55:
            funds_planned = ri(5_000, 1_500_000 if role == "lead" else 300_000) * 1000
            if completion == "done":
                share = 0.7 + 0.3 * rand()
            else:
                share = 0.1 + 0.7 * rand() if completion == "in_progress" else 0
            funds_spent = int(funds_planned * share) // 1000 * 1000
        if completion == "not_started" and status != "draft":
            results = pick(self.not_started).format(period=period.phrase)
        elif has_content:
            first = ri(0, len(self.results) - 1)
            results = " ".join(self.results[first : first + ri(1, 3)])
        else:
            results = ""

        d, names = self.d, self.names_of
        row = (
            period.pk,
            task.pk,
            unit.id,
            unit.name,
            role,
            d(deadline),
            status,
            results,
            completion,
            d(completed_on),
            progress,
            difficulties,
            escalate,
            proposals,
            funds_planned,
            funds_spent,
            1 + saves,
            dt(updated_at),
            staff.id if saves else None,
            dt(submitted_at),
            dt(last_submitted_at),
            dt(accepted_at),
        )
        # Rows of the report's children but for the report's id, which the flush puts first.
        events = [
            (kind, user.id, names[user.id], comment, late, dt(moment))
            for kind, moment, user, comment, late in timeline[-3:]
        ]
        outputs = evidence = direction = None
        if task.indicators and completion != "not_started" and rand() < 0.85:
            outputs = [(indicator_id, self.indicator_value(kind)) for indicator_id, kind in task.indicators]
        if submitted_at and completion != "not_started" and rand() < 0.3:
            evidence = [self.evidence(year, staff, opened, submitted_at) for _ in range(ri(1, 2))]
        if escalate and submitted_at and rand() < 0.6:
            director = pick(self.directors)
            given = later(submitted_at.date() + days(ri(2, 15)))
            direction = (pick(people.directions), director.id, names[director.id], dt(given))
        self.pending.append((row, events, outputs, evidence, direction))
        self.statuses[status] += 1
        return status, completion

    def evidence(self, year: int, by: User, opened: datetime.datetime, submitted: datetime.datetime) -> tuple:
        ri = self.ri
        name = self.pick(self.evidence_names).format(year=year)
        uploaded = max(opened, submitted - datetime.timedelta(hours=ri(1, 72)))
        return (
            f"minh-chung/{year}/{self.rng.getrandbits(128):032x}",
            name,
            ALLOWED_EVIDENCE[name.rsplit(".", 1)[1]][0],
            ri(40_000, 6_000_000),
            by.id,
            self.dt(uploaded),
        )

    def flush(self) -> None:
        """Write the queued reports, then (knowing their ids) their events, outputs, files, directions."""
        if not self.pending:
            return
        rows = [queued[0] for queued in self.pending]
        ids = _insert(TaskReport, REPORT_FIELDS, rows, returning=True)
        if ids is None:  # looked up by (period, task, unit), unique
            periods = sorted({row[0] for row in rows})
            found = {
                (p, t, u): pk
                for pk, p, t, u in TaskReport.objects.filter(period_id__in=periods).values_list(
                    "pk", "period_id", "task_id", "unit_id"
                )
            }
            ids = [found[row[0], row[1], row[2]] for row in rows]
        events, outputs, evidence, directions = [], [], [], []
        for report_id, (_, report_events, report_outputs, report_evidence, direction) in zip(
            ids, self.pending, strict=True
        ):
            pk = (report_id,)
            events += [pk + event for event in report_events]
            if report_outputs:
                outputs += [pk + output for output in report_outputs]
            if report_evidence:
                evidence += [pk + item for item in report_evidence]
            if direction:
                directions.append(pk + direction)
        _insert(ReportEvent, EVENT_FIELDS, events)
        _insert(IndicatorValue, VALUE_FIELDS, outputs)
        _insert(Evidence, EVIDENCE_FIELDS, evidence)
        _insert(Direction, DIRECTION_FIELDS, directions)
        if settings.DEBUG:
            # With DEBUG, Django keeps the text of each query, values included: hundreds of MB here.
            reset_queries()
        s = self.summary
        before, s.reports = s.reports, s.reports + len(self.pending)
        s.events += len(events)
        s.outputs += len(outputs)
        s.evidence += len(evidence)
        s.directions += len(directions)
        self.pending = []
        if before // PROGRESS_EVERY != s.reports // PROGRESS_EVERY:
            self.say(f"  {number_vi(s.reports)} báo cáo…")


@transaction.atomic
def demo_generate(
    *,
    units: int = 300,
    plans: int = 20,
    tasks_per_plan: int = 25,
    years: int = 10,
    seed: int = DEFAULT_SEED,
    last_year: int | None = None,
    schedule: str = MIXED,
    stdout=None,
) -> DemoSummary:
    """Write a demo data set of `units` units and `plans` plans of `tasks_per_plan` tasks reported on
    for `years` years up to `last_year` (this year by default) on `schedule` (SCHEDULES: every plan
    on that calendar schedule, or MIXED), decided by `seed`; return the counts.

    Adds to what is there, which must hold no demo data yet (`demo_exists`, `demo_delete`): codes are
    unique. Raises a ValidationError if an argument is not an integer or out of bounds. Progress goes
    to `stdout` (anything with `write`) when given.
    """
    arguments = demo_check_arguments(
        units=units,
        plans=plans,
        tasks_per_plan=tasks_per_plan,
        years=years,
        seed=seed,
        last_year=timezone.localdate().year if last_year is None else last_year,
        schedule=schedule,
    )
    summary = _Generator(stdout=stdout, **arguments).run()
    _analyse()
    return summary
