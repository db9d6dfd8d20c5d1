"""The admin's page "Nhập từ văn bản", through the Django test client: upload, draft, a choice for
each unknown name, confirmation; staff with the permissions only; nothing saved before the
confirmation or when anything is wrong; no inline script or style."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Assignment, LegalDocument, Plan, PlanDuty, Task, Unit
from tasks.plan_document.services import IMPORT_REASON
from tests.factories import UserFactory
from tests.helpers import rows

from .documents import PDF, docx_463, docx_table_plan, registry_from, seed_463, table_plan_rows

pytestmark = pytest.mark.django_db

URL = reverse("admin:tasks_plan_import_document")
TABLES = (Unit, Plan, Task, Assignment, LegalDocument, PlanDuty)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMPORTER_PERMISSIONS = [
    "add_plan",
    "add_task",
    "add_assignment",
    "add_legaldocument",
    "add_planduty",
    "view_plan",
]


@pytest.fixture
def registry():
    return registry_from(seed_463())


def _upload(client, content: bytes, name: str = "ke-hoach.docx"):
    return client.post(URL, {"document": SimpleUploadedFile(name, content, content_type=DOCX)})


def _confirmation(response, **choices) -> dict:
    """The confirmation as the preview's form fills it, with `choices` (field → value) over it."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    return {**data, **choices}


def _inline_code(html: str) -> list[str]:
    scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    styles = re.findall(r"<style\b|\sstyle=", html)
    return scripts + styles


def test_the_plan_list_offers_the_page(admin_client):
    page = admin_client.get(reverse("admin:tasks_plan_changelist")).content.decode()
    assert f'href="{URL}"' in page and "Nhập từ văn bản (.docx)" in page


def test_upload_preview_confirm_creates_the_plan(admin_client, registry, superuser):
    assert "Tệp văn bản kế hoạch (.docx)" in admin_client.get(URL).content.decode()
    before = rows(*TABLES)

    preview = _upload(admin_client, docx_463(), "ke-hoach-463.docx")

    assert rows(*TABLES) == before  # a preview saves nothing
    page = preview.content.decode()
    for words in (
        "Bản nháp kế hoạch đọc từ văn bản",
        "Đọc từ tệp “ke-hoach-463.docx” (nhiệm vụ viết thành đoạn văn): 5 nhiệm vụ",
        "Tổ chức thực hiện Kết luận số 463- KL/TU ngày 17/11/2023",
        "Kết luận số 463-KL/TU ngày 17/11/2023",
        "Đẩy mạnh công tác thông tin, tuyên truyền",
        "“Trong quý I/2024”",
        "Một thời hạn cố định: 31/03/2024",
        "Đoán: Nhiệm vụ không có dòng thời hạn: đọc từ đầu nội dung nhiệm vụ.",
        "KT. GIÁM ĐỐC<br>PHÓ GIÁM ĐỐC<br>Đoàn Tấn Đạt",
        "- Lưu: VT, QLK;",
        "Tên đơn vị cần chọn (1)",
        "Đơn vị cho “địa phương”",
        "Chưa lưu gì.",
    ):
        assert words in page, words
    assert _inline_code(page) == []

    response = admin_client.post(URL, _confirmation(preview))

    plan = Plan.objects.get(code="kh-463")
    assert response.status_code == 302 and response.url == reverse("admin:tasks_plan_change", args=[plan.pk])
    assert plan.tasks.count() == 5
    record = plan.history.get()
    assert (record.history_change_reason, record.history_user) == (IMPORT_REASON, superuser)
    shown = admin_client.get(response.url).content.decode()
    assert "Đã nhập kế hoạch kh-463 từ văn bản “ke-hoach-463.docx”: 5 nhiệm vụ." in shown


def test_each_unknown_name_is_mapped_to_a_unit_created_or_skipped(admin_client, registry):
    preview = _upload(admin_client, docx_table_plan(table_plan_rows(10, unknown_every=4)))
    form = preview.context["form"]
    prefixes = {mention.text: prefix for mention, prefix in form.names}
    assert set(prefixes) == {
        "Bộ Chính trị",
        "Sở Tài chính",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Công an tỉnh",
    }

    data = _confirmation(
        preview,
        **{
            f"{prefixes['Sở Tài chính']}_choice": "unit:ubnd-tinh",
            f"{prefixes['Sở Văn hóa, Thể thao và Du lịch']}_choice": "new",
            f"{prefixes['Sở Văn hóa, Thể thao và Du lịch']}_new_kind": "department",
            f"{prefixes['Bộ Chính trị']}_choice": "new",
            f"{prefixes['Bộ Chính trị']}_new_kind": "party",
            f"{prefixes['Công an tỉnh']}_choice": "skip",
            "code": "kh-nq57-bang",
        },
    )
    response = admin_client.post(URL, data)

    assert response.status_code == 302
    plan = Plan.objects.get(code="kh-nq57-bang")
    assert Unit.objects.get(name="Sở Văn hóa, Thể thao và Du lịch").kind == "department"
    assert not Unit.objects.filter(name="Công an tỉnh").exists()
    assert Assignment.objects.filter(
        task__plan=plan, task__number="1", unit__code="ubnd-tinh", role="partner"
    ).exists()
    assert Task.objects.get(plan=plan, number="6.1").partner_text.endswith(
        ", Công an tỉnh"
    )  # kept in the words


