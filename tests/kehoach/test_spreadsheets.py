"""One formula-escaping policy for every spreadsheet (kehoach.spreadsheets): XLSX text cells show
exactly what was typed and never run; CSV cells that would run carry an apostrophe that the import
takes off again. Checked on the admin's exports and imports, as an administrator uses them."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.utils.escape import unescape

from kehoach.spreadsheets import FORMULA_TRIGGERS, CSVFormat, XLSXFormat, csv_cell, csv_restore
from tasks.models import Assignment, Unit
from tasks.resources import AssignmentResource
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
