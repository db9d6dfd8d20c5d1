import html

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from kehoach.http import paths_of
from kehoach.text import days_left_text, lower_first, number_text, number_vi, person_name
from reports.states import EDITABLE_STATUSES

register = template.Library()


@register.filter
def vnd(amount):
    """12345678 → “12.345.678 đ”; nothing → “—”."""
    if amount is None or amount == "":
        return "—"
    return number_vi(amount) + " đ"


@register.filter
def number(value, decimals=None):
    """1250 → “1.250”, 83.4 → “83,4”: a count or a quantity as Vietnamese readers write it; text that
    is no number is shown as it is. `|number:indicator.decimals` writes exactly an indicator's
    decimals (“83,40”); nothing is shown as "" (follow with `|default:"—"` where a dash is due)."""
    return number_text(value, decimals)


@register.filter
def days_left(days):
    return days_left_text(days)


@register.filter
def is_owed(report) -> bool:
    """Whether the unit still has to send `report` (a draft, or returned to it)."""
    return report.status in EDITABLE_STATUSES


@register.filter
def lowerfirst(text):
    return lower_first(str(text or ""))


@register.filter
def lines(text):
    return [line for line in (text or "").splitlines() if line.strip()]


@register.filter
def history_type(record):
    return {"+": "Tạo mới", "~": "Sửa đổi", "-": "Xóa"}.get(record.history_type, record.history_type)


@register.filter
def state_label(value):
    from reports.models import TaskState

    return TaskState(value).label if value else ""


@register.filter
def state_short(value):
    from reports.states import SHORT_LABELS

    return SHORT_LABELS[value] if value else ""


@register.filter
def history_model(record):
    return record.instance_type._meta.verbose_name


@register.filter
def person(user):
    """A user's full name, else username; the system when there is nobody."""
    return person_name(user, nobody="hệ thống")


@register.simple_tag
def matrix_cells(cells, tasks):
    """The `<td>` cells of one row of the board's matrix, one per task of `tasks` (the columns).

    Written here rather than as a template loop: a board page draws over a thousand cells, and the
    template engine spent more time on them than the rest of the page together.
    """
    parts = []
    for task, cell in zip(tasks, cells, strict=True):
        number = escape(task.number)
        if cell is None:
            parts.append(
                f'<td data-label="NV {number}"><span class="muted" aria-label="Không phân công">—</span></td>'
            )
        else:
            parts.append(
                f'<td data-label="NV {number}"><a class="state state-{escape(cell.state)}" href="{escape(cell.url)}" '
                f'title="{escape(cell.title)}">{escape(cell.label)}</a></td>'
            )
    return mark_safe("".join(parts))


REPORTING_NOTES = {
    "named": ' <small class="muted">(không báo cáo)</small>',
    "members": ' <small class="muted">(từng thành viên báo cáo)</small>',
}


@register.simple_tag
def unit_names(units, empty=""):
    """The units a task names (reports.workflow.selectors.NamedUnit), each followed by “; ” and by
    how it reports when it is not a plain reporting unit; `empty` when there is none. Written here
    rather than as a template loop: a page of a large plan names hundreds of units."""
    if not units:
        return empty
    return mark_safe(
        "".join(f"{escape(unit.name)}{REPORTING_NOTES.get(unit.reporting, '')}; " for unit in units)
    )


def _paths(context, name: str):
    """`paths_of(name)`, once per rendering of a page (`kehoach.http.paths_of`)."""
    key = f"paths:{name}"
    paths = context.render_context.get(key)
    if paths is None:
        paths = context.render_context[key] = paths_of(name)
    return paths


def _report_url(context, pk: int) -> str:
    """The address of report `pk`, reversed once per rendering of a page."""
    return _paths(context, "reports:report_detail")(pk)


def _local_date(moment, pattern: str = "%d/%m/%Y") -> str:
    """An aware moment as the `date` filter writes it: in the site's time zone."""
    return timezone.localtime(moment).strftime(pattern)


