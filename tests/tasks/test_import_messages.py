"""The admin's import as an administrator meets it: the files a preview leaves behind, and the
messages of a sheet that cannot be read or stored, each in Vietnamese on the import page with
nothing imported."""

import datetime
import io
import os
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kehoach.spreadsheets import Column, Sheet, workbook_bytes
from tasks.forms import MAX_XLSX_PARTS
from tasks.models import Assignment, Task, Unit
from tests.factories import UserFactory
from tests.helpers import rows

IMPORTED = (Unit, Unit.groups.through, Task, Assignment, Unit.history.model, Assignment.history.model)
HEADERS = ["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"]
GOOD_ROW = ["kh-463", 3, "Phòng Kế hoạch Tài chính", "Phối hợp", "Bố trí kinh phí"]
XLSX, CSV = "0", "1"  # the admin's formats, in the order of ImportExportHistoryAdmin.formats

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def importer(client, plan_463):
    """A staff member allowed to import assignments, logged in."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_assignment", "import_assignment", "add_assignment", "change_assignment"]
        )
    )
    client.force_login(user)
    return client


def _xlsx(*sheet_rows) -> bytes:
    book = openpyxl.Workbook()
    for row in sheet_rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _windows_1258(text: str) -> bytes:
    """`text` as Excel saves a CSV on a Vietnamese Windows: a letter Windows-1258 has is one byte,
    else a letter it has followed by the combining tone mark ("ế" is "ê" and an acute)."""
    written = b""
    for char in text:
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in marks:
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and composed.encode("cp1258", "ignore"):
                base = composed
                marks.remove(mark)
                break
        written += (base + "".join(marks)).encode("cp1258")
    return written


def _csv(*sheet_rows, encoding="utf-8") -> bytes:
    text = "".join(",".join(str(cell) for cell in row) + "\r\n" for row in sheet_rows)
    return _windows_1258(text) if encoding == "cp1258" else text.encode(encoding)


def _preview(client, content: bytes, sheet_format: str, name: str = "phan-cong"):
    extension = "xlsx" if sheet_format == XLSX else "csv"
    upload = SimpleUploadedFile(f"{name}.{extension}", content)
    return client.post(
        reverse("admin:tasks_assignment_import"), {"format": sheet_format, "import_file": upload}
    )


def _pending(media_root: Path) -> list[Path]:
    """The files the import keeps between a preview and its confirmation (import-export's
    MediaStorage writes them in MEDIA_ROOT/django-import-export)."""
    folder = media_root / "django-import-export"
    return sorted(folder.iterdir()) if folder.exists() else []


def _refused(response) -> str:
    """The import page, checked to offer no confirmation and to show its messages as text (not as
    a Python list); its text."""
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    page = response.content.decode()
    assert "[&#x27;" not in page
    return page


# ------------------------------------------------------------------------------
# The preview's temporary file
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content, sheet_format",
    [
        pytest.param(_xlsx(HEADERS, GOOD_ROW, ["kh-463", 4, "Sở Ma", "Phối hợp", ""]), XLSX, id="row-error"),
        pytest.param(_xlsx([*HEADERS, "Cột lạ"], [*GOOD_ROW, "?"]), XLSX, id="whole-sheet-refused"),
        pytest.param(
            _xlsx(HEADERS, ["kh-463", 2, "Phòng Quản lý Khoa học", "Phối hợp", ""]), XLSX, id="no-lead"
        ),
        pytest.param(_csv(HEADERS, GOOD_ROW, encoding="utf-16"), CSV, id="unreadable"),
        pytest.param(b"", CSV, id="empty"),
    ],
)
def test_a_refused_preview_leaves_no_file(importer, media_root, content, sheet_format):
    before = rows(*IMPORTED)

    response = _preview(importer, content, sheet_format)

    _refused(response)
    assert _pending(media_root) == []
    assert rows(*IMPORTED) == before


def test_a_confirmed_import_leaves_no_file(importer, media_root):
    # Given a good sheet previewed: its file waits for the confirmation
    preview = _preview(importer, _xlsx(HEADERS, GOOD_ROW), XLSX)
    assert preview.context["confirm_form"] is not None
    assert len(_pending(media_root)) == 1

    # When the administrator confirms it
    done = importer.post(
        reverse("admin:tasks_assignment_process_import"), preview.context["confirm_form"].initial
    )

    # Then the sheet is imported and its file is gone
    assert done.status_code == 302
    assert Assignment.objects.filter(unit__code="khtc", note="Bố trí kinh phí").exists()
    assert _pending(media_root) == []


def _age(path: Path, hours: float) -> None:
    then = (datetime.datetime.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(path, (then, then))


def _clean_imports(*args) -> str:
    out = io.StringIO()
    call_command("clean_imports", *args, stdout=out)
    return out.getvalue().strip()


def test_clean_imports_removes_stale_previews_and_nothing_else(importer, media_root):
    # Given two previews never confirmed, one from two days ago and one from an hour ago
    _preview(importer, _xlsx(HEADERS, GOOD_ROW), XLSX)
    [stale] = _pending(media_root)
    _age(stale, 48)
    _preview(importer, _csv(HEADERS, GOOD_ROW), CSV)
    [fresh] = [path for path in _pending(media_root) if path != stale]
    _age(fresh, 1)
    # and old evidence files, and other old files elsewhere in MEDIA_ROOT
    kept = [
        media_root / "minh-chung" / "2026" / stale.name,
        media_root / "minh-chung" / "2025" / "bien-ban.pdf",
        media_root / "khac.txt",
        media_root / "django-import-export" / "con" / "a.txt",
    ]
    for path in kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"giu nguyen")
        _age(path, 24 * 400)
    _age(media_root / "django-import-export" / "con", 24 * 400)

    # When the cleaning runs (by cron, once a day)
    said = _clean_imports()

    # Then the stale preview is gone, the fresh one and everything else stay
    assert said == "Đã xóa 1 tệp nhập bảng tính tạm cũ hơn 24 giờ."
    assert not stale.exists()
    assert fresh.exists()
    assert all(path.read_bytes() == b"giu nguyen" for path in kept)

    # and running it again changes nothing
    assert _clean_imports() == "Không có tệp nhập bảng tính tạm nào cũ hơn 24 giờ."
    assert fresh.exists() and all(path.exists() for path in kept)

    # A shorter age is asked for by hours
    assert _clean_imports("--older-than-hours", "0") == "Đã xóa 1 tệp nhập bảng tính tạm cũ hơn 0 giờ."
    assert not fresh.exists() and all(path.exists() for path in kept)


def test_clean_imports_with_no_folder_yet_says_there_is_nothing(media_root):
    assert _clean_imports() == "Không có tệp nhập bảng tính tạm nào cũ hơn 24 giờ."


# ------------------------------------------------------------------------------
# Messages
# ------------------------------------------------------------------------------
def _many_parts(count: int) -> bytes:
    """An XLSX-shaped zip of `count` tiny parts: small, and no sheet a spreadsheet program wrote."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(count - 1):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", "<x/>")
    return buffer.getvalue()


