"""Spreadsheet import and export of units, tasks and assignments: all or nothing, and inert."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kehoach.spreadsheets import CSVFormat, XLSXFormat
from tasks.models import Assignment, AssignmentRole, GroupMembership, Indicator, IndicatorTarget, Task, Unit
from tasks.resources import AssignmentResource, IndicatorResource, TaskResource, UnitResource
from tests.factories import UserFactory
from tests.helpers import rows

RESOURCES = [UnitResource, TaskResource, AssignmentResource, IndicatorResource]
# Everything an import could touch, history included.
IMPORTED = (
    Unit,
    GroupMembership,
    GroupMembership.history.model,
    Task,
    Assignment,
    Indicator,
    IndicatorTarget,
    Unit.history.model,
    Task.history.model,
    Assignment.history.model,
    Indicator.history.model,
    IndicatorTarget.history.model,
)


FORMATS = {"csv": CSVFormat, "xlsx": XLSXFormat}


def _export(resource_class, sheet_format):
    """The sheet the admin's export gives (kehoach.spreadsheets writes it)."""
    return FORMATS[sheet_format]().export_data(resource_class().export())


def _reimport(resource_class, sheet_format):
    """That sheet read back as the admin's import reads it, and imported."""
    exported = _export(resource_class, sheet_format)
    dataset = FORMATS[sheet_format]().create_dataset(exported)
    return resource_class().import_data(dataset, dry_run=False)


@pytest.mark.parametrize("sheet_format", ["csv", "xlsx"])
@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda r: r.__name__)
def test_an_export_imported_back_changes_nothing(plan_463, resource_class, sheet_format):
    before = rows(*IMPORTED)

    result = _reimport(resource_class, sheet_format)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == len(result.rows) > 0
    assert rows(*IMPORTED) == before


INDICATOR_HEADERS = [
    "Kế hoạch",
    "Nhiệm vụ số",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Số chữ số thập phân",
    "Chiều đánh giá",
    "Cách tổng hợp",
    "Cách tính qua các kỳ",
    "Là tỷ lệ phần trăm",
    "Mức chỉ tiêu theo năm",
    "Mức chỉ tiêu theo kỳ",
    "Mức chỉ tiêu cả kế hoạch",
]


def _indicator_sheet(*rows):
    dataset = tablib.Dataset(headers=INDICATOR_HEADERS)
    for row in rows:
        dataset.append(row)
    return dataset


SHARE_ROW = (
    "kh-463",
    3,
    "Tỷ lệ hồ sơ trực tuyến toàn trình",
    "%",
    1,
    "Tối thiểu (đạt khi không thấp hơn chỉ tiêu)",
    "Mỗi đơn vị một chỉ tiêu riêng",
    "Mức đạt được (lấy số của kỳ gần nhất)",
    "1",
    "2025: 80; 2026: 90,5",
    "2026-h1: 85",
    "",
)


