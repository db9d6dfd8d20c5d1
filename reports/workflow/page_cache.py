"""The workflow's pages kept in the cache: the review queue (`/duyet/`), a plan's indicators
(`/ke-hoach/<id>/chi-tieu/`), a plan's page and a task's, the home page's counts and a unit's list,
and the counts of the periods' page. Each page's body is kept in Django's cache and served again
while nothing it shows has changed, as the board's is (docs/architecture.md, "The board's cache");
the page around it (the messages, the menu) is drawn on every request.

Both keys hold the change stamps (`kehoach.stamps`) of every period of the plans shown and the global
one: a report or an indicator value changed in any of them (an indicator is judged over its period,
its year or the whole plan), or a task, indicator, target, unit, period or plan changed anywhere,
gives another key. They also hold who asks, as the database is asked: the SQL of the reports the
user may see (and, for the queue, of the reports they review), whose plans, units and periods are
written as values, so two people share an entry only when they see (and review) the same reports.
And the day, the whole query string and a digest of the code that draws the body.

The review queue's groups are read on every request (one aggregate over the index of the reports
waiting) and are part of its key: a report sent, taken back or reviewed in a plan with nothing
waiting before changes them.

Not used inside a transaction (a test's, a caller's): its writes have not replaced the stamps yet.
"""

from __future__ import annotations

import datetime

from django.db import connection

from kehoach import stamps
from kehoach.cache import code_digest, entry_key, query_text
from reports import permissions
from reports.models import ReportingPeriod

QUEUE = "danh sách chờ duyệt"
QUEUE_TEMPLATE = "reports/_review_queue_body.html"
INDICATORS = "chỉ tiêu của kế hoạch"
INDICATORS_TEMPLATE = "reports/_plan_indicators_body.html"
_CODE = (
    "reports.workflow.page_cache",
    "reports.workflow.views",
    "reports.workflow.selectors",
    "reports.workflow.forms",
    "reports.states",
    "reports.templatetags.kehoach",
)
_TEMPLATES = (
    "reports/_pager.html",
    "reports/_state.html",
    "reports/_verdict.html",
    "reports/_indicators.html",
)


def _common(request, today: datetime.date, period_ids: list[int] | None, template: str) -> tuple | None:
    """What every key holds: the code, the day, the query string and the stamps of `period_ids`
    (every period's for None) and the global one; None when the page must be drawn afresh. One
    query."""
    if connection.in_atomic_block:
        return None
    found = stamps.read_committed(period_ids)
    if found is None:
        return None
    return (
        code_digest((template, *_TEMPLATES), _CODE),
        today.isoformat(),
        tuple(sorted((name, tuple(values)) for name, values in request.GET.lists())),
        tuple(sorted(found.items())),
    )


def queue_key(*, request, user, groups: list[dict], today: datetime.date) -> str | None:
    """The key of the queue's body as `request` asks it, or None when it must be drawn afresh. Two
    queries: the periods of the plans with reports waiting, and their stamps."""
    if connection.in_atomic_block:
        return None
    plans = sorted({group["period__plan_id"] for group in groups})
    periods = list(ReportingPeriod.objects.filter(plan_id__in=plans).values_list("pk", flat=True))
    common = _common(request, today, periods, QUEUE_TEMPLATE)
    if common is None:
        return None
    who = (query_text(permissions.review_queue_for(user)), query_text(permissions.reports_visible_to(user)))
    return entry_key("queue", (*common, who, repr(groups)))


def indicators_key(*, request, plan, year: int | None, periods: list, today: datetime.date) -> str | None:
    """The key of the body of `plan`'s indicators page for `year` (its `periods`: every period of
    the plan, read by the page already), or None when it must be drawn afresh. One query."""
    common = _common(request, today, [period.pk for period in periods], INDICATORS_TEMPLATE)
    if common is None:
        return None
    shown = tuple((p.pk, p.key, p.name, p.year, p.cutoff_from, p.cutoff_to, p.deadline) for p in periods)
    who = query_text(permissions.reports_visible_to(request.user))
    return entry_key("indicators", (*common, plan.pk, year, shown, who))


COUNTS = "số báo cáo của các kỳ hiện tại"


