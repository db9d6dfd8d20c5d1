"""Reads behind the consolidated report's pages (the report itself is read by `generator`)."""

from django.db.models import QuerySet

from reports.models import ReportingPeriod


def period(pk) -> ReportingPeriod | None:
    """The period whose consolidated report is asked for, with what the report's header names."""
    return (
        ReportingPeriod.objects.select_related(
            "plan__issuer", "plan__report_recipient", "plan__coordinating_unit"
        )
        .filter(pk=pk)
        .first()
    )


def periods() -> QuerySet:
    return ReportingPeriod.objects.select_related("plan", "consolidated").order_by("-year", "plan__code")
