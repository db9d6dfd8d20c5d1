"""Writes of the follow-up: reminder mails (scheduled and by hand) and the leadership's directions.

A unit gets one mail listing every report it owes. Each mail is recorded as a `Reminder` in the
transaction that sends it, and each scheduled stage as a `ReminderStage` that may exist only once,
so that a stage never goes twice, even from two runs at the same time.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from kehoach.text import person_name
from reports import permissions
from reports.models import (
    Direction,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderStage,
    ReportingPeriod,
    TaskReport,
)
from reports.workflow.notifications import SEND_ERRORS, event_notify
from reports.workflow.services import record_event
from tasks.models import Unit

from .reminders import ReminderMail, _compose, reminders_due, reports_owed

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------
# Reminders
# ------------------------------------------------------------------------------
def _deliver(mail: ReminderMail, *, kind: str, by=None) -> Reminder:
    """Record the mail, its stages, and send it, in one transaction: if sending fails, nothing is
    recorded. Raises IntegrityError when another run has recorded one of its stages first."""
    with transaction.atomic():
        reminder = Reminder.objects.create(
            unit=mail.unit,
            kind=kind,
            sent_at=timezone.now(),
            sent_by=by,
            recipients="\n".join(mail.to),
            copy_to="\n".join(mail.cc),
            subject=mail.subject,
            body=mail.body,
            report_count=len(mail.reports),
        )
        # Claimed before the mail goes: a concurrent run stops here instead of sending it again.
        ReminderStage.objects.bulk_create(
            ReminderStage(reminder=reminder, period=period, unit=mail.unit, stage=stage)
            for period, stage in mail.stages
        )
        # Replies reach the coordinators rather than the unattended sending address.
        EmailMessage(
            subject=mail.subject, body=mail.body, to=mail.to, cc=mail.cc, reply_to=mail.cc or None
        ).send()
    return reminder


@dataclass
class ScheduledRun:
    """What a scheduled run did: the mails sent, the units due but without any address, the
    mails that failed (nothing recorded for them, so the next run tries again)."""

    sent: list[Reminder] = field(default_factory=list)
    skipped: list[ReminderMail] = field(default_factory=list)
    failed: list[tuple[ReminderMail, Exception]] = field(default_factory=list)


def reminders_send_scheduled(today: datetime.date | None = None) -> ScheduledRun:
    """Send and record today's scheduled reminders (see `reminders_due`). Running again the same
    day sends nothing more; one unit's failure does not stop the others."""
    run = ScheduledRun()
    for mail in reminders_due(today):
        if not mail.to:
            run.skipped.append(mail)
            continue
        try:
            run.sent.append(_deliver(mail, kind=ReminderKind.SCHEDULED))
        except IntegrityError:
            continue  # a concurrent run recorded and sent this unit's stage first
        except Exception as exc:  # whatever the backend raised: reported, and retried by the next run
            logger.exception("Reminder to unit %s (%s) failed", mail.unit.pk, mail.unit)
            run.failed.append((mail, exc))
    return run


# ------------------------------------------------------------------------------
# The coordinator's "remind now"
# ------------------------------------------------------------------------------
@transaction.atomic
def reminder_send_now(
    *, unit: Unit, period: ReportingPeriod, by, today: datetime.date | None = None
) -> Reminder:
    """Remind `unit` at once of every report it owes in `period`, on behalf of `by` (a coordinator
    of the period's plan)."""
    if not permissions.can_remind(by, period.plan_id):
        raise PermissionDenied(f"Chỉ người điều phối kế hoạch {period.plan.code} được đôn đốc đơn vị.")
    today = today or timezone.localdate()
    # Locks the unit's row (PostgreSQL), so that two clicks cannot both pass the pause below.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_group:
        raise ValidationError(f"“{unit.name}” là nhóm đơn vị, không tự gửi báo cáo: không có gì để đôn đốc.")
    if not period.is_open:
        raise ValidationError(f"Kỳ {period.name} đã đóng: không đôn đốc báo cáo của kỳ này.")
    items = reports_owed(today=today, unit=unit, period=period).get(unit)
    if not items:
        raise ValidationError(
            f"Đơn vị “{unit.name}” không còn báo cáo nào phải gửi trong kỳ {period.name}: không cần đôn đốc."
        )
    pause = datetime.timedelta(minutes=settings.REMINDER_MANUAL_PAUSE_MINUTES)
    last = Reminder.objects.filter(unit=unit).order_by("-sent_at").first()
    if last is not None and timezone.now() - last.sent_at < pause:
        raise ValidationError(
            f"Đơn vị “{unit.name}” vừa được đôn đốc lúc {timezone.localtime(last.sent_at):%H:%M %d/%m/%Y}; "
            f"chỉ gửi lại sau {settings.REMINDER_MANUAL_PAUSE_MINUTES} phút."
        )
    (mail,) = _compose({unit: (items, [])}, by=by)
    if not mail.to:
        raise ValidationError(
            f"Đơn vị “{unit.name}” chưa có địa chỉ thư điện tử (của đơn vị hoặc của cán bộ, "
            "lãnh đạo đơn vị): không gửi được thư đôn đốc. Hãy bổ sung địa chỉ rồi gửi lại."
        )
    try:
        return _deliver(mail, kind=ReminderKind.MANUAL, by=by)
    except SEND_ERRORS as exc:
        logger.exception("Manual reminder to unit %s (%s) failed", unit.pk, unit)
        raise ValidationError(
            f"Không gửi được thư đôn đốc đến đơn vị “{unit.name}”: máy chủ thư không nhận thư. "
            "Lần đôn đốc này chưa được ghi nhận; hãy thử lại sau hoặc báo quản trị hệ thống."
        ) from exc


# ------------------------------------------------------------------------------
# Directions of the leadership on difficulties raised to the Director
# ------------------------------------------------------------------------------
@transaction.atomic
def direction_give(*, report: TaskReport, by, text: str) -> Direction:
    permissions.require(
        permissions.can_direct(by, report),
        "Chỉ Lãnh đạo Sở cho ý kiến chỉ đạo về khó khăn được báo cáo Giám đốc.",
    )
    text = text.strip()
    if not text:
        raise ValidationError("Hãy ghi ý kiến chỉ đạo.")
    direction = Direction.objects.create(report=report, text=text, author=by, author_name=person_name(by))
    event_notify(record_event(report, EventKind.DIRECTED, by, text))
    return direction
