"""One formula-escaping policy for every spreadsheet (kehoach.spreadsheets): XLSX text cells show
exactly what was typed and never run; CSV cells that would run carry an apostrophe that the import
takes off again. Checked on the admin's exports and imports, as an administrator uses them."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import IntegerChoices
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl.utils.escape import unescape

from kehoach import spreadsheets
from kehoach.spreadsheets import (
    AUTO,
    DATE,
    FORMULA_TRIGGERS,
    INTEGER,
    MAX_CELL_TEXT,
    MONEY,
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    CSVFormat,
    Sheet,
    XLSXFormat,
    csv_cell,
    csv_restore,
    workbook_bytes,
)
from tasks.models import Assignment, Task, Unit
from tasks.resources import AssignmentResource, TaskResource, UnitResource
from tests.factories import UserFactory

HOSTILE = [
    '=HYPERLINK("http://example.com")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    "'=quoted",
    "'chú thích",
]


@pytest.mark.parametrize("value", [*HOSTILE, "an toàn", "- gạch đầu dòng", ""])
def test_a_csv_cell_never_runs_and_reads_back_exactly(value):
    cell = csv_cell(value)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert csv_restore(cell) == value


@pytest.fixture
def administrator(client, plan_463):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_assignment",
                "export_assignment",
                "import_assignment",
                "add_assignment",
                "change_assignment",
            ]
        )
    )
    client.force_login(user)
    return client


def export(client, fmt: str) -> bytes:
    formats = [XLSXFormat, CSVFormat]
    index = next(i for i, cls in enumerate(formats) if cls().get_extension() == fmt)
    response = client.post(
        reverse("admin:tasks_assignment_export"),
        {"format": index, **{f"assignmentresource_{name}": "on" for name in AssignmentResource.Meta.fields}},
    )
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_the_admin_xlsx_shows_exactly_what_was_typed_and_runs_nothing(administrator, plan_463):
    # Given notes a spreadsheet program would run
    notes = {}
    for assignment, value in zip(Assignment.objects.order_by("pk"), HOSTILE, strict=False):
        assignment.note = value
        assignment.save()
        notes[assignment.pk] = value

    # When the administrator exports the assignments as XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(export(administrator, "xlsx"))).active

    # Then every note is a text cell with exactly the typed text, marked quote-prefixed, none a formula
    # (a carriage return is stored as "_x000D_", as OOXML says; openpyxl leaves it so in inline strings)
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [unescape(cell.value) for cell in cells if isinstance(cell.value, str)]
    shown = {text for text in texts if text in notes.values()}
    assert shown == set(notes.values())
    assert all(cell.quotePrefix for cell in cells if isinstance(cell.value, str))


def test_the_admin_csv_has_a_byte_order_mark_and_escapes_what_would_run(administrator, plan_463):
    assignment = Assignment.objects.order_by("pk").first()
    assignment.note = "=1+1"
    assignment.save()

    content = export(administrator, "csv").decode("utf-8")

    assert content.startswith("\ufeffKế hoạch,")
    assert ",'=1+1," in content
    assert "Trung tâm Khoa học và Công nghệ" in content


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_with_hostile_unit_names_imports_back_unchanged(administrator, plan_463, fmt):
    # Given units whose names begin with what a spreadsheet program runs
    for unit, prefix in zip(
        Unit.objects.filter(code__in=["ttkhcn", "qlcn", "khtc", "lhh"]).order_by("code"),
        ["-", "+", "=", "@"],
        strict=True,
    ):
        unit.name = f"{prefix}{unit.name}"
        unit.save()
    before = sorted(Assignment.objects.values_list("pk", "task_id", "unit_id", "role", "note", "order"))
    history = Assignment.history.count()

    # When the administrator exports the assignments and imports the file back, preview then confirm
    content = export(administrator, fmt)
    upload = SimpleUploadedFile(f"phan-cong.{fmt}", content)
    formats = [XLSXFormat, CSVFormat]
    index = next(i for i, cls in enumerate(formats) if cls().get_extension() == fmt)
    preview = administrator.post(
        reverse("admin:tasks_assignment_import"), {"import_file": upload, "format": index}
    )
    page = preview.content.decode()

    # Then the preview finds every unit, with nothing to change, and offers to confirm
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), page[:3000]
    assert result.totals["skip"] == len(before)
    assert 'name="confirm"' in page
    # and confirming changes nothing, history included
    done = administrator.post(
        reverse("admin:tasks_assignment_process_import"), preview.context["confirm_form"].initial
    )
    assert done.status_code == 302
    assert (
        sorted(Assignment.objects.values_list("pk", "task_id", "unit_id", "role", "note", "order")) == before
    )
    assert Assignment.history.count() == history


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("model", [Unit, Task, Assignment], ids=lambda m: m.__name__)
def test_every_admin_export_imports_back_without_a_history_row(client, plan_463, model, fmt):
    # Given an administrator who may export and import units, tasks and assignments (dates included:
    # the district committees ended on 30/06/2025; task 2 is due 31/03/2024)
    name = model._meta.model_name
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[f"{action}_{name}" for action in ("view", "export", "import", "add", "change")]
        )
    )
    client.force_login(user)
    before, history = list(model.objects.order_by("pk").values()), model.history.count()
    formats = [XLSXFormat, CSVFormat]
    index = next(i for i, cls in enumerate(formats) if cls().get_extension() == fmt)
    resource = {Unit: UnitResource, Task: TaskResource, Assignment: AssignmentResource}[model]

    # When they export everything and import the file back, preview then confirm
    exported = client.post(
        reverse(f"admin:tasks_{name}_export"),
        {"format": index, **{f"{resource.__name__.lower()}_{field}": "on" for field in resource.Meta.fields}},
    )
    assert exported.status_code == 200
    preview = client.post(
        reverse(f"admin:tasks_{name}_import"),
        {"import_file": SimpleUploadedFile(f"du-lieu.{fmt}", exported.content), "format": index},
    )
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    done = client.post(reverse(f"admin:tasks_{name}_process_import"), preview.context["confirm_form"].initial)

    # Then every row is skipped as unchanged, and no history row is written
    assert done.status_code == 302
    assert result.totals["skip"] == len(before)
    assert list(model.objects.order_by("pk").values()) == before
    assert model.history.count() == history


# ------------------------------------------------------------------------------
# The writer itself, read back cell by cell with openpyxl
# ------------------------------------------------------------------------------
class Role(IntegerChoices):
    LEAD = 1, "Chủ trì"


ON_DAY = datetime.date(2025, 3, 31)
AT_NOON = datetime.datetime(2025, 3, 31, 12, 30)
LONG = "dài " * 10_000
# (value written, column kind) → (value openpyxl reads, its cell type: "n" number, "d" date, "s" text)
CASES = [
    ((7, INTEGER), (7, "n")),
    ((0, MONEY), (0, "n")),
    ((1_250_000_000, MONEY), (1_250_000_000, "n")),
    ((Decimal("1E+3"), MONEY), (1000, "n")),
    ((Decimal("83.40"), NUMBER), (83.4, "n")),
    ((0.1, NUMBER), (0.1, "n")),
    ((-2.5, AUTO), (-2.5, "n")),
    ((75, PERCENT), (75, "n")),
    ((Role.LEAD, INTEGER), (1, "n")),
    ((ON_DAY, DATE), (datetime.datetime(2025, 3, 31), "d")),
    ((AT_NOON, DATE), (AT_NOON, "d")),
    ((45_000, DATE), (datetime.datetime(2023, 3, 15), "d")),
    ((ON_DAY, TEXT), ("2025-03-31", "s")),
    ((7, TEXT), ("7", "s")),
    ((2.5, TEXT), ("2.5", "s")),
    ((Decimal("1.50"), TEXT), ("1.50", "s")),
    ((True, INTEGER), ("True", "s")),
    (("12", MONEY), ("12", "s")),
    ((gettext_lazy("Có"), TEXT), ("Có", "s")),
    ((None, MONEY), (None, "n")),
    (("", TEXT), (None, "n")),
    (('Nguyễn & Cộng sự <Đơn vị> "A"', TEXT), ('Nguyễn & Cộng sự <Đơn vị> "A"', "s")),
    (('=HYPERLINK("http://example.com")', TEXT), ('=HYPERLINK("http://example.com")', "s")),
    (("dòng 1\r\ndòng 2", TEXT), ("dòng 1\r\ndòng 2", "s")),
    (("ký tự \x01 lạ", TEXT), ("ký tự \x01 lạ", "s")),
    (("đã như mã _x0041_", TEXT), ("đã như mã _x0041_", "s")),
    ((LONG, TEXT), (LONG[:MAX_CELL_TEXT], "s")),
]


def read_back(sheets: list[Sheet]):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(sheets)))


@pytest.mark.parametrize("kept", [20_000, 3], ids=["texts-kept", "few-texts-kept"])
def test_every_kind_of_value_reads_back_cell_for_cell(monkeypatch, kept):
    # Given one row of every kind of value, each in the kind of column it is written to, twice over
    # (the second time a text is met it is taken from what was escaped the first time, if the
    # writer still had room to keep it)
    monkeypatch.setattr(spreadsheets, "_MEMO_ENTRIES", kept)
    columns = [Column(f"Cột {n}", kind) for n, ((_, kind), _) in enumerate(CASES, start=1)]
    values = [value for (value, _), _ in CASES]

    # When the sheet is written and read back
    sheet = read_back([Sheet("Mọi kiểu", columns, [values, values])]).active

    # Then each cell holds the value, as a number, a date or a text as its column says
    for row in sheet.iter_rows(min_row=2, max_row=3):
        for cell, ((written, kind), (expected, data_type)) in zip(row, CASES, strict=True):
            read = unescape(cell.value) if isinstance(cell.value, str) else cell.value
            assert (read, cell.data_type) == (expected, data_type), (written, kind)
            if data_type == "s":
                assert cell.quotePrefix, written
            if data_type == "d":
                assert cell.number_format == "dd/mm/yyyy"
            if data_type == "n" and kind in (INTEGER, MONEY) and expected is not None:
                assert cell.number_format == "#,##0"
            assert cell.font.name == "Times New Roman" and not cell.font.b


def test_a_sheet_keeps_its_header_footer_widths_filter_and_frozen_row():
    # Given two sheets, the second with a totals row, a title too long for Excel and an apostrophe
    first = Sheet("Theo năm", [Column("Năm", INTEGER, 10), Column("Đơn vị", TEXT, 40)], [[2025, "Sở A"]])
    second = Sheet(
        "Kinh phí của đơn vị’s 'rất dài' quá ba mươi mốt ký tự",
        [Column("Đơn vị", TEXT, 48), Column("Kinh phí (đồng)", MONEY, 22)],
        ([f"Đơn vị {n}", n * 1000] for n in range(1, 1201)),
        footer=[["Tổng cộng", sum(n * 1000 for n in range(1, 1201))]],
    )

    book = read_back([first, second])

    # Then the titles, cut to 31 characters, order the sheets, the first one shown
    assert book.sheetnames == ["Theo năm", second.title[:31]]
    sheet = book[second.title[:31]]
    # the header is bold, filled, wrapped, frozen and filtered
    header = sheet[1]
    assert [cell.value for cell in header] == ["Đơn vị", "Kinh phí (đồng)"]
    assert all(
        cell.font.b and cell.fill.fgColor.rgb == "FFDDE7F0" and cell.alignment.wrap_text for cell in header
    )
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B1"
    assert sheet.column_dimensions["A"].width == pytest.approx(48.7109375)
    # every row is there in order, past the writer's chunks of rows, and the totals row is bold
    assert sheet.max_row == 1202
    assert [cell.value for cell in sheet[1201]] == ["Đơn vị 1200", 1_200_000]
    footer = sheet[1202]
    assert [cell.value for cell in footer] == ["Tổng cộng", 720_600_000]
    assert all(cell.font.b for cell in footer) and footer[1].number_format == "#,##0"
    assert not any(cell.font.b for cell in sheet[2])


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        workbook_bytes([Sheet("Lỗi", [Column("A"), Column("B")], [["một"]])])
