"""Follow-up pages (theo dõi, đôn đốc, kiểm tra): the board, reminders, escalations and funds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from kehoach import stamps
from kehoach.http import next_or, query_without
from kehoach.pagination import CountedPaginator
from kehoach.text import parse_id
from reports import permissions
from reports.models import TaskState
from reports.workflow import selectors as workflow_selectors
from reports.workflow.forms import DirectionForm

from . import selectors, services
from .board import board_build
from .board_cache import BODY_TEMPLATE, board_get, board_key, board_set, board_stamps
from .forms import BoardFilterForm, FundsFilterForm
from .funds import (
    FUNDS_BODY_TEMPLATE,
    funds_body_get,
    funds_body_key,
    funds_body_set,
    funds_detail,
    funds_detail_page,
    funds_stamp,
    funds_summary_cached,
    funds_xlsx,
)

REMINDERS_PER_PAGE = 50
ESCALATIONS_PER_PAGE = 30
FUNDS_DETAIL_PER_PAGE = 100
FUNDS_ROWS_PER_PAGE = 50  # rows of the tables by task and by unit


# ------------------------------------------------------------------------------
# The board
# ------------------------------------------------------------------------------
@require_safe
def board(request):
    user = request.user
    if not permissions.follows_up(user):
        raise PermissionDenied("Chỉ người điều phối kế hoạch và Lãnh đạo Sở xem bảng theo dõi.")
    today = timezone.localdate()
    found = board_stamps(permissions.followed_plans(user))
    plans, plans_periods = selectors.followed_plans(user, stamp=found.get(stamps.GLOBAL) if found else None)
    form = BoardFilterForm(request.GET, plans=plans)
    data = form.cleaned_data if form.is_valid() else {}
    plan = next((p for p in plans if p.pk == data.get("plan")), None) or selectors.default_plan(plans)
    periods = plans_periods[plan.pk] if plan else []
    if not periods:
        return render(
            request, "reports/board.html", {"form": form, "body": None, "plans": plans, "plan": plan}
        )
    period = workflow_selectors.default_period(periods, today)
    if data.get("ky"):
        period = next((p for p in periods if p.key == data["ky"]), None)
        if period is None:
            form.add_error("ky", f"Kế hoạch {plan.code} không có kỳ báo cáo “{data['ky']}”.")
            period = workflow_selectors.default_period(periods, today)
    can_remind = permissions.can_remind(user, plan.pk)
    context = {
        "form": form,
        "plans": plans,
        "plan_periods": periods,
        "period": period,
        "can_remind": can_remind,
        "query": query_without(request, "page"),
        "owing_query": query_without(request, "chua_gui"),
        "columns_query": query_without(request, "cot"),
        "states": TaskState.choices,
    }
    # The body is served from the cache while nothing it shows has changed (board_cache); a filter
    # refused above draws it afresh.
    key = None
    if not form.errors:
        key = board_key(
            request=request,
            found=found,
            plans=plans,
            plan=plan,
            period=period,
            periods=periods,
            can_remind=can_remind,
            today=today,
        )
    cached = board_get(key)
    if cached is not None:
        for name, errors in cached["errors"].items():
            for error in errors:
                form.add_error(name, error)
        context["body"] = mark_safe(cached["html"])  # noqa: S308 — drawn by our own template
    else:
        context["board"] = _board_drawn(form, data, plan=plan, period=period, today=today)
        context["body"] = mark_safe(get_template(BODY_TEMPLATE).render(context))  # noqa: S308
        board_set(
            key, html=context["body"], errors={name: list(errors) for name, errors in form.errors.items()}
        )
    return render(request, "reports/board.html", context, status=400 if form.errors else 200)


def _board_drawn(form, data, *, plan, period, today):
    """The board of `period` as the filter asks; the filter's values that do not fit the plan or the
    period are refused on the form (and drawn as if not given)."""
    tasks = selectors.plan_tasks(plan)
    task_id = data.get("task")
    if task_id and task_id not in {task.pk for task in tasks}:
        form.add_error("task", "Nhiệm vụ này không thuộc kế hoạch đã chọn.")
        task_id = None
    result = board_build(
        period=period,
        today=today,
        tasks=tasks,
        unit_id=data.get("unit"),
        task_id=task_id,
        state=data.get("state") or None,
        indicators_not_met=data.get("chi_tieu") == "chua_dat",
        page_number=data.get("page") or 1,
        owing_page_number=data.get("chua_gui") or 1,
        task_page_number=data.get("cot") or 1,
    )
    if data.get("unit") and data["unit"] not in dict(result.unit_choices):
        form.add_error("unit", "Đơn vị này không báo cáo trong kỳ đã chọn.")
    return result


@require_POST
def remind_unit(request, unit_pk):
    if not permissions.can_remind(request.user):
        raise PermissionDenied("Chỉ người điều phối kế hoạch được đôn đốc đơn vị.")
    period = selectors.period(parse_id(request.POST.get("period", "")))
    if period is None:
        raise Http404("Không tìm thấy kỳ báo cáo.")
    if not permissions.can_remind(request.user, period.plan_id):
        raise PermissionDenied(f"Chỉ người điều phối kế hoạch {period.plan.code} được đôn đốc đơn vị.")
    unit = selectors.unit(unit_pk)
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    try:
        reminder = services.reminder_send_now(unit=unit, period=period, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Đã gửi thư đôn đốc đến {unit.name} ({reminder.report_count} báo cáo còn nợ trong kỳ {period.name}).",
        )
    return redirect(next_or(request, reverse("reports:board")))


@require_safe
def reminder_list(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied("Chỉ đơn vị điều phối kế hoạch và Lãnh đạo Sở xem nhật ký đôn đốc.")
    unit = None
    if request.GET.get("unit"):
        unit = selectors.unit(parse_id(request.GET["unit"]))
        if unit is None:
            raise Http404("Không tìm thấy đơn vị.")
    page = Paginator(selectors.reminder_log(unit=unit), REMINDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unit": unit, "query": query_without(request, "page")}
    return render(request, "reports/reminder_list.html", context)


# ------------------------------------------------------------------------------
# Difficulties raised to the Director, and the leadership's directions
# ------------------------------------------------------------------------------
@require_safe
def escalation_list(request):
    if not permissions.follows_up(request.user):
        raise PermissionDenied("Chỉ Lãnh đạo Sở và đơn vị điều phối kế hoạch xem các kiến nghị lên Giám đốc.")
    pending_only = request.GET.get("cho") == "1"
    page = Paginator(
        selectors.escalations(request.user, pending_only=pending_only), ESCALATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "pending_only": pending_only,
        "form": DirectionForm(),
        "can_direct": permissions.can_direct_any(request.user),
        "query": query_without(request, "page"),
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
            request,
            f"Đã ghi ý kiến chỉ đạo; {report.unit.name} và "
            f"{report.period.plan.coordinating_unit.name} sẽ thấy trên báo cáo.",
        )
    return redirect(next_or(request, reverse("reports:escalation_list")))


# ------------------------------------------------------------------------------
# Funds
# ------------------------------------------------------------------------------
def _funds_filter(request):
    """The filter of the funds page and export; by default the current year, when it has a period.
    With what it sums: the plans (None for every plan) and the ids of their periods (every period of
    those plans, for the funds' cache). Only the plans whose funds the user sees are offered and summed."""
    visible = permissions.funds_plans(request.user)
    if not permissions.can_view_funds(request.user):
        raise PermissionDenied(
            "Chỉ cán bộ theo dõi kinh phí, Lãnh đạo Sở và đơn vị điều phối kế hoạch xem kinh phí."
        )
    plans, years, periods = selectors.funds_choices(visible)
    params = request.GET.copy()
    this_year = timezone.localdate().year
    if "year" not in params and this_year in years:
        params["year"] = str(this_year)
    form = FundsFilterForm(params, plans=plans, years=years)
    chosen = form.cleaned_data if form.is_valid() else {"plan": None, "year": None}
    if chosen["plan"] is not None:
        plan_ids = [chosen["plan"]]
    else:
        plan_ids = None if visible is permissions.ALL else sorted(visible)
    period_ids = [
        pk for plan_id, ids in periods.items() if plan_ids is None or plan_id in plan_ids for pk in ids
    ]
    return form, chosen, plan_ids, period_ids


@require_safe
def funds(request):
    form, chosen, plan_ids, period_ids = _funds_filter(request)
    stamp = funds_stamp(period_ids)
    # The body is drawn from the sums and the page of detail asked for; kept whole while none of
    # the rows summed has changed (the stamp) for this query string, these plans and the plans and
    # years the user may choose from.
    key = funds_body_key(
        stamp,
        query=sorted(form.data.lists()),
        plan_ids=plan_ids,
        choices=(form.fields["plan"].choices, form.fields["year"].choices),
    )
    body = funds_body_get(key)
    if body is None:
        body = _funds_body(request, form, chosen, plan_ids, stamp)
        funds_body_set(key, body)
    return render(request, "reports/funds.html", {"body": body}, status=400 if form.errors else 200)


def _funds_body(request, form, chosen, plan_ids, stamp) -> str:
    summary = funds_summary_cached(stamp=stamp, plan_ids=plan_ids, year=chosen["year"])
    detail = CountedPaginator(
        funds_detail(plan_ids=plan_ids, year=chosen["year"]),
        FUNDS_DETAIL_PER_PAGE,
        count=summary.total["with_funds"],
    ).get_page(request.GET.get("page"))
    detail.object_list = funds_detail_page(
        stamp=stamp,
        plan_ids=plan_ids,
        year=chosen["year"],
        bounds=(detail.start_index() - 1, detail.end_index()) if detail.paginator.count else (0, 0),
    )
    context = {
        "form": form,
        "funds": summary,
        "by_task": Paginator(summary.by_task, FUNDS_ROWS_PER_PAGE).get_page(request.GET.get("nhiem_vu")),
        "by_unit": Paginator(summary.by_unit, FUNDS_ROWS_PER_PAGE).get_page(request.GET.get("don_vi")),
        "detail": detail,
        "chosen": chosen,
        "query": query_without(request, "page"),
        "task_query": query_without(request, "nhiem_vu"),
        "unit_query": query_without(request, "don_vi"),
    }
    return render_to_string(FUNDS_BODY_TEMPLATE, context, request=request)


@require_safe
def funds_export(request):
    form, chosen, plan_ids, _period_ids = _funds_filter(request)
    if form.errors:
        messages.error(
            request,
            "Bộ lọc không hợp lệ: " + " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect("reports:funds")
    content = funds_xlsx(plan_ids=plan_ids, year=chosen["year"])
    suffix = f"-{chosen['year']}" if chosen["year"] else ""
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="kinh-phi{suffix}.xlsx"'
    return response
