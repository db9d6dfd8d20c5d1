"""The tag `period_row` writes a row of the periods' page as the template loop it replaced did, for
an open and a closed period whose names need escaping."""

import datetime

import pytest
from django.template import Context, Template

from reports.models import ReportingPeriod
from tasks.models import Plan

# The row as the periods' page wrote it before the tag (templates/reports/period_list.html).
TEMPLATE_ROW = """{% load kehoach %}      <tr><td data-label="Kỳ">{{ period.name }}{% if not period.is_open %} <small class="muted">(đã đóng)</small>{% endif %}</td><td data-label="Kế hoạch">{{ period.plan.code }}</td><td data-label="Hạn gửi">{{ period.deadline|date:"d/m/Y" }}</td>
        <td data-label="Số liệu">{{ period.cutoff_from|date:"d/m/Y" }} – {{ period.cutoff_to|date:"d/m/Y" }}</td><td data-label="Báo cáo">{{ period.total|number }}</td><td data-label="Chờ duyệt">{{ period.submitted|number }}</td><td data-label="Đã chấp nhận">{{ period.accepted|number }}</td>
        <td><a href="{% url 'reports:period_edit' period.pk %}">Sửa</a> ·
          <form method="post" action="{% url 'reports:period_toggle' period.pk %}" class="inline">{% csrf_token %}<button type="submit" class="link"{% if period.is_open %} data-confirm="Đóng kỳ {{ period.name }} của {{ period.plan.code }}? Khi kỳ đã đóng, các đơn vị không sửa, gửi báo cáo của kỳ này được nữa."{% endif %}>{% if period.is_open %}Đóng kỳ{% else %}Mở lại kỳ{% endif %}</button></form></td></tr>
"""


def a_period(*, is_open: bool) -> ReportingPeriod:
    plan = Plan(pk=7, code='KH <b>"463"</b> & 2026')
    period = ReportingPeriod(
        pk=42,
        plan=plan,
        name="Quý I/2026 <script>",
        deadline=datetime.date(2026, 4, 5),
        cutoff_from=datetime.date(2026, 1, 1),
        cutoff_to=datetime.date(2026, 3, 31),
        is_open=is_open,
    )
    period.total, period.submitted, period.accepted = 12345, 0, 7
    return period


@pytest.mark.parametrize("is_open", [True, False], ids=["open", "closed"])
def test_the_tag_writes_what_the_template_did(is_open):
    context = {"period": a_period(is_open=is_open), "csrf_token": "tok<en>"}
    expected = Template(TEMPLATE_ROW).render(Context(context))
    written = Template("{% load kehoach %}      {% period_row period %}\n").render(Context(context))
    assert "Quý I/2026 &lt;script&gt;" in written and "12.345" in written and "/ky-bao-cao/42/sua/" in written
    assert written == expected
