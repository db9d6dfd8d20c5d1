"""The tag `escalation_card` writes a report on the page of difficulties raised to the Director as
the template it replaced did (white space between tags aside), with and without proposals,
directions and the form to give one, for texts that need escaping."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from reports.models import Direction, ReportingPeriod, ReportStatus, TaskReport
from tasks.models import Plan, Task

# The card as the page wrote it before the tag (templates/reports/escalation_list.html).
TEMPLATE_CARD = """{% load kehoach %}<article class="card">
  <h2><a href="{% url 'reports:report_detail' report.pk %}">{{ report.unit_name }} — nhiệm vụ {{ report.task.number }}. {{ report.task.title }}</a></h2>
  <p class="muted">{{ report.period.plan.code }} · {{ report.period.name|lowerfirst }} · gửi {{ report.last_submitted_at|date:"d/m/Y H:i" }} · {{ report.get_status_display }}</p>
  <h3>Khó khăn, vướng mắc</h3>
  {% for line in report.difficulties|lines %}<p>{{ line }}</p>{% empty %}<p class="muted">Đơn vị không ghi nội dung.</p>{% endfor %}
  {% if report.proposals %}<h3>Kiến nghị, đề xuất</h3>{% for line in report.proposals|lines %}<p>{{ line }}</p>{% endfor %}{% endif %}
  {% for direction in report.directions.all %}
  <div class="direction"><strong>Ý kiến chỉ đạo của {{ direction.author_name }}</strong> <small class="muted">{{ direction.created_at|date:"d/m/Y H:i" }}</small>
    {% for line in direction.text|lines %}<p>{{ line }}</p>{% endfor %}</div>
  {% empty %}<p class="overdue">Chưa có ý kiến chỉ đạo.</p>{% endfor %}
  {% if can_direct %}
  <form method="post" action="{% url 'reports:direction_add' report.pk %}">
    {% csrf_token %}<input type="hidden" name="next" value="{{ request.get_full_path }}">
    <div class="field"><label for="chi-dao-{{ report.pk }}">Ý kiến chỉ đạo</label><textarea id="chi-dao-{{ report.pk }}" name="text" rows="3" maxlength="5000" required></textarea></div>
    <button type="submit" class="primary">Ghi ý kiến chỉ đạo</button>
  </form>
  {% endif %}
</article>
"""


def spaced(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def a_report(*, difficulties: str, proposals: str, directions: list[str]) -> TaskReport:
    moment = timezone.make_aware(datetime.datetime(2026, 11, 14, 23, 30), datetime.UTC)
    period = ReportingPeriod(pk=3, name="Năm 2026 <i>", plan=Plan(pk=1, code="KH & <463>"))
    report = TaskReport(
        pk=99,
        unit_name='Sở "Tài chính" & <b>',
        task=Task(pk=5, number="4.1", title="Đặt <hàng>"),
        period=period,
        status=ReportStatus.SUBMITTED,
        last_submitted_at=moment,
        difficulties=difficulties,
        proposals=proposals,
    )
    report._prefetched_objects_cache = {
        "directions": [
            Direction(pk=i, report=report, text=text, author_name="Giám đốc <Sở>", created_at=moment)
            for i, text in enumerate(directions, 1)
        ]
    }
    return report


@pytest.mark.parametrize(
    "report",
    [
        a_report(difficulties="Thiếu <kinh phí>\n\nvà người", proposals="", directions=[]),
        a_report(
            difficulties="", proposals="Bổ sung & điều chỉnh", directions=["Đồng ý.\nGiao <QLKH>.", "Lần 2"]
        ),
    ],
    ids=["no direction", "directions and proposals"],
)
@pytest.mark.parametrize("can_direct", [True, False])
def test_the_tag_writes_what_the_template_did(report, can_direct):
    request = RequestFactory().get("/chi-dao/?cho=1&page=2")
    context = {"report": report, "can_direct": can_direct, "csrf_token": "tok<en>", "request": request}
    expected = Template(TEMPLATE_CARD).render(Context(context))
    written = Template("{% load kehoach %}{% escalation_card report can_direct %}").render(Context(context))
    assert "gửi 15/11/2026 06:30" in written  # in the site's time zone
    assert ("Giám đốc &lt;Sở&gt;" in written) == bool(report.directions.all())
    assert ("/chi-dao/?cho=1&amp;page=2" in written) == can_direct
    assert spaced(written) == spaced(expected)
