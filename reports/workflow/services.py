"""Writes to reporting periods and reports. Each takes the acting user, checks what that user may
do, validates, saves, records the event and returns the object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from kehoach.text import number_vi
from tasks.models import Assignment, DeadlineKind, Plan, PlanStatus, Unit

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


class StaleReportError(ValidationError):
    """Someone else saved the report since this user opened it."""


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _event(report: TaskReport, kind: str, by, comment: str = "", late: bool = False) -> ReportEvent:
    return ReportEvent.objects.create(report=report, kind=kind, actor=by, actor_name=_name(by), comment=comment, late=late)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _locked(report: TaskReport) -> TaskReport:
    """The report re-read under a row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE)."""
    return TaskReport.objects.select_for_update().select_related("period__plan", "task", "unit").get(pk=report.pk)


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


def _task_deadline(task, period: ReportingPeriod) -> datetime.date:
    if task.deadline_kind == DeadlineKind.ONGOING:
        return period.deadline
    return task.deadline_for_year(period.year)


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
    _require(permissions.can_manage_periods(by), "Chỉ Phòng Quản lý Khoa học được mở kỳ báo cáo.")
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    period_created = period is None
    if period_created:
        if plan.status != PlanStatus.IN_FORCE:
            raise ValidationError(f"Kế hoạch “{plan}” đã kết thúc: không mở kỳ báo cáo mới.")
        if plan.issued_year and year < plan.issued_year:
            raise ValidationError(f"Kế hoạch ban hành năm {plan.issued_year}: không có kỳ báo cáo năm {year}.")
        deadline = deadline or plan.report_deadline(year)
        default_from, default_to = default_cutoff(deadline)
        period = ReportingPeriod(
            plan=plan, year=year, deadline=deadline,
            cutoff_from=cutoff_from or default_from, cutoff_to=cutoff_to or default_to, opened_by=by,
        )
        period.full_clean()
        period.save()

    completed_fixed = set(
        TaskReport.objects.filter(
            task__plan=plan, task__deadline_kind=DeadlineKind.FIXED, period__year__lt=year,
            status=ReportStatus.ACCEPTED, completion=Completion.DONE,
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
            period=period, task=a.task, unit=a.unit, unit_name=a.unit.name, role=a.role,
            deadline=_task_deadline(a.task, period),
        )
        for a in assignments
        if (a.task_id, a.unit_id) not in existing and (a.task_id, a.unit_id) not in completed_fixed
    ]
    created = TaskReport.objects.bulk_create(new_reports)
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, kind=EventKind.OPENED, actor=by, actor_name=by.get_full_name() or by.username)
        for report in created
    )
    return PeriodOpened(period=period, period_created=period_created, reports_created=len(created))


@transaction.atomic
def period_set_open(*, period: ReportingPeriod, is_open: bool, by) -> ReportingPeriod:
    _require(permissions.can_manage_periods(by), "Chỉ Phòng Quản lý Khoa học được đóng, mở kỳ báo cáo.")
    period.is_open = is_open
    period.save(update_fields=["is_open"])
    return period


# ------------------------------------------------------------------------------
# The report's content
# ------------------------------------------------------------------------------
REPORT_FIELDS = (
    "results", "completion", "completed_on", "progress", "difficulties", "escalate", "proposals",
    "funds_planned", "funds_spent",
)


@transaction.atomic
def report_update(*, report: TaskReport, by, version: int, data: dict, outputs: dict[str, int | None]) -> TaskReport:
    """Save the report's content if nobody saved it since `version`; otherwise refuse, change nothing.

    `outputs` maps an output kind of the task to its quantity (None removes it).
    """
    current = _locked(report)
    _require(permissions.can_edit_report(by, current), "Bạn không được sửa báo cáo này.")
    if current.version != version:
        raise StaleReportError(
            "Báo cáo đã được người khác lưu sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
            "hãy mở lại báo cáo để xem bản mới nhất rồi sửa tiếp."
        )
    for name in REPORT_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    if current.completion == Completion.DONE:
        current.progress = 100
    else:
        current.completed_on = None
    if current.completion == Completion.NOT_STARTED:
        current.progress = 0
    current.updated_by = by
    current.version = version + 1
    current.full_clean(exclude=["period", "task", "unit"])
    unknown = set(outputs) - set(current.task.output_kinds)
    if unknown:
        raise ValidationError("Chỉ tiêu không thuộc nhiệm vụ: " + ", ".join(sorted(unknown)))
    wrong = [kind for kind, quantity in outputs.items()
             if quantity is not None and (not isinstance(quantity, int) or not 0 <= quantity <= MAX_OUTPUT_QUANTITY)]
    if wrong:
        raise ValidationError(
            f"Số lượng của chỉ tiêu phải là số nguyên từ 0 đến {number_vi(MAX_OUTPUT_QUANTITY)}"
            + ": " + ", ".join(sorted(wrong))
        )
    # The row is locked since `_locked`, so the version read above cannot change before this save.
    current._history_user = by
    current.save()
    for kind, quantity in outputs.items():
        if quantity is None:
            ReportOutput.objects.filter(report=current, kind=kind).delete()
        else:
            ReportOutput.objects.update_or_create(report=current, kind=kind, defaults={"quantity": quantity})
    _event(current, EventKind.SAVED, by)
    return current


# ------------------------------------------------------------------------------
# The workflow: draft → submitted → returned → submitted → accepted (→ reopened)
# ------------------------------------------------------------------------------
@transaction.atomic
def report_submit(*, report: TaskReport, by, comment: str = "") -> TaskReport:
    current = _locked(report)
    _require(permissions.can_submit_report(by, current), "Chỉ lãnh đạo đơn vị được gửi báo cáo của đơn vị.")
    if not current.results.strip():
        raise ValidationError("Chưa có nội dung “Kết quả đạt được”: hãy soạn báo cáo trước khi gửi.")
    now = timezone.now()
    late = timezone.localdate(now) > current.period.deadline
    current.status = ReportStatus.SUBMITTED
    current.submitted_at = current.submitted_at or now
    current.last_submitted_at = now
    current._history_user = by
    current.save(update_fields=["status", "submitted_at", "last_submitted_at", "updated_at"])
    _event(current, EventKind.SUBMITTED, by, comment, late=late)
    return current


def _review(report: TaskReport, by, *, to: str, kind: str, comment: str, allowed, refusal: str) -> TaskReport:
    current = _locked(report)
    _require(allowed(by, current), refusal)
    current.status = to
    current.accepted_at = timezone.now() if to == ReportStatus.ACCEPTED else None
    current._history_user = by
    current.save(update_fields=["status", "accepted_at", "updated_at"])
    _event(current, kind, by, comment)
    return current


def _required_comment(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(f"Hãy ghi ý kiến khi {what}.")
    return comment


@transaction.atomic
def report_return(*, report: TaskReport, by, comment: str) -> TaskReport:
    comment = _required_comment(comment, "trả lại báo cáo")
    return _review(
        report, by, to=ReportStatus.RETURNED, kind=EventKind.RETURNED, comment=comment,
        allowed=permissions.can_review_report, refusal="Bạn không được duyệt báo cáo này.",
    )


@transaction.atomic
def report_accept(*, report: TaskReport, by, comment: str = "") -> TaskReport:
    return _review(
        report, by, to=ReportStatus.ACCEPTED, kind=EventKind.ACCEPTED, comment=(comment or "").strip(),
        allowed=permissions.can_review_report, refusal="Bạn không được duyệt báo cáo này.",
    )


@transaction.atomic
def report_reopen(*, report: TaskReport, by, comment: str) -> TaskReport:
    comment = _required_comment(comment, "mở lại báo cáo")
    return _review(
        report, by, to=ReportStatus.RETURNED, kind=EventKind.REOPENED, comment=comment,
        allowed=permissions.can_reopen_report, refusal="Bạn không được mở lại báo cáo này.",
    )


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
    _require(permissions.can_edit_report(by, current), "Bạn không được thêm tệp vào báo cáo này.")
    extension = _evidence_kind(upload)
    original_name = (upload.name or "tep").replace("/", "_").replace("\\", "_")[-255:]
    evidence = Evidence(
        report=current, original_name=original_name, content_type=ALLOWED_EVIDENCE[extension][0],
        size=upload.size, uploaded_by=by,
    )
    evidence.file.save(original_name, upload, save=False)
    evidence.save()
    _event(current, EventKind.FILE_ADDED, by, original_name)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by) -> None:
    current = _locked(evidence.report)
    _require(permissions.can_edit_report(by, current), "Bạn không được gỡ tệp của báo cáo này.")
    name, stored = evidence.original_name, evidence.file.name
    evidence.delete()
    # The file goes only once the row's deletion is committed.
    transaction.on_commit(lambda: evidence.file.storage.delete(stored))
    _event(current, EventKind.FILE_REMOVED, by, name)