def test_an_xlsx_of_too_many_parts_says_so_not_that_it_is_too_large(importer, media_root):
    before = rows(*IMPORTED)

    page = _refused(_preview(importer, _many_parts(MAX_XLSX_PARTS + 1), XLSX))

    assert f"Tệp có {MAX_XLSX_PARTS + 1} phần nén bên trong" in page
    assert "một bảng tính thường chỉ có vài chục phần" in page
    assert "vượt giới hạn" not in page
    assert rows(*IMPORTED) == before


def test_an_xlsx_too_large_unpacked_still_says_its_size(importer, media_root, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    content = _xlsx(HEADERS, *[[*GOOD_ROW[:4], "x" * 50]] * 50)

    page = _refused(_preview(importer, content, XLSX))

    assert "Bảng tính khi giải nén lớn" in page and "vượt giới hạn" in page
    assert "phần nén" not in page


@pytest.mark.parametrize("encoding", ["cp1258", "utf-16"])
def test_a_csv_not_in_utf8_says_how_to_save_it(importer, media_root, encoding):
    before = rows(*IMPORTED)

    page = _refused(_preview(importer, _csv(HEADERS, GOOD_ROW, encoding=encoding), CSV))

    assert "Tệp CSV không được lưu bằng bảng mã UTF-8" in page
    assert "“CSV UTF-8 (Comma delimited) (*.csv)”" in page
    assert "UnicodeDecodeError" not in page
    assert rows(*IMPORTED) == before
    assert _pending(media_root) == []


def test_a_csv_with_a_bom_is_still_read(importer, media_root):
    response = _preview(importer, b"\xef\xbb\xbf" + _csv(HEADERS, GOOD_ROW), CSV)
    assert response.context["confirm_form"] is not None


@pytest.mark.parametrize("sheet_format", [CSV, XLSX])
def test_a_nul_character_in_a_cell_names_the_line_and_imports_nothing(importer, media_root, sheet_format):
    sheet = [HEADERS, GOOD_ROW, ["kh-463", 4, "Phòng Kế hoạch Tài chính", "Phối hợp", "Ghi\x00chú"]]
    if sheet_format == CSV:
        content = _csv(*sheet)
    else:
        # A sheet stores a NUL as "_x0000_" (openpyxl refuses to write one; XlsxWriter does so).
        content = workbook_bytes([Sheet("Phân công", [Column(header) for header in HEADERS], sheet[1:])])
    before = rows(*IMPORTED)

    page = _refused(_preview(importer, content, sheet_format))

    assert "Dòng 3 có ký tự không lưu được" in page
    assert "Không nhập dòng nào" in page
    assert "NUL (0x00)" not in page  # the database's own message
    assert rows(*IMPORTED) == before
    assert _pending(media_root) == []
