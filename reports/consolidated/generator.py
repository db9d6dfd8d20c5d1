"""The consolidated report's generator: what the office wrote, composed with what the units reported,
read once into a `ReportDocument` for the Word and Excel writers and the preview page.

A task's result in section II is composed from the accepted unit reports, lead first, then partners;
the office may edit it, and an edited result stays as edited until it is reset.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Max,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from kehoach.db import vi_sort_key
from kehoach.text import document_numbers, lower_first
from reports.exports.consolidated_xlsx import consolidated_workbook
from reports.exports.document import AppendixRow, Figure, ReportDocument, TaskPart, UnitReportRow
from reports.exports.docx import document_docx
from reports.models import (
    Completion,
    ConsolidatedReport,
    Evidence,
    IndicatorValue,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
    TaskState,
)
from reports.states import state_expression
from reports.workflow.selectors import IndicatorLine, plan_indicator_lines
from tasks.models import Assignment, AssignmentRole, DeadlineKind, Reporting, Task

from .selectors import Scope, edition_file

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Kept out of pages that do not show a frozen report: they can weigh megabytes.
FROZEN_FIELDS = ("snapshot", "docx_file", "xlsx_file")
TEXT_FIELDS = (
    "subject",
    "introduction",
    "direction",
    "strengths",
    "weaknesses",
    "causes",
    "next_year",
    "proposals",
)


def _plan_reference(plan) -> str:
    """ "Kế hoạch số 58/KH-SKHCN ngày 20/02/2024", or "Kế hoạch năm 2024" while it has no number."""
    number = plan.number.strip()
    if number and "/" not in number and plan.number_template.startswith("/"):
        number += plan.number_template
    when = f"ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else f"năm {plan.issued_year}"
    return f"Kế hoạch số {number} {when}" if number else f"Kế hoạch {when}"


def _basis_reference(document) -> str:
    """ "Công văn số 1394/UBND-KGVX ngày 05/02/2024 của Ủy ban nhân dân tỉnh Đồng Nai" """
    return (
        f"{document.get_doc_type_display()} số {document_numbers(document.number)} "
        f"ngày {document.issued_on:%d/%m/%Y} của {document.issuer.name}"
    )


def consolidated_defaults(scope: Scope) -> dict:
    """What a new consolidated report starts with, from its plan and its basis documents."""
    plan = scope.plan
    archive = (
        f"Lưu: VT, {plan.coordinating_unit.document_code}."
        if plan.coordinating_unit.document_code
        else "Lưu: VT."
    )
    recipients = [
        f"{plan.report_recipient.name} (b/c);",
        "Giám đốc và các Phó Giám đốc Sở;",
        f"{plan.coordinating_unit.name};",
        archive,
    ]
    span = lower_first(scope.name)
    title = document_numbers(lower_first(plan.title))
    basis = [
        _basis_reference(document)
        for document in plan.basis_documents.select_related("issuer").order_by("issued_on", "number")
    ]
    opening = []
    if basis:
        opening.append(f"Căn cứ {'; '.join(basis)};")
    opening.append(
        f"Thực hiện {_plan_reference(plan)} về {title}, {plan.issuer.name} báo cáo kết quả thực hiện "
        f"{span} như sau (có Phụ lục kèm theo):"
    )
    return {
        "subject": f"Kết quả thực hiện Kế hoạch {title} {span}",
        "introduction": "\n".join(opening),
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
        "recipients": "\n".join(recipients),
    }


def consolidated_for(scope: Scope) -> ConsolidatedReport:
    """The scope's latest edition (issued or being prepared), or an unsaved one holding the defaults."""
    report = (
        ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key)
        .defer(*FROZEN_FIELDS)
        .order_by("-edition")
        .first()
    )
    return report or ConsolidatedReport(plan=scope.plan, scope=scope.key, **consolidated_defaults(scope))


# ------------------------------------------------------------------------------
# Composition
# ------------------------------------------------------------------------------
ROLE_LABELS = dict(AssignmentRole.choices)


class _PeriodAndRole:
    """What a row of the composition tells of its period and its unit's role."""

    __slots__ = ()
    period: ReportingPeriod
    role: str

    @property
    def period_id(self) -> int:
        return self.period.pk

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(slots=True)
class ReportRow(_PeriodAndRole):
    """One unit report as the consolidated report reads it: only the columns it needs, read in one
    pass over the scope (no model objects, no per-task or per-period query)."""

    pk: int
    task_id: int
    unit_id: int
    unit_name: str
    role: str
    status: str
    state: str  # reports.states.state_expression at the report's day
    period: ReportingPeriod
    deadline: datetime.date
    completion: str
    completed_on: datetime.date | None
    funds_planned: int | None
    funds_spent: int | None
    results: str = ""  # read for the completions of earlier periods (`_full_rows`) only
    # How many of the task and unit's accepted reports of the scope give a result, when asked for
    # (`compose(..., line_counts=True)`).
    accepted_texts: int | None = None


