"""Writes to the consolidated report: the office's parts and the task results it edited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reports import permissions
from reports.models import ConsolidatedReport, ConsolidatedTaskResult
from reports.workflow.services import StaleReportError
from tasks.models import Plan

from .generator import compose, consolidated_defaults
from .selectors import Scope


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
    permissions.require(
        permissions.can_prepare_consolidated(by, scope.plan.pk),
        f"Chỉ người điều phối kế hoạch {scope.plan.code} soạn báo cáo tổng hợp.",
    )
    # The plan's row is the lock: two first saves of the same report cannot both create it.
    Plan.objects.select_for_update().get(pk=scope.plan.pk)
    current = ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key).first()
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
    composition = compose(scope, current, today or timezone.localdate())
    plan_tasks = {task.pk: task for task in composition.tasks}
    unknown = set(results) - set(plan_tasks)
    if unknown:
        raise ValidationError("Nhiệm vụ không thuộc kế hoạch của kỳ báo cáo.")
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
