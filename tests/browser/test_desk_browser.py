"""A day at the desk in a real browser: the header's search box finds a task typed without its
marks, and the admin's export downloads a workbook headed in Vietnamese."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tasks.models import Plan, Task
from tests.conftest import world_build
from tests.factories import PASSWORD, UserFactory
from tests.helpers import plan_load_seed

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_search_box_finds_a_task_typed_without_marks(page):
    plan_load_seed()
    world = world_build(Plan.objects.get(code="kh-463"))
    task = Task.objects.get(plan=world.plan, number=5)

    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(world.ttkhcn_staff.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    box = page.get_by_role("searchbox", name="Tìm kiếm")
    box.fill("phu xanh")
    box.press("Enter")

    expect(page.get_by_role("heading", name="Tìm kiếm", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("kết quả cho “phu xanh”")
    page.get_by_role("link", name=f"Nhiệm vụ 5. {task.title}").click()
    expect(page.locator("body")).to_contain_text("phủ xanh đô thị")


def test_the_admin_export_downloads_a_workbook_headed_in_vietnamese(page):
    plan_load_seed()
    UserFactory(username="quantri", unit=None, role="admin", is_staff=True, is_superuser=True)

    page.goto("/admin/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Phân công", exact=True).click()
    page.get_by_role("link", name="Xuất dữ liệu").click()
    page.get_by_label("Định dạng").select_option(label="xlsx")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Thực hiện").click()
    download = downloading.value

    assert download.suggested_filename.startswith("phan-cong-ngay-")
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames == ["Phân công"]
    headers = [cell.value for cell in workbook.active[1]]
    assert headers == [
        "Kế hoạch",
        "Nhiệm vụ số",
        "Tên nhiệm vụ",
        "Đơn vị",
        "Vai trò",
        "Báo cáo",
        "Ghi chú",
        "Thứ tự",
    ]
    roles = {row[4] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert roles == {"Chủ trì", "Phối hợp"}