@dataclass(slots=True)
class Statement(_PeriodAndRole):
    """A unit's accepted report of the scope that states a result: what the composed result and
    the appendix quote of it."""

    pk: int
    task_id: int
    unit_id: int
    unit_name: str
    role: str
    period: ReportingPeriod
    funds_planned: int | None
    funds_spent: int | None
    results: str


@dataclass(slots=True)
class Assigned:
    """One assignment of a task as the document names it."""

    role: str
    reporting: str
    unit_name: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def is_active_on(self, day: datetime.date) -> bool:
        """Whether its unit exists on `day` (tasks.models.Unit.is_active_on)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class Composition:
    """The unit reports of a scope as the consolidated report needs them, arranged per task and
    unit: each task and unit's latest report (its state at the end of the scope), the accepted
    results of the tasks whose texts were read, and the reports of fixed-date tasks done and
    accepted before the scope (they are not asked again)."""

    scope: Scope
    tasks: list[Task]
    # Each task and unit's report of the scope's last period it reports in (`_latest_rows`), with
    # .state: its state at the end of the scope. In task, role, unit order.
    latest: list[ReportRow]
    edited: dict[int, str]  # task id → result as the office edited it
    accepted_count: int  # the scope's accepted reports (earlier completions not counted)
    done_before: list[ReportRow] = field(default_factory=list)  # fixed-date tasks finished earlier
    # The accepted reports stating a result of the tasks `text_ids` (`read_texts`); in task, role,
    # unit, period order.
    statements: list[Statement] = field(default_factory=list)
    text_ids: list[int] = field(default_factory=list)
    today: datetime.date | None = None

    def statements_of(self, task: Task) -> list[Statement]:
        return self._statements_by_task.get(task.pk, [])

    def read_texts(self, task_ids) -> None:
        """Read the accepted results of the tasks `task_ids` not read yet: one query."""
        wanted = set(task_ids) - set(self.text_ids)
        if not wanted:
            return
        periods = {period.pk: period for period in self.scope.periods}
        read = _statements(Q(period_id__in=sorted(periods), task_id__in=sorted(wanted)), periods)
        self.text_ids = sorted({*self.text_ids, *wanted})
        self.statements = _text_order([*self.statements, *read], {task.pk: task for task in self.tasks})
        self.__dict__.pop("_statements_by_task", None)

    @cached_property
    def assigned(self) -> dict[int, list[Assigned]]:
        """Task id → its assignments, lead first (groups and named ones too), with only the columns
        the document needs; read when the document needs them (the form composing results does not)."""
        assigned: dict[int, list[Assigned]] = {}
        assignments = Assignment.objects.filter(task__plan=self.scope.plan, task_id__in=self.text_ids)
        for task_id, *columns in assignments.order_by("task", "role", "order", "pk").values_list(
            "task_id", "role", "reporting", "unit__name", "unit__valid_from", "unit__valid_to"
        ):
            assigned.setdefault(task_id, []).append(Assigned(*columns))
        return assigned

    def done_before_of(self, task: Task) -> list[ReportRow]:
        return self._done_before_by_task.get(task.pk, [])

    @cached_property
    def _statements_by_task(self) -> dict[int, list[Statement]]:
        by_task: dict[int, list[Statement]] = {}
        for statement in self.statements:
            by_task.setdefault(statement.task_id, []).append(statement)
        return by_task

    @cached_property
    def _done_before_by_task(self) -> dict[int, list[ReportRow]]:
        """Each task's earlier completions, one per unit (its latest), not those asked again now."""
        now = {(report.task_id, report.unit_id) for report in self.latest}
        latest: dict[tuple[int, int], ReportRow] = {}
        for report in self.done_before:
            key = (report.task_id, report.unit_id)
            if key not in now:
                latest[key] = report  # ordered by period: the last one wins
        by_task: dict[int, list[ReportRow]] = {}
        for report in latest.values():
            by_task.setdefault(report.task_id, []).append(report)
        return by_task

    @cached_property
    def _latest_by_task(self) -> dict[int, list[ReportRow]]:
        by_task: dict[int, list[ReportRow]] = {}
        for report in self.latest:
            by_task.setdefault(report.task_id, []).append(report)
        return by_task

    def latest_of(self, task: Task) -> list[ReportRow]:
        return self._latest_by_task.get(task.pk, [])

    def result_lines(self, task: Task) -> list[str]:
        """The lines of the task's composed result: earlier completions, each accepted result (lead
        first, then partners, each unit's periods in order), then the units with no accepted result."""
        lines = [_done_before_line(report) for report in self.done_before_of(task)]
        stated = set()
        for statement in self.statements_of(task):
            stated.add(statement.unit_id)
            period = f"[{statement.period.name}] " if self.scope.spans_periods else ""
            lines.append(
                f"{statement.unit_name} ({statement.role_label.lower()}): {period}"
                f"{_one_paragraph(statement.results)}"
            )
        missing = [r for r in self.latest_of(task) if r.unit_id not in stated]
        if missing:
            lines.append(_missing_line(missing))
        if not lines:
            return [NO_REPORTING_UNIT]
        return lines

    def composed_result(self, task: Task) -> str:
        return "\n".join(self.result_lines(task))

    def line_count(self, task: Task) -> int:
        """How many lines the task's composed result has (`result_lines`), told by the counts of its
        latest rows where its results were not read."""
        rows = self.latest_of(task)
        if task.pk in self.text_ids or not rows or rows[0].accepted_texts is None:
            return len(self.result_lines(task))
        count = len(self.done_before_of(task)) + sum(r.accepted_texts for r in rows)
        count += any(r.accepted_texts == 0 for r in rows)  # the line naming units with no result
        return count or 1

    def result(self, task: Task) -> str:
        return self.edited.get(task.pk) or self.composed_result(task)

    def state(self, task: Task) -> str | None:
        """The task's state over the scope, judged by its leads (by everyone reporting when no lead
        reports); None when nobody reports on it."""
        done = self.done_before_of(task)
        latest = self.latest_of(task)
        judged = [r for r in [*done, *latest] if r.role == AssignmentRole.LEAD] or [*done, *latest]
        if not judged:
            return None
        states = [_judged(report) for report in judged]
        if all(state in DONE_STATES for state in states):
            return TaskState.DONE_LATE if TaskState.DONE_LATE in states else TaskState.DONE_ON_TIME
        return min((s for s in states if s not in DONE_STATES), key=NOT_DONE_ORDER.index)


