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