def test_an_indicator_sheet_gives_indicators_and_their_targets(plan_463):
    events = Indicator.objects.get(task__plan__code="kh-463", task__number="1", name__startswith="Hội nghị")
    result = IndicatorResource().import_data(
        _indicator_sheet(
            SHARE_ROW,
            ("kh-463", 1, events.name, "sự kiện", "", "", "", "", "", "2026: 12", "", "1.250"),
        ),
        dry_run=False,
    )

    assert not result.has_errors() and not result.has_validation_errors(), [
        row.error.messages for row in result.invalid_rows
    ]
    share = Indicator.objects.get(task__number="3", name="Tỷ lệ hồ sơ trực tuyến toàn trình")
    assert (share.decimals, share.is_share, share.aggregation, share.accumulation) == (
        1,
        True,
        "each_unit",
        "level",
    )
    assert sorted(share.targets.values_list("scope", "year", "period_key", "value")) == [
        ("period", None, "2026-h1", Decimal(85)),
        ("year", 2025, "", Decimal(80)),
        ("year", 2026, "", Decimal("90.5")),
    ]
    # the count of plan 463 kept what it was, with its new targets
    events.refresh_from_db()
    assert (events.decimals, events.aggregation, events.order) == (0, "sum", 1)
    assert sorted(events.targets.values_list("scope", "year", "value")) == [
        ("plan", None, Decimal(1250)),
        ("year", 2026, Decimal(12)),
    ]
    # and the export writes the targets back the Vietnamese way
    exported = {row[2]: row for row in IndicatorResource().export() if row[1] == "3"}
    assert exported[share.name][10:13] == ("2025: 80; 2026: 90,5", "2026-h1: 85", "")


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("Mức chỉ tiêu theo năm", "2026: 83.4", "không phải là một số"),
        ("Mức chỉ tiêu theo năm", "90,5", "thiếu năm"),
        ("Mức chỉ tiêu theo năm", "hai nghìn: 5", "không hợp lệ"),
        ("Mức chỉ tiêu theo năm", "2026: 120", "không vượt quá 100"),
        ("Mức chỉ tiêu theo kỳ", "2026-h1: 85,25", "tối đa 1 chữ số thập phân"),
        ("Số chữ số thập phân", "7", "4"),
        ("Cách tổng hợp", "trung bình", "không hợp lệ"),
        ("Tên chỉ tiêu", "", "không được để trắng"),
    ],
)
def test_a_bad_indicator_row_imports_nothing_and_says_why(plan_463, column, value, reason):
    before = rows(*IMPORTED)
    row = list(SHARE_ROW)
    row[INDICATOR_HEADERS.index(column)] = value

    result = IndicatorResource().import_data(
        _indicator_sheet(tuple(row), ("kh-463", 1, "Chỉ tiêu mới", "lượt", "", "", "", "", "", "", "", "")),
        dry_run=False,
    )

    assert result.has_validation_errors() or result.has_errors()
    messages = " ".join(
        message for invalid in result.invalid_rows for message in invalid.error.messages
    ) + " ".join(str(error.error) for row_result in result.rows for error in row_result.errors)
    assert reason in messages, messages
    assert rows(*IMPORTED) == before


