"""The admin speaks Vietnamese to the end: exported sheets (headers, tab, file name), the headings,
the greeting, the history's empty reasons, and the favicon."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from kehoach.spreadsheets import CSVFormat, XLSXFormat
from kehoach.text import file_name_vi
from tasks.models import Assignment, Task, Unit
from tasks.resources import AssignmentResource, TaskResource, UnitResource
from tests.factories import UserFactory

EXPORTS = [
    (Assignment, AssignmentResource, "phan-cong", "Phân công"),
    (Task, TaskResource, "nhiem-vu", "Nhiệm vụ"),
    (Unit, UnitResource, "don-vi", "Đơn vị"),
]


def export(client, model, resource, fmt: int):
    prefix = resource.__name__.lower()
    return client.post(
        reverse(f"admin:tasks_{model._meta.model_name}_export"),
        {"format": fmt, **{f"{prefix}_{name}": "on" for name in resource.Meta.fields}},
    )


@pytest.mark.parametrize(
    "model, resource, file_name, title", EXPORTS, ids=lambda v: getattr(v, "__name__", v)
)
def test_an_exported_workbook_is_named_and_headed_in_vietnamese(
    admin_client, plan_463, model, resource, file_name, title, time_machine
):
    time_machine.move_to("2026-12-01 23:30:00+07:00")  # already 1 December in Vietnam, not in UTC

    response = export(admin_client, model, resource, [XLSXFormat, CSVFormat].index(XLSXFormat))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{file_name}-ngay-01-12-2026.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [title]
    headers = [cell.value for cell in workbook.active[1]]
    assert headers == [field.column_name for field in resource().get_export_fields()]
    assert not set(headers) & {*resource.Meta.fields, "Plan", "Task Title", "Role"}


def test_an_exported_csv_begins_with_a_byte_order_mark_and_is_named_in_vietnamese(admin_client, plan_463):
    response = export(admin_client, Assignment, AssignmentResource, [XLSXFormat, CSVFormat].index(CSVFormat))

    assert response["Content-Disposition"].startswith('attachment; filename="phan-cong-ngay-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith("\ufeffKế hoạch,Nhiệm vụ số,Tên nhiệm vụ,Đơn vị,Vai trò".encode())


def test_a_file_name_is_the_words_without_marks_and_the_day():
    assert file_name_vi("Phân công", "xlsx", datetime.date(2026, 12, 1)) == "phan-cong-ngay-01-12-2026.xlsx"
    assert file_name_vi("Đơn vị", "csv") == "don-vi.csv"
    assert file_name_vi("", "csv") == "du-lieu.csv"


def test_the_admin_headings_and_greeting_are_vietnamese(client, plan_463):
    user = UserFactory(
        username="thong", first_name="Thống", last_name="Nguyễn Văn", is_staff=True, is_superuser=True
    )
    client.force_login(user)

    page = client.get(reverse("admin:index")).content.decode()

    assert "Đăng nhập và khóa tài khoản" in page
    assert ">Axes<" not in page and "AXES" not in page
    assert "Xin chào, <strong>Nguyễn Văn Thống</strong>" in page
    assert "Chào mừng bạn" not in page
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_a_change_without_a_reason_shows_no_none_in_the_history(admin_client, plan_463):
    unit = Unit.objects.get(code="lhh")
    unit.short_name = "LHH mới"
    unit.save()

    page = admin_client.get(reverse("admin:tasks_unit_history", args=[unit.pk])).content.decode()

    assert "LHH mới" in page
    assert "None" not in page


@pytest.mark.usefixtures("media_root")
def test_import_errors_are_shown_in_full_with_their_line_and_column(admin_client, plan_463):
    from tests.tasks.test_import_messages import GOOD_ROW, HEADERS, XLSX, _preview, _xlsx

    sheet = _xlsx(
        HEADERS,
        GOOD_ROW,
        ["kh-463", 4, "Sở Ma", "Phối hợp", ""],
        ["kh-463", 3, "Phòng Kế hoạch Tài chính", "Giám sát", ""],
    )

    response = _preview(admin_client, sheet, XLSX)

    page = response.content.decode()
    assert response.context.get("confirm_form") is None
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    line_3, line_4 = rows.split("</tr>")[:2]
    assert "<td>3</td>" in line_3 and "Không tìm thấy đơn vị “Sở Ma”" in line_3
    assert "<td>4</td>" in line_4
    assert "<strong>Vai trò:</strong> Giá trị “Giám sát” không hợp lệ" in line_4
    assert "validation-error-container" not in page  # shown only on hover
    assert "[&#x27;" not in page and ">role<" not in page and "<td>None</td>" not in page


@pytest.mark.parametrize("order", ["", "1", "-1"], ids=["default", "name-clicked", "name-clicked-twice"])
def test_the_units_list_is_in_vietnamese_order(admin_client, plan_463, order):
    from tests.factories import UnitFactory

    for name in ["Huyện Xuân Lộc", "Huyện Định Quán", "Huyện Dầu Giây"]:
        UnitFactory(name=name)
    query = {"q": "Huyện", **({"o": order} if order else {})}

    page = admin_client.get(reverse("admin:tasks_unit_changelist"), query).content.decode()

    shown = [name for name in re.findall(r">(Huyện [^<]+)<", page) if name in NAMES]
    assert shown == (NAMES[::-1] if order == "-1" else NAMES)


NAMES = ["Huyện Dầu Giây", "Huyện Định Quán", "Huyện Xuân Lộc"]
