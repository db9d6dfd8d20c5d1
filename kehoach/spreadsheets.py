"""Spreadsheets the department downloads: Vietnamese headers, a frozen header row, readable widths,
dates as dates, money as numbers, and text that never runs as a formula.

One policy for every export (docs/decisions/0005-formula-escaping.md): a text cell is never
evaluated, and shows exactly what was typed wherever the format allows it.
- XLSX: text is written as a string cell with Excel's "quote prefix" style: the cell shows exactly
  what the user typed, `=HYPERLINK(...)` included, and neither Excel nor LibreOffice evaluates it.
  Nothing is added to the text, so nothing is lost or shown twice.
- CSV has no cell types: a text cell that a spreadsheet program would run (it starts with one of
  `FORMULA_TRIGGERS`) is prefixed with an apostrophe, and so is one that already starts with an
  apostrophe, so that reading the file back (`csv_restore`) gives the text exactly.
The admin's import and export (django-import-export) use the same writers, through `XLSXFormat`
and `CSVFormat` below.

Workbooks are written directly as XML into the zip package (`workbook_bytes`), row after row:
memory stays flat however many rows, and a yearly appendix of tens of thousands of rows takes a
fraction of a second (openpyxl built and styled an object per cell; XlsxWriter checked each one).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from import_export.formats import base_formats
from openpyxl.utils.escape import unescape

# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"

MONEY = "money"
INTEGER = "integer"
PERCENT = "percent"
NUMBER = "number"  # a whole or decimal number, shown with the decimals it has (an indicator's value)
DATE = "date"
TEXT = "text"
AUTO = "auto"  # numbers as numbers, anything else as text: the admin's sheets, typed by their widgets

NUMBER_FORMATS = {MONEY: "#,##0", INTEGER: "#,##0", PERCENT: "0", NUMBER: "General", DATE: "dd/mm/yyyy"}
FONT = {"font_name": "Times New Roman", "valign": "top"}
HEADER = {"bold": True, "bg_color": "#DDE7F0", "text_wrap": True}
MAX_CELL_TEXT = 32_767  # Excel refuses longer cells


@dataclass
class Column:
    header: str
    kind: str = TEXT
    width: float = 16


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[Iterable] = ()
    footer: list[list] = field(default_factory=list)  # e.g. a totals row, written in bold


# ------------------------------------------------------------------------------
# XLSX, written directly: one pass over the rows, each cell a few string operations
# ------------------------------------------------------------------------------
# A general-purpose writer (XlsxWriter, openpyxl) builds and checks an object per cell: at a monthly
# plan's yearly report (22,000 unit reports, 21 columns) that took 15–20 s. The package below holds
# only what these sheets need (styles, inline strings, frozen header, widths, a filter); text cells
# are escaped as Excel and XlsxWriter escape them.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = datetime.datetime(1899, 12, 30)
# Built-in number formats (ECMA-376 18.8.30) and the one this writer adds.
_NUMBER_FORMAT_IDS = {"#,##0": 3, "0": 1, "General": 0}
_DATE_FORMAT_ID = 164
# Excel's own escape of control characters ("\r" is "_x000D_"), and of text that looks like one.
_LOOKS_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_FLUSH_ROWS = 500


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_LETTERS = tuple(_column_letters(index) for index in range(702))  # A … ZZ


def _letters(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else _column_letters(index)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# What makes a text need escaping: one search, and most texts need none.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x")


def _text(value: str) -> str:
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "_x" in value:
        value = _LOOKS_ESCAPED.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", value)
    return value


def _serial(value: datetime.date) -> str:
    """A date as Excel counts days (from 30/12/1899), a moment with its time as a fraction."""
    if isinstance(value, datetime.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000)
    return str((value - _EPOCH.date()).days)


_NUMBER_TYPES = (int, float, Decimal)
# Texts met more than once in a workbook (names, statuses, titles) are escaped once; long ones,
# mostly met once, are not kept, and no more than so many are kept (memory stays flat).
_MEMO_TEXT = 300
_MEMO_ENTRIES = 20_000


def _number(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value) if isinstance(value, float) else str(value)


class _Styles:
    """The workbook's cell formats, one per look (kind of cell, bold, header), numbered when first
    used; written last, as styles.xml."""

    def __init__(self):
        self.looks: dict[tuple, int] = {}

    def index(self, kind: str, bold: bool, header: bool) -> int:
        look = (kind, bold, header)
        if look not in self.looks:
            self.looks[look] = len(self.looks) + 1  # 0 is the default format
        return self.looks[look]

    def xml(self) -> str:
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for kind, bold, header in self.looks:
            number_format = NUMBER_FORMATS.get(kind)
            number_id = _DATE_FORMAT_ID if kind == DATE else _NUMBER_FORMAT_IDS.get(number_format, 0)
            wrap = kind == TEXT or header
            attributes = [
                f'numFmtId="{number_id}"',
                f'fontId="{1 if bold else 0}"',
                f'fillId="{2 if header else 0}"',
                'borderId="0"',
                'xfId="0"',
                'applyAlignment="1"',
            ]
            if number_id:
                attributes.append('applyNumberFormat="1"')
            if bold:
                attributes.append('applyFont="1"')
            if header:
                attributes.append('applyFill="1"')
            if kind == TEXT:
                attributes.append('quotePrefix="1"')
            wrap_text = ' wrapText="1"' if wrap else ""
            alignment = f'<alignment vertical="top"{wrap_text}/>'
            xfs.append(f"<xf {' '.join(attributes)}>{alignment}</xf>")
        font = FONT["font_name"]
        return (
            f'{_XML}<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="1"><numFmt numFmtId="{_DATE_FORMAT_ID}" '
            f'formatCode="{NUMBER_FORMATS[DATE]}"/></numFmts>'
            f'<fonts count="2"><font><sz val="11"/><name val="{font}"/><family val="1"/></font>'
            f'<font><b/><sz val="11"/><name val="{font}"/><family val="1"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill>'
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{HEADER["bg_color"][1:]}"/>'
            '<bgColor indexed="64"/></patternFill></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


_NUMERIC_KINDS = frozenset((*NUMBER_FORMATS, AUTO))


def _cell_specs(styles: _Styles, columns: list[Column], *, bold=False, header=False) -> list[tuple]:
    """Per column, once per sheet and look, the fixed parts of its cells: the start of the cell
    reference (the row number follows), whether it takes numbers and dates, and what follows the
    row number in a blank cell and before the value of a number, a date and a text cell."""
    specs = []
    for index, column in enumerate(columns):
        kind = TEXT if header else column.kind
        blank = styles.index(kind, bold, header)
        date = styles.index(DATE, bold, header)
        numeric = styles.index(kind, bold, header)
        text = styles.index(TEXT, bold, header)
        specs.append(
            (
                f'<c r="{_letters(index)}',
                kind in _NUMERIC_KINDS,
                kind == DATE,
                f'" s="{blank}"/>',
                f'" s="{numeric}"><v>',
                f'" s="{date}"><v>',
                f'" s="{text}" t="inlineStr"><is><t xml:space="preserve">',
            )
        )
    return specs


def _other_cell(value, row: str, spec: tuple) -> str:
    """A cell whose value `_write_rows` does not handle itself (a moment, a bool, a lazy
    translation, a subclass of a common type, a number in a text column…)."""
    ref, numbers, dates, _blank, numeric, date, text = spec
    if dates and isinstance(value, datetime.date):
        return f"{ref}{row}{date}{_serial(value)}</v></c>"
    if numbers and isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool):
        return f"{ref}{row}{numeric}{_number(value)}</v></c>"
    # An inline string: never a formula, whatever the text starts with.
    return f"{ref}{row}{text}{_text(str(value))}</t></is></c>"


def _write_rows(write, rows, number: int, specs: list[tuple], texts: dict, serials: dict) -> int:
    """Write `rows` after row `number` (in chunks of `_FLUSH_ROWS`), return the last row's number.

    The loop is the writer's hot path (half a million cells in a yearly workbook): each cell is one
    type test by exact class and one f-string of precomputed parts; a text is escaped once per
    workbook (`texts`), a date turned into its serial once (`serials`); anything rarer goes through
    `_other_cell`, which decides as the types' own `isinstance` checks do."""
    chunk = []
    append = chunk.append
    flush_at = number + _FLUSH_ROWS
    for values in rows:
        number += 1
        row = str(number)
        append(f'<row r="{row}">')
        for value, (ref, numbers, dates, blank, numeric, date, text) in zip(values, specs, strict=True):
            cls = value.__class__
            if cls is str:
                if value:
                    escaped = texts.get(value)
                    if escaped is None:
                        escaped = _text(value)
                        if len(value) <= _MEMO_TEXT and len(texts) < _MEMO_ENTRIES:
                            texts[value] = escaped
                    append(f"{ref}{row}{text}{escaped}</t></is></c>")
                else:
                    append(f"{ref}{row}{blank}")
            elif value is None:
                append(f"{ref}{row}{blank}")
            elif cls is int or cls is float:
                if numbers:
                    append(f"{ref}{row}{numeric}{value!r}</v></c>")
                else:
                    append(f"{ref}{row}{text}{value!r}</t></is></c>")
            elif cls is Decimal and numbers:
                append(f"{ref}{row}{numeric}{value:f}</v></c>")
            elif cls is datetime.date and dates:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = _serial(value)
                append(f"{ref}{row}{date}{serial}</v></c>")
            else:
                append(_other_cell(value, row, (ref, numbers, dates, blank, numeric, date, text)))
        append("</row>")
        if number >= flush_at:
            write("".join(chunk).encode())
            chunk.clear()
            flush_at = number + _FLUSH_ROWS
    if chunk:
        write("".join(chunk).encode())
    return number