@register.simple_tag(takes_context=True)
def unit_report_row(context, report):
    """One row of the unit's reports on the home page (`unit_reports_now`, each with `days_left`):
    the task and its period, a return's reason, the role, the deadline and what is left of it, the
    report's status and the task's state. Written here rather than in the template: a page holds
    fifty rows, and looking up each of their values in the template cost more than the rest of the
    page."""
    period, task = report.period, report.task
    returned = ""
    event = report.return_event()
    if event is not None:
        by = f" bởi {escape(event.actor_name)}" if event.actor_name else ""
        comment = f": <q>{escape(event.comment)}</q>" if event.comment else ""
        returned = (
            '<div class="notice notice-returned" role="note"><strong>Bị trả lại</strong> lúc '
            f"{_local_date(event.created_at, '%H:%M %d/%m/%Y')}{by}{comment}</div>"
        )
    if report.status in EDITABLE_STATUSES:
        css = "overdue" if report.days_left < 0 else "muted"
        left = f'<small class="{css}">{escape(days_left_text(report.days_left))}</small>'
    elif report.last_submitted_at:
        left = f'<small class="muted">đã gửi {_local_date(report.last_submitted_at)}</small>'
    else:
        left = ""
    url = _report_url(context, report.pk)
    return mark_safe(
        "<tr>"
        f'<td data-label="Nhiệm vụ"><a href="{url}">{escape(task.number)}. {escape(task.title)}</a><br>'
        f'<small class="muted">{escape(period.plan.code)} · {escape(period.name)}</small>{returned}</td>'
        f'<td data-label="Vai trò">{escape(report.get_role_display())}</td>'
        f'<td data-label="Hạn gửi">{period.deadline:%d/%m/%Y}<br>{left}</td>'
        f"{_status_state_cells(report)}</tr>"
    )


def _status_state_cells(report) -> str:
    """A report's status (`_status.html`) and its task's state (`_state.html`), as two cells."""
    late = ' <span class="status status-late">Gửi sau hạn</span>' if report.is_late else ""
    return (
        f'<td data-label="Báo cáo"><span class="status status-{escape(report.status)}">'
        f"{escape(report.get_status_display())}</span>{late}</td>"
        f'<td data-label="Tình trạng"><span class="state state-{escape(report.state)}">'
        f"{escape(state_label(report.state))}</span></td>"
    )


@register.simple_tag(takes_context=True)
def review_queue_row(context, report):
    """One row of the review queue (`/duyet/`): when the report was last sent (and whether its first
    sending was late), the unit, the task and its plan, the period, the task's state and its
    indicators judged at the period (`report.indicator_results`), each with its verdict as
    `_verdict.html` writes it. Written here rather than in the template: a page holds fifty rows,
    and drawing them cost more than reading them."""
    period, task = report.period, report.task
    sent = _local_date(report.last_submitted_at, "%d/%m/%Y %H:%M") if report.last_submitted_at else ""
    late = ' <span class="status status-late">sau hạn</span>' if report.is_late else ""
    indicators = (
        "".join(_indicator_result_text(result) for result in report.indicator_results)
        or '<span class="muted">—</span>'
    )
    url = _report_url(context, report.pk)
    return mark_safe(
        f'<tr><td data-label="Gửi lúc">{sent}{late}</td>'
        f'<td data-label="Đơn vị">{escape(report.unit_name)}</td>'
        f'<td data-label="Nhiệm vụ"><a href="{url}">{escape(task.number)}. {escape(task.title)}</a><br>'
        f'<small class="muted">{escape(period.plan.code)}</small></td>'
        f'<td data-label="Kỳ">{escape(period.name)}</td>'
        f'<td data-label="Tình trạng"><span class="state state-{escape(report.state)}">'
        f"{escape(state_label(report.state))}</span></td>"
        f'<td data-label="Chỉ tiêu">{indicators}</td></tr>'
    )


def _indicator_result_text(result) -> str:
    """An indicator judged for a report, in a `<div>`: its name, what was achieved, the target when
    one applies, the unit of measure and the verdict."""
    indicator, verdict = result.indicator, result.verdict
    actual = number_text(result.actual, indicator.decimals) or "—"
    target = ""
    if result.target:
        target = " / " + escape(number_text(result.target_value, indicator.decimals) or "—")
    return (
        f"<div>{escape(indicator.name)}: {escape(actual)}{target} {escape(indicator.unit_of_measure)} "
        f'<span class="verdict verdict-{escape(verdict.value)}">{escape(verdict.label)}</span></div>'
    )