def _counts_key(prefix: str, periods: list, *parts) -> str | None:
    """The key of counts of the reports of `periods` that depend on no one's rights, only on those
    reports and `parts`; None when they must be counted afresh. One query."""
    if connection.in_atomic_block:
        return None
    found = stamps.read_committed([period.pk for period in periods])
    if found is None:
        return None
    periods_part = tuple(p.pk for p in periods)
    return entry_key(prefix, (code_digest((), _CODE), *parts, periods_part, tuple(sorted(found.items()))))


def counts_key(*, periods: list, today: datetime.date) -> str | None:
    """The key of the counts of every report of `periods` (the home page of those who see every
    report: by state, and by period), or None when they must be counted afresh. They depend on no
    one's rights, only on the periods' reports, their deadlines and the day. One query."""
    return _counts_key("counts", periods, today.isoformat())


PERIOD_COUNTS = "số báo cáo của các kỳ"


def period_counts_key(periods: list) -> str | None:
    """The key of the counts of the reports of `periods` (`selectors.report_counts`: asked, waiting,
    accepted): they depend only on those periods' reports. One query; None when they must be
    counted afresh."""
    return _counts_key("period-counts", periods)


UNIT = "việc của đơn vị"
UNIT_TEMPLATE = "reports/_home_unit.html"


def unit_key(*, request, unit_id: int, periods: list, today: datetime.date) -> str | None:
    """The key of the home page's list of what unit `unit_id` has to do now: its reports of the
    current `periods` and those it still owes in any open period (`selectors.unit_reports_now`), the
    same for every member of the unit. Two queries: the open periods, and the stamps of those and of
    `periods`; None when the list must be drawn afresh."""
    if connection.in_atomic_block:
        return None
    open_periods = ReportingPeriod.objects.filter(is_open=True).values_list("pk", flat=True)
    common = _common(request, today, sorted({*open_periods, *(p.pk for p in periods)}), UNIT_TEMPLATE)
    if common is None:
        return None
    return entry_key("unit", (*common, unit_id, tuple(p.pk for p in periods)))


PLAN = "trang kế hoạch"
PLAN_TEMPLATE = "reports/_plan_detail_body.html"


def plan_key(*, request, plan_id: int, today: datetime.date) -> str | None:
    """The key of the body of the plan's page (its documents, a page of its tasks with their units,
    its periods of this year): the same for everyone, drawn from rows the global stamp covers (the
    plan, its legal documents and duties, tasks, assignments, units, periods); None when it must be
    drawn afresh. One query."""
    common = _common(request, today, [], PLAN_TEMPLATE)
    if common is None:
        return None
    return entry_key("plan", (*common, plan_id))


TASK = "trang nhiệm vụ"
TASK_TEMPLATE = "reports/_task_detail_body.html"


def task_key(*, request, task_id: int, periods: list, period, today: datetime.date) -> str | None:
    """The key of the body of the task's page for `period` (of `periods`, every period of its
    plan, read by the page already): the task, its assignments and history (written with the
    task), its indicators judged at `period` (over its period, year or the whole plan: every
    period's stamp) and the period's reports, as `request.user` may see them (the SQL of the
    reports they may see, as for the indicators); None when it must be drawn afresh. One query."""
    common = _common(request, today, [p.pk for p in periods], TASK_TEMPLATE)
    if common is None:
        return None
    who = query_text(permissions.reports_visible_to(request.user))
    return entry_key("task", (*common, task_id, period.pk if period else None, who))


REPORT_INDICATORS = "chỉ tiêu của báo cáo"
REPORT_INDICATORS_TEMPLATE = "reports/_report_indicators.html"


def report_indicators_key(*, request, report_id: int, today: datetime.date) -> str | None:
    """The key of the indicators of a report's page (`selectors.report_indicator_results`: its
    task's indicators judged at its period, counting the report itself and what the units sent that
    the user may see, over its period, year or the whole plan) and the report's own values: every
    stamp (one query, where the plan's periods would be two), the report, and who asks (the SQL of
    the reports they may see); None when they must be drawn afresh."""
    common = _common(request, today, None, REPORT_INDICATORS_TEMPLATE)
    if common is None:
        return None
    who = query_text(permissions.reports_visible_to(request.user))
    return entry_key("report-indicators", (*common, report_id, who))