def _sheet(archive, name: str, spec: Sheet, styles: _Styles, selected: bool, texts: dict, serials: dict):
    plain = _cell_specs(styles, spec.columns)
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{column.width + 0.7109375}" customWidth="1"/>'
        for i, column in enumerate(spec.columns, start=1)
    )
    tab = ' tabSelected="1"' if selected else ""
    with archive.open(name, "w", force_zip64=True) as stream:
        write = stream.write
        write(
            (
                f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f'<sheetViews><sheetView workbookViewId="0"{tab}>'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{columns}</cols>" if columns else "")
                + "<sheetData>"
            ).encode()
        )
        header = _cell_specs(styles, spec.columns, bold=True, header=True)
        number = _write_rows(write, [[c.header for c in spec.columns]], 0, header, texts, serials)
        number = _write_rows(write, spec.rows, number, plain, texts, serials)
        if spec.footer:
            bold = _cell_specs(styles, spec.columns, bold=True)
            _write_rows(write, spec.footer, number, bold, texts, serials)
        ending = ["</sheetData>"]
        if spec.columns:
            ending.append(f'<autoFilter ref="A1:{_letters(len(spec.columns) - 1)}1"/>')
        ending.append(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        write("".join(ending).encode())


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    styles = _Styles()
    titles = [spec.title[:31] for spec in sheets]
    texts: dict[str, str] = {}
    serials: dict[datetime.date, str] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, spec in enumerate(sheets, start=1):
            _sheet(archive, f"xl/worksheets/sheet{number}.xml", spec, styles, number == 1, texts, serials)
        archive.writestr("xl/styles.xml", styles.xml())
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{_attribute(chr(39) + title.replace(chr(39), chr(39) * 2) + chr(39))}!$A$1:"
            f"${_letters(len(spec.columns) - 1)}$1</definedName>"
            for index, (title, spec) in enumerate(zip(titles, sheets, strict=True))
            if spec.columns
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/>'
            "</bookViews><sheets>"
            + "".join(
                f'<sheet name="{_attribute(title)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, title in enumerate(titles, start=1)
            )
            + "</sheets>"
            + (f"<definedNames>{filters}</definedNames>" if filters else "")
            + "</workbook>",
        )
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            + "</Relationships>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "[Content_Types].xml",
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}.worksheet+xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + "</Types>",
        )
    return buffer.getvalue()


