"""Each user's private calendar (ICS) of the deadlines that concern them: who a token opens, and the
deadlines, gathered once for the calendar page and for the feed (written by `reports.exports.ics`).

The address holds a secret token instead of a session, because calendar programs fetch it without
logging in.

A unit's staff and head see each report their unit owes; those who follow every unit see one entry
per reporting period, with its counts, rather than hundreds of reports.
"""

import datetime
import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from kehoach.http import paths_of
from kehoach.text import lower_first
from reports import permissions
from reports.exports.ics import Deadline
from reports.models import ReportStatus, TaskState
from reports.states import EDITABLE_STATUSES, state_expression
from reports.workflow import selectors
from tasks.models import AssignmentRole, Plan, User

# token_urlsafe's alphabet; anything else in the address is refused before the database is asked.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


# ------------------------------------------------------------------------------
# The token
# ------------------------------------------------------------------------------
def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256 hex digest (64 characters), never the token.

    The token is 256 random bits, so a plain fast hash is enough: there is nothing to guess from it.
    tasks/migrations/0003_calendar_token_hashed.py hashed the tokens issued before the same way.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(token: str | None) -> User | None:
    """The active user whose calendar `token` opens, or None.

    The database is asked for the digest of the token presented (unique, hence indexed): a digest
    read from the database or a backup is no address, since it is hashed again here.
    """
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    return (
        User.objects.select_related("unit").filter(calendar_token=token_digest(token), is_active=True).first()
    )


def _uid_domain() -> str:
    """The site's host name: calendar entries are named after it, unique to this installation."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


# ------------------------------------------------------------------------------
# The deadlines
# ------------------------------------------------------------------------------
def _in_view(today: datetime.date, prefix: str = "") -> Q:
    """Periods still open, and those of this year or later; closed past periods are history."""
    return Q(**{f"{prefix}is_open": True}) | Q(**{f"{prefix}year__gte": today.year})


REPORT_COLUMNS = (
    "pk", "unit_name", "role", "deadline", "status",
    "period__name", "period__deadline", "period__year",
    "period__plan_id", "period__plan__code", "period__plan__number", "period__plan__title",
    "task__number", "task__title",
)  # fmt: skip


def _report_deadlines(user: User, today: datetime.date, *, described: bool) -> list[Deadline]:
    """Each report the user's unit owes: when to send it and, when earlier that year, when the task is due.

    Read as plain rows of the columns used (a unit of a monthly plan owes hundreds of reports a
    year, and building each one's report, period, plan and task cost more than the rest of the page).
    Without `described` (the page lists only each entry's day and title), no entry's description is
    written and the task's state, which only the description tells, is not judged.
    """
    queryset = permissions.reports_visible_to(user).filter(_in_view(today, "period__"), unit_id=user.unit_id)
    if described:
        queryset = queryset.annotate(state=state_expression(today))
    rows = queryset.order_by("period__plan__code", "task__sort_key").values_list(
        *REPORT_COLUMNS, *(("state",) if described else ())
    )
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    plans: dict[int, str] = {}
    domain = _uid_domain()
    report_path = paths_of("reports:report_detail")
    deadlines = []
    for (
        pk, unit_name, role, task_deadline, status,
        period_name, period_deadline, period_year, plan_id, plan_code, plan_number, plan_title,
        task_number, task_title, *state,
    ) in rows:  # fmt: skip
        task_name = f"Nhiệm vụ {task_number}: {task_title}"
        description = ""
        if described:
            if plan_id not in plans:
                plans[plan_id] = str(Plan(code=plan_code, number=plan_number, title=plan_title))
            description = "\n".join(
                [
                    f"Kế hoạch: {plans[plan_id]}",
                    task_name,
                    f"Đơn vị: {unit_name} ({roles.get(role, role)})",
                    f"Hạn gửi báo cáo: {period_deadline:%d/%m/%Y}",
                    f"Hạn hoàn thành nhiệm vụ: {task_deadline:%d/%m/%Y}",
                    f"Báo cáo: {statuses.get(status, status)}",
                    f"Tình trạng nhiệm vụ: {TaskState(state[0]).label}",
                ]
            )
        path = report_path(pk)
        owed = status in EDITABLE_STATUSES
        deadlines.append(
            Deadline(
                uid=f"report-{pk}-deadline@{domain}",
                day=period_deadline,
                summary=f"Hạn gửi báo cáo {lower_first(period_name)} — {task_name}",
                description=description,
                path=path,
                alarms=owed,
            )
        )
        if task_deadline.year == period_year and task_deadline < period_deadline:
            deadlines.append(
                Deadline(
                    uid=f"report-{pk}-task-deadline@{domain}",
                    day=task_deadline,
                    summary=f"Hạn hoàn thành nhiệm vụ {lower_first(period_name)} — {task_name}",
                    description=description,
                    path=path,
                    alarms=owed,
                )
            )
    return deadlines


def _period_deadlines(user: User, today: datetime.date) -> list[Deadline]:
    """One entry per reporting period of the plans the user follows, with how far the units have got."""
    followed, funds = permissions.followed_plans(user), permissions.funds_plans(user)
    plans = permissions.ALL if permissions.ALL in (followed, funds) else followed | funds
    periods = selectors.with_report_counts(selectors.periods_overview(plans).filter(_in_view(today)))
    path = reverse("reports:home")
    return [
        Deadline(
            uid=f"period-{period.pk}-deadline@{_uid_domain()}",
            day=period.deadline,
            summary=f"Hạn các đơn vị gửi báo cáo {lower_first(period.name)} — {period.plan.code}",
            description="\n".join(
                [
                    f"Kế hoạch: {period.plan}",
                    f"Kỳ báo cáo {lower_first(period.name)}: {'đang mở' if period.is_open else 'đã đóng'}",
                    f"Số báo cáo của các đơn vị: {period.total}",
                    f"Đã chấp nhận: {period.accepted}",
                    f"Chờ duyệt: {period.submitted}",
                    f"Chưa gửi hoặc bị trả lại: {period.total - period.accepted - period.submitted}",
                ]
            ),
            path=path,
            alarms=True,
        )
        for period in periods
    ]


def calendar_deadlines(user: User, today: datetime.date, *, described: bool = True) -> list[Deadline]:
    """The deadlines that concern `user`, in a fixed number of queries whatever the data size; a
    unit's without their descriptions unless `described` (the feed has them, the page shows none)."""
    deadlines = []
    if permissions.is_unit_member(user):
        deadlines += _report_deadlines(user, today, described=described)
    if permissions.follows_up(user) or permissions.can_view_funds(user):
        deadlines += _period_deadlines(user, today)
    return sorted(deadlines, key=lambda deadline: deadline.day)


def calendar_name(user: User) -> str:
    """The name calendar programs show for the user's calendar."""
    if permissions.is_unit_member(user):
        return f"Hạn báo cáo của {user.unit.short_name or user.unit.name} — {settings.SITE_NAME}"
    return f"Hạn báo cáo — {settings.SITE_NAME}"
