"""Who may see and do what with reports: plain predicates, each beside the queryset it scopes.

Keyed on the user's role and unit (tasks.models.Role) and on the plans they hold a part in
(tasks.models.PlanRole). Views call these; so do the services, so that no path around a view can do
more than the view allows. Who may take a step of the workflow comes from the transitions table
(`reports.states.TRANSITIONS`).

- **Administrator** means one thing: an active superuser, or an active user with the role Quản trị
  hệ thống (docs/decisions/0006-meaning-of-admin.md). `is_staff` only opens the admin site.
- **The leadership** sees every plan, and reviews what no coordinator may: the coordinating unit's
  own reports, and any report of a plan with no coordinator outside the reporting unit.
- **A coordinator of a plan** is a person of the plan's coordinating unit with the role Điều phối,
  or a person given "Điều phối kế hoạch" for that plan. They follow up the plan and review its
  reports, never those of their own unit.
- **Finance** (the role, for every plan; or "Theo dõi kinh phí kế hoạch" for one) sees funds.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from tasks.models import Plan, PlanRole, Role, User

from .models import ReportingPeriod, TaskReport
from .states import TRANSITIONS, Actor

UNIT_ROLES = (Role.STAFF, Role.HEAD)
# Every plan, for whoever sees them all.
ALL = None


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with `message` unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.ADMIN)


def is_leadership(user) -> bool:
    return _active(user) and user.role == Role.LEADERSHIP


def sees_every_plan(user) -> bool:
    return is_admin(user) or is_leadership(user)


def is_unit_member(user) -> bool:
    return _active(user) and user.role in UNIT_ROLES and user.unit_id is not None


# ------------------------------------------------------------------------------
# The plans a person holds a part in (read once per request)
# ------------------------------------------------------------------------------
def _plan_parts(user) -> dict[str, set[int]]:
    """{PlanRole kind: plan ids} for the user, the role Điều phối counted for the plans their unit
    coordinates; read once and kept on the user object for the request."""
    cached = getattr(user, "_plan_parts", None)
    if cached is not None:
        return cached
    parts = {PlanRole.Kind.COORDINATOR: set(), PlanRole.Kind.FINANCE: set()}
    if _active(user) and user.pk:
        for kind, plan_id in PlanRole.objects.filter(user=user).order_by().values_list("kind", "plan_id"):
            parts[kind].add(plan_id)
        if user.role == Role.COORDINATOR and user.unit_id:
            parts[PlanRole.Kind.COORDINATOR] |= set(
                Plan.objects.filter(coordinating_unit_id=user.unit_id).order_by().values_list("pk", flat=True)
            )
    user._plan_parts = parts
    return parts


def coordinated_plans(user) -> set[int] | None:
    """The plans the user coordinates (ALL for administrators)."""
    if is_admin(user):
        return ALL
    return _plan_parts(user)[PlanRole.Kind.COORDINATOR] if _active(user) else set()


def coordinates(user, plan_id: int) -> bool:
    plans = coordinated_plans(user)
    return plans is ALL or plan_id in plans


def followed_plans(user) -> set[int] | None:
    """The plans whose board, reminders, escalations and consolidated reports the user follows:
    every plan for the leadership and administrators, else the plans they coordinate."""
    return ALL if sees_every_plan(user) else coordinated_plans(user)


def follows_up(user, plan_id: int | None = None) -> bool:
    """Whether the user follows some plan (`plan_id` None) or that plan."""
    plans = followed_plans(user)
    if plans is ALL:
        return _active(user)
    return bool(plans) if plan_id is None else plan_id in plans


def funds_plans(user) -> set[int] | None:
    """The plans whose funds the user sees: every plan for the leadership, administrators and the
    role Tài chính; else those they follow the funds of or coordinate."""
    if sees_every_plan(user) or (_active(user) and user.role == Role.FINANCE):
        return ALL
    if not _active(user):
        return set()
    return _plan_parts(user)[PlanRole.Kind.FINANCE] | (coordinated_plans(user) or set())


def can_view_funds(user) -> bool:
    plans = funds_plans(user)
    return _active(user) and (plans is ALL or bool(plans))


def in_plans(queryset: QuerySet, plans: set[int] | None, field: str = "plan") -> QuerySet:
    """`queryset` narrowed to `plans` through `field` (nothing to narrow for ALL)."""
    return queryset if plans is ALL else queryset.filter(**{f"{field}__in": plans})


# ------------------------------------------------------------------------------
# Seeing reports
# ------------------------------------------------------------------------------
def can_view_report(user, report: TaskReport) -> bool:
    if not _active(user):
        return False
    if is_unit_member(user) and user.unit_id == report.unit_id:
        return True
    for plans in (followed_plans(user), funds_plans(user)):
        if plans is ALL or report.period.plan_id in plans:
            return True
    return False


def report_visibility(user, prefix: str = "") -> Q | None:
    """The condition `can_view_report` puts on reports, on the path `prefix` to a report ("report__"
    from its values or events: a join, which the database can read from either end, where a list
    of the visible reports' ids would be read whole first); Q() for someone who sees every report,
    None for someone who sees none."""
    if not _active(user):
        return None
    followed, funds = followed_plans(user), funds_plans(user)
    if followed is ALL or funds is ALL:
        return Q()
    # Each condition only where it can match: an empty list of plans would still join the periods.
    visible = Q()
    if plans := followed | funds:
        visible |= Q(**{f"{prefix}period__plan_id__in": sorted(plans)})
    if is_unit_member(user):
        visible |= Q(**{f"{prefix}unit_id": user.unit_id})
    return visible or None  # neither: nothing to see


def sees_every_report_of(user, plans) -> bool:
    """Whether `report_visibility` lets the user see every report of the plans `plans` (ids)."""
    if not _active(user):
        return False
    followed, funds = followed_plans(user), funds_plans(user)
    if followed is ALL or funds is ALL:
        return True
    return set(plans) <= (followed | funds)


def reports_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The reports `can_view_report` lets the user see."""
    queryset = TaskReport.objects.all() if queryset is None else queryset
    visible = report_visibility(user)
    return queryset.none() if visible is None else queryset.filter(visible)


# ------------------------------------------------------------------------------
# The workflow's steps (states.TRANSITIONS)
# ------------------------------------------------------------------------------
def speaks_for_unit(user, report: TaskReport) -> bool:
    """Whether the user is the head of the report's unit, whatever the report's state."""
    return _active(user) and user.role == Role.HEAD and user.unit_id == report.unit_id


def _other_coordinators(plan_id: int) -> QuerySet:
    """Active coordinators of the plan."""
    return User.objects.filter(is_active=True).filter(
        Q(plan_roles__plan_id=plan_id, plan_roles__kind=PlanRole.Kind.COORDINATOR)
        | Q(role=Role.COORDINATOR, unit__coordinated_plans=plan_id)
    )


def is_reviewer_for(user, report: TaskReport) -> bool:
    """Whether the user reviews this report at all, whatever its state.

    A coordinator of the plan reviews the reports of every unit but their own. The leadership
    reviews the coordinating unit's own reports, and those no coordinator may review, so that no
    unit reviews itself and no report is left without a reviewer.
    """
    if not _active(user):
        return False
    plan = report.period.plan
    if coordinates(user, plan.pk) and not is_admin(user):
        return user.unit_id != report.unit_id
    if is_leadership(user):
        if report.unit_id == plan.coordinating_unit_id:
            return True
        return not _other_coordinators(plan.pk).exclude(unit_id=report.unit_id).exists()
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
            f"Kỳ báo cáo {report.period.name} đã đóng nên không thể {transition.verb}. "
            f"Nếu cần sửa, hãy đề nghị {report.period.plan.coordinating_unit.name} mở lại kỳ."
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
    return is_leadership(user) or (not is_admin(user) and bool(coordinated_plans(user)))


def _plan_coordinators(plan, coordinating_unit) -> QuerySet:
    """The active people who coordinate `plan` (an id, object or OuterRef): those named its
    coordinator (PlanRole) and the coordinators of its coordinating unit."""
    return User.objects.filter(is_active=True).filter(
        Q(plan_roles__plan=plan, plan_roles__kind=PlanRole.Kind.COORDINATOR)
        | Q(role=Role.COORDINATOR, unit=coordinating_unit)
    )


def review_queue_for(user, queryset: QuerySet | None = None, *, periods: QuerySet | None = None) -> QuerySet:
    """The reports `can_review_report` lets the user accept or return, among those of `periods` (a
    queryset of periods narrowing the queue to a plan or a period) when given."""
    # The open periods as a list of ids the reports' index (status, period) is searched by: a join
    # would read every sent report of every year and then drop those of closed periods, and a plan
    # or period asked for narrows that list rather than the reports read.
    open_periods = (ReportingPeriod.objects.all() if periods is None else periods).filter(is_open=True)
    queryset = (TaskReport.objects.all() if queryset is None else queryset).filter(
        _reviewable(), period_id__in=open_periods.values("pk")
    )
    if not _active(user) or is_admin(user):
        return queryset.none()
    mine = Q(pk__in=[])
    plans = coordinated_plans(user)
    if plans:
        mine |= Q(period_id__in=open_periods.filter(plan__in=plans).values("pk")) & ~Q(unit_id=user.unit_id)
    if is_leadership(user):
        mine |= _left_to_leadership(user)
    return queryset.filter(mine)


def _left_to_leadership(user) -> Q:
    """The reports of open periods the leadership reviews (`is_reviewer_for`): the coordinating
    unit's own, and those of which no active coordinator of the plan is outside the reporting unit.
    Decided plan by plan from the units its coordinators belong to, read in two small queries once
    a request (kept on the user object, as `_plan_parts`), instead of two subqueries for every
    report waiting, which cost the leadership's queue and home page hundreds of milliseconds at
    scale."""
    cached = getattr(user, "_left_to_leadership", None)
    if cached is not None:
        return cached
    periods: dict[int, list[int]] = {}
    coordinating: dict[int, int] = {}
    for pk, plan_id, unit_id in (
        ReportingPeriod.objects.filter(is_open=True)
        .order_by()
        .values_list("pk", "plan_id", "plan__coordinating_unit_id")
    ):
        periods.setdefault(plan_id, []).append(pk)
        coordinating[plan_id] = unit_id
    left = Q(pk__in=[])
    if not periods:
        user._left_to_leadership = left
        return left
    # The units of each plan's active coordinators: those named (PlanRole), and the coordinating
    # unit when someone of it holds the role Điều phối.
    units: dict[int, set[int | None]] = {plan_id: set() for plan_id in periods}
    named = PlanRole.objects.filter(plan__in=periods, kind=PlanRole.Kind.COORDINATOR, user__is_active=True)
    of_unit = User.objects.filter(is_active=True, role=Role.COORDINATOR, unit__coordinated_plans__in=periods)
    for plan_id, unit_id in (
        named.values_list("plan_id", "user__unit_id")
        .order_by()
        .union(of_unit.values_list("unit__coordinated_plans", "unit_id").order_by())
    ):
        units[plan_id].add(unit_id)
    for plan_id, period_ids in periods.items():
        if not units[plan_id]:  # nobody coordinates the plan: every report
            left |= Q(period_id__in=period_ids)
            continue
        # The coordinating unit's own; and a unit's when every coordinator of the plan is of it (a
        # coordinator without a unit is outside every unit: None is left out).
        reviewed = {coordinating[plan_id]} | (units[plan_id] if len(units[plan_id]) == 1 else set())
        left |= Q(period_id__in=period_ids, unit_id__in=sorted(u for u in reviewed if u is not None))
    user._left_to_leadership = left
    return left


def _reviewable() -> Q:
    """The statuses a report is accepted or returned from. One status is asked for by equality, not
    IN: SQLite then reads the queue from the index of the reports waiting (report_waiting, whose
    condition is that equality) alone, which it does not match to an IN of one value."""
    sources = sorted(TRANSITIONS["accept"].sources)
    return Q(status=sources[0]) if len(sources) == 1 else Q(status__in=sources)


def plan_coordinators(plan: Plan) -> QuerySet:
    """The active people who coordinate `plan`, each once."""
    return _plan_coordinators(plan.pk, plan.coordinating_unit_id).distinct()


def reviewers_of(report: TaskReport) -> QuerySet:
    """The active people who review `report` once sent, by the rule of `review_queue_for`: the plan's
    coordinators outside the reporting unit, else the leadership."""
    plan = report.period.plan
    elsewhere = plan_coordinators(plan).exclude(unit_id=report.unit_id)
    if report.unit_id != plan.coordinating_unit_id and elsewhere.exists():
        return elsewhere
    return User.objects.filter(is_active=True, role=Role.LEADERSHIP)


def unit_members(unit_id: int) -> QuerySet:
    """The active staff and head of a unit: who writes and sends its reports."""
    return User.objects.filter(is_active=True, unit_id=unit_id, role__in=UNIT_ROLES)


def reviewer_label(report: TaskReport) -> str:
    """Who reviews `report` once sent, in words, by the rule of `review_queue_for`: the plan's
    coordinating unit; the department's leadership for that unit's own reports, or where no
    coordinator of the plan is outside the reporting unit."""
    plan = report.period.plan
    coordinator_elsewhere = _plan_coordinators(plan, plan.coordinating_unit_id).exclude(
        unit_id=report.unit_id
    )
    if report.unit_id != plan.coordinating_unit_id and coordinator_elsewhere.exists():
        return plan.coordinating_unit.name
    leadership = (
        User.objects.filter(is_active=True, role=Role.LEADERSHIP, unit__isnull=False)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    return leadership.unit.name if leadership else "Lãnh đạo Sở"


# ------------------------------------------------------------------------------
# Periods, follow-up, the consolidated report
# ------------------------------------------------------------------------------
def can_manage_periods(user, plan_id: int | None = None) -> bool:
    """Opening, closing and correcting a plan's reporting periods: its coordinators and
    administrators (`plan_id` None: some plan)."""
    plans = coordinated_plans(user)
    if plans is ALL:
        return _active(user)
    return bool(plans) if plan_id is None else plan_id in plans


def can_remind(user, plan_id: int | None = None) -> bool:
    """Urging units (đôn đốc): the plan's coordinators, and administrators."""
    return can_manage_periods(user, plan_id)


def can_prepare_consolidated(user, plan_id: int | None = None) -> bool:
    """Writing the consolidated report: the plan's coordinators, and administrators."""
    return can_manage_periods(user, plan_id)


def can_direct(user, report: TaskReport) -> bool:
    """The leadership writes directions on difficulties raised to the Director in a sent report."""
    return can_direct_any(user) and report.escalate and report.submitted_at is not None


def can_direct_any(user) -> bool:
    return is_leadership(user)


def sees_every_report(user) -> bool:
    """Whether the user follows every plan (the leadership, administrators, the role Tài chính)."""
    return followed_plans(user) is ALL or funds_plans(user) is ALL