PENDING = "pending"  # sent, not yet reviewed: never judged overdue before the department reads it
PENDING_LABEL = "Đã báo cáo, chờ Sở xem xét"
DONE_STATES = (TaskState.DONE_ON_TIME, TaskState.DONE_LATE)
# When a task's leads stand differently, the task stands as the first of these any of them is in.
NOT_DONE_ORDER = [
    TaskState.IN_PROGRESS_OVERDUE,
    PENDING,
    TaskState.IN_PROGRESS_ON_TIME,
    TaskState.NOT_STARTED,
]
NO_REPORTING_UNIT = (
    "Nhiệm vụ không có đơn vị nào thuộc diện báo cáo trong kỳ; các cơ quan, tổ chức được nêu tên "
    "không báo cáo cho Sở."
)
STATE_LABELS = {**dict(TaskState.choices), PENDING: PENDING_LABEL}


def _judged(report: TaskReport) -> str:
    if report.status == ReportStatus.SUBMITTED:
        return PENDING
    return report.state


def _done_before_line(report: TaskReport) -> str:
    return (
        f"Đã hoàn thành ngày {report.completed_on:%d/%m/%Y} ({report.unit_name} "
        f"{report.role_label.lower()}; kết quả đã báo cáo {lower_first(report.period.name)}): "
        f"{_one_paragraph(report.results)}"
    )


def _status_words(report: TaskReport) -> str:
    """Why a unit's report gives no result, as a reader at the UBND tỉnh would say it."""
    if report.status == ReportStatus.SUBMITTED:
        return "đã gửi báo cáo, Sở đang xem xét"
    if report.status == ReportStatus.RETURNED:
        return "có báo cáo được trả lại để bổ sung, chưa gửi lại"
    if report.status == ReportStatus.ACCEPTED:
        return "báo cáo được chấp nhận nhưng chưa nêu kết quả"
    return "chưa gửi báo cáo"


