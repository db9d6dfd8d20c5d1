"""The Vietnamese catalogue for django-import-export, django-simple-history and django-axes.

locale/vi/LC_MESSAGES/django.po is edited by hand and compiled to django.mo with polib:

    .venv/bin/python -c "import polib; polib.pofile('locale/vi/LC_MESSAGES/django.po')\
.save_as_mofile('locale/vi/LC_MESSAGES/django.mo')"

These tests need no database.
"""

from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"


def catalogue_pairs(catalogue) -> dict:
    """(msgctxt, msgid, msgid_plural) -> msgstr, or the tuple of plural msgstrs, for every entry."""
    pairs = {}
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            translated = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            translated = entry.msgstr
        pairs[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = translated
    return pairs


def test_mo_file_is_compiled_from_the_current_po_file():
    # Given the hand-edited catalogue and its compiled form
    po = polib.pofile(str(PO_PATH))
    mo = polib.mofile(str(MO_PATH))

    # When every message is read from both
    po_pairs = catalogue_pairs(po)
    mo_pairs = catalogue_pairs(mo)

    # Then they hold exactly the same translations (a .po edit without recompiling fails here)
    assert po_pairs, "the .po file holds no message"
    missing_from_mo = {key: value for key, value in po_pairs.items() if mo_pairs.get(key) != value}
    stale_in_mo = {key: value for key, value in mo_pairs.items() if key not in po_pairs}
    assert not missing_from_mo, f"recompile django.mo; these differ or are missing: {missing_from_mo}"
    assert not stale_in_mo, f"recompile django.mo; these are no longer in django.po: {stale_in_mo}"
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def test_po_header_declares_vietnamese_utf8_and_one_plural_form():
    # Given the catalogue
    po = polib.pofile(str(PO_PATH))

    # When its header is read
    header = po.metadata

    # Then it is Vietnamese, UTF-8, with the single plural form Vietnamese has
    assert header["Language"] == "vi"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"


def test_every_po_entry_is_translated_and_none_is_fuzzy():
    # Given the catalogue
    po = polib.pofile(str(PO_PATH))

    # When its entries are checked
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    empty_plurals = [
        entry.msgid for entry in po if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]

    # Then none is left empty or marked fuzzy (Django ignores fuzzy entries)
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not empty_plurals, f"empty plural forms: {empty_plurals}"


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        # django-import-export
        ("Import", "Nhập dữ liệu"),
        ("Export", "Xuất dữ liệu"),
        ("Confirm import", "Xác nhận nhập dữ liệu"),
        ("Line number", "Dòng số"),
        ("Resource", "Loại dữ liệu"),
        # django-simple-history
        ("Changed by", "Người thay đổi"),
        ("History", "Lịch sử thay đổi"),
        ("Revert", "Khôi phục"),
        ("Created", "Tạo mới"),
        # django-axes
        (
            "Account locked: too many login attempts. Please try again later.",
            "Tài khoản bị tạm khóa do đăng nhập không thành công quá nhiều lần. Vui lòng thử lại sau.",
        ),
        ("Locked Out", "Bị tạm khóa"),
    ],
)
def test_third_party_strings_come_out_in_vietnamese(english, vietnamese):
    # Given the project running in Vietnamese
    with translation.override("vi"):
        # When a third-party app asks for one of its strings
        translated = translation.gettext(english)

    # Then the project's catalogue answers in Vietnamese
    assert translated == vietnamese


def test_import_summary_keeps_its_placeholders():
    # Given import_export's summary message, filled in with str.format as the admin does
    message = "Import finished: {} new, {} updated, {} deleted and {} skipped {}."

    # When it is translated and filled in
    with translation.override("vi"):
        summary = translation.gettext(message).format(3, 2, 1, 0, "nhiệm vụ")

    # Then every count lands in the Vietnamese sentence
    assert summary == "Nhập dữ liệu hoàn tất: 3 mới, 2 cập nhật, 1 xóa và 0 bỏ qua (nhiệm vụ)."


@pytest.mark.parametrize("count", [1, 5])
def test_plural_strings_use_the_single_vietnamese_form(count):
    # Given simple_history's plural entry counter, for one entry and for several
    with translation.override("vi"):
        # When it is translated with ngettext
        translated = translation.ngettext("entry", "entries", count)

    # Then the one Vietnamese form comes out whatever the count
    assert translated == "bản ghi"


def test_trimmed_blocktranslate_from_import_export_template_is_translated():
    # Given the plural block of import_export's export.html, as written in that template
    template = Template(
        "{% load i18n %}"
        "{% blocktranslate count len=items|length trimmed %}\n"
        "        Export {{ len }} selected item.\n"
        "        {% plural %}\n"
        "        Export {{ len }} selected items.\n"
        "      {% endblocktranslate %}"
    )

    # When it is rendered in Vietnamese
    with translation.override("vi"):
        rendered = template.render(Context({"items": ["a", "b", "c"]}))

    # Then the translated sentence carries the count
    assert rendered == "Xuất dữ liệu 3 mục đã chọn."
