"""The admin's page "Nhập từ văn bản": upload a plan's .docx, read the draft, map each name the
registry does not know, confirm. Staff with the permissions to add plans, tasks and assignments
only; a new unit also needs the permission to add units."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse

from kehoach.db import Vietnamese
from tasks.models import Unit

from .draft import MATCHED, Draft, Mention
from .forms import KEEP, ConfirmForm, UploadForm, draft_sign, draft_unsign
from .present import (
    deadline_words,
    document_type_words,
    duty_words,
    issued_words,
    schedule_words,
    shape_words,
)
from .services import IMPORT_REASON, already_loaded_message, plan_document_import, plan_document_read
from .source import UnreadableDocument

NEEDED = (
    "tasks.add_plan",
    "tasks.add_task",
    "tasks.add_assignment",
    "tasks.add_legaldocument",
    "tasks.add_planduty",
)


class PlanDocumentImportMixin:
    """For the plan's ModelAdmin: the address nhap-tu-van-ban/ and its page."""

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "nhap-tu-van-ban/",
                self.admin_site.admin_view(self.import_document_view),
                name=f"{opts.app_label}_{opts.model_name}_import_document",
            ),
            *super().get_urls(),
        ]

    def import_document_view(self, request):
        if not request.user.has_perms(NEEDED):
            raise PermissionDenied(
                "Cần quyền thêm kế hoạch, nhiệm vụ, phân công, văn bản căn cứ và trách nhiệm tổ chức thực hiện để nhập "
                "kế hoạch từ văn bản."
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Nhập kế hoạch từ văn bản",
            "has_view_permission": self.has_view_permission(request),
        }
        if request.method == "POST" and "draft" in request.POST:
            return self._confirm(request, context)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["document"]
            try:
                draft = plan_document_read(_read_upload(upload), upload.name)
            except UnreadableDocument as exc:
                form.add_error("document", f"{exc.message} Không lưu gì.")
            else:
                return self._preview(request, context, draft, form=None)
        return TemplateResponse(request, "admin/tasks/plan/import_document.html", {**context, "form": form})

    def _preview(self, request, context, draft: Draft, form: ConfirmForm | None):
        units = list(Unit.objects.order_by("kind", Vietnamese("name")))
        may_add_units = request.user.has_perm("tasks.add_unit")
        if form is None:
            initial = {
                "draft": draft_sign(draft),
                "code": draft.code,
                "issuer": draft.issuer.unit if draft.issuer else None,
                "coordinating_unit": draft.coordinating.unit if draft.coordinating else None,
                "report_recipient": draft.report_recipient.unit if draft.report_recipient else None,
            }
            form = ConfirmForm(initial=initial, draft=draft, units=units, may_add_units=may_add_units)
            for mention, prefix in form.names:
                form.fields[f"{prefix}_choice"].initial = KEEP if mention.unit else ""
        names = {unit.code: unit.name for unit in units}
        return TemplateResponse(
            request,
            "admin/tasks/plan/import_document_preview.html",
            {
                **context,
                "title": "Bản nháp kế hoạch đọc từ văn bản",
                "draft": draft,
                "form": form,
                "already_loaded": already_loaded_message(draft.existing_plan) if draft.existing_plan else "",
                "shape": shape_words(draft),
                "issued": issued_words(draft),
                "schedule": schedule_words(draft),
                "issuer": _shown(draft.issuer, names),
                "coordinating": _shown(draft.coordinating, names),
                "report_recipient": _shown(draft.report_recipient, names),
                "documents": [
                    {
                        "document": doc,
                        "type": document_type_words(doc.doc_type),
                        "issuer": _shown(doc.issuer, names),
                    }
                    for doc in draft.basis
                ],
                "tasks": [
                    {
                        "task": task,
                        "depth": min(task.depth, 3),
                        "leads": [_shown(m, names) for m in task.leads],
                        "partners": [_shown(m, names) for m in task.partners],
                        "deadline": deadline_words(task.deadline),
                    }
                    for task in draft.tasks
                ],
                "duties": [
                    {
                        "kind": duty_words(duty.kind),
                        "unit": _shown(duty.unit, names),
                        "recipient": _shown(duty.recipient, names),
                    }
                    for duty in draft.duties
                ],
                "recipients": [line for line in draft.recipients.split("\n") if line],
                "signer_lines": [line for line in draft.signer_title.split("\n") if line],
                "counts": _counts(draft),
            },
        )

    def _confirm(self, request, context):
        try:
            draft = draft_unsign(request.POST.get("draft", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reverse("admin:tasks_plan_import_document"))
        units = list(Unit.objects.order_by("kind", Vietnamese("name")))
        form = ConfirmForm(
            request.POST, draft=draft, units=units, may_add_units=request.user.has_perm("tasks.add_unit")
        )
        if form.is_valid():
            try:
                plan = plan_document_import(
                    draft=draft, resolutions=form.resolutions(), choices=form.choices(), by=request.user
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self.log_addition(request, plan, IMPORT_REASON)
                messages.success(
                    request,
                    f"Đã nhập kế hoạch {plan.code} từ văn bản “{draft.source_name}”: {plan.tasks.count()} nhiệm vụ. "
                    "Lịch sử thay đổi ghi “Nhập từ văn bản”.",
                )
                return redirect(reverse("admin:tasks_plan_change", args=[plan.pk]))
        return self._preview(request, context, draft, form=form)


def _read_upload(upload) -> bytes:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise UnreadableDocument(
            f"Tệp {filesizeformat(upload.size)} vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
        )
    return b"".join(upload.chunks())


def _shown(mention: Mention | None, names: dict[str, str]) -> dict | None:
    if mention is None:
        return None
    return {
        "text": mention.text,
        "unit": names.get(mention.unit or "", mention.unit or ""),
        "code": mention.unit or "",
        "status": mention.status,
        "sure": mention.status == MATCHED,
        "reason": mention.reason,
        "note": mention.note,
    }


def _counts(draft: Draft) -> dict[str, int]:
    mentions = [m for task in draft.tasks for m in (*task.leads, *task.partners)]
    return {
        "tasks": len(draft.tasks),
        "names": len(mentions),
        "matched": sum(1 for m in mentions if m.status == MATCHED),
        "to_resolve": len(draft.names_to_resolve()),
        "guesses": sum(1 for task in draft.tasks if task.deadline.guess),
    }
