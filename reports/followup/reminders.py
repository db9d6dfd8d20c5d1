"""Reminders (đôn đốc): what each unit still owes, when a stage of the schedule falls due, and the
digest mail each unit gets. Sending and recording them is `followup.services`."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone

from kehoach.context_processors import site_context
from kehoach.db import Vietnamese
from kehoach.text import days_left_text, person_name
from reports import permissions
from reports.models import ReminderStage, ReportingPeriod, ReportStatus, TaskReport
from reports.states import EDITABLE_STATUSES
from reports.workflow.notifications import plan_label, report_url, unique_addresses
from tasks.models import Plan, PlanRole, Role, Unit, UnitKind, User

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------
# What is owed, and when to remind
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class OwedReport:
    """A report a unit still has to send, with the days left until its period's deadline."""

    report: TaskReport
    days_left: int  # negative once the deadline has passed

    @property
    def is_returned(self) -> bool:
        return self.report.status == ReportStatus.RETURNED

    @property
    def plan_label(self) -> str:
        return plan_label(self.report.period.plan)

    @property
    def role(self) -> str:
        return self.report.get_role_display().lower()

    @property
    def when(self) -> str:
        return days_left_text(self.days_left)

    @property
    def url(self) -> str:
        return report_url(self.report.pk)


def reports_owed(
    *, today: datetime.date, unit: Unit | None = None, period=None
) -> dict[Unit, list[OwedReport]]:
    """Reports still to send (draft or returned) in open periods (or in `period`), by unit, in one query.

    Groups of bodies never report, so they owe nothing; a unit that has ended (`valid_to` before
    `today`) is never reminded: its successor answers. Units come by name; each unit's reports by
    deadline, plan and task number.
    """
    queryset = (
        TaskReport.objects.filter(period__is_open=True, status__in=EDITABLE_STATUSES)
        .exclude(unit__kind=UnitKind.GROUP)
        .exclude(unit__valid_to__lt=today)
        .select_related("period__plan__coordinating_unit", "task", "unit")
        .order_by(Vietnamese("unit__name"), "period__deadline", "period__plan__code", "task__sort_key", "pk")
    )
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if period is not None:
        queryset = queryset.filter(period=period)
    owed: dict[Unit, list[OwedReport]] = defaultdict(list)
    for report in queryset:
        owed[report.unit].append(OwedReport(report, (report.period.deadline - today).days))
    return dict(owed)


def stage_for(
    deadline: datetime.date, today: datetime.date, offsets: Sequence[int], every: int
) -> int | None:
    """The reminder stage a period ending on `deadline` is at on `today`, or None before the first.

    Up to the deadline: the smallest offset (days before) not below the days left, so that a day
    the cron missed is caught up once by the next run and never repeated. After it: -1 for the
    first `every` days overdue, -2 for the next `every` days, and so on.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return -((-days_left - 1) // every + 1)
    reached = [offset for offset in offsets if offset >= days_left]
    return min(reached) if reached else None


def stage_label(stage: ReminderStage) -> str:
    """How a stage reads in the command's output: "Năm 2026 — kh-57-2025: trước hạn 14 ngày"."""
    return f"{stage.period}: {stage}"


def _schedule() -> tuple[list[int], int]:
    offsets, every = list(settings.REMINDER_OFFSETS), settings.REMINDER_OVERDUE_EVERY_DAYS
    if any(offset < 1 for offset in offsets) or every < 1:
        raise ImproperlyConfigured(
            "REMINDER_OFFSETS phải là các số ngày dương (ví dụ 14,7,3,1) và REMINDER_OVERDUE_EVERY_DAYS "
            "phải lớn hơn 0."
        )
    return offsets, every


# ------------------------------------------------------------------------------
# The mail
# ------------------------------------------------------------------------------
@dataclass
class ReminderMail:
    """One digest ready to go to one unit; `to` is empty when the unit has no address at all."""

    unit: Unit
    reports: list[OwedReport]
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    stages: list[tuple[ReportingPeriod, int]] = field(default_factory=list)

    @property
    def stage_labels(self) -> list[str]:
        return [stage_label(ReminderStage(period=period, stage=stage)) for period, stage in self.stages]


