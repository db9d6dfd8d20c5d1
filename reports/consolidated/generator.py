"""The consolidated report's generator: what the office wrote, composed with what the units reported,
read once into a `ReportDocument` for the Word and Excel writers and the preview page.

A task's result in section II is composed from the accepted unit reports, lead first, then partners;
the office may edit it, and an edited result stays as edited until it is reset.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from kehoach.db import Vietnamese
from kehoach.text import document_numbers, lower_first
from reports.exports.consolidated_xlsx import consolidated_workbook
from reports.exports.document import AppendixRow, Figure, ReportDocument, TaskPart, UnitReportRow
from reports.exports.docx import document_docx
from reports.models import (
    Completion,
    ConsolidatedReport,
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
@dataclass
class Composition:
    """The unit reports of a scope, read once, arranged per task and unit; with the reports of
    fixed-date tasks done and accepted before the scope (they are not asked again)."""

    scope: Scope
    tasks: list[Task]
    reports: list[TaskReport]  # every report of the scope, with .state; task, role, unit, period order
    edited: dict[int, str]  # task id → result as the office edited it
    done_before: list[TaskReport] = field(default_factory=list)  # fixed-date tasks finished earlier

    def reports_of(self, task: Task) -> list[TaskReport]:
        return self._by_task.get(task.pk, [])

    @cached_property
    def assigned(self) -> dict[int, list[Assignment]]:
        """Task id → its assignments, lead first (groups and named ones too); read when the document
        needs them (the form composing results does not)."""
        assigned: dict[int, list[Assignment]] = {}
        for assignment in (
            Assignment.objects.filter(task__plan=self.scope.plan)
            .select_related("unit")
            .order_by("task", "role", "order", "pk")
        ):
            assigned.setdefault(assignment.task_id, []).append(assignment)
        return assigned

    def done_before_of(self, task: Task) -> list[TaskReport]:
        return self._done_before_by_task.get(task.pk, [])

    @cached_property
    def _by_task(self) -> dict[int, list[TaskReport]]:
        by_task: dict[int, list[TaskReport]] = {}
        for report in self.reports:
            by_task.setdefault(report.task_id, []).append(report)
        return by_task

    @cached_property
    def _done_before_by_task(self) -> dict[int, list[TaskReport]]:
        """Each task's earlier completions, one per unit (its latest), not those asked again now."""
        now = {(report.task_id, report.unit_id) for report in self.reports}
        latest: dict[tuple[int, int], TaskReport] = {}
        for report in self.done_before:
            key = (report.task_id, report.unit_id)
            if key not in now:
                latest[key] = report  # ordered by period: the last one wins
        by_task: dict[int, list[TaskReport]] = {}
        for report in latest.values():
            by_task.setdefault(report.task_id, []).append(report)
        return by_task

    @cached_property
    def latest(self) -> list[TaskReport]:
        """Each task and unit's report of the scope's last period it reports in: its state is the
        state at the end of the scope."""
        latest: dict[tuple[int, int], TaskReport] = {}
        for report in self.reports:
            key = (report.task_id, report.unit_id)
            if key not in latest or report.period.deadline >= latest[key].period.deadline:
                latest[key] = report
        return [report for report in self.reports if latest[report.task_id, report.unit_id] is report]

    @cached_property
    def _latest_by_task(self) -> dict[int, list[TaskReport]]:
        by_task: dict[int, list[TaskReport]] = {}
        for report in self.latest:
            by_task.setdefault(report.task_id, []).append(report)
        return by_task

    def latest_of(self, task: Task) -> list[TaskReport]:
        return self._latest_by_task.get(task.pk, [])

    def composed_result(self, task: Task) -> str:
        lines = [_done_before_line(report) for report in self.done_before_of(task)]
        for report in self.reports_of(task):
            if report.status == ReportStatus.ACCEPTED and report.results.strip():
                period = f"[{report.period.name}] " if self.scope.spans_periods else ""
                lines.append(
                    f"{report.unit_name} ({report.get_role_display().lower()}): {period}"
                    f"{_one_paragraph(report.results)}"
                )
        accepted_units = {
            r.unit_id
            for r in self.reports_of(task)
            if r.status == ReportStatus.ACCEPTED and r.results.strip()
        }
        missing = [r for r in self.latest_of(task) if r.unit_id not in accepted_units]
        if missing:
            lines.append(_missing_line(missing))
        if not lines:
            return NO_REPORTING_UNIT
        return "\n".join(lines)

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
        f"{report.get_role_display().lower()}; kết quả đã báo cáo {lower_first(report.period.name)}): "
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
    units = "; ".join(f"{r.unit_name} ({r.get_role_display().lower()}) {_status_words(r)}" for r in reports)
    return f"Chưa có kết quả được Sở xác nhận của: {units}."


def _row_summary(report: TaskReport, accepted: TaskReport | None) -> str:
    if accepted is not None:
        return _one_paragraph(accepted.results)
    return f"Đơn vị {_status_words(report)}."


