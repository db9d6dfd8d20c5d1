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

from reports.exports.consolidated_xlsx import consolidated_workbook
from reports.exports.document import AppendixRow, ReportDocument, TaskPart, UnitReportRow
from reports.exports.docx import document_docx
from reports.models import (
    Completion,
    ConsolidatedReport,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
    TaskState,
)
from reports.states import state_expression
from tasks.models import Assignment, AssignmentRole, Task, Unit, UnitKind

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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def consolidated_defaults(period: ReportingPeriod) -> dict:
    """What a new consolidated report starts with, from its plan."""
    plan = period.plan
    number = f" số {plan.number}" if plan.number else ""
    recipients = [
        f"{plan.report_recipient.name} (b/c);",
        "Giám đốc và các Phó Giám đốc Sở;",
        f"{plan.coordinating_unit.name};",
        "Lưu: VT, QLKH.",
    ]
    return {
        "subject": f"Kết quả thực hiện Kế hoạch {_lower_first(plan.title)} năm {period.year}",
        "introduction": (
            f"Thực hiện Kế hoạch{number} năm {plan.issued_year} của {plan.issuer.name} về "
            f"{_lower_first(plan.title)}, {plan.issuer.name} báo cáo kết quả thực hiện năm {period.year} như sau:"
        ),
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
        "recipients": "\n".join(recipients),
    }


def consolidated_for(period: ReportingPeriod) -> ConsolidatedReport:
    """The period's consolidated report, or an unsaved one holding the defaults."""
    try:
        return period.consolidated
    except ConsolidatedReport.DoesNotExist:
        return ConsolidatedReport(period=period, **consolidated_defaults(period))


# ------------------------------------------------------------------------------
# Composition
# ------------------------------------------------------------------------------
@dataclass
class Composition:
    """The unit reports of a period, read once, arranged per task."""

    tasks: list[Task]
    reports: list[TaskReport]  # every report of the period, with .state; task, role, unit order
    groups: dict[int, list[str]]  # task id → names of groups of bodies partnering it (they never report)
    edited: dict[int, str]  # task id → result as the office edited it

    def reports_of(self, task: Task) -> list[TaskReport]:
        return self._by_task.get(task.pk, [])

    @cached_property
    def _by_task(self) -> dict[int, list[TaskReport]]:
        by_task: dict[int, list[TaskReport]] = {}
        for report in self.reports:
            by_task.setdefault(report.task_id, []).append(report)
        return by_task

    def composed_result(self, task: Task) -> str:
        accepted = [
            r for r in self.reports_of(task) if r.status == ReportStatus.ACCEPTED and r.results.strip()
        ]
        if not accepted:
            return NO_RESULT
        return "\n".join(
            f"{report.unit_name} ({report.get_role_display().lower()}): {_one_paragraph(report.results)}"
            for report in accepted
        )

    def result(self, task: Task) -> str:
        return self.edited.get(task.pk) or self.composed_result(task)


def _one_paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _summary(text: str) -> str:
    text = _one_paragraph(text)
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def compose(period: ReportingPeriod, consolidated: ConsolidatedReport, today: datetime.date) -> Composition:
    tasks = list(Task.objects.filter(plan_id=period.plan_id).order_by("number"))
    reports = list(
        TaskReport.objects.filter(period=period)
        .annotate(state=state_expression(today))
        .order_by("task__number", "role", "unit_name", "pk")
    )
    groups: dict[int, list[str]] = {}
    groups_that_year = Unit.objects.filter(kind=UnitKind.GROUP).existing_in(period.year)
    for assignment in Assignment.objects.filter(
        task__plan_id=period.plan_id, unit__in=groups_that_year
    ).select_related("unit"):
        groups.setdefault(assignment.task_id, []).append(assignment.unit.name)
    edited = {}
    if consolidated.pk:
        edited = dict(consolidated.task_results.values_list("task_id", "text"))
    return Composition(tasks=tasks, reports=reports, groups=groups, edited=edited)


