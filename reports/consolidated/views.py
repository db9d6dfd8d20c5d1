"""The consolidated yearly report in the browser: list, preview, preparation, Word and Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from kehoach.http import query_without
from reports import permissions
from reports.models import ConsolidatedReport

from . import selectors
from .forms import ConsolidatedForm
from .generator import CONTENT_TYPES, TEXT_FIELDS, compose, consolidated_for, document_build, export_bytes
from .selectors import Scope
from .services import consolidated_save

ROWS_PER_PAGE = 30


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


@require_safe
def consolidated_detail(request, plan_pk, key):
    scope = _scope(request, plan_pk, key)
    document = document_build(scope)
    context = {
        "scope": scope,
        "document": document,
        "saved": ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key).exists(),
        "can_prepare": permissions.can_prepare_consolidated(request.user, scope.plan.pk),
    }
    return render(request, "reports/consolidated_detail.html", context)


@require_http_methods(["GET", "POST"])
def consolidated_edit(request, plan_pk, key):
    scope = _scope(request, plan_pk, key)
    if not permissions.can_prepare_consolidated(request.user, scope.plan.pk):
        raise PermissionDenied(f"Chỉ người điều phối kế hoạch {scope.plan.code} soạn báo cáo tổng hợp.")
    consolidated = consolidated_for(scope)
    composition = compose(scope, consolidated, timezone.localdate())
    composed = {task.pk: composition.result(task) for task in composition.tasks}
    form = ConsolidatedForm(
        request.POST or None, instance=consolidated, tasks=composition.tasks, composed=composed
    )
    if request.method == "POST" and form.is_valid():
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
    context = {"scope": scope, "form": form, "text_fields": TEXT_FIELDS}
    return render(request, "reports/consolidated_form.html", context, status=400 if form.errors else 200)


@require_safe
def consolidated_export(request, plan_pk, key, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    scope = _scope(request, plan_pk, key)
    content, filename = export_bytes(scope, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
