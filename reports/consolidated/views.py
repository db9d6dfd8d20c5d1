"""The consolidated yearly report in the browser: list, preview, preparation, Word and Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from kehoach.http import query_without
from reports import permissions
from reports.models import ConsolidatedReport
from reports.templatetags.kehoach import textarea_field

from . import preview, selectors
from .forms import ConsolidatedForm, IssueForm
from .generator import (
    CONTENT_TYPES,
    TEXT_FIELDS,
    consolidated_for,
    export_bytes,
    export_name,
)
from .selectors import Scope
from .services import ISSUED, consolidated_issue, consolidated_new_edition, consolidated_save

ROWS_PER_PAGE = 30
# The form carries a task's composed result when it has no more lines than this; a longer one is
# left out (its box empty: the task keeps following the unit reports unless the office writes one).
FORM_LINES = 8


def _scope(request, plan_pk, key) -> Scope:
    """The scope asked for, 404 if it does not exist or the user does not follow its plan."""
    plan = selectors.plan(plan_pk)
    if plan is None or not permissions.follows_up(request.user, plan.pk):
        if not permissions.follows_up(request.user):
            raise PermissionDenied(
                "Chỉ người điều phối kế hoạch, Lãnh đạo Sở và quản trị viên xem báo cáo tổng hợp."
            )
        raise Http404("Không tìm thấy kế hoạch.")
    scope = selectors.scope(plan, key)
    if scope is None:
        raise Http404(f"Kế hoạch {plan.code} không có kỳ báo cáo “{key}”.")
    return scope


@require_safe
def consolidated_list(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied(
            "Chỉ người điều phối kế hoạch, Lãnh đạo Sở và quản trị viên xem báo cáo tổng hợp."
        )
    rows = Paginator(selectors.scopes_followed(request.user), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "reports/consolidated_list.html", {"page": rows, "query": query_without(request, "page")}
    )


def _detail(request, scope: Scope, shown: ConsolidatedReport, latest: ConsolidatedReport):
    """The preview of an edition: an issued one as it was frozen, the one being prepared (or the
    defaults of a report not yet prepared) as it stands now; a page of its tasks at a time, with
    their rows of the appendix, each result condensed (`preview.body`, kept in the cache)."""
    body = preview.body(
        scope,
        shown,
        number=request.GET.get("page"),
        query=query_without(request, "page"),
        today=timezone.localdate(),
        snapshot=lambda: selectors.edition(scope, shown.edition, frozen=True).snapshot,
    )
    context = {
        "scope": scope,
        "body": body,
        "shown": shown,
        "latest": latest,
        "editions": selectors.editions(scope) if latest.pk else [],
        "can_prepare": permissions.can_prepare_consolidated(request.user, scope.plan.pk),
    }
    return render(request, "reports/consolidated_detail.html", context)


@require_safe
def consolidated_detail(request, plan_pk, key):
    scope = _scope(request, plan_pk, key)
    latest = consolidated_for(scope)
    return _detail(request, scope, latest, latest)


@require_safe
def consolidated_edition(request, plan_pk, key, edition):
    scope = _scope(request, plan_pk, key)
    shown = selectors.edition(scope, edition)
    if shown is None:
        raise Http404(f"Báo cáo tổng hợp {scope.name.lower()} không có lần soạn thứ {edition}.")
    return _detail(request, scope, shown, consolidated_for(scope))


@require_http_methods(["GET", "POST"])
def consolidated_edit(request, plan_pk, key):
    scope = _scope(request, plan_pk, key)
    if not permissions.can_prepare_consolidated(request.user, scope.plan.pk):
        raise PermissionDenied(f"Chỉ người điều phối kế hoạch {scope.plan.code} soạn báo cáo tổng hợp.")
    consolidated = consolidated_for(scope)
    if consolidated.is_issued:
        messages.error(request, ISSUED)
        return redirect("reports:consolidated_detail", plan_pk=scope.plan.pk, key=scope.key)
    today = timezone.localdate()
    if request.method != "POST":
        form = ConsolidatedForm(instance=consolidated, tasks=[], composed={}, line_counts={})
        boxes = preview.form_boxes(
            scope,
            consolidated,
            today,
            form_lines=FORM_LINES,
            draw=lambda tasks, composed, line_counts: _boxes(
                ConsolidatedForm(
                    instance=consolidated, tasks=tasks, composed=composed, line_counts=line_counts
                )
            ),
        )
        return _form_page(request, scope, form, boxes)
    tasks, composed, line_counts = preview.form_results(scope, consolidated, today, form_lines=FORM_LINES)
    form = ConsolidatedForm(
        request.POST, instance=consolidated, tasks=tasks, composed=composed, line_counts=line_counts
    )
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            consolidated_save(
                scope=scope,
                by=request.user,
                version=form.cleaned_data["version"],
                data=data,
                results=form.results(),
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Đã lưu báo cáo tổng hợp.")
            return redirect("reports:consolidated_detail", plan_pk=scope.plan.pk, key=scope.key)
    return _form_page(request, scope, form, _boxes(form))


def _boxes(form: ConsolidatedForm) -> SafeString:
    """The form's result boxes, one a task, as the page writes them."""
    return mark_safe("".join(textarea_field(field) for field in form.result_fields))


