"""Pages for unit staff, unit heads, the coordinator and the leadership.

Views read through selectors, check the predicates of `permissions`, and write through `services`;
a report another unit owns is not found, an action the user may not take is forbidden.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kehoach.cache import cached, html_cached, html_get, html_set
from kehoach.http import query_without
from kehoach.pagination import CountedPaginator, UncountedPage
from kehoach.text import parse_id
from reports import permissions
from reports.models import Evidence, TaskReport, TaskState
from reports.states import report_state
from tasks.models import Plan, Task

from . import page_cache, selectors, services
from .forms import (
    CommentForm,
    DirectionForm,
    EvidenceForm,
    NotificationSettingsForm,
    PeriodAddForm,
    PeriodEditForm,
    PeriodOpenForm,
    ReportForm,
    RequiredCommentForm,
    ReviewQueueFilterForm,
)


def _today() -> datetime.date:
    return timezone.localdate()


def _report_or_404(user, pk, selector=selectors.report_detail) -> TaskReport:
    try:
        return selector(user, pk)
    except TaskReport.DoesNotExist:
        raise Http404("Không tìm thấy báo cáo.") from None


def _or_404(selector, pk, message: str):
    """What `selector(pk)` finds, else a 404 saying what was not found."""
    try:
        return selector(pk)
    except ObjectDoesNotExist:
        raise Http404(message) from None


def _messages_from(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, [" ".join(e.messages) for e in errors])
    else:
        form.add_error(None, _messages_from(error))


# ------------------------------------------------------------------------------
# Home
# ------------------------------------------------------------------------------
HOME_REPORTS_PER_PAGE = 50


@require_safe
def home(request):
    user, today = request.user, _today()
    year = today.year
    context = {"year": year, "today": today}
    unit_member = user.unit_id and user.role in permissions.UNIT_ROLES
    if unit_member or permissions.sees_every_report(user):
        current = selectors.current_periods(today)
    if unit_member:
        # The same for every member of the unit, served from the cache while none of the reports
        # it lists changed (page_cache.py).
        key = page_cache.unit_key(request=request, unit_id=user.unit_id, periods=current, today=today)
        entry = html_get(key, page_cache.UNIT)
        if entry is None:
            html = _unit_section(request, current, today)
            html_set(key, page_cache.UNIT, html)
        else:
            html = entry["html"]
        context["unit_section"] = html
    if permissions.sees_every_report(user):
        # Every report of the current periods, counted by state and by period: the same for all who
        # see every report, kept in the cache while none of those reports changed (page_cache.py).
        counts = cached(
            page_cache.counts_key(periods=current, today=today),
            page_cache.COUNTS,
            lambda: selectors.current_counts(current, today),
        )
        context["state_counts"] = [(TaskState(key), value) for key, value in counts["states"].items()]
        context["periods"] = selectors.with_counts(current, counts["periods"])
    if permissions.reviews_reports(user):
        context["queue_size"] = selectors.review_queue_size(user)
    context["plans"] = selectors.plans_in_force()
    return render(request, "reports/home.html", context)


def _unit_section(request, current, today) -> str:
    """What the user's unit has to do now (`selectors.unit_reports_now`), a page of it, as HTML."""
    user = request.user
    reports = selectors.unit_reports_now(user, current, today)
    page = Paginator(reports, HOME_REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for report in page.object_list:
        report.days_left = (report.period.deadline - today).days
    context = {
        "unit_reports": page,
        "unit_name": user.unit.name,
        "year": today.year,
        "query": query_without(request, "page"),
    }
    return render_to_string(page_cache.UNIT_TEMPLATE, context)


# ------------------------------------------------------------------------------
# Notifications: what happened since the last visit, and the person's choice of mails
# ------------------------------------------------------------------------------
NOTIFICATIONS_PER_PAGE = 30
# Where the page keeps, across its pages, the moment of the visit before this one.
NOTIFICATIONS_SINCE = "thong_bao_tu"


def _notifications_since(request) -> datetime.datetime | None:
    """The last visit before this one: read from the user on a first page (which then counts as a
    visit), from the session while the person pages on."""
    user = request.user
    if "page" not in request.GET or NOTIFICATIONS_SINCE not in request.session:
        since = user.notifications_seen_at
        request.session[NOTIFICATIONS_SINCE] = since.isoformat() if since else ""
        services.notifications_mark_seen(user=user)
        return since
    try:
        return datetime.datetime.fromisoformat(request.session[NOTIFICATIONS_SINCE]) or None
    except (TypeError, ValueError):
        return None


@require_safe
def notifications(request):
    since = _notifications_since(request)
    everything = request.GET.get("tat_ca") == "1"
    events = selectors.notifications_for(request.user, None if everything else since)
    context = {
        "page": UncountedPage(events, NOTIFICATIONS_PER_PAGE, request.GET.get("page")),
        "since": since,
        "everything": everything,
        "query": query_without(request, "page"),
    }
    return render(request, "reports/notifications.html", context)


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    user = request.user
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, initial={"notify_by_email": user.notify_by_email}
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            user=user, by=user, notify_by_email=form.cleaned_data["notify_by_email"]
        )
        messages.success(
            request,
            "Đã lưu: bạn sẽ nhận thư thông báo."
            if user.notify_by_email
            else "Đã lưu: bạn sẽ không nhận thư thông báo; trang “Thông báo” vẫn liệt kê mọi việc mới.",
        )
        return redirect("reports:notification_settings")
    return render(request, "reports/notification_settings.html", {"form": form})