def _missing_line(reports: list[TaskReport]) -> str:
    units = "; ".join(f"{r.unit_name} ({r.role_label.lower()}) {_status_words(r)}" for r in reports)
    return f"Chưa có kết quả được Sở xác nhận của: {units}."


def _row_summary(report: TaskReport, accepted: TaskReport | None) -> str:
    if accepted is not None:
        return _one_paragraph(accepted.results)
    return f"Đơn vị {_status_words(report)}."


def _one_paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


REPORT_COLUMNS = (
    "pk",
    "task_id",
    "unit_id",
    "unit_name",
    "role",
    "status",
    "state",
    "period_id",
    "deadline",
    "completion",
    "completed_on",
    "funds_planned",
    "funds_spent",
)


def _text_order(reports: list, tasks: dict[int, Task]) -> list:
    """Task, role (lead first), unit name in Vietnamese order, period, id: the order in which results
    are composed. Sorted here rather than by the database's collation, which costs a call per
    comparison on SQLite; each name is ranked once."""
    names = sorted({r.unit_name for r in reports}, key=vi_sort_key)
    rank = {name: index for index, name in enumerate(names)}
    return sorted(
        reports,
        key=lambda r: (
            tasks[r.task_id].sort_key if r.task_id in tasks else "",
            r.role,
            rank[r.unit_name],
            r.period.deadline,
            r.pk,
        ),
    )


def _full_rows(where: Q, today: datetime.date, periods: dict[int, ReportingPeriod]) -> list[ReportRow]:
    """The reports of `where`, each on its own row with its result's text: one query."""
    queryset = TaskReport.objects.filter(where).annotate(state=state_expression(today)).order_by()
    return [
        ReportRow(*values[:7], periods[values[7]], *values[8:])
        for values in queryset.values_list(*REPORT_COLUMNS, "results")
    ]


STATEMENT_COLUMNS = (
    "pk",
    "task_id",
    "unit_id",
    "unit_name",
    "role",
    "period_id",
    "funds_planned",
    "funds_spent",
    "results",
)


def _stating(reports: QuerySet[TaskReport]) -> QuerySet[TaskReport]:
    """The accepted reports among `reports` that state a result (some text; one of blanks, which no
    form saves, is dropped where the text is read)."""
    return reports.filter(status=ReportStatus.ACCEPTED).exclude(results="").order_by()


def _statements(where: Q, periods: dict[int, ReportingPeriod]) -> list[Statement]:
    """The accepted reports of `where` that state a result, with only the columns quoted (no date,
    no state): one query. A result of blanks states nothing."""
    queryset = _stating(TaskReport.objects.filter(where))
    return [
        Statement(*values[:5], periods[values[5]], *values[6:])
        for values in queryset.values_list(*STATEMENT_COLUMNS)
        if values[8].strip()
    ]


# A report's place in the scope as one number: its period's rank, then its id (ids stay below this).
RANK_SHIFT = 10**12


def _last_of_pairs(reports: QuerySet[TaskReport], periods: list[ReportingPeriod]) -> QuerySet:
    """The id of each task and unit's last report among `reports` (of the periods `periods`): of
    the last period by deadline, then the highest id, as the composition orders them. A subquery,
    found by the database from the index of (period, task, unit) alone."""
    in_order = sorted(periods, key=lambda period: (period.deadline, period.pk))
    rank = Case(
        *(When(period_id=period.pk, then=Value(n * RANK_SHIFT)) for n, period in enumerate(in_order)),
        output_field=BigIntegerField(),
    )
    return (
        reports.values("task_id", "unit_id")
        .annotate(place=Max(rank + F("pk")))
        .values(last=F("place") % Value(RANK_SHIFT))
    )


def _latest_rows(
    scope: Scope, today: datetime.date, periods: dict[int, ReportingPeriod], *, line_counts: bool
) -> tuple[list[ReportRow], int]:
    """Each task and unit's latest report of the scope (of the last period it reports in, then the
    highest id), found by the database from the index of (period, task, unit) alone, the rows of
    every period never read; with the number of the scope's accepted reports: one query, a row per
    task and unit whatever the number of periods. With `line_counts`, each pair's accepted reports
    that give a result are counted too (one more query, which reads the results)."""
    ids = [period.pk for period in scope.periods]
    of_scope = TaskReport.objects.filter(period_id__in=ids).order_by()
    latest = _last_of_pairs(of_scope, scope.periods)
    accepted = (
        of_scope.filter(status=ReportStatus.ACCEPTED).values("status").annotate(n=Count("pk")).values("n")
    )
    queryset = (
        TaskReport.objects.filter(pk__in=Subquery(latest))
        .annotate(state=state_expression(today), accepted_total=Subquery(accepted))
        .order_by()
    )
    total = 0
    rows = []
    for values in queryset.values_list(*REPORT_COLUMNS, "accepted_total"):
        rows.append(ReportRow(*values[:7], periods[values[7]], *values[8:13]))
        total = values[13] or 0
    if line_counts:
        texts = dict.fromkeys(((r.task_id, r.unit_id) for r in rows), 0)
        with_text = _stating(of_scope).values_list("task_id", "unit_id").annotate(n=Count("pk"))
        for task_id, unit_id, n in with_text:
            texts[task_id, unit_id] = n
        for row in rows:
            row.accepted_texts = texts[row.task_id, row.unit_id]
    return rows, total


