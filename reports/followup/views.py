"""Follow-up pages (theo dõi, đôn đốc, kiểm tra): the board, reminders, escalations and funds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from kehoach.text import parse_id
from reports import permissions
from reports.models import ReportingPeriod, TaskState
from reports.workflow.forms import DirectionForm

from . import selectors, services
from .board import board_build
from .forms import BoardFilterForm, FundsFilterForm
from .funds import funds_detail, funds_summary, funds_xlsx

REMINDERS_PER_PAGE = 50
ESCALATIONS_PER_PAGE = 30
FUNDS_DETAIL_PER_PAGE = 100


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# ------------------------------------------------------------------------------
# The board
# ------------------------------------------------------------------------------
@require_safe
def board(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied("Chỉ Phòng Quản lý Khoa học và Lãnh đạo Sở xem bảng theo dõi.")
    today = timezone.localdate()
    plans, periods, tasks = selectors.board_choices()
    form = BoardFilterForm(
        request.GET, plans=plans, years=sorted({p.year for p in periods}, reverse=True), tasks=tasks
    )
    data = form.cleaned_data if form.is_valid() else {}
    if not periods:
        return render(request, "reports/board.html", {"form": form, "board": None})

    default = _default_period(periods, today)
    plan_id = data.get("plan") or default.plan_id
    plan_periods = [period for period in periods if period.plan_id == plan_id]
    if not plan_periods:
        form.add_error("plan", "Kế hoạch này chưa có kỳ báo cáo nào.")
        plan_periods = [period for period in periods if period.plan_id == default.plan_id]
    period = _default_period(plan_periods, today)
    if data.get("year"):
        period = next((p for p in plan_periods if p.year == data["year"]), None)
        if period is None:
            form.add_error("year", f"Kế hoạch chưa có kỳ báo cáo năm {data['year']}.")
            period = _default_period(plan_periods, today)
    plan_tasks = [task for task in tasks if task.plan_id == period.plan_id]
    task_id = data.get("task")
    if task_id and task_id not in {task.pk for task in plan_tasks}:
        form.add_error("task", "Nhiệm vụ này không thuộc kế hoạch đã chọn.")
        task_id = None

    result = board_build(
        period=period,
        today=today,
        tasks=plan_tasks,
        unit_id=data.get("unit"),
        task_id=task_id,
        state=data.get("state") or None,
        page_number=data.get("page") or 1,
        owing_page_number=data.get("chua_gui") or 1,
    )
    if data.get("unit") and data["unit"] not in dict(result.unit_choices):
        form.add_error("unit", "Đơn vị này không báo cáo trong kỳ đã chọn.")
    context = {
        "form": form,
        "board": result,
        "plans": plans,
        "plan_periods": plan_periods,
        "can_remind": permissions.can_remind(request.user),
        "query": _query_without(request, "page"),
        "owing_query": _query_without(request, "chua_gui"),
        "states": TaskState.choices,
    }
    return render(request, "reports/board.html", context, status=400 if form.errors else 200)


def _default_period(periods: list[ReportingPeriod], today) -> ReportingPeriod:
    """The open period of this year if any, else the latest one."""
    return next((p for p in periods if p.year == today.year and p.is_open), periods[0])


def _query_without(request, name: str) -> str:
    """The query string of `request` without its parameter `name` (a pager's own page number)."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@require_POST
def remind_unit(request, unit_pk):
    if not permissions.can_remind(request.user):
        raise PermissionDenied("Chỉ Phòng Quản lý Khoa học được đôn đốc đơn vị.")
    unit = selectors.unit(unit_pk)
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    try:
        reminder = services.reminder_send_now(unit=unit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Đã gửi thư đôn đốc đến {unit.name} ({reminder.report_count} báo cáo còn nợ)."
        )
    return redirect(_next_or(request, reverse("reports:board")))


@require_safe
def reminder_list(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied("Chỉ Phòng Quản lý Khoa học và Lãnh đạo Sở xem nhật ký đôn đốc.")
    unit = None
    if request.GET.get("unit"):
        unit = selectors.unit(parse_id(request.GET["unit"]))
        if unit is None:
            raise Http404("Không tìm thấy đơn vị.")
    page = Paginator(selectors.reminder_log(unit=unit), REMINDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unit": unit, "query": _query_without(request, "page")}
    return render(request, "reports/reminder_list.html", context)


# ------------------------------------------------------------------------------
# Difficulties raised to the Director, and the leadership's directions
# ------------------------------------------------------------------------------
@require_safe
def escalation_list(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied("Chỉ Lãnh đạo Sở và Phòng Quản lý Khoa học xem các kiến nghị lên Giám đốc.")
    pending_only = request.GET.get("cho") == "1"
    page = Paginator(selectors.escalations(pending_only=pending_only), ESCALATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "pending_only": pending_only,
        "form": DirectionForm(),
        "can_direct": permissions.can_direct_any(request.user),
        "query": _query_without(request, "page"),
    }
    return render(request, "reports/escalation_list.html", context)


@require_POST
def direction_add(request, pk):
    report = selectors.visible_report(request.user, pk)
    if report is None:
        raise Http404("Không tìm thấy báo cáo.")
    if not permissions.can_direct(request.user, report):
        raise PermissionDenied("Chỉ Lãnh đạo Sở cho ý kiến chỉ đạo về khó khăn được báo cáo Giám đốc.")
    form = DirectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["text"]))
    else:
        services.direction_give(report=report, by=request.user, text=form.cleaned_data["text"])
        messages.success(
            request, "Đã ghi ý kiến chỉ đạo; đơn vị và Phòng Quản lý Khoa học sẽ thấy trên báo cáo."
        )
    return redirect(_next_or(request, reverse("reports:escalation_list")))


# ------------------------------------------------------------------------------
# Funds
# ------------------------------------------------------------------------------
def _funds_filter(request):
    """The filter of the funds page and export; by default the current year, when it has a period."""
    if not permissions.can_view_funds(request.user):
        raise PermissionDenied(
            "Chỉ Phòng Kế hoạch Tài chính, Lãnh đạo Sở và Phòng Quản lý Khoa học xem kinh phí."
        )
    plans, years = selectors.funds_choices()
    params = request.GET.copy()
    this_year = timezone.localdate().year
    if "year" not in params and this_year in years:
        params["year"] = str(this_year)
    form = FundsFilterForm(params, plans=plans, years=years)
    chosen = form.cleaned_data if form.is_valid() else {"plan": None, "year": None}
    return form, chosen


@require_safe
def funds(request):
    form, chosen = _funds_filter(request)
    summary = funds_summary(plan_id=chosen["plan"], year=chosen["year"])
    detail = Paginator(funds_detail(plan_id=chosen["plan"], year=chosen["year"]), FUNDS_DETAIL_PER_PAGE)
    context = {
        "form": form,
        "funds": summary,
        "detail": detail.get_page(request.GET.get("page")),
        "chosen": chosen,
        "query": _query_without(request, "page"),
    }
    return render(request, "reports/funds.html", context, status=400 if form.errors else 200)


@require_safe
def funds_export(request):
    form, chosen = _funds_filter(request)
    if form.errors:
        messages.error(
            request,
            "Bộ lọc không hợp lệ: " + " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect("reports:funds")
    content = funds_xlsx(plan_id=chosen["plan"], year=chosen["year"])
    suffix = f"-{chosen['year']}" if chosen["year"] else ""
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="kinh-phi{suffix}.xlsx"'
    return response
