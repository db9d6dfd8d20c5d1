"""The uploaded file opened as a Word document, or refused in words before anything reads it: a PDF or
an image (a scan), a password-protected or old-format Word file, an archive that is broken or
unpacks to too much, anything that is no .docx. What it holds comes out as paragraphs and tables in
the order of the document."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat

# A Word document is a few dozen parts (more with many pictures); thousands is no document.
MAX_PARTS = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SAVE_AS_DOCX = "Hãy mở tệp bằng Word và lưu lại thành tệp .docx (Word Document), rồi tải lên tệp đó."


class UnreadableDocument(Exception):
    """A file that cannot be read as a plan, with the reason in words for whoever gave it."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    in_table: bool = False


@dataclass
class Table:
    rows: list[list[str]]  # the text of each cell of each row, one entry per column of the grid
    spans: list[bool]  # whether the row is one cell across the whole table ("I. NHIỆM VỤ CHUNG")
    paragraphs: list[Paragraph] = field(default_factory=list)  # its cells' paragraphs, in reading order


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _bold(paragraph, styles: dict) -> bool:
    """Whether every word of the paragraph is bold, by its runs or by its paragraph style (looked up
    once per style: python-docx searches every style of the document at each lookup)."""
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs or any(run.bold is False for run in runs):
        return False
    if all(run.bold for run in runs):
        return True
    style_id = paragraph._p.style
    if style_id not in styles:
        style = paragraph.style
        styles[style_id] = bool(style is not None and style.font.bold)
    return styles[style_id]


def _refuse_unless_docx(data: bytes, name: str) -> None:
    """Say what the file is when it is not a .docx."""
    if not data:
        raise UnreadableDocument(f"Tệp “{name}” rỗng: không có nội dung để đọc.")
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise UnreadableDocument(
            f"Tệp {filesizeformat(len(data))} vượt giới hạn {filesizeformat(settings.UPLOAD_MAX_BYTES)}."
        )
    if data.lstrip()[:5] == b"%PDF-":
        raise UnreadableDocument(
            f"Tệp “{name}” là tệp PDF. Bản PDF (thường là bản quét có chữ ký, đóng dấu) không đọc được thành các "
            "nhiệm vụ: hãy tải lên tệp Word (.docx) của văn bản, lấy từ đơn vị soạn thảo hoặc hệ thống quản lý văn bản."
        )
    kind = filetype.guess(data)
    if kind is not None and kind.mime.startswith("image/"):
        raise UnreadableDocument(
            f"Tệp “{name}” là một ảnh ({kind.extension.upper()}), không phải văn bản: chữ trong ảnh chụp hay ảnh quét "
            "không đọc được. Hãy tải lên tệp Word (.docx) của văn bản."
        )
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise UnreadableDocument(
                f"Tệp “{name}” được đặt mật khẩu, nên không đọc được. Hãy mở tệp bằng Word, gỡ mật khẩu (Tệp → Thông "
                "tin → Bảo vệ tài liệu → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi tải lên tệp đó."
            )
        raise UnreadableDocument(f"Tệp “{name}” là văn bản Word định dạng cũ (.doc). {SAVE_AS_DOCX}")
    if data.lstrip()[:5] == b"{\\rtf":
        raise UnreadableDocument(f"Tệp “{name}” là tệp RTF. {SAVE_AS_DOCX}")
    if not data.startswith(b"PK"):
        raise UnreadableDocument(f"Tệp “{name}” không phải văn bản Word (.docx). {SAVE_AS_DOCX}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableDocument(
            f"Tệp “{name}” bị hỏng (có thể tải về chưa hết): không mở được. Hãy lấy lại tệp gốc rồi tải lên."
        ) from None
    if (
        len(entries) > MAX_PARTS
        or sum(entry.file_size for entry in entries) > settings.IMPORT_MAX_UNPACKED_BYTES
    ):
        raise UnreadableDocument(
            f"Tệp “{name}” khi giải nén quá lớn so với một văn bản Word: không đọc tệp này. Hãy mở bằng Word, lưu lại "
            "thành tệp .docx mới rồi tải lên."
        )
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            raise UnreadableDocument(f"Tệp “{name}” là văn bản OpenDocument (.odt). {SAVE_AS_DOCX}")
        if "xl/workbook.xml" in names:
            raise UnreadableDocument(
                f"Tệp “{name}” là bảng tính Excel, không phải văn bản Word: hãy tải lên tệp .docx của kế hoạch."
            )
        raise UnreadableDocument(f"Tệp “{name}” không phải văn bản Word (.docx). {SAVE_AS_DOCX}")
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        bad = "?"
    if bad is not None:
        raise UnreadableDocument(
            f"Tệp “{name}” bị hỏng (có thể tải về chưa hết): không mở được. Hãy lấy lại tệp gốc rồi tải lên."
        )


def document_blocks(data: bytes, name: str) -> list[Paragraph | Table]:
    """The paragraphs and tables of the .docx `data`, in order; UnreadableDocument when it is none."""
    _refuse_unless_docx(data, name)
    from docx import Document
    from docx.table import Table as DocxTable

    try:
        document = Document(io.BytesIO(data))
        blocks: list[Paragraph | Table] = []
        styles: dict = {}
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                blocks.append(_table(item, styles))
            else:
                blocks.append(Paragraph(text=_nfc(item.text), bold=_bold(item, styles)))
    except UnreadableDocument:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a broken part
        raise UnreadableDocument(
            f"Tệp “{name}” bị hỏng hoặc không đúng định dạng Word (.docx), không đọc được. {SAVE_AS_DOCX}"
        ) from exc
    return blocks


def _table(table, styles: dict) -> Table:
    rows, spans, paragraphs = [], [], []
    for row in table.rows:
        cells = row.cells
        rows.append([_nfc(cell.text).strip() for cell in cells])
        spans.append(len(cells) > 1 and len({id(cell._tc) for cell in cells}) == 1)
        seen = set()
        for cell in cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            paragraphs += [
                Paragraph(text=_nfc(p.text), bold=_bold(p, styles), in_table=True) for p in cell.paragraphs
            ]
    return Table(rows=rows, spans=spans, paragraphs=paragraphs)