def compose(
    scope: Scope,
    consolidated: ConsolidatedReport,
    today: datetime.date,
    *,
    texts: bool | slice | Iterable[int] | Callable[[Composition], Iterable[int]] = True,
    line_counts: bool = False,
    edited: dict[int, str] | None = None,
) -> Composition:
    """The scope's reports with only the columns needed: each task and unit's latest report
    condensed in SQL (`_latest_rows`), which is all the counts and states need, and the accepted
    results of the tasks of `texts` (True: every task, for the Word and Excel files; a slice of the
    plan's tasks in order, their ids, or a function of the composition so far giving their ids;
    False: none). A fixed number of queries, whatever the number of tasks, units and periods;
    `line_counts` also counts each pair's results (`line_count`). `edited`: the tasks' results as
    the office edited them, when the caller has read them already."""
    tasks = list(Task.objects.filter(plan=scope.plan).order_by("sort_key"))
    by_pk = {task.pk: task for task in tasks}
    first = scope.periods[0]
    periods = {period.pk: period for period in scope.plan_periods or scope.periods}
    # Ids rather than joins: the plan's earlier periods and its fixed-date tasks are known already.
    earlier = Q(
        period_id__in=[p.pk for p in periods.values() if p.deadline < first.deadline],
        task_id__in=[task.pk for task in tasks if task.deadline_kind == DeadlineKind.FIXED],
        status=ReportStatus.ACCEPTED,
        completion=Completion.DONE,
    )
    if edited is None:
        edited = dict(consolidated.task_results.values_list("task_id", "text")) if consolidated.pk else {}
    latest, accepted_count = _latest_rows(scope, today, periods, line_counts=line_counts)
    composition = Composition(
        scope=scope,
        tasks=tasks,
        latest=_text_order(latest, by_pk),
        edited=edited,
        accepted_count=accepted_count,
        done_before=_text_order(_full_rows(earlier, today, periods), by_pk),
        today=today,
    )
    if texts is True:
        ids = list(by_pk)
    elif isinstance(texts, slice):
        ids = [task.pk for task in tasks[texts]]
    elif callable(texts):
        ids = list(texts(composition))
    else:
        ids = list(texts or [])
    composition.read_texts(ids)
    return composition


def document_build(
    scope: Scope,
    today: datetime.date | None = None,
    consolidated: ConsolidatedReport | None = None,
    *,
    part: slice | None = None,
    results: bool = True,
) -> ReportDocument:
    """The whole consolidated report of `scope` as data, in a fixed number of queries; `consolidated`
    is the edition (`consolidated_for`) when the caller has read it already.

    With `part` (a slice of the plan's tasks in order), only those tasks' parts and appendix rows are
    in the document, and only their texts are read: a page of the preview. The counts, the opening
    and sections I, III–V stay those of the whole report. Without `results`, the tasks' results are
    not composed (left empty): the Excel file has no place for them."""
    today = today or timezone.localdate()
    consolidated = consolidated or consolidated_for(scope)
    composition = compose(scope, consolidated, today, texts=True if part is None else part)
    document = _document(scope, consolidated, composition, part, results=results)
    document.unit_reports = _unit_report_rows(scope, today, composition.tasks)
    return document


@dataclass
class Preview:
    """A page of the preview: the report with the parts and appendix rows of a page of its tasks."""

    document: ReportDocument
    page: Page  # of the plan's tasks, in order