def _form_page(request, scope, form, boxes):
    context = {"scope": scope, "form": form, "boxes": boxes, "text_fields": TEXT_FIELDS}
    return render(request, "reports/consolidated_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def consolidated_issue_page(request, plan_pk, key):
    """Mark the edition being prepared as issued, with its number, date and signer."""
    scope = _scope(request, plan_pk, key)
    if not permissions.can_prepare_consolidated(request.user, scope.plan.pk):
        raise PermissionDenied(f"Chỉ người điều phối kế hoạch {scope.plan.code} ban hành báo cáo tổng hợp.")
    consolidated = consolidated_for(scope)
    if consolidated.is_issued:
        messages.error(request, ISSUED)
        return redirect("reports:consolidated_detail", plan_pk=scope.plan.pk, key=scope.key)
    form = IssueForm(request.POST or None, instance=consolidated)
    if request.method == "POST" and form.is_valid():
        try:
            consolidated_issue(scope=scope, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, "Đã đánh dấu báo cáo tổng hợp là đã ban hành; nội dung được giữ nguyên từ nay."
            )
            return redirect("reports:consolidated_detail", plan_pk=scope.plan.pk, key=scope.key)
    context = {"scope": scope, "form": form, "consolidated": consolidated}
    return render(request, "reports/consolidated_issue.html", context, status=400 if form.errors else 200)


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, " ".join(messages_))
    else:
        form.add_error(None, " ".join(error.messages))


@require_http_methods(["POST"])
def consolidated_new_edition_page(request, plan_pk, key):
    """Start a corrected report after an issued one; the issued edition is kept."""
    scope = _scope(request, plan_pk, key)
    if not permissions.can_prepare_consolidated(request.user, scope.plan.pk):
        raise PermissionDenied(f"Chỉ người điều phối kế hoạch {scope.plan.code} soạn báo cáo tổng hợp.")
    try:
        edition = consolidated_new_edition(scope=scope, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:consolidated_detail", plan_pk=scope.plan.pk, key=scope.key)
    messages.success(
        request, f"Đã tạo bản sửa đổi (lần soạn thứ {edition.edition}); bản đã ban hành được giữ nguyên."
    )
    return redirect("reports:consolidated_edit", plan_pk=scope.plan.pk, key=scope.key)


def _file(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def consolidated_export(request, plan_pk, key, fmt):
    """The latest edition's file: as issued when it is issued, else made now."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    scope = _scope(request, plan_pk, key)
    latest = consolidated_for(scope)
    if latest.is_issued:
        return consolidated_edition_export(request, plan_pk, key, latest.edition, fmt)
    content, filename = export_bytes(scope, fmt, latest)
    return _file(content, fmt, filename)


@require_safe
def consolidated_edition_export(request, plan_pk, key, edition, fmt):
    """An issued edition's file exactly as it was issued."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    scope = _scope(request, plan_pk, key)
    content = selectors.edition_file(scope, edition, fmt)
    if content is None:
        raise Http404("Lần soạn này chưa ban hành: tệp được lập khi tải báo cáo đang soạn.")
    return _file(bytes(content), fmt, export_name(scope, fmt, edition))