@register.simple_tag
def assignment_rows(assignments):
    """The rows of a task's assignments on its page: the unit (a group said so), the role, the note."""
    parts = []
    for assignment in assignments:
        unit = assignment.unit
        group = ' <small class="muted">(nhóm đơn vị)</small>' if unit.is_group else ""
        parts.append(
            f'<tr><td data-label="Đơn vị">{escape(unit.name)}{group}</td>'
            f'<td data-label="Vai trò">{escape(assignment.get_role_display())}</td>'
            f'<td data-label="Ghi chú">{escape(assignment.note)}</td></tr>'
        )
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def task_report_row(context, report):
    """One row of a period's reports on the task's page: the unit, its role, the report's status
    and the task's state. Written here for the same reason as `unit_report_row`: a busy task has a
    hundred units."""
    url = _report_url(context, report.pk)
    return mark_safe(
        f'<tr><td data-label="Đơn vị"><a href="{url}">{escape(report.unit_name)}</a></td>'
        f'<td data-label="Vai trò">{escape(report.get_role_display())}</td>'
        f"{_status_state_cells(report)}</tr>"
    )


@register.simple_tag(takes_context=True)
def period_row(context, period):
    """One row of the periods' page: the period, its plan, deadline and window, its reports counted
    (`total`, `submitted`, `accepted`), and its links to edit it and to close or reopen it. Written
    here for the same reason as `task_report_row`: a template row of two addresses, a form and six
    numbers and dates, thirty times, cost more than the rest of the page."""
    name, code = escape(period.name), escape(period.plan.code)
    closed = "" if period.is_open else ' <small class="muted">(đã đóng)</small>'
    confirm = (
        f' data-confirm="Đóng kỳ {name} của {code}? Khi kỳ đã đóng, các đơn vị không sửa, gửi báo cáo '
        'của kỳ này được nữa."'
        if period.is_open
        else ""
    )
    csrf = escape(str(context.get("csrf_token", "")))
    return mark_safe(
        f'<tr><td data-label="Kỳ">{name}{closed}</td><td data-label="Kế hoạch">{code}</td>'
        f'<td data-label="Hạn gửi">{period.deadline:%d/%m/%Y}</td>\n'
        f'        <td data-label="Số liệu">{period.cutoff_from:%d/%m/%Y} – {period.cutoff_to:%d/%m/%Y}</td>'
        f'<td data-label="Báo cáo">{number_text(period.total)}</td>'
        f'<td data-label="Chờ duyệt">{number_text(period.submitted)}</td>'
        f'<td data-label="Đã chấp nhận">{number_text(period.accepted)}</td>\n'
        f'        <td><a href="{_paths(context, "reports:period_edit")(period.pk)}">Sửa</a> ·\n'
        f'          <form method="post" action="{_paths(context, "reports:period_toggle")(period.pk)}" class="inline">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        f'<button type="submit" class="link"{confirm}>{"Đóng kỳ" if period.is_open else "Mở lại kỳ"}</button>'
        "</form></td></tr>"
    )


def _paragraphs(text) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines(text))