def preview_build(
    scope: Scope,
    consolidated: ConsolidatedReport,
    number,
    size: int,
    *,
    today: datetime.date | None = None,
    edited: dict[int, str] | None = None,
) -> Preview:
    """Page `number` (as typed: the last page when past it, the first when not a number) of the
    report, `size` tasks to a page: `document_build(..., part=...)` in the same queries."""
    pages = {}

    def page_of(composition: Composition) -> list[int]:
        tasks = composition.tasks
        pages["page"] = page = Paginator(range(len(tasks)), size).get_page(number)
        pages["part"] = part = slice((page.number - 1) * size, page.number * size)
        return [task.pk for task in tasks[part]]

    today = today or timezone.localdate()
    composition = compose(scope, consolidated, today, texts=page_of, edited=edited)
    return Preview(_document(scope, consolidated, composition, pages["part"]), pages["page"])


UNIT_REPORT_COLUMNS = (
    "pk",
    "period_id",
    "task_id",
    "unit_name",
    "role",
    "status",
    "state",
    "deadline",
    "completion",
    "completed_on",
    "progress",
    "results",
    "difficulties",
    "escalate",
    "proposals",
    "funds_planned",
    "funds_spent",
    "submitted_at",
    "accepted_at",
)


def _unit_report_rows(scope: Scope, today: datetime.date, tasks: list[Task]):
    """Every report of the scope for the Excel file, read when the writer gets to it: one query with
    only its own columns (the period's and the task's words are those already read), in the order of
    the appendix; and one counting the evidence of the reports that have some (a subquery counting
    each report's took longer than reading all its columns)."""
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    completions = dict(Completion.choices)
    periods = {period.pk: period for period in scope.periods}
    by_pk = {task.pk: task for task in tasks}
    zone = timezone.get_current_timezone()
    files = dict(
        Evidence.objects.filter(report__period__in=scope.periods)
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values_list("report", "n")
    )
    rows = list(
        TaskReport.objects.filter(period__in=scope.periods)
        .annotate(state=state_expression(today))
        .order_by()
        .values_list(*UNIT_REPORT_COLUMNS)
    )
    rank = {name: index for index, name in enumerate(sorted({r[3] for r in rows}, key=vi_sort_key))}
    rows.sort(
        key=lambda r: (
            by_pk[r[2]].sort_key if r[2] in by_pk else "",
            r[4],
            rank[r[3]],
            periods[r[1]].deadline,
            r[0],
        )
    )
    for (
        pk,
        period_id,
        task_id,
        unit_name,
        role,
        status,
        state,
        deadline,
        completion,
        completed_on,
        progress,
        results,
        difficulties,
        escalate,
        proposals,
        funds_planned,
        funds_spent,
        submitted_at,
        accepted_at,
    ) in rows:
        task = by_pk.get(task_id)
        yield UnitReportRow(
            period=periods[period_id].name,
            plan=scope.plan.code,
            task_number=task.number if task else "",
            task_title=task.title if task else "",
            unit=unit_name,
            role=roles[role],
            status=statuses[status],
            state=STATE_LABELS[PENDING if status == ReportStatus.SUBMITTED else state],
            deadline=deadline,
            completion=completions[completion],
            completed_on=completed_on,
            progress=progress,
            results=results,
            difficulties=difficulties,
            escalated=escalate,
            proposals=proposals,
            funds_planned=funds_planned,
            funds_spent=funds_spent,
            submitted_on=submitted_at.astimezone(zone).date() if submitted_at else None,
            accepted_on=accepted_at.astimezone(zone).date() if accepted_at else None,
            files=files.get(pk, 0),
        )


def _names(assignments: list[Assigned], role: str, day: datetime.date) -> list[str]:
    """The names of the units assigned in `role` that still exist on `day` (the end of the report)."""
    return [a.unit_name for a in assignments if a.role == role and a.is_active_on(day)]


def _deadline_words(task: Task, end: datetime.date) -> str:
    """The plan's deadline in its own words; a task with no date of its own says it is judged by the
    period's deadline, and which."""
    if task.deadline_kind != DeadlineKind.ONGOING:
        return task.deadline_label
    text = task.deadline_text.strip()
    judged = f"đánh giá theo hạn của kỳ báo cáo, ngày {end:%d/%m/%Y}"
    if text:
        return f"{text} (kế hoạch không nêu ngày; {judged})"
    return f"Kế hoạch không nêu thời hạn riêng; {judged}"


def _sum(values) -> int | None:
    values = [value for value in values if value is not None]
    return sum(values) if values else None


def _figures(lines: list[IndicatorLine]) -> list[Figure]:
    """A task's indicators judged at the scope's last period, as the document writes them."""
    return [
        Figure(
            label=line.name,
            actual=line.actual,
            target=line.target,
            unit=line.unit_of_measure,
            verdict=line.verdict_label,
            decimals=line.decimals,
        )
        for line in lines
    ]


