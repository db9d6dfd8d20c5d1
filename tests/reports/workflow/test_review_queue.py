"""The coordinator's review queue: a page at a time, the oldest sent first, by plan, period and unit."""

import datetime
import re

import pytest

from reports.models import ReportStatus, TaskReport
from reports.workflow import views
from reports.workflow.forms import ReviewQueueFilterForm
from reports.workflow.services import period_open

pytestmark = pytest.mark.django_db

QUEUE = "/duyet/"


def _send(reports, start: datetime.datetime) -> list[int]:
    """Put `reports` in the queue as sent, one minute apart in the given order; their pks in order."""
    pks = []
    for minute, report in enumerate(reports):
        TaskReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.SUBMITTED,
            submitted_at=start + datetime.timedelta(minutes=minute),
            last_submitted_at=start + datetime.timedelta(minutes=minute),
        )
        pks.append(report.pk)
    return pks


def _listed(html: str) -> list[int]:
    """The reports of the list, in the page's order."""
    body = html.split("gửi sớm nhất trước", 1)[1]
    return [int(pk) for pk in re.findall(r'href="/bao-cao/(\d+)/"', body)]


def _reviewed_by_coordinator(world, period=None):
    """The reports of `period` the coordinator reviews (every unit's but the coordinating unit's)."""
    return list(
        TaskReport.objects.filter(period=period or world.period)
        .exclude(unit=world.plan.coordinating_unit)
        .order_by("-pk")
    )


def test_the_queue_is_shown_a_page_at_a_time_the_oldest_sent_first(client, world, monkeypatch):
    # Given more reports waiting than a page holds, sent in an order unlike their ids
    monkeypatch.setattr(views, "REVIEW_QUEUE_PER_PAGE", 10)
    reports = _reviewed_by_coordinator(world)[:15]
    sent = _send(reports, datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC))
    client.force_login(world.coordinator)

    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE + "?page=2").content.decode()

    assert _listed(first) == sent[:10]
    assert _listed(second) == sent[10:]
    assert "Trang 1/2" in first and "Trang sau" in first and "Trang trước" not in first
    assert "Trang 2/2" in second and "Trang trước" in second
    assert f"({len(sent)} báo cáo)" in first


def test_the_queue_filters_by_unit(client, world):
    reports = _reviewed_by_coordinator(world)[:30]
    _send(reports, datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC))
    unit = reports[0].unit
    client.force_login(world.coordinator)

    response = client.get(QUEUE, {"unit": unit.pk})

    assert response.status_code == 200
    expected = [r.pk for r in sorted(reports, key=lambda r: -r.pk) if r.unit_id == unit.pk]
    assert sorted(_listed(response.content.decode())) == sorted(expected)
    assert f'<option value="{unit.pk}" selected>' in response.content.decode()


def test_the_queue_groups_and_filters_by_plan_and_period(client, world):
    # Given reports waiting in two periods, the older period's sent later
    earlier = period_open(plan=world.plan, year=2025, by=world.coordinator).period
    this_year = _send(
        _reviewed_by_coordinator(world)[:3], datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    )
    last_year = _send(
        _reviewed_by_coordinator(world, earlier)[:2], datetime.datetime(2026, 10, 2, tzinfo=datetime.UTC)
    )
    client.force_login(world.coordinator)

    everything = client.get(QUEUE).content.decode()
    one_period = client.get(QUEUE, {"plan": world.plan.pk, "period": earlier.pk}).content.decode()

    # Each period is a group with its count, the one sent to first listed first
    groups = everything.split("Theo kế hoạch và kỳ", 1)[1].split("</table>", 1)[0]
    assert groups.index(world.period.name) < groups.index(earlier.name)
    assert re.search(rf"{earlier.name}</a></td>.*?<td data-label=\"Chờ duyệt\">2</td>", groups, re.S)
    assert _listed(everything) == this_year + last_year
    assert _listed(one_period) == last_year


@pytest.mark.parametrize(
    "query, message",
    [
        ({"plan": "999999"}, "Kế hoạch này không có báo cáo chờ bạn duyệt."),
        ({"period": "²"}, "Kỳ báo cáo này không có báo cáo chờ bạn duyệt."),
        ({"unit": "999999"}, "Đơn vị này không có báo cáo chờ bạn duyệt"),
        ({"unit": "abc"}, "Mã đơn vị không hợp lệ."),
        ({"page": "-1"}, "Số trang không hợp lệ."),
    ],
)
def test_a_bad_filter_is_reported_and_the_queue_shown_unfiltered(client, world, query, message):
    sent = _send(_reviewed_by_coordinator(world)[:3], datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC))
    client.force_login(world.coordinator)

    response = client.get(QUEUE, query)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bộ lọc có giá trị không hợp lệ" in html and message in html
    assert _listed(html) == sent


def test_a_period_of_another_plan_than_the_one_chosen_is_refused():
    groups = [
        {"period_id": 1, "period__plan_id": 10, "period__plan__code": "kh-a", "period__name": "Năm 2026"},
        {"period_id": 2, "period__plan_id": 20, "period__plan__code": "kh-b", "period__name": "Quý I/2026"},
    ]

    mismatched = ReviewQueueFilterForm({"plan": "10", "period": "2"}, groups=groups)
    matched = ReviewQueueFilterForm({"plan": "20", "period": "2"}, groups=groups)

    assert not mismatched.is_valid()
    assert mismatched.errors["period"] == ["Kỳ báo cáo này không thuộc kế hoạch đã chọn."]
    assert matched.is_valid() and matched.cleaned_data["period"] == 2


def test_an_empty_queue_says_so(client, world):
    client.force_login(world.coordinator)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert "Không có báo cáo nào chờ bạn duyệt." in response.content.decode()


def test_a_row_shows_its_report_with_every_text_escaped_and_a_late_sending_marked(client, world):
    # Given a report waiting, first sent after its period's deadline, with markup in its texts
    report = _reviewed_by_coordinator(world)[0]
    late = datetime.datetime.combine(
        report.period.deadline + datetime.timedelta(days=3), datetime.time(9, 30), tzinfo=datetime.UTC
    )
    _send([report], late)
    TaskReport.objects.filter(pk=report.pk).update(unit_name="<b>Sở & Ban</b>")
    report.task.title = '<script>alert("x")</script>'
    report.task.save(update_fields=["title"])
    client.force_login(world.coordinator)

    html = client.get(QUEUE).content.decode()
    row = html.split("gửi sớm nhất trước", 1)[1]

    assert "&lt;b&gt;Sở &amp; Ban&lt;/b&gt;" in row and "<b>Sở" not in row
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in row and "<script>" not in row
    # The time in the site's zone (Asia/Ho_Chi_Minh, 7 hours ahead of UTC), dd/mm/yyyy.
    assert f"{late.astimezone(datetime.timezone(datetime.timedelta(hours=7))):%d/%m/%Y %H:%M}" in row
    assert '<span class="status status-late">sau hạn</span>' in row
    assert f'href="/bao-cao/{report.pk}/"' in row


def test_the_index_of_the_reports_waiting_holds_what_the_queue_reviews():
    # The queue is read from report_waiting only while its condition is the status a review starts from.
    from reports.states import TRANSITIONS

    index = next(index for index in TaskReport._meta.indexes if index.name == "report_waiting")
    assert TRANSITIONS["accept"].sources == {ReportStatus.SUBMITTED}
    assert index.condition.children == [("status", ReportStatus.SUBMITTED)]