# ------------------------------------------------------------------------------
# Plans and tasks
# ------------------------------------------------------------------------------
@require_safe
def plan_list(request):
    return render(request, "reports/plan_list.html", {"plans": selectors.plans()})


@require_safe
def plan_detail(request, pk):
    plan = selectors.plan_heading(pk)
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    # The body is the same for everyone, served from the cache while the plan is unchanged (page_cache.py).
    key = page_cache.plan_key(request=request, plan_id=plan.pk, today=_today())
    html = html_cached(key, page_cache.PLAN, lambda: _plan_body(request, selectors.plan_detail(plan.pk)))
    return render(request, "reports/plan_detail.html", {"plan": plan, "body": html})


def _plan_body(request, plan: Plan) -> str:
    tasks = Paginator(selectors.plan_tasks(plan), PLAN_TASKS_PER_PAGE).get_page(request.GET.get("page"))
    tasks.object_list = list(tasks.object_list)
    selectors.tasks_units(tasks.object_list)
    periods, earlier_periods = selectors.plan_periods_now(plan, _today())
    context = {
        "plan": plan,
        "tasks": tasks,
        "periods": periods,
        "earlier_periods": earlier_periods,
        "query": query_without(request, "page"),
    }
    return render_to_string(page_cache.PLAN_TEMPLATE, context)


PLAN_TASKS_PER_PAGE = 30


INDICATORS_PER_PAGE = 20


