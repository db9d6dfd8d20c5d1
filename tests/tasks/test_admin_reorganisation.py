"""The admin's reorganisation: the action on the unit list, the page with its preview, the
confirmation, and bad input (which changes nothing and says why)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kehoach.spreadsheets import Column, Sheet, workbook_bytes
from tasks.models import Assignment, GroupMembership, Unit, UnitKind
from tests.factories import UserFactory
from tests.helpers import rows

PAGE = "admin:tasks_unit_reorganise"


@pytest.fixture
def admin(client, world):
    client.force_login(world.admin)
    Unit.objects.create(code="ttudkhcn", name="Trung tâm Ứng dụng và Đổi mới sáng tạo", kind=UnitKind.CENTRE)
    return client


def everything():
    return rows(Unit, GroupMembership, Assignment)


def texts(response) -> str:
    return response.content.decode()


def test_the_action_leads_to_the_page_with_the_units_chosen(admin):
    ttkhcn = Unit.objects.get(code="ttkhcn")
    listing = texts(admin.get(reverse("admin:tasks_unit_changelist")))
    assert "Tổ chức lại đơn vị" in listing and "Nhập" in listing and "Xuất" in listing

    response = admin.post(
        reverse("admin:tasks_unit_changelist"),
        {"action": "reorganise_selected", "_selected_action": [ttkhcn.pk]},
    )

    assert response.status_code == 302
    page = admin.get(response["Location"])
    assert "Đơn vị kế thừa của Trung tâm Khoa học và Công nghệ" in texts(page)


def test_preview_then_confirm(admin):
    ttkhcn = Unit.objects.get(code="ttkhcn")
    before = everything()

    preview = admin.post(
        reverse(PAGE),
        {"don_vi": ttkhcn.pk, f"successor_{ttkhcn.pk}": "ttudkhcn", "on": "01/07/2026"},
    )

    assert preview.status_code == 200
    assert "Trung tâm Khoa học và Công nghệ kết thúc hoạt động ngày 30/06/2026" in texts(preview)
    assert "Xác nhận tổ chức lại" in texts(preview)
    assert everything() == before

    done = admin.post(
        reverse(PAGE), {"step": "confirm", "mappings": preview.context["mappings"]}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse("admin:tasks_unit_changelist")
    assert "Đã tổ chức lại 1 đơn vị." in texts(done)
    assert Unit.objects.get(code="ttkhcn").valid_to == datetime.date(2026, 6, 30)


def test_a_sheet_of_mappings_is_accepted_on_the_page(admin):
    content = workbook_bytes(
        [
            Sheet(
                "Tổ chức lại",
                [Column(h, "text", 20) for h in ("Mã đơn vị cũ", "Mã đơn vị kế thừa", "Từ ngày")],
                [["ttkhcn", "ttudkhcn", "01/07/2026"]],
            )
        ]
    )
    preview = admin.post(reverse(PAGE), {"sheet": SimpleUploadedFile("to-chuc-lai.xlsx", content)})

    assert "Trung tâm Ứng dụng và Đổi mới sáng tạo" in texts(preview)
    assert json.loads(preview.context["mappings"]) == [["ttkhcn", "ttudkhcn", "2026-07-01", "", ""]]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"on": "31/02/2026"}, "Hãy ghi ngày dạng dd/mm/yyyy"),
        ({}, "Hãy chọn đơn vị trong danh sách, hoặc tải lên bảng tính"),
        ({"on": "01/01/1900", "don_vi": "TTKHCN"}, "phải trong khoảng từ 01/01/2000"),
        ({"step": "confirm", "mappings": "[1, 2"}, "Dữ liệu xác nhận không đọc được"),
        ({"step": "confirm", "mappings": '{"a": "bcdef"}'}, "Dữ liệu xác nhận không đọc được"),
        ({"step": "confirm", "mappings": '[["ttkhcn", "", "0001-01-01", "", ""]]'}, "phải trong khoảng"),
        (
            {"step": "confirm", "mappings": '[["ttkhcn", "", "2026-07-01", "", ""]]'},
            "không còn đơn vị chủ trì",
        ),
    ],
    ids=["bad-date", "nothing", "old-date", "broken-json", "json-dict", "year-one", "no-lead-left"],
)
def test_bad_input_is_refused_with_the_reason_and_changes_nothing(admin, data, reason):
    if data.get("don_vi") == "TTKHCN":
        data = {**data, "don_vi": Unit.objects.get(code="ttkhcn").pk}
    before = everything()

    response = admin.post(reverse(PAGE), data)

    assert response.status_code == 200
    assert reason in texts(response)
    assert everything() == before


def test_someone_who_may_not_change_units_is_refused(client, world):
    viewer = UserFactory(username="xem", is_staff=True)
    client.force_login(viewer)

    assert client.get(reverse(PAGE)).status_code == 403
