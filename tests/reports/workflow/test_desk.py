"""What a unit is told on its pages: why a report came back, who sends it, when a period is closed,
and no red "overdue" for a report already sent.

The world: Kế hoạch 463 with 2026 open; on 20/10/2026 (before the 15/11 deadline) unless said.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.workflow.services import period_set_open
from tasks.models import Role, Unit
from tests.factories import PDF, UserFactory
from tests.helpers import REOPEN_COMMENT, RETURN_COMMENT, head_of, report_in


def page(client, user, path) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def returned_notice(html: str) -> str:
    found = re.search(r'<div class="notice notice-returned" role="note">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_a_returned_report_says_why_on_its_page_its_form_and_the_home_page(client, before_deadline, world):
    report = report_in(world, "returned", "ttkhcn", 1)

    for path in (f"/bao-cao/{report.pk}/", f"/bao-cao/{report.pk}/sua/", "/"):
        notice = returned_notice(page(client, world.ttkhcn_staff, path))
        assert "Bị trả lại" in notice, path
        assert f"<q>{RETURN_COMMENT}</q>" in notice, path


def test_a_reopened_report_says_why_too(client, before_deadline, world):
    reopened = report_in(world, "reopened", "qlcn", 3)

    notice = returned_notice(page(client, world.qlcn_head, f"/bao-cao/{reopened.pk}/"))

    assert f"<q>{REOPEN_COMMENT}</q>" in notice


def test_a_report_sent_or_accepted_shows_no_return_and_no_overdue(client, world, time_machine):
    # Given after the deadline, one report sent, one accepted after having been returned, one owed
    time_machine.move_to(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC), tick=False)
    report_in(world, "submitted", "ttkhcn", 1)
    report_in(world, "accepted", "ttkhcn", 3)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)

    html = page(client, world.ttkhcn_staff, "/")

    rows = {
        int(found.group(1)): found.group(0)
        for found in re.finditer(r'<a href="/bao-cao/\d+/">(\d+)\. .*?</tr>', html, re.S)
    }
    # (the task's own state may still be overdue: that is the work, not the report)
    assert 'class="overdue"' not in rows[1] and "đã gửi 20/10/2026" in rows[1]
    assert 'class="overdue"' not in rows[3]
    assert '<small class="overdue">quá hạn' in rows[4]
    assert not returned_notice(html)


def test_staff_are_told_that_their_head_sends_the_report_and_who_that_is(client, before_deadline, world):
    report = world.report("ttkhcn", 1)
    head = world.ttkhcn_head

    staff_page = page(client, world.ttkhcn_staff, f"/bao-cao/{report.pk}/")
    head_page = page(client, head, f"/bao-cao/{report.pk}/")

    assert "chỉ lãnh đạo đơn vị gửi báo cáo đi" in staff_page
    assert head.get_full_name() in staff_page or head.username in staff_page
    assert "chỉ lãnh đạo đơn vị gửi báo cáo đi" not in head_page


def test_a_unit_with_no_head_is_told_to_ask_for_one(client, before_deadline, world):
    lhh_staff = UserFactory(username="lhh.canbo", unit=Unit.objects.get(code="lhh"), role=Role.STAFF)

    html = page(client, lhh_staff, f"/bao-cao/{world.report('lhh', 1).pk}/")

    assert "đơn vị chưa có tài khoản lãnh đạo" in html


def test_a_closed_period_is_explained_on_the_report_page(client, before_deadline, world):
    period_set_open(period=world.period, is_open=False, by=world.coordinator)

    html = page(client, world.ttkhcn_staff, f"/bao-cao/{world.report('ttkhcn', 1).pk}/")

    assert "Kỳ Năm 2026 đã đóng: báo cáo không còn sửa, gửi hay duyệt được." in html
    assert "chỉ lãnh đạo đơn vị gửi báo cáo đi" not in html


@pytest.mark.parametrize("path", ["/bao-cao/{pk}/", "/"])
def test_the_notices_cost_no_query_per_report(
    client, before_deadline, world, django_assert_max_num_queries, path
):
    for number in (1, 3, 4, 5):
        report_in(world, "returned", "ttkhcn", number)
    client.force_login(world.ttkhcn_staff)
    pk = world.report("ttkhcn", 1).pk
    client.get(path.format(pk=pk))
    with django_assert_max_num_queries(12):
        client.get(path.format(pk=pk))


@pytest.mark.parametrize(
    "unit, reviewer",
    [("ttkhcn", "Phòng Quản lý Khoa học"), ("qlkh", "Ban Giám đốc Sở Khoa học và Công nghệ")],
)
def test_sending_names_who_will_review_before_and_after(client, before_deadline, world, unit, reviewer):
    # The coordinating unit's own report goes to the leadership, not to itself.
    report = report_in(world, "draft", unit, 1)
    head = head_of(world, report)

    html = page(client, head, f"/bao-cao/{report.pk}/")
    response = client.post(f"/bao-cao/{report.pk}/gui/", {"comment": ""}, follow=True)

    assert f'data-confirm="Gửi báo cáo nhiệm vụ 1 đến {reviewer}?' in html
    assert f"Đã gửi báo cáo đến {reviewer}." in [str(m) for m in response.context["messages"]]


def test_the_edit_address_of_a_closed_period_says_why_it_is_refused(client, before_deadline, world):
    period_set_open(period=world.period, is_open=False, by=world.coordinator)
    client.force_login(world.ttkhcn_staff)

    response = client.get(f"/bao-cao/{world.report('ttkhcn', 1).pk}/sua/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Kỳ báo cáo Năm 2026 đã đóng" in html
    assert "đề nghị Phòng Quản lý Khoa học mở lại kỳ" in html


def edit_data(report, **extra) -> dict:
    return {
        "version": report.version,
        "results": "Đã tổ chức 2 hội thảo.",
        "completion": "in_progress",
        "progress": "40",
        **extra,
    }


def test_evidence_can_be_sent_with_the_edit_form(client, before_deadline, world, media_root):
    report = world.report("ttkhcn", 1)
    client.force_login(world.ttkhcn_staff)
    page_html = client.get(f"/bao-cao/{report.pk}/sua/").content.decode()
    assert 'enctype="multipart/form-data"' in page_html and 'type="file" name="file"' in page_html

    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/bao-cao/{report.pk}/sua/", {**edit_data(report), "file": upload}, follow=True)

    assert "Đã lưu báo cáo và thêm tệp minh chứng." in response.content.decode()
    assert list(report.evidence.values_list("original_name", flat=True)) == ["bien-ban.pdf"]
    report.refresh_from_db()
    assert report.results == "Đã tổ chức 2 hội thảo."


def test_a_refused_file_on_the_edit_form_saves_nothing_and_keeps_the_text(
    client, before_deadline, world, media_root
):
    report = world.report("ttkhcn", 1)
    client.force_login(world.ttkhcn_staff)
    upload = SimpleUploadedFile(
        "trang.html", b"<html><script>alert(1)</script></html>", content_type="text/html"
    )

    response = client.post(f"/bao-cao/{report.pk}/sua/", {**edit_data(report), "file": upload})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Đã tổ chức 2 hội thảo." in html  # what was typed is still on the page
    assert "tệp minh chứng không được nhận" in html
    assert 'id="id_evidence_file_error"' in html
    report.refresh_from_db()
    assert report.results != "Đã tổ chức 2 hội thảo."
    assert not report.evidence.exists()


def test_updated_by_names_whoever_acted_last_the_reviewer_included(client, before_deadline, world):
    report = report_in(world, "returned", "ttkhcn", 1)

    assert report.updated_by == world.coordinator
    world.coordinator.last_name, world.coordinator.first_name = "Trần Thị", "Điều"
    world.coordinator.save()
    html = page(client, world.ttkhcn_staff, f"/bao-cao/{report.pk}/")
    assert "bởi Trần Thị Điều" in html