def test_the_old_column_of_counts_gives_a_task_its_indicators(plan_463):
    task = Task.objects.get(plan__code="kh-463", number="2")
    dataset = TaskResource().export()
    number_column = dataset.headers.index("Số thứ tự")
    counts = dataset.headers.index("Chỉ tiêu định lượng")
    sheet = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        row = list(row)
        if row[number_column] == "2":
            row[counts] = "Nhiệm vụ đặt hàng; Lượt người tham dự"
            sheet.append(row)

    result = TaskResource().import_data(sheet, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert {"Nhiệm vụ đặt hàng", "Lượt người tham dự"} <= set(task.indicators.values_list("name", flat=True))


def test_sheet_headers_are_vietnamese(plan_463):
    headers = AssignmentResource().export().headers
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
    row = dict(zip(headers, AssignmentResource().export()[0], strict=True))
    assert row["Vai trò"] == "Chủ trì"
    assert row["Đơn vị"] == "Trung tâm Khoa học và Công nghệ"


def _assignment_sheet(*rows):
    dataset = tablib.Dataset(headers=["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"])
    for row in rows:
        dataset.append(row)
    return dataset


def test_a_unit_is_named_by_its_name_and_the_lead_can_change(plan_463):
    sheet = _assignment_sheet(
        ("kh-463", 2, "Phòng Quản lý Khoa học", "Phối hợp", ""),
        ("kh-463", 2, "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai", "Chủ trì", "Đổi chủ trì"),
        ("kh-463", 3, "Phòng Kế hoạch Tài chính", "phối hợp", "Thêm mới"),
    )

    result = AssignmentResource().import_data(sheet, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    task = Task.objects.get(plan__code="kh-463", number=2)
    assert task.assignments.get(role=AssignmentRole.LEAD).unit.code == "lhh"
    assert Task.objects.get(number=3).assignments.filter(unit__code="khtc", role="partner").exists()


@pytest.mark.parametrize(
    "bad_row, reason",
    [
        (("kh-463", 3, "Phòng Không Tồn Tại", "Phối hợp", ""), "Không tìm thấy đơn vị “Phòng Không Tồn Tại”"),
        (("kh-463", 9, "Phòng Kế hoạch Tài chính", "Phối hợp", ""), "không có nhiệm vụ số 9"),
        (("kh-999", 1, "Phòng Kế hoạch Tài chính", "Phối hợp", ""), "không có nhiệm vụ số 1"),
        (("kh-463", "hai", "Phòng Kế hoạch Tài chính", "Phối hợp", ""), "không đúng dạng"),
        (("kh-463", 3, "Phòng Kế hoạch Tài chính", "Giám sát", ""), "Giá trị “Giám sát” không hợp lệ"),
        (("kh-463", 3, "Phòng Kế hoạch Tài chính", "", ""), "không được để trắng"),
        (("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "x" * 300), "255"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_the_row(plan_463, bad_row, reason):
    before = rows(*IMPORTED)
    sheet = _assignment_sheet(
        ("kh-463", 1, "Phòng Kế hoạch Tài chính", "Phối hợp", "Dòng tốt đứng trước"),
        bad_row,
        ("kh-463", 5, "Phòng Quản lý Chuyên ngành", "Phối hợp", "Dòng tốt đứng sau"),
    )

    result = AssignmentResource().import_data(sheet, dry_run=False)

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert reason in " ".join(invalid.error.messages)
    assert rows(*IMPORTED) == before


@pytest.mark.parametrize("rows_after", [0, 2], ids=["alone", "good-rows-after"])
def test_a_task_left_without_lead_across_rows_imports_nothing(plan_463, rows_after):
    # Given a sheet whose first row turns task 2's only lead into a partner, maybe followed by good rows
    before = rows(*IMPORTED)
    good = [
        ("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", ""),
        ("kh-463", 4, "Phòng Kế hoạch Tài chính", "Phối hợp", ""),
    ]
    sheet = _assignment_sheet(("kh-463", 2, "Phòng Quản lý Khoa học", "Phối hợp", ""), *good[:rows_after])

    result = AssignmentResource().import_data(sheet, dry_run=False)

    # Then the sheet as a whole is refused, naming the task, and nothing is imported
    assert result.has_errors()
    assert "Nhiệm vụ 2 của kế hoạch “kh-463” không còn đơn vị chủ trì" in str(result.base_errors[0].error)
    assert rows(*IMPORTED) == before


def test_a_unit_named_twice_for_a_task_is_one_assignment_with_the_later_values(plan_463):
    sheet = _assignment_sheet(
        ("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "Lần đầu"),
        ("kh-463", 3, "khtc", "Phối hợp", "Lần sau"),
    )

    result = AssignmentResource().import_data(sheet, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "update"]
    assert list(
        Assignment.objects.filter(unit__code="khtc", task__number=3).values_list("note", flat=True)
    ) == ["Lần sau"]


def test_imported_assignments_are_in_the_history_with_who_and_why(plan_463):
    user = UserFactory(username="nhapbang")
    lead = Task.objects.get(plan__code="kh-463", number=2).assignments.get(role=AssignmentRole.LEAD)
    sheet = _assignment_sheet(
        ("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "Thêm mới"),
        ("kh-463", 2, lead.unit.name, "Chủ trì", "Sửa ghi chú"),
    )

    result = AssignmentResource().import_data(sheet, dry_run=False, user=user)

    assert not result.has_errors() and not result.has_validation_errors()
    added = Assignment.objects.get(unit__code="khtc", task__number=3)
    [record] = added.history.all()
    assert (record.history_type, record.history_user, record.history_change_reason, record.note) == (
        "+",
        user,
        "Nhập từ bảng tính",
        "Thêm mới",
    )
    record = lead.history.latest()
    assert (record.history_type, record.history_user, record.note) == ("~", user, "Sửa ghi chú")
    assert lead.history.count() == 2


def test_a_dry_run_leaves_no_history(plan_463):
    before = rows(*IMPORTED)
    sheet = _assignment_sheet(("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "Thử"))

    result = AssignmentResource().import_data(sheet, dry_run=True)

    assert not result.has_errors() and result.totals["new"] == 1
    assert rows(*IMPORTED) == before


@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "confirm"])
def test_a_task_left_without_lead_is_refused_by_the_preview_as_by_the_confirmation(plan_463, dry_run):
    sheet = _assignment_sheet(("kh-463", 2, "Phòng Quản lý Khoa học", "Phối hợp", ""))

    result = AssignmentResource().import_data(sheet, dry_run=dry_run)

    assert result.has_errors()
    assert "Nhiệm vụ 2 của kế hoạch “kh-463” không còn đơn vị chủ trì" in str(result.base_errors[0].error)


def test_a_preview_does_not_make_the_open_periods_reports_it_would_roll_back(world):
    """The preview checks what can refuse the sheet; the reports a new assignment owes in an open
    period, and the assignments' history, are written by the confirmation only (the preview's would
    be rolled back unseen)."""
    sheet = _assignment_sheet(("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", ""))

    with CaptureQueriesContext(connection) as queries:
        preview = AssignmentResource().import_data(sheet, dry_run=True)

    assert not preview.has_errors() and preview.totals["new"] == 1
    history = Assignment.history.model._meta.db_table
    assert not [q["sql"] for q in queries if "reports_taskreport" in q["sql"] or history in q["sql"]]
    confirm = AssignmentResource().import_data(sheet, dry_run=False)
    assert not confirm.has_errors()
    assert world.period.reports.filter(unit__code="khtc", task__number=3).exists()
    assert Assignment.objects.get(unit__code="khtc", task__number=3).history.count() == 1


def test_the_confirmation_draws_no_row_and_leaves_the_preview_its_changes(plan_463):
    """The confirmation shows only totals: its rows' changes are not drawn in HTML, and this does not
    leak into the resource class (a later preview draws them)."""
    first = _assignment_sheet(("kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "Một"))
    second = _assignment_sheet(("kh-463", 4, "Phòng Kế hoạch Tài chính", "Phối hợp", "Hai"))

    confirmed = AssignmentResource().import_data(first, dry_run=False)
    previewed = AssignmentResource().import_data(second, dry_run=True)

    assert [row.diff for row in confirmed.rows] == [None]
    [diff] = [row.diff for row in previewed.rows]
    assert diff and any("Hai" in cell for cell in diff)


def test_an_assignment_import_costs_a_few_queries_a_row_whatever_the_sheet(plan_463):
    """The tasks, units and existing assignments a sheet names are read once for the sheet: a row
    costs its savepoint, its insert and the savepoint's release, and the history is written in bulk."""
    units = [Unit.objects.create(code=f"dv{i}", name=f"Đơn vị thử {i}", kind="enterprise") for i in range(40)]

    def cost(count):
        sheet = _assignment_sheet(
            *[("kh-463", 1 + i % 5, unit.name, "Phối hợp", "") for i, unit in enumerate(units[:count])]
        )
        with CaptureQueriesContext(connection) as queries:
            result = AssignmentResource().import_data(sheet, dry_run=False)
        assert (
            not result.has_errors() and not result.has_validation_errors() and result.totals["new"] == count
        )
        Assignment.objects.filter(unit__in=units).delete()
        return len(queries)

    few, many = cost(10), cost(40)
    assert many - few <= 3 * 30, (few, many)
    # and a few for the sheet: the lead rule and the open periods' reports (tasks_saved), who owes
    # what read once for every open period
    assert few <= 3 * 10 + 15, few


def test_an_unknown_column_imports_nothing(plan_463):
    before = rows(*IMPORTED)
    sheet = tablib.Dataset(headers=["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Cột lạ"])
    sheet.append(("moi", "Đơn vị mới", "Phòng chuyên môn thuộc Sở", "?"))

    result = UnitResource().import_data(sheet, dry_run=False)

    assert result.has_errors()
    assert "Tệp có cột không nhận ra: “Cột lạ”" in str(result.base_errors[0].error)
    assert rows(*IMPORTED) == before


def test_unknown_group_name_in_units_sheet_is_a_row_error(plan_463):
    before = rows(*IMPORTED)
    sheet = tablib.Dataset(headers=["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Thuộc nhóm"])
    sheet.append(("moi", "Đơn vị mới", "Phòng chuyên môn thuộc Sở", "Các sở, ban, ngành tỉnh; Nhóm ma"))

    result = UnitResource().import_data(sheet, dry_run=False)

    assert result.has_validation_errors()
    assert "“Nhóm ma”" in " ".join(result.invalid_rows[0].error.messages)
    assert rows(*IMPORTED) == before


def test_units_sheet_creates_a_unit_with_its_groups_and_dates(plan_463):
    sheet = tablib.Dataset(
        headers=[
            "Mã đơn vị",
            "Tên đơn vị",
            "Loại đơn vị",
            "Đơn vị cấp trên",
            "Thuộc nhóm",
            "Hoạt động từ ngày",
        ]
    )
    sheet.append(
        (
            "vp",
            "Văn phòng Sở",
            "Phòng chuyên môn thuộc Sở",
            "so-khcn",
            "Các phòng chuyên môn, đơn vị trực thuộc Sở",
            "01/07/2025",
        )
    )

    result = UnitResource().import_data(sheet, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    unit = Unit.objects.get(code="vp")
    assert unit.parent.code == "so-khcn"
    assert unit.valid_from.isoformat() == "2025-07-01"
    assert [group.code for group in unit.groups.all()] == ["nhom-don-vi-thuoc-so"]


def test_too_many_rows_import_nothing(plan_463, settings):
    settings.IMPORT_MAX_ROWS = 2
    before = rows(*IMPORTED)
    sheet = _assignment_sheet(*[("kh-463", n, "Phòng Kế hoạch Tài chính", "Phối hợp", "") for n in (1, 3, 4)])

    result = AssignmentResource().import_data(sheet, dry_run=False)

    assert result.has_errors()
    assert "vượt giới hạn 2 dòng" in str(result.base_errors[0].error)
    assert rows(*IMPORTED) == before


# ------------------------------------------------------------------------------
# Formula injection
# ------------------------------------------------------------------------------
HOSTILE = [
    '=HYPERLINK("http://example.com")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    "'=quoted",
    "an toàn",
]


@pytest.mark.parametrize("sheet_format", ["csv", "xlsx"])
def test_hostile_text_is_inert_in_every_export_and_survives_a_round_trip(plan_463, sheet_format):
    assignment = Assignment.objects.filter(task__number=1).first()
    for value in HOSTILE[:-1]:
        assignment.note = value
        assignment.save()
        exported = _export(AssignmentResource, sheet_format)
        if sheet_format == "xlsx":
            # the text shown as typed, in cells a spreadsheet program never evaluates
            sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
            cells = [cell for row in sheet.iter_rows() for cell in row]
            assert all(cell.data_type != "f" for cell in cells)
            assert all(cell.quotePrefix for cell in cells if isinstance(cell.value, str))
        else:
            texts = [cell for line in exported.splitlines() for cell in line.split(",")]
            assert not any(text.startswith(("=", "+", "-", "@", "\t", "\r")) for text in texts)

        result = _reimport(AssignmentResource, sheet_format)

        assert not result.has_errors() and not result.has_validation_errors()
        assignment.refresh_from_db()
        assert assignment.note == value


# ------------------------------------------------------------------------------
# Through the admin, as an administrator would
# ------------------------------------------------------------------------------
def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("phan-cong.xlsx", buffer.getvalue())


@pytest.fixture
def importer(client, plan_463):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_assignment", "import_assignment", "add_assignment", "change_assignment"]
        )
    )
    client.force_login(user)
    return client


def test_admin_import_previews_then_confirms(importer):
    url = reverse("admin:tasks_assignment_import")
    upload = _xlsx(
        [
            ["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"],
            ["kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "Bố trí kinh phí"],
        ]
    )

    preview = importer.post(url, {"format": "0", "import_file": upload})

    assert preview.status_code == 200
    assert not Assignment.objects.filter(unit__code="khtc").exists()
    confirm = preview.context["confirm_form"]
    done = importer.post(reverse("admin:tasks_assignment_process_import"), confirm.initial)
    assert done.status_code == 302
    added = Assignment.objects.get(unit__code="khtc")
    assert added.note == "Bố trí kinh phí"
    assert added.history.get().history_user == preview.wsgi_request.user


def test_admin_import_with_a_bad_row_shows_the_row_and_offers_no_confirmation(importer):
    before = rows(*IMPORTED)
    upload = _xlsx(
        [
            ["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"],
            ["kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", ""],
            ["kh-463", 4, "Sở Ma", "Phối hợp", ""],
        ]
    )

    response = importer.post(reverse("admin:tasks_assignment_import"), {"format": "0", "import_file": upload})

    page = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "Không tìm thấy đơn vị “Sở Ma”" in page
    assert "<td>3</td>" in page  # line 3 of the sheet, counting the header as line 1
    assert rows(*IMPORTED) == before


def test_admin_import_refuses_a_file_over_the_size_cap(importer, settings):
    settings.UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("lon.csv", b"x" * 101)
    response = importer.post(reverse("admin:tasks_assignment_import"), {"format": "1", "import_file": upload})
    assert "vượt giới hạn" in response.content.decode()


def test_admin_import_of_a_file_that_is_not_a_sheet_says_so(importer):
    upload = SimpleUploadedFile("gia.xlsx", b"day khong phai xlsx")
    response = importer.post(reverse("admin:tasks_assignment_import"), {"format": "0", "import_file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors


def _zip_bomb(unpacked_mb: int) -> bytes:
    """An XLSX-shaped zip whose one sheet unpacks to `unpacked_mb` megabytes of nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                sheet.write(block)
    return buffer.getvalue()


def test_admin_import_refuses_a_zip_bomb_before_reading_it(importer):
    bomb = _zip_bomb(200)
    assert len(bomb) < 1024 * 1024  # small on the wire
    before = rows(*IMPORTED)

    response = importer.post(
        reverse("admin:tasks_assignment_import"),
        {"format": "0", "import_file": SimpleUploadedFile("bom.xlsx", bomb)},
    )

    assert response.status_code == 200
    assert "khi giải nén" in response.content.decode()
    assert rows(*IMPORTED) == before


def test_admin_import_refuses_a_million_row_sheet_with_a_message(importer):
    sheet = b"K\xe1\xba\xbf ho\xe1\xba\xa1ch,Nhi\xe1\xbb\x87m v\xe1\xbb\xa5 s\xe1\xbb\x91,\xc4\x90\xc6\xa1n v\xe1\xbb\x8b,Vai tr\xc3\xb2\n"
    sheet += b"k,3,x,y\n" * 1_000_000  # 8 MB: under the size cap, far over the row limit
    before = rows(*IMPORTED)

    response = importer.post(
        reverse("admin:tasks_assignment_import"),
        {"format": "1", "import_file": SimpleUploadedFile("trieu-dong.csv", sheet)},
    )

    assert response.status_code == 200
    assert "vượt giới hạn 20.000 dòng" in response.content.decode()
    assert rows(*IMPORTED) == before


@pytest.mark.parametrize("content", [b"\r\x00", b"", b"\n\n\n"])
def test_admin_import_of_a_sheet_without_headers_says_so(importer, content):
    # Found by the fuzz (tests/security/test_import_fuzz.py): import-export failed with a TypeError
    before = rows(*IMPORTED)

    response = importer.post(
        reverse("admin:tasks_assignment_import"),
        {"format": "1", "import_file": SimpleUploadedFile("rong.csv", content)},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "không có dòng tiêu đề" in page or response.context["form"].errors
    assert rows(*IMPORTED) == before
