"""Reads behind the follow-up pages that are not the board or the funds."""

from django.db.models import Prefetch, QuerySet

from reports.models import Direction, TaskReport


def escalations(*, pending_only: bool = False) -> QuerySet:
    """Sent reports whose difficulties were raised to the Director, newest year first, with the
    directions given; `pending_only` keeps those still without one."""
    reports = (
        TaskReport.objects.filter(escalate=True, submitted_at__isnull=False)
        .select_related("task", "period__plan")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("created_at", "pk")))
        .order_by("-period__year", "-last_submitted_at", "pk")
    )
    return reports.filter(directions__isnull=True) if pending_only else reports
