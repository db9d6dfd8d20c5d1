"""The consolidated report's generator: what the office wrote, composed with what the units reported,
read once into a `ReportDocument` for the Word and Excel writers and the preview page.

A task's result in section II is composed from the accepted unit reports, lead first, then partners;
the office may edit it, and an edited result stays as edited until it is reset.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from kehoach.db import Vietnamese
from kehoach.text import lower_first
from reports.exports.consolidated_xlsx import consolidated_workbook
from reports.exports.document import AppendixRow, ReportDocument, TaskPart, UnitReportRow
from reports.exports.docx import document_docx
from reports.models import (
    Completion,
    ConsolidatedReport,
    ReportStatus,
    TaskReport,
    TaskState,
)
from reports.states import state_expression
from tasks.models import Assignment, AssignmentRole, Task

from .selectors import Scope

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUMMARY_LENGTH = 400
NO_RESULT = "Chưa có báo cáo được chấp nhận của đơn vị chủ trì, phối hợp."
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


def consolidated_defaults(scope: Scope) -> dict:
    """What a new consolidated report starts with, from its plan."""
    plan = scope.plan
    number = f" số {plan.number}" if plan.number else ""
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
    return {
        "subject": f"Kết quả thực hiện Kế hoạch {lower_first(plan.title)} {span}",
        "introduction": (
            f"Thực hiện Kế hoạch{number} năm {plan.issued_year} của {plan.issuer.name} về "
            f"{lower_first(plan.title)}, {plan.issuer.name} báo cáo kết quả thực hiện {span} như sau:"
        ),
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
        "recipients": "\n".join(recipients),
    }


def consolidated_for(scope: Scope) -> ConsolidatedReport:
    """The scope's consolidated report, or an unsaved one holding the defaults."""
    report = ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key).first()
    return report or ConsolidatedReport(plan=scope.plan, scope=scope.key, **consolidated_defaults(scope))


# ------------------------------------------------------------------------------
# Composition
# ------------------------------------------------------------------------------
@dataclass
class Composition:
    """The unit reports of a scope, read once, arranged per task and unit."""

    scope: Scope
    tasks: list[Task]
    reports: list[TaskReport]  # every report of the scope, with .state; task, role, unit, period order
    assigned: dict[int, list[Assignment]]  # task id → its assignments, lead first (groups and named ones too)
    edited: dict[int, str]  # task id → result as the office edited it

    def reports_of(self, task: Task) -> list[TaskReport]:
        return self._by_task.get(task.pk, [])

    @cached_property
    def _by_task(self) -> dict[int, list[TaskReport]]:
        by_task: dict[int, list[TaskReport]] = {}
        for report in self.reports:
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

    def composed_result(self, task: Task) -> str:
        accepted = [
            r for r in self.reports_of(task) if r.status == ReportStatus.ACCEPTED and r.results.strip()
        ]
        if not accepted:
            return NO_RESULT
        lines = []
        for report in accepted:
            period = f"[{report.period.name}] " if self.scope.spans_periods else ""
            lines.append(
                f"{report.unit_name} ({report.get_role_display().lower()}): {period}{_one_paragraph(report.results)}"
            )
        return "\n".join(lines)

    def result(self, task: Task) -> str:
        return self.edited.get(task.pk) or self.composed_result(task)


def _one_paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _summary(text: str) -> str:
    text = _one_paragraph(text)
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def compose(scope: Scope, consolidated: ConsolidatedReport, today: datetime.date) -> Composition:
    tasks = list(Task.objects.filter(plan=scope.plan).order_by("sort_key"))
    reports = list(
        TaskReport.objects.filter(period__in=scope.periods)
        .select_related("period")
        .annotate(state=state_expression(today))
        .order_by("task__sort_key", "role", Vietnamese("unit_name"), "period__deadline", "pk")
    )
    assigned: dict[int, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.filter(task__plan=scope.plan)
        .select_related("unit")
        .order_by("task", "role", "order", "pk")
    ):
        assigned.setdefault(assignment.task_id, []).append(assignment)
    edited = dict(consolidated.task_results.values_list("task_id", "text")) if consolidated.pk else {}
    return Composition(scope=scope, tasks=tasks, reports=reports, assigned=assigned, edited=edited)


