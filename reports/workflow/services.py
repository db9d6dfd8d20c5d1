"""Writes to reporting periods and reports. Each takes the acting user, checks what that user may
do, validates, saves, records the event and returns the object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from kehoach.text import number_vi, person_name
from reports import permissions
from reports.models import (
    MAX_OUTPUT_QUANTITY,
    Completion,
    EventKind,
    Evidence,
    ReportEvent,
    ReportingPeriod,
    ReportOutput,
    ReportStatus,
    TaskReport,
)
from reports.states import TRANSITIONS, deadline_for
from tasks.models import Assignment, DeadlineKind, Plan, PlanStatus, Task, Unit


class StaleReportError(ValidationError):
    """Someone else saved the report since this user opened it."""


def record_event(report: TaskReport, kind: str, by, comment: str = "", late: bool = False) -> ReportEvent:
    """Record what `by` did to `report`, under the name they bear today."""
    return ReportEvent.objects.create(
        report=report, kind=kind, actor=by, actor_name=person_name(by), comment=comment, late=late
    )


def _locked(report: TaskReport) -> TaskReport:
    """The report re-read under a row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE)."""
    return (
        TaskReport.objects.select_for_update()
        .select_related("period__plan", "task", "unit")
        .get(pk=report.pk)
    )


def _allowed(by, step: str, report: TaskReport) -> None:
    """Refuse, saying why, unless `by` may take `step` on `report` now."""
    permissions.require(permissions.can(by, step, report), permissions.refusal(by, step, report))


# ------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------
def default_cutoff(deadline: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A year of data ending five days before the deadline, leaving working days to consolidate."""
    cutoff_to = deadline - datetime.timedelta(days=5)
    try:
        cutoff_from = cutoff_to.replace(year=cutoff_to.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29/02
        cutoff_from = cutoff_to.replace(year=cutoff_to.year - 1, day=28) + datetime.timedelta(days=1)
    return cutoff_from, cutoff_to


@dataclass
class PeriodOpened:
    period: ReportingPeriod
    period_created: bool
    reports_created: int


def _units_reporting_in(year: int):
    return Unit.objects.reporting().existing_in(year)


@transaction.atomic
def period_open(
    *,
    plan: Plan,
    year: int,
    by,
    deadline: datetime.date | None = None,
    cutoff_from: datetime.date | None = None,
    cutoff_to: datetime.date | None = None,
) -> PeriodOpened:
    """Open the reporting year of a plan and create the report each reporting unit owes.

    One report per task a unit leads or partners; groups of bodies do not report themselves, nor
    do units not in existence that year; a fixed-date task already completed and accepted in an
    earlier year is not asked again. Opening again creates only what is missing (a unit assigned
    since), and changes nothing else.
    """
    permissions.require(
        permissions.can_manage_periods(by), "Chỉ đơn vị đầu mối theo dõi kế hoạch được mở kỳ báo cáo."
    )
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    period_created = period is None
    if period_created:
        if plan.status != PlanStatus.IN_FORCE:
            raise ValidationError(f"Kế hoạch “{plan}” đã kết thúc: không mở kỳ báo cáo mới.")
        if plan.issued_year and year < plan.issued_year:
            raise ValidationError(
                f"Kế hoạch ban hành năm {plan.issued_year}: không có kỳ báo cáo năm {year}."
            )
        deadline = deadline or plan.report_deadline(year)
        default_from, default_to = default_cutoff(deadline)
        period = ReportingPeriod(
            plan=plan,
            year=year,
            deadline=deadline,
            cutoff_from=cutoff_from or default_from,
            cutoff_to=cutoff_to or default_to,
            opened_by=by,
        )
        period.full_clean()
        period.save()

    completed_fixed = set(
        TaskReport.objects.filter(
            task__plan=plan,
            task__deadline_kind=DeadlineKind.FIXED,
            period__year__lt=year,
            status=ReportStatus.ACCEPTED,
            completion=Completion.DONE,
        ).values_list("task_id", "unit_id")
    )
    existing = set(period.reports.values_list("task_id", "unit_id"))
    assignments = (
        Assignment.objects.filter(task__plan=plan, unit__in=_units_reporting_in(year))
        .select_related("task__plan", "unit")
        .order_by("task__number", "role", "unit__name")
    )
    new_reports = [
        TaskReport(
            period=period,
            task=a.task,
            unit=a.unit,
            unit_name=a.unit.name,
            role=a.role,
            deadline=deadline_for(a.task, period),
        )
        for a in assignments
        if (a.task_id, a.unit_id) not in existing and (a.task_id, a.unit_id) not in completed_fixed
    ]
    created = TaskReport.objects.bulk_create(new_reports)
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, kind=EventKind.OPENED, actor=by, actor_name=person_name(by))
        for report in created
    )
    return PeriodOpened(period=period, period_created=period_created, reports_created=len(created))