def _unit_addresses(units: Iterable[Unit]) -> dict[int, list[str]]:
    """Each unit's own address, then those of its active staff and head."""
    units = list(units)
    people: dict[int, list[str]] = defaultdict(list)
    rows = (
        User.objects.filter(unit__in=units, is_active=True, role__in=permissions.UNIT_ROLES)
        .exclude(email="")
        .order_by("username")
        .values_list("unit_id", "email")
    )
    for unit_id, email in rows:
        people[unit_id].append(email)
    return {unit.pk: unique_addresses([unit.email, *people[unit.pk]]) for unit in units}


def _coordinator_addresses(plans: Iterable[Plan]) -> dict[int, list[str]]:
    """The addresses of the active coordinators of each plan (the role Điều phối in its
    coordinating unit, or Điều phối kế hoạch for it), in two queries."""
    plans = {plan.pk: plan for plan in plans}
    addresses: dict[int, list[str]] = defaultdict(list)
    by_unit: dict[int, list[str]] = defaultdict(list)
    people = User.objects.filter(is_active=True).exclude(email="").order_by("username")
    for unit_id, email in people.filter(
        role=Role.COORDINATOR, unit_id__in={plan.coordinating_unit_id for plan in plans.values()}
    ).values_list("unit_id", "email"):
        by_unit[unit_id].append(email)
    for plan in plans.values():
        addresses[plan.pk] += by_unit[plan.coordinating_unit_id]
    for plan_id, email in (
        PlanRole.objects.filter(plan_id__in=plans, kind=PlanRole.Kind.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__username")
        .values_list("plan_id", "user__email")
    ):
        addresses[plan_id].append(email)
    return addresses


def _joined(values: Iterable) -> str:
    return ", ".join(str(value) for value in dict.fromkeys(values))


def _compose(
    owed: dict[Unit, tuple[list[OwedReport], list[tuple[ReportingPeriod, int]]]], *, by=None
) -> list[ReminderMail]:
    """The mail of each unit, from the reports it owes and the stages they cover (none when sent
    by hand), its addresses read in two queries whatever the number of units."""
    to_by_unit = _unit_addresses(owed)
    plans_of = {
        unit: list(dict.fromkeys(item.report.period.plan for item in items))
        for unit, (items, _) in owed.items()
    }
    coordinators = _coordinator_addresses(plan for plans in plans_of.values() for plan in plans)
    sender = person_name(by)
    mails = []
    for unit, (items, stages) in owed.items():
        plans, to = plans_of[unit], to_by_unit[unit.pk]
        addressed = {address.lower() for address in to}
        copied = unique_addresses(address for plan in plans for address in coordinators[plan.pk])
        context = {
            "unit": unit,
            "reports": items,
            "overdue": any(item.days_left < 0 for item in items),
            "plans": _joined(plan_label(plan) for plan in plans),
            "periods": _joined(item.report.period.name for item in items),
            "coordinators": _joined(plan.coordinating_unit.name for plan in plans),
            **site_context(),
            "sender": sender,
        }
        mails.append(
            ReminderMail(
                unit=unit,
                reports=items,
                to=to,
                cc=[address for address in copied if address.lower() not in addressed],
                subject=" ".join(render_to_string("reports/email/reminder_subject.txt", context).split()),
                body=render_to_string("reports/email/reminder.txt", context),
                stages=stages,
            )
        )
    return mails


# ------------------------------------------------------------------------------
# Scheduled reminders: `manage.py send_reminders`, daily
# ------------------------------------------------------------------------------
def reminders_due(today: datetime.date | None = None) -> list[ReminderMail]:
    """The mails a scheduled run would send on `today`: one per unit that owes reports in an open
    period whose stage is due and not yet recorded, listing every report it owes in those periods.
    Sends and records nothing."""
    today = today or timezone.localdate()
    offsets, every = _schedule()
    owed = reports_owed(today=today)
    recorded = set(
        ReminderStage.objects.filter(unit__in=list(owed), period__is_open=True).values_list(
            "period_id", "unit_id", "stage"
        )
    )
    due = {}
    for unit, items in owed.items():
        stages: dict[int, tuple[ReportingPeriod, int]] = {}
        for item in items:
            period = item.report.period
            stage = stage_for(period.deadline, today, offsets, every)
            if stage is not None and (period.pk, unit.pk, stage) not in recorded:
                stages[period.pk] = (period, stage)
        if stages:
            due[unit] = ([item for item in items if item.report.period_id in stages], list(stages.values()))
    return _compose(due)