def document_build(scope: Scope, today: datetime.date | None = None) -> ReportDocument:
    """The whole consolidated report of `scope` as data, in a fixed number of queries."""
    today = today or timezone.localdate()
    consolidated = consolidated_for(scope)
    composition = compose(scope, consolidated, today)
    document = _document(scope, consolidated, composition)
    document.unit_reports = _unit_report_rows(scope, today)
    return document


def _unit_report_rows(scope: Scope, today: datetime.date):
    """Every report of the scope for the Excel file, read in chunks when the writer gets to it."""
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    states, completions = dict(TaskState.choices), dict(Completion.choices)
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
            state=states[r["state"]],
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


def _document(scope: Scope, consolidated: ConsolidatedReport, composition: Composition) -> ReportDocument:
    states = dict(TaskState.choices)
    roles = dict(AssignmentRole.choices)
    parts, rows = [], []
    for task in composition.tasks:
        assigned = composition.assigned.get(task.pk, [])
        parts.append(
            TaskPart(
                number=task.number,
                title=task.title,
                lead=_names(assigned, AssignmentRole.LEAD, scope.last.deadline),
                partners=_names(assigned, AssignmentRole.PARTNER, scope.last.deadline),
                deadline=task.deadline_label,
                result=composition.result(task),
                depth=task.depth,
            )
        )
    tasks = {task.pk: task for task in composition.tasks}
    accepted_of: dict[tuple[int, int], TaskReport] = {}
    for report in composition.reports:
        if report.status == ReportStatus.ACCEPTED and report.results.strip():
            accepted_of[report.task_id, report.unit_id] = report
    for order, report in enumerate(composition.latest, start=1):
        task = tasks[report.task_id]
        accepted = accepted_of.get((report.task_id, report.unit_id))
        rows.append(
            AppendixRow(
                order=order,
                task_number=task.number,
                task_title=task.title,
                unit=report.unit_name,
                role=roles[report.role],
                deadline=f"{report.deadline:%d/%m/%Y}",
                deadline_date=report.deadline,
                summary=_summary(accepted.results)
                if accepted
                else f"Chưa có báo cáo được chấp nhận ({report.get_status_display().lower()}).",
                state=states[report.state],
            )
        )
    counts = dict.fromkeys(TaskState.values, 0)
    for report in composition.latest:
        counts[report.state] += 1
    plan = scope.plan
    return ReportDocument(
        authority=settings.DOCUMENT_AUTHORITY,
        issuer=settings.DOCUMENT_ISSUER,
        issuer_name=settings.DOCUMENT_ISSUER_NAME,
        author=plan.issuer.name,
        number=consolidated.reference,
        place=plan.place,
        date=consolidated.issued_on,
        year=scope.year,
        span=scope.name,
        # A year's report looks ahead to the next year; a shorter period's to the time ahead.
        next_span=f"NĂM {scope.year + 1}" if scope.name == f"Năm {scope.year}" else "THỜI GIAN TỚI",
        subject=consolidated.subject,
        introduction=consolidated.introduction,
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
        state_counts=[(states[state], n) for state, n in counts.items()],
        accepted_count=sum(1 for report in composition.reports if report.status == ReportStatus.ACCEPTED),
    )


# ------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------
def export_bytes(scope: Scope, fmt: str) -> tuple[bytes, str]:
    """The consolidated report of `scope` as DOCX or XLSX, with its file name."""
    today = timezone.localdate()
    document = document_build(scope, today)
    name = f"bao-cao-{scope.plan.code}-{scope.key}"
    if fmt == "docx":
        return document_docx(document), f"{name}.docx"
    return consolidated_workbook(document), f"{name}-phu-luc.xlsx"