def document_build(period: ReportingPeriod, today: datetime.date | None = None) -> ReportDocument:
    """The whole consolidated report of `period` as data, in a fixed number of queries."""
    today = today or timezone.localdate()
    period = (
        ReportingPeriod.objects.select_related(
            "plan__issuer", "plan__report_recipient", "plan__coordinating_unit"
        )
        .select_related("consolidated")
        .get(pk=period.pk)
    )
    consolidated = consolidated_for(period)
    composition = compose(period, consolidated, today)
    document = _document(period, consolidated, composition)
    document.unit_reports = _unit_report_rows(period, today)
    return document


def _unit_report_rows(period: ReportingPeriod, today: datetime.date):
    """Every report of the period for the Excel file, read in chunks when the writer gets to it."""
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    states, completions = dict(TaskState.choices), dict(Completion.choices)
    reports = (
        TaskReport.objects.filter(period=period)
        .annotate(state=state_expression(today), files=Count("evidence"))
        .values(
            "period__year",
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
        .order_by("task__number", "role", "unit_name", "pk")
    )
    for r in reports.iterator(chunk_size=2000):
        yield UnitReportRow(
            year=r["period__year"],
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


def _document(period, consolidated: ConsolidatedReport, composition: Composition) -> ReportDocument:
    states = dict(TaskState.choices)
    roles = dict(AssignmentRole.choices)
    parts, rows = [], []
    for task in composition.tasks:
        reports = composition.reports_of(task)
        parts.append(
            TaskPart(
                number=task.number,
                title=task.title,
                lead=[r.unit_name for r in reports if r.role == AssignmentRole.LEAD],
                partners=[r.unit_name for r in reports if r.role == AssignmentRole.PARTNER]
                + composition.groups.get(task.pk, []),
                deadline=task.deadline_label,
                result=composition.result(task),
            )
        )
    tasks = {task.pk: task for task in composition.tasks}
    for order, report in enumerate(composition.reports, start=1):
        accepted = report.status == ReportStatus.ACCEPTED
        task = tasks[report.task_id]
        rows.append(
            AppendixRow(
                order=order,
                task_number=task.number,
                task_title=task.title,
                unit=report.unit_name,
                role=roles[report.role],
                deadline=f"{report.deadline:%d/%m/%Y}",
                deadline_date=report.deadline,
                summary=_summary(report.results)
                if accepted and report.results.strip()
                else f"Chưa có báo cáo được chấp nhận ({report.get_status_display().lower()}).",
                state=states[report.state],
            )
        )
    counts = dict.fromkeys(TaskState.values, 0)
    for report in composition.reports:
        counts[report.state] += 1
    plan = period.plan
    return ReportDocument(
        authority=settings.DOCUMENT_AUTHORITY,
        issuer=settings.DOCUMENT_ISSUER,
        issuer_name=settings.DOCUMENT_ISSUER_NAME,
        author=plan.issuer.name,
        number=consolidated.reference,
        place=plan.place,
        date=consolidated.issued_on,
        year=period.year,
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
        appendix_title=f"PHỤ LỤC\nKết quả thực hiện các nhiệm vụ năm {period.year}",
        appendix=rows,
        state_counts=[(states[state], n) for state, n in counts.items()],
        accepted_count=sum(1 for report in composition.reports if report.status == ReportStatus.ACCEPTED),
    )


# ------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------
def export_bytes(period: ReportingPeriod, fmt: str) -> tuple[bytes, str]:
    """The consolidated report of `period` as DOCX or XLSX, with its file name."""
    today = timezone.localdate()
    document = document_build(period, today)
    name = f"bao-cao-{period.plan.code}-{period.year}"
    if fmt == "docx":
        return document_docx(document), f"{name}.docx"
    return consolidated_workbook(document), f"{name}-phu-luc.xlsx"