@transaction.atomic
def period_set_open(*, period: ReportingPeriod, is_open: bool, by) -> ReportingPeriod:
    permissions.require(
        permissions.can_manage_periods(by), "Chỉ đơn vị đầu mối theo dõi kế hoạch được đóng, mở kỳ báo cáo."
    )
    period.is_open = is_open
    period.save(update_fields=["is_open"])
    return period


PERIOD_FIELDS = ("deadline", "cutoff_from", "cutoff_to", "is_open")


@transaction.atomic
def period_update(*, period: ReportingPeriod, by, **changes) -> ReportingPeriod:
    """Correct a period's deadline, data cut-off or openness (`PERIOD_FIELDS`), then judge its reports
    against the corrected deadline."""
    permissions.require(
        permissions.can_manage_periods(by), "Chỉ đơn vị đầu mối theo dõi kế hoạch được sửa kỳ báo cáo."
    )
    unknown = set(changes) - set(PERIOD_FIELDS)
    if unknown:
        raise ValidationError("Không sửa được trường: " + ", ".join(sorted(unknown)))
    current = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current._history_user = by
    current.save()
    reports_rejudge(periods=[current])
    return current


def reports_rejudge(*, periods=None, tasks=None) -> int:
    """Store again the deadline that judges each report of open `periods` (or of open periods of
    `tasks`), after a period's deadline or a task's deadline rule changed. Returns how many moved.

    Closed periods keep the deadline they were judged by.
    """
    reports = TaskReport.objects.filter(period__is_open=True).select_related("period", "task")
    if periods is not None:
        reports = reports.filter(period__in=list(periods))
    if tasks is not None:
        reports = reports.filter(task__in=list(tasks))
    moved = []
    for report in reports.only(
        "pk",
        "deadline",
        "period__deadline",
        "period__year",
        "task__deadline_kind",
        "task__due_date",
        "task__due_day",
        "task__due_month",
    ):
        deadline = deadline_for(report.task, report.period)
        if report.deadline != deadline:
            report.deadline = deadline
            moved.append(report)
    TaskReport.objects.bulk_update(moved, ["deadline"], batch_size=1000)
    return len(moved)


def follow_task_changes(*, task_ids, by=None, **kwargs) -> None:
    """After tasks changed (`tasks.signals.tasks_changed`): their open periods' reports are judged
    against their deadlines as they now are."""
    reports_rejudge(tasks=Task.objects.filter(pk__in=list(task_ids)))


# ------------------------------------------------------------------------------
# The report's content
# ------------------------------------------------------------------------------
# What the unit writes; everything else of a report is the workflow's.
REPORT_FIELDS = (
    "results",
    "completion",
    "completed_on",
    "progress",
    "difficulties",
    "escalate",
    "proposals",
    "funds_planned",
    "funds_spent",
)


def report_content_errors(report: TaskReport, today: datetime.date) -> dict[str, str]:
    """What is wrong with the content of `report` as a unit would write it, by field."""
    errors = {}
    if report.completion == Completion.DONE and not report.completed_on:
        errors["completed_on"] = "Hãy ghi ngày hoàn thành."
    if report.completed_on and report.completed_on > today:
        errors["completed_on"] = "Ngày hoàn thành không được sau hôm nay."
    if report.funds_spent and report.funds_planned is None:
        errors["funds_planned"] = "Hãy ghi kinh phí dự trù khi đã ghi kinh phí sử dụng."
    return errors


