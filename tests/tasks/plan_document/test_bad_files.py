"""Files that are no plan the reader can read get a clear message in Vietnamese, and nothing is
saved: a scanned PDF or an image, a password-protected or broken file, a file with no tasks, a task
table whose columns cannot be told apart."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from tasks.models import Assignment, LegalDocument, Plan, PlanDuty, Task, Unit
from tasks.plan_document.services import plan_document_read
from tasks.plan_document.source import OLE_MAGIC, UnreadableDocument
from tests.helpers import rows

from .documents import (
    JPEG,
    PDF,
    PNG,
    TABLE_HEADER,
    corrupt_docx,
    docx_table_plan,
    docx_without_tasks,
    encrypted_docx,
    registry_from,
    seed_463,
    table_plan_rows,
)

pytestmark = pytest.mark.django_db


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _broken_xml() -> bytes:
    """A .docx whose main part is not XML."""
    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = b"<w:document><w:body>" if item.filename == "word/document.xml" else source.read(item)
            archive.writestr(item, data)
    return out.getvalue()


BAD_FILES = [
    ("ban-quet.pdf", lambda: PDF, "là tệp PDF"),
    ("anh-chup.png", lambda: PNG, "là một ảnh (PNG)"),
    ("anh-chup.jpg", lambda: JPEG, "là một ảnh (JPG)"),
    ("co-mat-khau.docx", encrypted_docx, "được đặt mật khẩu"),
    ("tai-do-dang.docx", corrupt_docx, "bị hỏng"),
    ("hong-xml.docx", _broken_xml, "bị hỏng hoặc không đúng định dạng Word"),
    ("cu.doc", lambda: OLE_MAGIC + b"\0" * 600, "định dạng cũ (.doc)"),
    ("bang-tinh.docx", _xlsx, "là bảng tính Excel"),
    ("van-ban.odt", _odt, "OpenDocument (.odt)"),
    ("van-ban.txt", lambda: "Kế hoạch số 1".encode(), "không phải văn bản Word (.docx)"),
    ("rong.docx", lambda: b"", "rỗng"),
    ("khong-nhiem-vu.docx", docx_without_tasks, "Không tìm thấy nhiệm vụ nào trong văn bản"),
]


@pytest.mark.parametrize("name, content, words", BAD_FILES, ids=[name for name, _, _ in BAD_FILES])
def test_a_file_that_is_no_readable_plan_is_refused_in_words(name, content, words):
    with pytest.raises(UnreadableDocument) as refused:
        plan_document_read(content(), name)
    assert words in refused.value.message
    assert refused.value.message.isascii() is False  # in Vietnamese, with its marks


@pytest.mark.parametrize(
    "header, words",
    [
        (["STT", "Nội dung", "Đơn vị", "Đơn vị", "Thời gian", "Ghi chú"], "không có cột cơ quan chủ trì"),
        (
            ["STT", "Nhiệm vụ", "Cơ quan chủ trì, phối hợp", "Thời gian", "Sản phẩm", "Ghi chú"],
            "vừa ghi “chủ trì” vừa ghi “phối hợp”",
        ),
        (
            ["STT", "Nhiệm vụ", "Chủ trì", "Chủ trì thực hiện", "Thời hạn", "Sản phẩm"],
            "có 2 cột cùng là cơ quan chủ trì",
        ),
        (
            ["TT", "Cột 2", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian", "Sản phẩm"],
            "không có cột nhiệm vụ, nội dung",
        ),
    ],
)
def test_a_task_table_whose_columns_cannot_be_told_apart_is_refused(header, words):
    registry_from(seed_463())
    with pytest.raises(UnreadableDocument) as refused:
        plan_document_read(docx_table_plan(table_plan_rows(5), header=header), "bang.docx")
    assert "không phân biệt được các cột" in refused.value.message
    assert words in refused.value.message
    assert " | ".join(header) in refused.value.message


def test_the_standard_header_is_told_apart():
    registry_from(seed_463())
    assert (
        len(plan_document_read(docx_table_plan(table_plan_rows(5), header=TABLE_HEADER), "bang.docx").tasks)
        == 5
    )


@pytest.mark.parametrize("name, content, words", BAD_FILES[:6], ids=[name for name, _, _ in BAD_FILES[:6]])
def test_the_command_says_why_and_saves_nothing(tmp_path, name, content, words):
    registry_from(seed_463())
    path = tmp_path / name
    path.write_bytes(content())
    before = rows(Unit, Plan, Task, Assignment, LegalDocument, PlanDuty)

    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), "--confirm")

    assert words in str(refused.value) and "Không lưu gì." in str(refused.value)
    assert rows(Unit, Plan, Task, Assignment, LegalDocument, PlanDuty) == before


def test_a_file_too_large_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(UnreadableDocument) as refused:
        plan_document_read(b"PK" + b"\0" * 200, "lon.docx")
    assert "vượt giới hạn" in refused.value.message


def test_an_archive_that_unpacks_to_too_much_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a/>" * 10_000)
    with pytest.raises(UnreadableDocument) as refused:
        plan_document_read(buffer.getvalue(), "bom.docx")
    assert "khi giải nén quá lớn" in refused.value.message
