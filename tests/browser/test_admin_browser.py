"""An administrator changes who partners a task, in a real browser."""

import pytest
from playwright.sync_api import expect

from tasks.models import Assignment
from tests.factories import PASSWORD, UserFactory
from tests.helpers import plan_load_seed

pytestmark = pytest.mark.django_db(transaction=True)


def test_administrator_finds_the_plan_and_edits_an_assignment(page):
    plan_load_seed()
    UserFactory(username="quantri", unit=None, role="admin", is_staff=True, is_superuser=True)

    page.goto("/admin/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Quản trị hệ thống")).to_be_visible()

    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    expect(page.get_by_text("Trong quý I/2024 (31/03/2024)")).to_be_visible()
    page.get_by_role("link", name="2. Rà soát quy định", exact=False).click()
    expect(page.locator("#assignments-group")).to_contain_text("Phòng Quản lý Khoa học")

    page.locator("input[name='assignments-1-note']").fill("Phối hợp rà soát chính sách")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("thành công")
    assert Assignment.objects.get(task__number=2, unit__code="lhh").note == "Phối hợp rà soát chính sách"