@transaction.atomic
def report_update(
    *, report: TaskReport, by, version: int, data: dict, outputs: dict[str, int | None]
) -> TaskReport:
    """Save the report's content if nobody saved it since `version`; otherwise refuse, change nothing.

    `data` holds fields of `REPORT_FIELDS`; `outputs` maps an output kind of the task to its
    quantity (None removes it). Errors name their field.
    """
    current = _locked(report)
    _allowed(by, "edit", current)
    if current.version != version:
        raise StaleReportError(
            "Báo cáo đã được người khác lưu sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
            "hãy mở lại báo cáo để xem bản mới nhất rồi sửa tiếp."
        )
    unknown_fields = set(data) - set(REPORT_FIELDS)
    if unknown_fields:
        raise ValidationError("Không sửa được trường: " + ", ".join(sorted(unknown_fields)))
    for name, value in data.items():
        setattr(current, name, value)
    if current.completion == Completion.DONE:
        current.progress = 100
    else:
        current.completed_on = None
    if current.completion == Completion.NOT_STARTED:
        current.progress = 0
    errors = report_content_errors(current, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    current.updated_by = by
    current.version = version + 1
    current.full_clean(exclude=["period", "task", "unit"])
    unknown = set(outputs) - set(current.task.output_kinds)
    if unknown:
        raise ValidationError("Chỉ tiêu không thuộc nhiệm vụ: " + ", ".join(sorted(unknown)))
    wrong = [
        kind
        for kind, quantity in outputs.items()
        if quantity is not None
        and (not isinstance(quantity, int) or not 0 <= quantity <= MAX_OUTPUT_QUANTITY)
    ]
    if wrong:
        raise ValidationError(
            f"Số lượng của chỉ tiêu phải là số nguyên từ 0 đến {number_vi(MAX_OUTPUT_QUANTITY)}"
            + ": "
            + ", ".join(sorted(wrong))
        )
    # The row is locked since `_locked`, so the version read above cannot change before this save.
    current._history_user = by
    current.save()
    for kind, quantity in outputs.items():
        if quantity is None:
            ReportOutput.objects.filter(report=current, kind=kind).delete()
        else:
            ReportOutput.objects.update_or_create(report=current, kind=kind, defaults={"quantity": quantity})
    record_event(current, TRANSITIONS["edit"].event, by)
    return current


# ------------------------------------------------------------------------------
# The workflow's steps (states.TRANSITIONS)
# ------------------------------------------------------------------------------
def _step(report: TaskReport, by, step: str, comment: str = "") -> TaskReport:
    """Move `report` along the transition `step`, on behalf of `by`, recording its event."""
    transition = TRANSITIONS[step]
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError(f"Hãy ghi ý kiến khi {transition.verb}.")
    current = _locked(report)
    _allowed(by, step, current)
    now = timezone.now()
    late = False
    fields = ["status", "updated_by", "updated_at"]
    if step == "submit":
        if not current.results.strip():
            raise ValidationError("Chưa có nội dung “Kết quả đạt được”: hãy soạn báo cáo trước khi gửi.")
        late = timezone.localdate(now) > current.period.deadline
        current.submitted_at = current.submitted_at or now
        current.last_submitted_at = now
        fields += ["submitted_at", "last_submitted_at"]
    else:
        current.accepted_at = now if transition.target == ReportStatus.ACCEPTED else None
        fields.append("accepted_at")
    current.status = transition.target
    current.updated_by = by
    current._history_user = by
    current.save(update_fields=fields)
    record_event(current, transition.event, by, comment, late=late)
    return current


@transaction.atomic
def report_submit(*, report: TaskReport, by, comment: str = "") -> TaskReport:
    return _step(report, by, "submit", comment)


@transaction.atomic
def report_return(*, report: TaskReport, by, comment: str) -> TaskReport:
    return _step(report, by, "return", comment)


@transaction.atomic
def report_accept(*, report: TaskReport, by, comment: str = "") -> TaskReport:
    return _step(report, by, "accept", comment)


@transaction.atomic
def report_reopen(*, report: TaskReport, by, comment: str) -> TaskReport:
    return _step(report, by, "reopen", comment)


# ------------------------------------------------------------------------------
# Evidence files
# ------------------------------------------------------------------------------
# Extension → (the type it is served as, what `filetype` may detect in its content). Nothing a
# browser would run (HTML, SVG, scripts). Old Office files share one container format.
ALLOWED_EVIDENCE = {
    "pdf": ("application/pdf", {"pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx"}),
    "doc": ("application/msword", {"doc", "xls", "ppt"}),
    "xls": ("application/vnd.ms-excel", {"doc", "xls", "ppt"}),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "jpg": ("image/jpeg", {"jpg"}),
    "jpeg": ("image/jpeg", {"jpg"}),
    "png": ("image/png", {"png"}),
}


def _evidence_kind(upload) -> str:
    """The file's extension, if allowed, within the size cap and matching the content; else refuse."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EVIDENCE:
        allowed = ", ".join(sorted({ext.upper() for ext in ALLOWED_EVIDENCE}))
        raise ValidationError(f"Không nhận tệp “{name}”: chỉ nhận các loại {allowed}.")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"Tệp “{name}” ({filesizeformat(upload.size)}) vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
        )
    upload.seek(0)
    guessed = filetype.guess(upload.read(8192))
    upload.seek(0)
    if guessed is None or guessed.extension not in ALLOWED_EVIDENCE[extension][1]:
        raise ValidationError(f"Nội dung tệp “{name}” không đúng loại .{extension}; tệp không được nhận.")
    return extension


@transaction.atomic
def evidence_add(*, report: TaskReport, by, upload) -> Evidence:
    current = _locked(report)
    _allowed(by, "edit", current)
    extension = _evidence_kind(upload)
    original_name = (upload.name or "tep").replace("/", "_").replace("\\", "_")[-255:]
    evidence = Evidence(
        report=current,
        original_name=original_name,
        content_type=ALLOWED_EVIDENCE[extension][0],
        size=upload.size,
        uploaded_by=by,
    )
    evidence.file.save(original_name, upload, save=False)
    evidence.save()
    record_event(current, EventKind.FILE_ADDED, by, original_name)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by) -> None:
    current = _locked(evidence.report)
    _allowed(by, "edit", current)
    name, stored = evidence.original_name, evidence.file.name
    evidence.delete()
    # The file goes only once the row's deletion is committed.
    transaction.on_commit(lambda: evidence.file.storage.delete(stored))
    record_event(current, EventKind.FILE_REMOVED, by, name)
