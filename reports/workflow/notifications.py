"""Mail telling people what happened to a report: sent, returned, accepted, reopened, directed.

Who gets it follows the step (`event_recipients`); each person may turn these mails off
(`User.notify_by_email`). The mail is composed inside the service's transaction and leaves only
once the database has committed it: a step that fails sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kehoach.context_processors import site_context
from kehoach.text import person_name
from reports import permissions
from reports.models import EventKind, ReportEvent
from tasks.models import Plan, User

logger = logging.getLogger(__name__)

# What a mail backend raises when a mail cannot go (SMTP refusals, network errors).
SEND_ERRORS = (smtplib.SMTPException, OSError)

# The events that are told to people, by mail and on the page "Thông báo".
NOTIFIED_EVENTS = (
    EventKind.SUBMITTED,
    EventKind.RETURNED,
    EventKind.ACCEPTED,
    EventKind.REOPENED,
    EventKind.DIRECTED,
)

# What the person did, as the mail's sentence says it ("… đã trả lại báo cáo …").
VERBS = {
    EventKind.SUBMITTED: "gửi",
    EventKind.RETURNED: "trả lại",
    EventKind.ACCEPTED: "chấp nhận",
    EventKind.REOPENED: "mở lại để sửa",
    EventKind.DIRECTED: "cho ý kiến chỉ đạo về",
}


def plan_label(plan: Plan) -> str:
    """How a mail names a plan after "Kế hoạch": its number, else its code without "kh-" ("57-2025")."""
    return plan.number or plan.code.removeprefix("kh-")


def unique_addresses(addresses: Iterable[str]) -> list[str]:
    """The addresses without blanks and repeats (case-insensitive), in their first order."""
    seen: set[str] = set()
    unique = []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def report_url(report_id: int) -> str:
    return settings.SITE_URL + reverse("reports:report_detail", args=[report_id])


def event_recipients(event: ReportEvent) -> list[User]:
    """Who is told of `event`: the reviewers of a sent report; the unit's staff and head of a
    return, an acceptance or a reopening; the unit and the plan's coordinators of a direction.
    Never the person who acted, nor anyone who turned these mails off or has no address."""
    report = event.report
    if event.kind == EventKind.SUBMITTED:
        people = permissions.reviewers_of(report)
    elif event.kind == EventKind.DIRECTED:
        people = User.objects.filter(
            Q(pk__in=permissions.unit_members(report.unit_id).values("pk"))
            | Q(pk__in=permissions.plan_coordinators(report.period.plan).values("pk"))
        )
    elif event.kind in NOTIFIED_EVENTS:
        people = permissions.unit_members(report.unit_id)
    else:
        return []
    people = people.filter(notify_by_email=True).exclude(email="")
    if event.actor_id:
        people = people.exclude(pk=event.actor_id)
    chosen, seen = [], set()
    for person in people.order_by("username"):
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            chosen.append(person)
    return chosen


def event_mails(event: ReportEvent) -> list[EmailMessage]:
    """One mail for each person told of `event`, addressed by name."""
    report = event.report
    context = {
        "event": event,
        "report": report,
        "verb": VERBS[event.kind],
        "plan": plan_label(report.period.plan),
        "when": timezone.localtime(event.created_at),
        "url": report_url(report.pk),
        "settings_url": settings.SITE_URL + reverse("reports:notification_settings"),
        **site_context(),
    }
    subject = " ".join(render_to_string("reports/email/event_subject.txt", context).split())
    return [
        EmailMessage(
            subject=subject,
            body=render_to_string("reports/email/event.txt", {**context, "recipient": person_name(person)}),
            to=[person.email],
        )
        for person in event_recipients(event)
    ]


def _send(mails: list[EmailMessage]) -> None:
    """Send after the commit: a mail server's refusal is logged, never turned into an error page
    for a step already done."""
    try:
        get_connection().send_messages(mails)
    except SEND_ERRORS:
        logger.exception("Notification mails (%s) could not be sent", ", ".join(m.to[0] for m in mails))


def event_notify(event: ReportEvent) -> None:
    """Tell the people concerned of `event` by mail once the current transaction commits."""
    if event.kind not in NOTIFIED_EVENTS:
        return
    mails = event_mails(event)
    if mails:
        transaction.on_commit(lambda: _send(mails))
