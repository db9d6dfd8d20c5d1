"""Who may see and do what with reports: plain predicates and the querysets scoped the same way.

Keyed on the user's role and unit (tasks.models.Role). Views call these; so do the services, so
that no path around a view can do more than the view allows.
"""

from django.db.models import F, QuerySet

from tasks.models import Role

from .models import EDITABLE_STATUSES, ReportStatus, TaskReport

SEES_EVERY_REPORT = (Role.COORDINATOR, Role.LEADERSHIP, Role.FINANCE, Role.ADMIN)
UNIT_ROLES = (Role.STAFF, Role.HEAD)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def sees_every_report(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in SEES_EVERY_REPORT)


def reports_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = TaskReport.objects.all() if queryset is None else queryset
    if not _active(user):
        return queryset.none()
    if sees_every_report(user):
        return queryset
    if user.role in UNIT_ROLES and user.unit_id:
        return queryset.filter(unit_id=user.unit_id)
    return queryset.none()


def can_view_report(user, report: TaskReport) -> bool:
    if sees_every_report(user):
        return True
    return _active(user) and user.role in UNIT_ROLES and user.unit_id == report.unit_id


def can_edit_report(user, report: TaskReport) -> bool:
    """Staff and head of the report's unit, while it is a draft or returned and its period is open."""
    return (
        _active(user)
        and user.role in UNIT_ROLES
        and user.unit_id == report.unit_id
        and report.status in EDITABLE_STATUSES
        and report.period.is_open
    )


def speaks_for_unit(user, report: TaskReport) -> bool:
    """Whether the user is the head of the report's unit, whatever the report's state."""
    return _active(user) and user.role == Role.HEAD and user.unit_id == report.unit_id


def can_submit_report(user, report: TaskReport) -> bool:
    """Only the unit head speaks for the unit."""
    return can_edit_report(user, report) and user.role == Role.HEAD


def is_reviewer_for(user, report: TaskReport) -> bool:
    """Whether the user reviews this report's unit at all, whatever the report's state."""
    # The coordinator reviews every unit but its own; the coordinating unit's own reports go up to
    # the department's leadership, so that no unit reviews itself.
    if not _active(user):
        return False
    if user.role == Role.COORDINATOR:
        return user.unit_id != report.unit_id
    if user.role == Role.LEADERSHIP:
        return report.unit_id == report.period.plan.coordinating_unit_id
    return False


def can_review_report(user, report: TaskReport) -> bool:
    return report.status == ReportStatus.SUBMITTED and report.period.is_open and is_reviewer_for(user, report)


def can_reopen_report(user, report: TaskReport) -> bool:
    return report.status == ReportStatus.ACCEPTED and report.period.is_open and is_reviewer_for(user, report)


def reviews_reports(user) -> bool:
    return _active(user) and user.role in (Role.COORDINATOR, Role.LEADERSHIP)


def review_queue_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """Submitted reports this user may accept or return."""
    queryset = (TaskReport.objects.all() if queryset is None else queryset).filter(
        status=ReportStatus.SUBMITTED, period__is_open=True
    )
    if not _active(user):
        return queryset.none()
    if user.role == Role.COORDINATOR:
        return queryset.exclude(unit_id=user.unit_id)
    if user.role == Role.LEADERSHIP:
        return queryset.filter(unit_id=F("period__plan__coordinating_unit_id"))
    return queryset.none()


def can_manage_periods(user) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.COORDINATOR)


def can_view_plans(user) -> bool:
    return _active(user)


# ------------------------------------------------------------------------------
# Follow-up pages
# ------------------------------------------------------------------------------
def can_view_board(user) -> bool:
    """The follow-up board: the coordinator, the leadership and administrators."""
    return _active(user) and (user.is_superuser or user.role in (Role.COORDINATOR, Role.LEADERSHIP, Role.ADMIN))


def can_remind(user) -> bool:
    """Only the coordinator urges units (đôn đốc), and administrators."""
    return _active(user) and (user.is_superuser or user.role == Role.COORDINATOR)


def can_view_escalations(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in (Role.COORDINATOR, Role.LEADERSHIP, Role.ADMIN))


def can_direct(user, report: TaskReport) -> bool:
    """The leadership writes directions on difficulties raised to the Director in a sent report."""
    return (
        _active(user) and user.role == Role.LEADERSHIP and report.escalate and report.submitted_at is not None
    )


def can_direct_any(user) -> bool:
    return _active(user) and user.role == Role.LEADERSHIP


def can_view_funds(user) -> bool:
    return _active(user) and (
        user.is_superuser or user.role in (Role.FINANCE, Role.LEADERSHIP, Role.COORDINATOR, Role.ADMIN)
    )


# ------------------------------------------------------------------------------
# The consolidated yearly report
# ------------------------------------------------------------------------------
def can_prepare_consolidated(user) -> bool:
    """The Phòng Quản lý Khoa học writes the consolidated report (and administrators)."""
    return _active(user) and (user.is_superuser or user.role in (Role.COORDINATOR, Role.ADMIN))


def can_export_consolidated(user) -> bool:
    """The coordinator, the leadership and administrators read and export it."""
    return _active(user) and (user.is_superuser or user.role in (Role.COORDINATOR, Role.LEADERSHIP, Role.ADMIN))