def _unit_figures(
    report_ids: set[int], periods: list[ReportingPeriod], earlier: list[ReportRow], task_ids: set[int]
) -> dict[int, list[Figure]]:
    """The numbers each of the reports `report_ids` gave for its task's indicators, in the
    indicators' order, by report id: one query. Those reports are the ones whose results the
    appendix gives: each task and unit's last accepted report stating a result in the scope's
    `periods`, found by the database (`_last_of_pairs`: never a list of every report's id, nor every
    report's numbers), and the completions of earlier periods `earlier` (read from their periods and
    tasks)."""
    figures: dict[int, list[Figure]] = {}
    if not report_ids:
        return figures
    tasks = sorted(task_ids)
    stating = _stating(
        TaskReport.objects.filter(period_id__in=[period.pk for period in periods], task_id__in=tasks)
    )
    which = Q(report_id__in=_last_of_pairs(stating, periods))
    if earlier:
        which |= Q(
            report_id__in=TaskReport.objects.filter(
                period_id__in=sorted({report.period_id for report in earlier}),
                task_id__in=sorted({report.task_id for report in earlier}),
            ).values("pk")
        )
    rows = (
        IndicatorValue.objects.filter(which)
        .order_by("indicator__order", "indicator__pk")
        .values_list(
            "report_id", "indicator__name", "indicator__unit_of_measure", "indicator__decimals", "value"
        )
    )
    for report_id, name, unit, decimals, value in rows:
        if report_id in report_ids:
            figures.setdefault(report_id, []).append(
                Figure(label=name, actual=value, unit=unit, decimals=decimals)
            )
    return figures