@require_safe
def plan_indicators(request, pk):
    """The plan's indicators, a page at a time: each one's target, what the units sent so far, and
    its trend over one year's periods (the current period's year unless another is chosen), from
    the reports the user may see."""
    plan = Plan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    periods = sorted(plan.periods.all(), key=lambda period: (period.cutoff_to, period.pk))
    years = sorted({period.year for period in periods}, reverse=True)
    year = selectors.default_period(periods, _today()).year if periods else None
    status = 200
    chosen = request.GET.get("nam")
    if chosen and years:
        if parse_id(chosen) in years:
            year = parse_id(chosen)
        else:
            messages.error(request, f"Kế hoạch {plan.code} không có kỳ báo cáo nào của năm “{chosen[:10]}”.")
            status = 400
    shown = [period for period in periods if period.year == year]
    # The body is served from the cache while no value it judges has changed (page_cache.py).
    key = page_cache.indicators_key(request=request, plan=plan, year=year, periods=periods, today=_today())
    entry = html_get(key, page_cache.INDICATORS)
    if entry is None:
        page = selectors.plan_indicators_page(plan, request.GET.get("page"), INDICATORS_PER_PAGE)
        context = {
            "plan": plan,
            "years": years,
            "year": year,
            "periods": shown,
            "rows": selectors.indicator_trends(list(page.object_list), shown, request.user),
            "page": page,
            "query": query_without(request, "page"),
        }
        html = render_to_string(page_cache.INDICATORS_TEMPLATE, context)
        html_set(key, page_cache.INDICATORS, html)
    else:
        html = entry["html"]
    return render(request, "reports/plan_indicators.html", {"plan": plan, "body": html}, status=status)


@require_safe
def task_detail(request, pk):
    task = selectors.task_detail(pk)
    if task is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    today = _today()
    periods = selectors.plan_periods(task.plan)
    period = selectors.default_period(periods, today) if periods else None
    status = 200
    key = request.GET.get("ky")
    if key is not None and periods:
        chosen = next((p for p in periods if p.key == key), None)
        if chosen is None:
            messages.error(request, f"Kế hoạch {task.plan.code} không có kỳ báo cáo “{key[:40]}”.")
            status = 400
        else:
            period = chosen
    # The body is served from the cache while nothing it shows has changed (page_cache.py).
    cache_key = page_cache.task_key(
        request=request, task_id=task.pk, periods=periods, period=period, today=today
    )
    html = html_cached(
        cache_key,
        page_cache.TASK,
        lambda: _task_body(request, selectors.with_assignments(task), periods, period, today),
    )
    return render(request, "reports/task_detail.html", {"task": task, "body": html}, status=status)


def _task_body(request, task: Task, periods: list, period, today: datetime.date) -> str:
    results = (
        selectors.indicator_results(
            plan_id=task.plan_id, period=period, user=request.user, task_ids=[task.pk]
        ).get(task.pk, [])
        if period
        else []
    )
    context = {
        "task": task,
        "periods": periods,
        "period": period,
        "reports": selectors.task_reports_visible(task, request.user, period, today) if period else [],
        "indicator_results": results,
        "indicators": selectors.task_indicators(task) if period is None else [r.indicator for r in results],
        "history": selectors.task_history(task),
    }
    return render_to_string(page_cache.TASK_TEMPLATE, context)


# ------------------------------------------------------------------------------
# Reports
# ------------------------------------------------------------------------------
@require_safe
def report_detail(request, pk):
    report = _report_or_404(request.user, pk)
    user = request.user
    context = {
        "report": report,
        "known_now_as": report.unit.known_now_as(report.unit_name, _today()),
        "state": report_state(report, _today()),
        "indicators": _report_indicators(request, report),
        "can_edit": permissions.can_edit_report(user, report),
        "can_submit": permissions.can_submit_report(user, report),
        "can_review": permissions.can_review_report(user, report),
        "can_reopen": permissions.can_reopen_report(user, report),
        "can_direct": permissions.can_direct(user, report),
        "direction_form": DirectionForm(),
        "max_upload": settings.UPLOAD_MAX_BYTES,
        "submit_note": _submit_note(user, report),
        "reviewer_name": permissions.reviewer_label(report)
        if permissions.can_submit_report(user, report)
        else "",
    }
    return render(request, "reports/report_detail.html", context)


def _report_indicators(request, report) -> str:
    """The report's indicators judged at its period and its own values, kept in the cache while no
    report, value or indicator changes (page_cache.report_indicators_key)."""

    def draw():
        context = {
            "indicator_results": selectors.report_indicator_results(report, request.user),
            "own_values": {value.indicator_id: value.value for value in report.indicator_values.all()},
        }
        return render_to_string(page_cache.REPORT_INDICATORS_TEMPLATE, context)

    key = page_cache.report_indicators_key(request=request, report_id=report.pk, today=_today())
    return html_cached(key, page_cache.REPORT_INDICATORS, draw)