def _one_paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def compose(scope: Scope, consolidated: ConsolidatedReport, today: datetime.date) -> Composition:
    tasks = list(Task.objects.filter(plan=scope.plan).order_by("sort_key"))
    first = scope.periods[0]
    earlier = Q(
        period__plan=scope.plan,
        period__deadline__lt=first.deadline,
        task__deadline_kind=DeadlineKind.FIXED,
        status=ReportStatus.ACCEPTED,
        completion=Completion.DONE,
    )
    reports, done_before = [], []
    for report in (
        TaskReport.objects.filter(Q(period__in=scope.periods) | earlier)
        .select_related("period")
        .annotate(state=state_expression(today))
        .order_by("task__sort_key", "role", Vietnamese("unit_name"), "period__deadline", "pk")
    ):
        (reports if report.period_id in {p.pk for p in scope.periods} else done_before).append(report)
    edited = dict(consolidated.task_results.values_list("task_id", "text")) if consolidated.pk else {}
    return Composition(
        scope=scope,
        tasks=tasks,
        reports=reports,
        edited=edited,
        done_before=done_before,
    )


def document_build(
    scope: Scope, today: datetime.date | None = None, consolidated: ConsolidatedReport | None = None
) -> ReportDocument:
    """The whole consolidated report of `scope` as data, in a fixed number of queries; `consolidated`
    is the edition (`consolidated_for`) when the caller has read it already."""
    today = today or timezone.localdate()
    consolidated = consolidated or consolidated_for(scope)
    composition = compose(scope, consolidated, today)
    document = _document(scope, consolidated, composition)
    document.unit_reports = _unit_report_rows(scope, today)
    return document


def _unit_report_rows(scope: Scope, today: datetime.date):
    """Every report of the scope for the Excel file, read in chunks when the writer gets to it."""
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    completions = dict(Completion.choices)
    reports = (
        TaskReport.objects.filter(period__in=scope.periods)
        .annotate(state=state_expression(today), files=Count("evidence"))
        .values(
            "period__name",
            "period__plan__code",
            "task__number",
            "task__title",
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
            "files",
        )
        .order_by("task__sort_key", "role", Vietnamese("unit_name"), "period__deadline", "pk")
    )
    for r in reports.iterator(chunk_size=2000):
        yield UnitReportRow(
            period=r["period__name"],
            plan=r["period__plan__code"],
            task_number=r["task__number"],
            task_title=r["task__title"],
            unit=r["unit_name"],
            role=roles[r["role"]],
            status=statuses[r["status"]],
            state=STATE_LABELS[PENDING if r["status"] == ReportStatus.SUBMITTED else r["state"]],
            deadline=r["deadline"],
            completion=completions[r["completion"]],
            completed_on=r["completed_on"],
            progress=r["progress"],
            results=r["results"],
            difficulties=r["difficulties"],
            escalated=r["escalate"],
            proposals=r["proposals"],
            funds_planned=r["funds_planned"],
            funds_spent=r["funds_spent"],
            submitted_on=_local_date(r["submitted_at"]),
            accepted_on=_local_date(r["accepted_at"]),
            files=r["files"],
        )


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def _names(assignments: list[Assignment], role: str, day: datetime.date) -> list[str]:
    """The names of the units assigned in `role` that still exist on `day` (the end of the report)."""
    return [a.unit.name for a in assignments if a.role == role and a.unit.is_active_on(day)]


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


def _document(scope: Scope, consolidated: ConsolidatedReport, composition: Composition) -> ReportDocument:
    roles = dict(AssignmentRole.choices)
    end = scope.last.deadline
    parts, rows = [], []
    task_counts = dict.fromkeys([*TaskState.values, PENDING], 0)
    # Each task's indicators judged at the last period of the scope, from what the units sent.
    indicators: dict[int, list[IndicatorLine]] = {}
    for line in plan_indicator_lines(plan=scope.plan, period=scope.last):
        indicators.setdefault(line.task_id, []).append(line)
    for task in composition.tasks:
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
                result=document_numbers(composition.result(task)),
                depth=task.depth,
                short_title=task.title_is_short,
                content=document_numbers(_one_paragraph(task.content)) if task.title_is_short else "",
                named=[
                    a.unit.name
                    for a in assigned
                    if a.reporting == Reporting.NAMED and a.unit.is_active_on(end)
                ],
                state=STATE_LABELS[state] if state else "Không có đơn vị báo cáo",
                funds_planned=_sum(r.funds_planned for r in accepted),
                funds_spent=_sum(r.funds_spent for r in accepted),
                figures=_figures(indicators.get(task.pk, [])),
            )
        )
    tasks = {task.pk: task for task in composition.tasks}
    accepted_of: dict[tuple[int, int], TaskReport] = {}
    for report in composition.reports:
        if report.status == ReportStatus.ACCEPTED and report.results.strip():
            accepted_of[report.task_id, report.unit_id] = report
    earlier = [r for task in composition.tasks for r in composition.done_before_of(task)]
    unit_counts = dict.fromkeys([*TaskState.values, PENDING], 0)
    in_order = sorted(
        [*earlier, *composition.latest],
        key=lambda r: (tasks[r.task_id].sort_key, r.role, r.unit_name, r.period.deadline, r.pk),
    )
    for order, report in enumerate(in_order, start=1):
        task = tasks[report.task_id]
        is_earlier = report.period_id not in {p.pk for p in scope.periods}
        accepted = report if is_earlier else accepted_of.get((report.task_id, report.unit_id))
        state = _judged(report)
        unit_counts[state] += 1
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
        accepted_count=sum(1 for report in composition.reports if report.status == ReportStatus.ACCEPTED)
        + len(earlier),
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
    document = document_build(scope, today, consolidated)
    content = document_docx(document) if fmt == "docx" else consolidated_workbook(document)
    return content, export_name(scope, fmt, consolidated.edition if consolidated else None)
