"""The consolidated report's page and form kept in the cache (reports.consolidated.preview): served
again while nothing they show has changed, drawn afresh on the next request after any change (a unit
report, however written; the office's edits; another page of tasks), an issued edition served without
reading its frozen copy again.

Transactional tests: the cache is only used outside a transaction, and PostgreSQL replaces a stamp
when the change is committed, as in production.
"""

import datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.consolidated import preview, views
from reports.consolidated.services import consolidated_issue, consolidated_save
from reports.models import Completion, TaskReport
from tasks.models import Task
from tests.helpers import calls_of, report_in
from tests.reports.consolidated.test_consolidated import scope_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drawn(monkeypatch):
    """How many times the document and the form's results were drawn rather than served."""
    return {
        "document": calls_of(monkeypatch, preview, "body_html"),
        "form": calls_of(monkeypatch, preview, "compose"),
    }


def get(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def detail_url(world, query=""):
    return reverse("reports:consolidated_detail", args=[world.plan.pk, world.period.key]) + query


def test_the_page_asked_again_is_served_until_a_unit_report_changes(client, year, drawn):
    url = detail_url(year)
    page, first = get(client, year.coordinator, url)
    again, served = get(client, year.leadership, url)

    assert len(drawn["document"]) == 1
    assert "Tổ chức 2 hội nghị quán triệt." in page
    assert (
        again.split('<article class="card document official">')[1]
        == page.split('<article class="card document official">')[1]
    )
    assert served < first

    # A unit's result accepted (by a bulk update, as any path may write it) shows on the next request
    report_in(
        year,
        "accepted",
        "qlkh",
        4,
        results="Đặt hàng 3 nhiệm vụ khoa học.",
        completion=Completion.DONE,
        completed_on=datetime.date(2026, 10, 1),
    )
    changed, _ = get(client, year.coordinator, url)
    assert len(drawn["document"]) == 2 and "Đặt hàng 3 nhiệm vụ khoa học." in changed

    TaskReport.objects.filter(pk=year.report("qlkh", 4).pk).update(results="Đặt hàng 4 nhiệm vụ khoa học.")
    corrected, _ = get(client, year.coordinator, url)
    assert len(drawn["document"]) == 3 and "Đặt hàng 4 nhiệm vụ khoa học." in corrected
    get(client, year.coordinator, url)
    assert len(drawn["document"]) == 3


def test_the_offices_edits_and_each_page_of_tasks_are_drawn_on_their_own(client, year, drawn):
    url = detail_url(year)
    get(client, year.coordinator, url)
    task_1 = Task.objects.get(plan=year.plan, number=1)

    consolidated_save(
        scope=scope_of(year.period),
        by=year.coordinator,
        version=0,
        data={"direction": "Sở đã ban hành văn bản hướng dẫn."},
        results={task_1.pk: "Kết quả do Phòng viết lại."},
    )
    edited, _ = get(client, year.coordinator, url)
    assert len(drawn["document"]) == 2
    assert "Kết quả do Phòng viết lại." in edited and "Sở đã ban hành văn bản hướng dẫn." in edited

    get(client, year.coordinator, url + "?page=2")
    assert len(drawn["document"]) == 3


def test_an_issued_edition_is_served_without_reading_its_frozen_copy_again(client, year, drawn):
    issued = consolidated_issue(
        scope=scope_of(year.period),
        by=year.coordinator,
        version=0,
        number="245",
        issued_on=datetime.date(2026, 10, 20),
        signer_title="GIÁM ĐỐC",
        signer_name="Đoàn Tấn Đạt",
    )
    url = reverse("reports:consolidated_edition", args=[year.plan.pk, year.period.key, issued.edition])
    page, first = get(client, year.coordinator, url)
    # A unit report changed after the issue changes nothing of the edition
    TaskReport.objects.filter(pk=year.report("ttkhcn", 1).pk).update(results="Viết lại sau khi ban hành.")
    with CaptureQueriesContext(connection) as queries:
        again, served = get(client, year.leadership, url)

    assert len(drawn["document"]) == 1
    assert "Tổ chức 2 hội nghị quán triệt." in again and "Viết lại sau khi ban hành." not in again
    assert served < first
    assert not any('"snapshot"' in query["sql"] for query in queries.captured_queries)


def test_the_forms_results_are_served_until_a_unit_report_changes(client, year, drawn):
    url = reverse("reports:consolidated_edit", args=[year.plan.pk, year.period.key])
    form, _ = get(client, year.coordinator, url)
    again, _ = get(client, year.coordinator, url)
    assert len(drawn["form"]) == 1
    assert "Tổ chức 2 hội nghị quán triệt." in form and "Tổ chức 2 hội nghị quán triệt." in again

    TaskReport.objects.filter(pk=year.report("ttkhcn", 1).pk).update(results="Tổ chức 3 hội nghị.")
    changed, _ = get(client, year.coordinator, url)
    assert len(drawn["form"]) == 2 and "Tổ chức 3 hội nghị." in changed


def test_the_forms_boxes_are_served_as_drawn_until_what_they_show_changes(client, year, monkeypatch):
    """The hundred result boxes, drawn, kept and served again: the same HTML, without building the
    form's fields or reading the tasks; drawn again after a unit's report, a task's title or the
    office's edits change."""
    boxes = calls_of(monkeypatch, views, "_boxes")
    url = reverse("reports:consolidated_edit", args=[year.plan.pk, year.period.key])
    form, first = get(client, year.coordinator, url)
    with CaptureQueriesContext(connection) as queries:
        again, served = get(client, year.coordinator, url)
    assert len(boxes) == 1
    assert again == form.replace(csrf_of(form), csrf_of(again))
    assert served < first
    assert not any('FROM "tasks_task"' in query["sql"] for query in queries.captured_queries)

    TaskReport.objects.filter(pk=year.report("ttkhcn", 1).pk).update(results="Tổ chức 3 hội nghị.")
    assert "Tổ chức 3 hội nghị." in get(client, year.coordinator, url)[0]
    Task.objects.filter(plan=year.plan, number=2).update(title="Nhiệm vụ Tà Xùa")
    assert "2. Nhiệm vụ Tà Xùa" in get(client, year.coordinator, url)[0]
    assert len(boxes) == 3

    # The office writes task 1's result itself
    task = Task.objects.get(plan=year.plan, number=1)
    consolidated_save(
        scope=scope_of(year.period),
        by=year.coordinator,
        version=0,
        data={},
        results={task.pk: "Phòng tự viết."},
    )
    assert "Phòng tự viết." in get(client, year.coordinator, url)[0]
    assert len(boxes) == 4

    # Sent back with an error: the boxes hold what was sent, never the kept ones
    client.force_login(year.coordinator)
    sent = client.post(url, {"version": "x", f"result_{task.pk}": "Gửi lại <b>đậm</b>"})
    assert sent.status_code == 400
    assert "Gửi lại &lt;b&gt;đậm&lt;/b&gt;" in sent.content.decode()
    assert "Phòng tự viết." in get(client, year.coordinator, url)[0]


def csrf_of(page: str) -> str:
    return page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_a_cache_that_fails_is_a_page_drawn_from_the_database(client, year, drawn, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("the cache's table is locked")

    monkeypatch.setattr("kehoach.cache.cache.get", broken)
    monkeypatch.setattr("kehoach.cache.cache.set", broken)

    page, _ = get(client, year.coordinator, detail_url(year))
    get(client, year.coordinator, detail_url(year))

    assert len(drawn["document"]) == 2 and "Tổ chức 2 hội nghị quán triệt." in page