def test_a_name_left_without_a_choice_is_asked_again_and_nothing_is_saved(admin_client, registry):
    preview = _upload(admin_client, docx_table_plan(table_plan_rows(5, unknown_every=5)))
    before = rows(*TABLES)

    response = admin_client.post(URL, _confirmation(preview))

    assert response.status_code == 200
    assert rows(*TABLES) == before
    assert "Trường này là bắt buộc." in response.content.decode()


def test_a_new_unit_needs_its_name_and_kind(admin_client, registry):
    preview = _upload(admin_client, docx_table_plan(table_plan_rows(5, unknown_every=5)))
    (_, prefix) = next(item for item in preview.context["form"].names if item[0].text == "Sở Tài chính")
    data = _confirmation(
        preview, **{f"{prefix}_choice": "new", f"{prefix}_new_name": "", f"{prefix}_new_kind": ""}
    )
    data.update({key: "skip" for key in data if key.endswith("_choice") and not key.startswith(prefix)})

    page = admin_client.post(URL, data).content.decode()

    assert "Hãy ghi tên đơn vị mới." in page and "Hãy chọn loại đơn vị mới." in page
    assert not Plan.objects.exists()


def test_a_bad_file_is_refused_on_the_form(admin_client, registry):
    page = _upload(admin_client, PDF, "ban-quet.pdf").content.decode()
    assert "là tệp PDF" in page and "Không lưu gì." in page
    assert not Plan.objects.exists()


def test_a_draft_changed_in_the_page_is_refused(admin_client, registry):
    preview = _upload(admin_client, docx_463())
    data = _confirmation(preview)
    data["draft"] = data["draft"][:-3] + "abc"

    response = admin_client.post(URL, data, follow=True)

    assert "Bản nháp không còn dùng được" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_plan_already_loaded_is_shown_as_such_and_not_loaded_again(admin_client, registry):
    first = _upload(admin_client, docx_463())
    admin_client.post(URL, _confirmation(first))
    assert Plan.objects.count() == 1

    second = _upload(admin_client, docx_463())
    page = second.content.decode()
    assert "Kế hoạch này đã được nạp (kh-463:" in page
    assert "Xác nhận nhập kế hoạch" not in page
    # The first draft confirmed again (a second tab, a double click) is refused too.
    again = admin_client.post(URL, _confirmation(first)).content.decode()
    assert "Kế hoạch này đã được nạp" in again
    assert Plan.objects.count() == 1


def test_only_staff_with_the_permissions_reach_the_page(client, registry):
    assert client.get(URL).status_code == 302  # not logged in: the admin's login

    not_staff = UserFactory(is_staff=False)
    client.force_login(not_staff)
    assert client.get(URL).status_code == 302

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_plan", "change_plan"]))
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert _upload(client, docx_463()).status_code == 403
    assert not Plan.objects.exists()


def test_staff_who_may_not_add_units_can_only_map_or_skip(client, registry):
    importer = UserFactory(is_staff=True)
    importer.user_permissions.add(*Permission.objects.filter(codename__in=IMPORTER_PERMISSIONS))
    client.force_login(importer)

    preview = _upload(client, docx_table_plan(table_plan_rows(5, unknown_every=5)))
    (_, prefix) = next(item for item in preview.context["form"].names if item[0].text == "Sở Tài chính")
    assert "Tạo đơn vị mới" not in preview.content.decode()
    data = _confirmation(preview, **{f"{prefix}_choice": "new"})
    data.update({key: "skip" for key in data if key.endswith("_choice") and not key.startswith(prefix)})
    assert admin_client_refuses(client, data)

    data[f"{prefix}_choice"] = "unit:ubnd-tinh"
    assert client.post(URL, data).status_code == 302
    assert Plan.objects.count() == 1


def admin_client_refuses(client, data) -> bool:
    response = client.post(URL, data)
    return response.status_code == 200 and not Plan.objects.exists()
