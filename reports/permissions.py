"""Who may see and do what with reports: plain predicates, each beside the queryset it scopes.

Keyed on the user's role and unit (tasks.models.Role). Views call these; so do the services, so
that no path around a view can do more than the view allows. Who may take a step of the workflow
comes from the transitions table (`reports.states.TRANSITIONS`).

"Administrator" means one thing here: an active superuser, or an active user with the role
Quản trị hệ thống (docs/decisions/0006-meaning-of-admin.md). `is_staff` only opens the admin site.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet

from tasks.models import Role

from .models import TaskReport
from .states import TRANSITIONS, Actor

# Role groups, named once. An administrator belongs to every group but the unit roles.
UNIT_ROLES = (Role.STAFF, Role.HEAD)
SEES_EVERY_REPORT = (Role.COORDINATOR, Role.LEADERSHIP, Role.FINANCE)
FOLLOWS_UP = (Role.COORDINATOR, Role.LEADERSHIP)  # the board, escalations, consolidated reports
SEES_FUNDS = (Role.FINANCE, Role.LEADERSHIP, Role.COORDINATOR)
REVIEWS = (Role.COORDINATOR, Role.LEADERSHIP)


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with `message` unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.ADMIN)


def _in(user, roles) -> bool:
    """Whether the user holds one of `roles`, an administrator counting as holding them all."""
    return _active(user) and (is_admin(user) or user.role in roles)


def is_unit_member(user) -> bool:
    return _active(user) and user.role in UNIT_ROLES and user.unit_id is not None


# ------------------------------------------------------------------------------
# Seeing reports
# ------------------------------------------------------------------------------
def sees_every_report(user) -> bool:
    return _in(user, SEES_EVERY_REPORT)


def can_view_report(user, report: TaskReport) -> bool:
    return sees_every_report(user) or (is_unit_member(user) and user.unit_id == report.unit_id)


def reports_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The reports `can_view_report` lets the user see."""
    queryset = TaskReport.objects.all() if queryset is None else queryset
    if sees_every_report(user):
        return queryset
    if is_unit_member(user):
        return queryset.filter(unit_id=user.unit_id)
    return queryset.none()


# ------------------------------------------------------------------------------
# The workflow's steps (states.TRANSITIONS)
# ------------------------------------------------------------------------------
def speaks_for_unit(user, report: TaskReport) -> bool:
    """Whether the user is the head of the report's unit, whatever the report's state."""
    return _active(user) and user.role == Role.HEAD and user.unit_id == report.unit_id


def is_reviewer_for(user, report: TaskReport) -> bool:
    """Whether the user reviews this report's unit at all, whatever the report's state.

    The coordinator reviews every unit but its own; the coordinating unit's own reports go up to
    the department's leadership, so that no unit reviews itself.
    """
    if not _active(user):
        return False
    if user.role == Role.COORDINATOR:
        return user.unit_id != report.unit_id
    if user.role == Role.LEADERSHIP:
        return report.unit_id == report.period.plan.coordinating_unit_id
    return False


ACTORS = {
    Actor.UNIT: lambda user, report: is_unit_member(user) and user.unit_id == report.unit_id,
    Actor.HEAD: speaks_for_unit,
    Actor.REVIEWER: is_reviewer_for,
}


def may_act(user, step: str, report: TaskReport) -> bool:
    """Whether the user takes `step` on reports of this unit at all, whatever the report's state."""
    return ACTORS[TRANSITIONS[step].actor](user, report)


def can(user, step: str, report: TaskReport) -> bool:
    """Whether the user may take `step` on `report` now: their part, its status, its period open."""
    transition = TRANSITIONS[step]
    return report.status in transition.sources and report.period.is_open and may_act(user, step, report)


# Why a step is refused to someone who has no part in it, by step.
NOT_YOUR_STEP = {
    "edit": "Chỉ cán bộ và lãnh đạo của đơn vị báo cáo được sửa báo cáo này.",
    "submit": "Chỉ lãnh đạo đơn vị được gửi báo cáo của đơn vị.",
    "return": "Bạn không được duyệt báo cáo này.",
    "accept": "Bạn không được duyệt báo cáo này.",
    "reopen": "Bạn không được mở lại báo cáo này.",
}


def refusal(user, step: str, report: TaskReport) -> str:
    """Why `can(user, step, report)` is false, in words the user can act on."""
    transition = TRANSITIONS[step]
    if not may_act(user, step, report):
        return NOT_YOUR_STEP[step]
    if not report.period.is_open:
        return (
            f"Kỳ báo cáo {report.period} đã đóng nên không thể {transition.verb}. "
            "Nếu cần sửa, hãy đề nghị đơn vị đầu mối theo dõi kế hoạch mở lại kỳ."
        )
    if report.status not in transition.sources:
        return f"Báo cáo đang ở trạng thái “{report.get_status_display()}” nên không thể {transition.verb}."
    return ""


def can_edit_report(user, report: TaskReport) -> bool:
    return can(user, "edit", report)


def can_submit_report(user, report: TaskReport) -> bool:
    return can(user, "submit", report)


def can_review_report(user, report: TaskReport) -> bool:
    return can(user, "accept", report)


def can_reopen_report(user, report: TaskReport) -> bool:
    return can(user, "reopen", report)


def reviews_reports(user) -> bool:
    return _active(user) and user.role in REVIEWS


def review_queue_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """The reports `can_review_report` lets the user accept or return."""
    queryset = (TaskReport.objects.all() if queryset is None else queryset).filter(
        status__in=TRANSITIONS["accept"].sources, period__is_open=True
    )
    if not _active(user):
        return queryset.none()
    if user.role == Role.COORDINATOR:
        return queryset.exclude(unit_id=user.unit_id)
    if user.role == Role.LEADERSHIP:
        return queryset.filter(unit_id=F("period__plan__coordinating_unit_id"))
    return queryset.none()


# ------------------------------------------------------------------------------
# Periods, follow-up, funds, the consolidated report
# ------------------------------------------------------------------------------
def can_manage_periods(user) -> bool:
    """Opening, closing and correcting reporting periods: the coordinator and administrators."""
    return _in(user, (Role.COORDINATOR,))


def follows_up(user) -> bool:
    """The board, the reminder log, the escalations and the consolidated reports: the coordinator,
    the leadership and administrators."""
    return _in(user, FOLLOWS_UP)


def can_remind(user) -> bool:
    """Only the coordinator urges units (đôn đốc), and administrators."""
    return _in(user, (Role.COORDINATOR,))


def can_direct(user, report: TaskReport) -> bool:
    """The leadership writes directions on difficulties raised to the Director in a sent report."""
    return can_direct_any(user) and report.escalate and report.submitted_at is not None


def can_direct_any(user) -> bool:
    return _active(user) and user.role == Role.LEADERSHIP


def can_view_funds(user) -> bool:
    return _in(user, SEES_FUNDS)


def can_prepare_consolidated(user) -> bool:
    """The coordinator writes the consolidated report (and administrators)."""
    return _in(user, (Role.COORDINATOR,))