def _submit_note(user, report) -> str:
    """For a unit's staff who may write the report but not send it: who sends it."""
    if not permissions.can_edit_report(user, report) or permissions.can_submit_report(user, report):
        return ""
    heads = selectors.unit_head_names(report.unit_id)
    if not heads:
        return (
            "Cán bộ soạn báo cáo; chỉ lãnh đạo đơn vị gửi báo cáo đi, nhưng đơn vị chưa có tài khoản lãnh đạo: "
            "hãy đề nghị quản trị hệ thống tạo tài khoản."
        )
    return f"Cán bộ soạn báo cáo; chỉ lãnh đạo đơn vị gửi báo cáo đi: {', '.join(heads)}."


@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = _report_or_404(request.user, pk, selectors.report_for_edit)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied(permissions.refusal(request.user, "edit", report))
    form = ReportForm(request.POST or None, instance=report)
    # Evidence sent with the form: optional, saved with the content or not at all.
    evidence_form = EvidenceForm(request.POST or None, request.FILES or None, use_required_attribute=False)
    evidence_form.fields["file"].required = False
    if request.method == "POST" and form.is_valid() & evidence_form.is_valid():
        upload = evidence_form.cleaned_data.get("file")
        try:
            services.report_update_with_evidence(
                report=report,
                by=request.user,
                version=form.cleaned_data["version"],
                data={name: form.cleaned_data[name] for name in services.REPORT_FIELDS},
                values=form.indicator_values(),
                uploads=[upload] if upload else [],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "file" in error.error_dict:
                evidence_form.add_error("file", error.error_dict["file"])
                form.add_error(
                    None,
                    "Chưa lưu: tệp minh chứng không được nhận (xem bên dưới); nội dung vẫn còn trên trang.",
                )
            else:
                _add_errors(form, error)
        else:
            messages.success(
                request, "Đã lưu báo cáo và thêm tệp minh chứng." if upload else "Đã lưu báo cáo."
            )
            return redirect("reports:report_detail", pk=report.pk)
    return render(
        request,
        "reports/report_form.html",
        {
            "report": report,
            "form": form,
            "evidence_form": evidence_form,
            "max_upload": settings.UPLOAD_MAX_BYTES,
        },
        status=400 if form.errors or evidence_form.errors else 200,
    )


def _action(request, pk, service, success: str, *, step: str, form_class=CommentForm):
    """A workflow step. Whether the user takes `step` on this unit's reports at all is asked first: if
    not, 403 before anything else; whether the report's state allows it now is the service's question.
    `{reviewer}` in the success message is who reviews the report (`permissions.reviewer_label`)."""
    report = _report_or_404(request.user, pk)
    if not permissions.may_act(request.user, step, report):
        raise PermissionDenied(permissions.refusal(request.user, step, report))
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy ghi ý kiến." if "comment" in form.errors else "Dữ liệu không hợp lệ.")
        return redirect("reports:report_detail", pk=report.pk)
    try:
        service(report=report, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, _messages_from(error))
    else:
        reviewer = permissions.reviewer_label(report) if "{reviewer}" in success else ""
        messages.success(request, success.format(reviewer=reviewer))
    return redirect("reports:report_detail", pk=report.pk)


@require_POST
def report_submit(request, pk):
    return _action(request, pk, services.report_submit, "Đã gửi báo cáo đến {reviewer}.", step="submit")


@require_POST
def report_return(request, pk):
    return _action(
        request,
        pk,
        services.report_return,
        "Đã trả lại báo cáo cho đơn vị.",
        step="return",
        form_class=RequiredCommentForm,
    )


@require_POST
def report_accept(request, pk):
    return _action(request, pk, services.report_accept, "Đã chấp nhận báo cáo.", step="accept")


@require_POST
def report_reopen(request, pk):
    return _action(
        request,
        pk,
        services.report_reopen,
        "Đã mở lại báo cáo để đơn vị sửa.",
        step="reopen",
        form_class=RequiredCommentForm,
    )


@require_POST
def evidence_upload(request, pk):
    report = _report_or_404(request.user, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied(permissions.refusal(request.user, "edit", report))
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn một tệp.")
    else:
        try:
            services.evidence_add(report=report, by=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, _messages_from(error))
        else:
            messages.success(request, "Đã thêm tệp minh chứng.")
    return redirect("reports:report_detail", pk=report.pk)


def _evidence_or_404(user, pk) -> Evidence:
    evidence = _or_404(selectors.evidence, pk, "Không tìm thấy tệp.")
    if not permissions.can_view_report(user, evidence.report):
        raise Http404("Không tìm thấy tệp.")
    return evidence


@require_safe
def evidence_download(request, pk):
    evidence = _evidence_or_404(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp không còn trên máy chủ.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def evidence_delete(request, pk):
    evidence = _evidence_or_404(request.user, pk)
    if not permissions.can_edit_report(request.user, evidence.report):
        raise PermissionDenied(permissions.refusal(request.user, "edit", evidence.report))
    services.evidence_remove(evidence=evidence, by=request.user)
    messages.success(request, "Đã gỡ tệp minh chứng.")
    return redirect("reports:report_detail", pk=evidence.report_id)


# ------------------------------------------------------------------------------
# Coordinator
# ------------------------------------------------------------------------------
@require_safe
def review_queue(request):
    if not permissions.reviews_reports(request.user):
        raise PermissionDenied("Chỉ đơn vị điều phối kế hoạch và Lãnh đạo Sở duyệt báo cáo.")
    user, today = request.user, _today()
    groups = selectors.review_queue_groups(user)
    # The body is served from the cache while nothing it shows has changed (page_cache.py).
    key = page_cache.queue_key(request=request, user=user, groups=groups, today=today)
    entry = html_get(key, page_cache.QUEUE)
    if entry is None:
        html, status = _review_queue_body(request, groups, today)
        html_set(key, page_cache.QUEUE, html, status=status)
    else:
        html, status = entry["html"], entry["status"]
    return render(request, "reports/review_queue.html", {"body": html}, status=status)


def _review_queue_body(request, groups: list[dict], today) -> tuple[str, int]:
    """The queue's body (groups, filter, units, a page of reports with their indicators judged) as
    HTML, with the response's status (400 when the filter had a bad value)."""
    user = request.user
    form = ReviewQueueFilterForm(request.GET, groups=groups)
    chosen = form.cleaned_data if form.is_valid() else {}
    plan_id, period_id = chosen.get("plan"), chosen.get("period")
    unit_rows = selectors.review_queue_units(user, plan_id=plan_id, period_id=period_id)
    waiting = {unit: count for unit, _name, count in unit_rows}
    unit_id = chosen.get("unit")
    if unit_id is not None and unit_id not in waiting:
        form.add_error("unit", "Đơn vị này không có báo cáo chờ bạn duyệt trong kế hoạch, kỳ đã chọn.")
        unit_id = None
    ids = selectors.review_queue(user, plan_id=plan_id, period_id=period_id, unit_id=unit_id)
    # Counted by the units' list the page reads anyway, never by a query of its own.
    count = waiting[unit_id] if unit_id is not None else sum(waiting.values())
    page = CountedPaginator(ids, REVIEW_QUEUE_PER_PAGE, count=count).get_page(chosen.get("page"))
    page.object_list = selectors.review_queue_rows(page.object_list, today)
    results = selectors.reports_indicator_results(page.object_list, user)
    for report in page.object_list:
        report.indicator_results = results[report.pk]
    context = {
        "form": form,
        "groups": groups,
        "total": sum(group["waiting"] for group in groups),
        "units": [(unit, name) for unit, name, _count in unit_rows],
        "chosen": {"plan": plan_id, "period": period_id, "unit": unit_id},
        "page": page,
        "query": query_without(request, "page"),
    }
    html = render_to_string(page_cache.QUEUE_TEMPLATE, context)
    return html, 400 if form.errors else 200


REVIEW_QUEUE_PER_PAGE = 50


PERIODS_PER_PAGE = 30


def _opened_message(opened: list) -> str:
    parts = [
        f"{'đã mở' if item.period_created else 'đã có từ trước'} kỳ {item.period.name} "
        f"(tạo {item.reports_created} báo cáo mới)"
        for item in opened
    ]
    return (", ".join(parts) + ".").capitalize()


def _period_page(request, *, open_form=None, add_form=None, status=200):
    user = request.user
    plans = selectors.plans_managed_by(user)
    open_form = open_form or PeriodOpenForm(initial={"year": _today().year}, plans=plans)
    add_form = add_form or PeriodAddForm(plans=plans)
    plan_filter = parse_id(request.GET.get("plan", ""))
    periods = selectors.periods_overview(permissions.coordinated_plans(user))
    if plan_filter is not None:
        periods = periods.filter(plan_id=plan_filter)
    page = Paginator(periods, PERIODS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # Counted over the shown periods' reports, kept in the cache while none of them changes.
    counts = cached(
        page_cache.period_counts_key(shown), page_cache.PERIOD_COUNTS, lambda: selectors.report_counts(shown)
    )
    page.object_list = selectors.with_counts(shown, counts)
    context = {
        "form": open_form,
        "add_form": add_form,
        "page": page,
        "plans": plans,
        "plan_filter": plan_filter,
        "query": query_without(request, "page"),
    }
    return render(request, "reports/period_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def period_list(request):
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied("Chỉ người điều phối một kế hoạch quản lý kỳ báo cáo của kế hoạch đó.")
    if request.method != "POST":
        return _period_page(request)
    form = PeriodOpenForm(request.POST, plans=selectors.plans_managed_by(request.user))
    if form.is_valid():
        try:
            opened = services.period_open(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _opened_message(opened))
            return redirect("reports:period_list")
    return _period_page(request, open_form=form, status=400)


@require_POST
def period_add(request):
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied("Chỉ người điều phối một kế hoạch quản lý kỳ báo cáo của kế hoạch đó.")
    form = PeriodAddForm(request.POST, plans=selectors.plans_managed_by(request.user))
    if form.is_valid():
        try:
            opened = services.period_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _opened_message([opened]))
            return redirect("reports:period_list")
    return _period_page(request, add_form=form, status=400)


@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    period = _or_404(selectors.period, pk, "Không tìm thấy kỳ báo cáo.")
    if not permissions.can_manage_periods(request.user, period.plan_id):
        raise PermissionDenied(
            f"Chỉ người điều phối kế hoạch {period.plan.code} sửa kỳ báo cáo của kế hoạch."
        )
    form = PeriodEditForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(period=period, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, f"Đã sửa kỳ {form.cleaned_data['name']}; các báo cáo được đánh giá theo hạn mới."
            )
            return redirect("reports:period_list")
    return render(
        request,
        "reports/period_edit.html",
        {"form": form, "period": period},
        status=400 if form.errors else 200,
    )


@require_POST
def period_toggle(request, pk):
    period = _or_404(selectors.period, pk, "Không tìm thấy kỳ báo cáo.")
    services.period_set_open(period=period, is_open=not period.is_open, by=request.user)
    state = "đã mở lại" if period.is_open else "đã đóng"
    messages.success(request, f"Kỳ {period.name} của {period.plan.code} {state}.")
    return redirect("reports:period_list")