def _document(
    scope: Scope,
    consolidated: ConsolidatedReport,
    composition: Composition,
    part: slice | None = None,
    *,
    results: bool = True,
) -> ReportDocument:
    roles = dict(AssignmentRole.choices)
    end = scope.last.deadline
    parts, rows = [], []
    task_counts = dict.fromkeys([*TaskState.values, PENDING], 0)
    shown = {task.pk for task in composition.tasks[part if part is not None else slice(None)]}
    # Each task's indicators judged at the last period of the scope, from what the units sent.
    indicators: dict[int, list[IndicatorLine]] = {}
    for line in plan_indicator_lines(
        plan=scope.plan, period=scope.last, task_ids=None if part is None else sorted(shown)
    ):
        indicators.setdefault(line.task_id, []).append(line)
    for task in composition.tasks:
        if task.pk not in shown:
            state = composition.state(task)
            if state is not None:
                task_counts[state] += 1
            continue
        assigned = composition.assigned.get(task.pk, [])
        accepted = [
            r for r in composition.latest_of(task) if r.status == ReportStatus.ACCEPTED
        ] + composition.done_before_of(task)
        state = composition.state(task)
        if state is not None:
            task_counts[state] += 1
        deadline = _deadline_words(task, end)
        parts.append(
            TaskPart(
                number=task.number,
                title=document_numbers(task.title),
                lead=_names(assigned, AssignmentRole.LEAD, end),
                partners=_names(assigned, AssignmentRole.PARTNER, end),
                deadline=deadline,
                result=document_numbers(composition.result(task)) if results else "",
                depth=task.depth,
                short_title=task.title_is_short,
                content=document_numbers(_one_paragraph(task.content)) if task.title_is_short else "",
                named=[
                    a.unit_name for a in assigned if a.reporting == Reporting.NAMED and a.is_active_on(end)
                ],
                state=STATE_LABELS[state] if state else "Không có đơn vị báo cáo",
                funds_planned=_sum(r.funds_planned for r in accepted),
                funds_spent=_sum(r.funds_spent for r in accepted),
                figures=_figures(indicators.get(task.pk, [])),
            )
        )
    tasks = {task.pk: task for task in composition.tasks}
    # Each task and unit's last result accepted in the scope: what its row of the appendix quotes.
    accepted_of = {(statement.task_id, statement.unit_id): statement for statement in composition.statements}
    earlier = [r for task in composition.tasks for r in composition.done_before_of(task)]
    unit_counts = dict.fromkeys([*TaskState.values, PENDING], 0)
    in_order = sorted(
        [*earlier, *composition.latest],
        key=lambda r: (tasks[r.task_id].sort_key, r.role, r.unit_name, r.period.deadline, r.pk),
    )
    in_scope = {period.pk for period in scope.periods}
    # The numbers of the report whose result each row gives (those of the rows shown)
    summarised = [
        report if report.period_id not in in_scope else accepted_of.get((report.task_id, report.unit_id))
        for report in in_order
        if report.task_id in shown
    ]
    figures_of = _unit_figures(
        {report.pk for report in summarised if report is not None},
        scope.periods,
        [report for report in summarised if report is not None and report.period_id not in in_scope],
        shown,
    )
    for order, report in enumerate(in_order, start=1):
        task = tasks[report.task_id]
        is_earlier = report.period_id not in in_scope
        accepted = report if is_earlier else accepted_of.get((report.task_id, report.unit_id))
        state = _judged(report)
        unit_counts[state] += 1
        if task.pk not in shown:
            continue
        summary = _row_summary(report, accepted)
        if is_earlier:
            summary = f"Đã hoàn thành ngày {report.completed_on:%d/%m/%Y} ({lower_first(report.period.name)}): {summary}"
        rows.append(
            AppendixRow(
                order=order,
                task_number=task.number,
                task_title=document_numbers(task.title),
                unit=report.unit_name,
                role=roles[report.role],
                deadline=f"{report.deadline:%d/%m/%Y}",
                deadline_date=report.deadline,
                summary=document_numbers(summary),
                state=STATE_LABELS[state],
                funds_planned=accepted.funds_planned if accepted else None,
                funds_spent=accepted.funds_spent if accepted else None,
                figures=figures_of.get(accepted.pk, []) if accepted else [],
            )
        )
    plan = scope.plan
    return ReportDocument(
        authority=settings.DOCUMENT_AUTHORITY,
        issuer=settings.DOCUMENT_ISSUER,
        issuer_name=settings.DOCUMENT_ISSUER_NAME,
        author=plan.issuer.name,
        number=document_numbers(consolidated.reference),
        place=plan.place,
        date=consolidated.issued_on,
        year=scope.year,
        span=scope.name,
        # A year's report looks ahead to the next year; a shorter period's to the time ahead.
        next_span=f"NĂM {scope.year + 1}" if scope.name == f"Năm {scope.year}" else "THỜI GIAN TỚI",
        subject=document_numbers(consolidated.subject),
        introduction=document_numbers(consolidated.introduction),
        direction=consolidated.direction,
        tasks=parts,
        strengths=consolidated.strengths,
        weaknesses=consolidated.weaknesses,
        causes=consolidated.causes,
        next_year=consolidated.next_year,
        proposals=consolidated.proposals,
        signer_title=[line.strip() for line in consolidated.signer_title.splitlines() if line.strip()],
        signer_name=consolidated.signer_name,
        recipients=[
            line.strip().lstrip("-").strip() for line in consolidated.recipients.splitlines() if line.strip()
        ],
        appendix_title=f"PHỤ LỤC\nKết quả thực hiện các nhiệm vụ {lower_first(scope.name)}",
        appendix=rows,
        state_counts=[(STATE_LABELS[state], n) for state, n in unit_counts.items()],
        task_counts=[(STATE_LABELS[state], n) for state, n in task_counts.items()],
        accepted_count=composition.accepted_count + len(earlier),
    )


# ------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------
def export_name(scope: Scope, fmt: str, edition: int | None = None) -> str:
    """A report's file name: "bao-cao-<plan code>-<period key>", then "-lan-<edition>" from the
    second edition and "-phu-luc" for the appendix."""
    name = f"bao-cao-{scope.plan.code}-{scope.key}" + (f"-lan-{edition}" if edition and edition > 1 else "")
    return f"{name}.docx" if fmt == "docx" else f"{name}-phu-luc.xlsx"


def export_bytes(scope: Scope, fmt: str, consolidated: ConsolidatedReport | None = None) -> tuple[bytes, str]:
    """The consolidated report of `scope` as DOCX or XLSX, with its file name: the latest edition's
    file as it was issued, or made now while it is being prepared."""
    consolidated = consolidated or consolidated_for(scope)
    if consolidated.is_issued:
        content = edition_file(scope, consolidated.edition, fmt)
        return bytes(content), export_name(scope, fmt, consolidated.edition)
    today = timezone.localdate()
    document = document_build(scope, today, consolidated, results=fmt == "docx")
    content = document_docx(document) if fmt == "docx" else consolidated_workbook(document)
    return content, export_name(scope, fmt, consolidated.edition if consolidated else None)