@register.simple_tag(takes_context=True)
def escalation_card(context, report, can_direct):
    """One report on the page of difficulties raised to the Director: its unit, task and period,
    the difficulties and proposals, the directions given, and (`can_direct`) the form to give one.
    Written here for the same reason as `period_row`: thirty cards drawn by the template cost three
    times the rest of the page."""
    task, period = report.task, report.period
    report_path = _report_url(context, report.pk)
    parts = [
        '<article class="card">\n'
        f'  <h2><a href="{report_path}">{escape(report.unit_name)} — nhiệm vụ {escape(task.number)}. '
        f"{escape(task.title)}</a></h2>\n"
        f'  <p class="muted">{escape(period.plan.code)} · {escape(lower_first(period.name))} · gửi '
        f"{_local_date(report.last_submitted_at, '%d/%m/%Y %H:%M')} · {escape(report.get_status_display())}</p>\n"
        "  <h3>Khó khăn, vướng mắc</h3>\n  ",
        _paragraphs(report.difficulties) or '<p class="muted">Đơn vị không ghi nội dung.</p>',
        "\n  ",
    ]
    if report.proposals:
        parts.append(f"<h3>Kiến nghị, đề xuất</h3>{_paragraphs(report.proposals)}")
    parts.append("\n  ")
    directions = [
        f'\n  <div class="direction"><strong>Ý kiến chỉ đạo của {escape(direction.author_name)}</strong> '
        f'<small class="muted">{_local_date(direction.created_at, "%d/%m/%Y %H:%M")}</small>\n'
        f"    {_paragraphs(direction.text)}</div>\n  "
        for direction in report.directions.all()
    ]
    parts.append("".join(directions) or '<p class="overdue">Chưa có ý kiến chỉ đạo.</p>')
    parts.append("\n  ")
    if can_direct:
        request = context.get("request")
        parts.append(
            '\n  <form method="post" '
            f'action="{_paths(context, "reports:direction_add")(report.pk)}">\n'
            f'    <input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(context.get("csrf_token", "")))}">'
            f'<input type="hidden" name="next" value="{escape(request.get_full_path()) if request else ""}">\n'
            f'    <div class="field"><label for="chi-dao-{report.pk}">Ý kiến chỉ đạo</label>'
            f'<textarea id="chi-dao-{report.pk}" name="text" rows="3" maxlength="5000" required></textarea></div>\n'
            '    <button type="submit" class="primary">Ghi ý kiến chỉ đạo</button>\n'
            "  </form>\n  "
        )
    parts.append("\n</article>\n")
    return mark_safe("".join(parts))


@register.simple_tag
def trend_cells(results, decimals):
    """The `<td>` cells of one indicator's row on the plan's indicator page, one per (period, result)
    of `results`: what was achieved, the target when one applies, and the verdict (as
    `_verdict.html` writes it). Written here rather than as a template loop with an include per
    cell: a page holds hundreds of cells."""
    parts = []
    for period, result in results:
        actual = number_text(result.actual, decimals) or "—"
        target = ""
        if result.target:
            target = " / " + escape(number_text(result.target_value, decimals) or "—")
        verdict = result.verdict
        parts.append(
            f'<td data-label="{escape(period.name)}" class="number">{escape(actual)}{target}<br>'
            f'<span class="verdict verdict-{escape(verdict.value)}">{escape(verdict.label)}</span></td>'
        )
    return mark_safe("".join(parts))


@register.simple_tag
def options(choices, selected=None):
    """The `<option>`s of a long select (a province's units): value, label, the selected one marked.
    A template loop spent as long on three hundred options as on the rest of the board."""
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )


@register.filter
def get_value(mapping, key):
    """`mapping[key]`, or None when it has no such key."""
    return mapping.get(key) if mapping else None


def _escaped(value) -> str:
    """`value` as the template's auto-escaping writes it: text escaped, HTML marked safe kept."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


@register.simple_tag
def textarea_field(field):
    """A text area of a form with its label, help and errors, as `reports/_field.html` writes it
    (the same HTML: tests/reports/test_textarea_field.py), written here rather than through the
    widget's templates: the consolidated report's form has a box for each of a plan's tasks, and
    drawing a hundred of them through templates cost more than the rest of the page."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    # As django/forms/widgets/attrs.html writes them: in their order, True as a bare name.
    attributes = "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in context["attrs"].items()
        if value is not False
    )
    parts = [
        f'<div class="field{" has-error" if field.errors else ""}">',
        f'<label for="{_escaped(field.id_for_label)}">{_escaped(field.label)}</label>'
        f'<textarea name="{_escaped(context["name"])}"{attributes}>\n{_escaped(context["value"] or "")}</textarea>',
    ]
    if field.help_text:
        at = f' id="{_escaped(field.auto_id)}_helptext"' if field.auto_id else ""
        parts.append(f'<small class="muted"{at}>{_escaped(field.help_text)}</small>')
    if field.errors:
        at = f' id="{_escaped(field.auto_id)}_error"' if field.auto_id else ""
        errors = "".join(f'<p class="field-error">{_escaped(error)}</p>' for error in field.errors)
        parts.append(f"<div{at}>{errors}</div>")
    return mark_safe("\n".join([*parts, "</div>\n"]))
