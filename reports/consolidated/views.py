"""The consolidated yearly report in the browser: list, preview, preparation, Word and Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from reports import permissions
from reports.models import ReportingPeriod

from . import selectors
from .forms import ConsolidatedForm
from .generator import CONTENT_TYPES, TEXT_FIELDS, compose, consolidated_for, document_build, export_bytes
from .services import consolidated_save


def _period(request, pk) -> ReportingPeriod:
    if not permissions.follows_up(request.user):
        raise PermissionDenied(
            "Chỉ Phòng Quản lý Khoa học, Lãnh đạo Sở và quản trị viên xem báo cáo tổng hợp."
        )
    period = selectors.period(pk)
    if period is None:
        raise Http404("Không tìm thấy kỳ báo cáo.")
    return period


@require_safe
def consolidated_list(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied(
            "Chỉ Phòng Quản lý Khoa học, Lãnh đạo Sở và quản trị viên xem báo cáo tổng hợp."
        )
    periods = selectors.periods()
    return render(request, "reports/consolidated_list.html", {"periods": periods})


@require_safe
def consolidated_detail(request, pk):
    period = _period(request, pk)
    document = document_build(period)
    context = {
        "period": period,
        "document": document,
        "saved": hasattr(period, "consolidated"),
        "can_prepare": permissions.can_prepare_consolidated(request.user),
    }
    return render(request, "reports/consolidated_detail.html", context)


@require_http_methods(["GET", "POST"])
def consolidated_edit(request, pk):
    period = _period(request, pk)
    if not permissions.can_prepare_consolidated(request.user):
        raise PermissionDenied("Chỉ Phòng Quản lý Khoa học soạn báo cáo tổng hợp.")
    consolidated = consolidated_for(period)
    composition = compose(period, consolidated, timezone.localdate())
    composed = {task.pk: composition.result(task) for task in composition.tasks}
    form = ConsolidatedForm(
        request.POST or None, instance=consolidated, tasks=composition.tasks, composed=composed
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            consolidated_save(
                period=period,
                by=request.user,
                version=form.cleaned_data["version"],
                data=data,
                results=form.results(),
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Đã lưu báo cáo tổng hợp.")
            return redirect("reports:consolidated_detail", pk=period.pk)
    context = {"period": period, "form": form, "text_fields": TEXT_FIELDS}
    return render(request, "reports/consolidated_form.html", context, status=400 if form.errors else 200)


@require_safe
def consolidated_export(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404("Không có định dạng này.")
    period = _period(request, pk)
    content, filename = export_bytes(period, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