# ------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------
def csv_cell(value):
    """A CSV cell that no spreadsheet program runs, reversibly (see `csv_restore`)."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, CSV_ESCAPE)):
        return CSV_ESCAPE + value
    return value


def csv_restore(value):
    """Undo `csv_cell` on a cell read back from a CSV file this application wrote."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == CSV_ESCAPE
        and value[1:].startswith((*FORMULA_TRIGGERS, CSV_ESCAPE))
    ):
        return value[1:]
    return value


# ------------------------------------------------------------------------------
# The admin's formats (django-import-export)
# ------------------------------------------------------------------------------
class XLSXFormat(base_formats.XLSX):
    """XLSX written by `workbook_bytes`: text cells quote-prefixed, read back exactly as written."""

    def export_data(self, dataset, **kwargs):
        title = dataset.title or "Dữ liệu"
        columns = [Column(str(header), AUTO, 24) for header in dataset.headers or []]
        return workbook_bytes([Sheet(title, columns, (list(row) for row in dataset))])

    def create_dataset(self, in_stream):
        # A sheet stores a carriage return (a line typed in a browser ends with one) as "_x000D_";
        # openpyxl hands inline strings back without undoing it.
        dataset = super().create_dataset(in_stream)
        read = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            read.append([unescape(value) if isinstance(value, str) else value for value in row])
        return read


