"""Writes to the consolidated report: the office's parts and the task results it edited; issuing
an edition (its content frozen from then on) and preparing a corrected one."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kehoach.text import date_in_range, date_range_message
from reports import permissions
from reports.exports.consolidated_xlsx import consolidated_workbook
from reports.exports.document import document_data
from reports.exports.docx import document_docx
from reports.models import ConsolidatedReport, ConsolidatedTaskResult
from reports.workflow.services import StaleReportError
from tasks.models import Plan

from .generator import TEXT_FIELDS, compose, consolidated_defaults, document_build
from .selectors import Scope

ISSUED = (
    "Báo cáo tổng hợp này đã ban hành, nội dung giữ nguyên như khi ban hành; muốn sửa, hãy soạn bản sửa đổi."
)
NUMBER = re.compile(r"[0-9]{1,6}")


def _prepare_lock(scope: Scope, by) -> ConsolidatedReport | None:
    """Check `by` may prepare the report, lock the plan's row (two first saves of the same report
    cannot both create it), and return the scope's latest edition."""
    permissions.require(
        permissions.can_prepare_consolidated(by, scope.plan.pk),
        f"Chỉ người điều phối kế hoạch {scope.plan.code} soạn báo cáo tổng hợp.",
    )
    Plan.objects.select_for_update().get(pk=scope.plan.pk)
    return (
        ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key)
        .defer("snapshot", "docx_file", "xlsx_file")
        .order_by("-edition")
        .first()
    )


@transaction.atomic
def consolidated_save(
    *,
    scope: Scope,
    by,
    version: int | None,
    data: dict,
    results: dict[int, str],
    today=None,
) -> ConsolidatedReport:
    """Save the office's parts and the edited task results; refuse a save from a stale page.

    `results` maps a task id to the text posted: equal to the composed result, it is not stored (the
    task keeps following the unit reports); blank, the edit is dropped; otherwise stored as edited.
    """
    current = _prepare_lock(scope, by)
    if current is not None and current.is_issued:
        raise ValidationError(ISSUED)
    if current is None:
        if version not in (None, 0):
            raise StaleReportError(
                "Báo cáo tổng hợp đã thay đổi sau khi bạn mở trang; hãy mở lại rồi sửa tiếp."
            )
        current = ConsolidatedReport(plan=scope.plan, scope=scope.key, **consolidated_defaults(scope))
    elif current.version != version:
        raise StaleReportError(
            "Báo cáo tổng hợp đã được người khác lưu sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
            "hãy mở lại trang để xem bản mới nhất rồi sửa tiếp."
        )
    for name, value in data.items():
        setattr(current, name, value)
    current.version = (current.version or 0) + 1 if current.pk else 1
    current.updated_by = by
    current.full_clean(exclude=["plan"])
    current._history_user = by
    current.save()
    # Only the texts of the results posted with some text are read, to compare them.
    composition = compose(scope, current, today or timezone.localdate(), texts=False)
    plan_tasks = {task.pk: task for task in composition.tasks}
    unknown = set(results) - set(plan_tasks)
    if unknown:
        raise ValidationError("Nhiệm vụ không thuộc kế hoạch của kỳ báo cáo.")
    composition.read_texts(task_id for task_id, text in results.items() if text.strip())
    for task_id, text in results.items():
        text = text.strip()
        if not text or _same(text, composition.composed_result(plan_tasks[task_id])):
            ConsolidatedTaskResult.objects.filter(consolidated=current, task_id=task_id).delete()
        else:
            ConsolidatedTaskResult.objects.update_or_create(
                consolidated=current, task_id=task_id, defaults={"text": text}
            )
    return current


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


@transaction.atomic
def consolidated_issue(
    *,
    scope: Scope,
    by,
    version: int | None,
    number: str,
    issued_on: datetime.date | None,
    signer_title: str,
    signer_name: str,
    today: datetime.date | None = None,
) -> ConsolidatedReport:
    """Mark the scope's edition being prepared as issued with its number, date and signer, and freeze
    it: the document's data and both files are stored as they are now, and later edits of unit reports
    change nothing in them. Refuses an issued edition and a stale page."""
    current = _prepare_lock(scope, by)
    if current is not None and current.is_issued:
        raise ValidationError(ISSUED)
    if (current.version if current else 0) != version:
        raise StaleReportError(
            "Báo cáo tổng hợp đã được người khác lưu sau khi bạn mở trang; hãy mở lại rồi ban hành."
        )
    errors = {}
    number = (number or "").strip()
    if current is not None and number.endswith(f"/{current.symbol}"):
        number = number[: -len(current.symbol) - 1].strip()
    if not NUMBER.fullmatch(number):
        errors["number"] = "Hãy ghi số của văn bản: chỉ gồm chữ số, ví dụ 415."
    if issued_on is None:
        errors["issued_on"] = "Hãy ghi ngày ký ban hành."
    elif not date_in_range(issued_on):
        errors["issued_on"] = date_range_message("Ngày ký")
    elif issued_on > (today or timezone.localdate()):
        errors["issued_on"] = "Ngày ký không được sau hôm nay."
    if not (signer_name or "").strip():
        errors["signer_name"] = "Hãy ghi họ tên người ký."
    if not (signer_title or "").strip():
        errors["signer_title"] = "Hãy ghi thẩm quyền, chức vụ người ký."
    if errors:
        raise ValidationError(errors)
    if current is None:
        current = ConsolidatedReport(plan=scope.plan, scope=scope.key, **consolidated_defaults(scope))
    current.number = number
    current.issued_on = issued_on
    current.signer_title = signer_title.strip()
    current.signer_name = signer_name.strip()
    current.version = (current.version or 0) + 1 if current.pk else 1
    current.updated_by = by
    current.full_clean(exclude=["plan"])
    current._history_user = by
    current.save()
    # The document as it stands now, with the number and date just set.
    document = document_build(scope, today)
    current.snapshot = document_data(document)
    current.docx_file = document_docx(document)
    current.xlsx_file = consolidated_workbook(document)
    current.issued_at = timezone.now()
    current.issued_by = by
    current.save()
    return current


@transaction.atomic
def consolidated_new_edition(*, scope: Scope, by) -> ConsolidatedReport:
    """Start a corrected report after an issued one: a new edition holding the same texts and edited
    results, not numbered nor dated; the issued edition stays as it was."""
    current = _prepare_lock(scope, by)
    if current is None or not current.is_issued:
        raise ValidationError("Kỳ này còn bản đang soạn, chưa ban hành: hãy sửa tiếp bản đó.")
    edition = ConsolidatedReport(
        plan=scope.plan,
        scope=scope.key,
        edition=current.edition + 1,
        symbol=current.symbol,
        signer_title=current.signer_title,
        signer_name=current.signer_name,
        recipients=current.recipients,
        updated_by=by,
        **{name: getattr(current, name) for name in TEXT_FIELDS},
    )
    edition.full_clean(exclude=["plan"])
    edition._history_user = by
    edition.save()
    ConsolidatedTaskResult.objects.bulk_create(
        ConsolidatedTaskResult(consolidated=edition, task_id=task_id, text=text)
        for task_id, text in current.task_results.values_list("task_id", "text")
    )
    return edition