class UnreadableSheet(ValueError):
    """A sheet sent for import that cannot be read, with why and what to do, in the words of the
    person who sent it (the admin shows the message as it is)."""


def not_utf8_message(content: bytes, error: UnicodeDecodeError) -> str:
    """Why a CSV that is not UTF-8 is refused, and how to save it from Excel so that it is."""
    line = content[: error.start].count(b"\n") + 1
    return (
        f"Tệp CSV không được lưu bằng bảng mã UTF-8 (chữ không đọc được từ dòng {line}), có lẽ là "
        "Windows-1258 hoặc Unicode (UTF-16), nên chữ tiếng Việt sẽ bị sai. Hãy mở tệp bằng Excel, "
        "chọn File › Save As (Tệp › Lưu như), ở ô kiểu tệp (Save as type) chọn "
        "“CSV UTF-8 (Comma delimited) (*.csv)”, lưu rồi tải tệp đó lên lại. Chưa có dòng nào được nhập."
    )


class CSVFormat(base_formats.CSV):
    """CSV in UTF-8 with a byte-order mark (so that Excel reads Vietnamese), its text cells escaped
    by `csv_cell` and restored by `csv_restore` when read back. A file in another encoding is
    refused with `UnreadableSheet`, saying how to save it in UTF-8."""

    def export_data(self, dataset, **kwargs):
        escaped = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            escaped.append([csv_cell(value) for value in row])
        return "\ufeff" + escaped.export("csv")

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode(self.encoding or "utf-8-sig")
            except UnicodeDecodeError as error:
                raise UnreadableSheet(not_utf8_message(in_stream, error)) from None
        dataset = super().create_dataset(in_stream.removeprefix("\ufeff"), **kwargs)
        restored = tablib.Dataset(headers=[csv_restore(header) for header in dataset.headers or []])
        for row in dataset:
            restored.append([csv_restore(value) for value in row])
        return restored
