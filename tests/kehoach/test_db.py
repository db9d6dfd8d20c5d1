"""Vietnamese alphabetical order and accent-insensitive matching, in Python and in the database
(SQLite and PostgreSQL alike)."""

import random

import pytest
from django import forms

from kehoach.db import Plain, Vietnamese, plain_text, vi_sort_key
from tasks.models import Unit
from tests.factories import UnitFactory

# In the order of a Vietnamese dictionary: a < ă < â, d < đ, tones after letters, words by words.
DICTIONARY_ORDER = [
    "Anh Sơn",
    "Ấp Bắc",
    "Biên Hòa",
    "Cẩm Mỹ",
    "Dầu Giây",
    "Định Quán",
    "Long Khánh",
    "Long Thành",
    "Ơn Trời",
    "Tân Phú",
    "Thống Nhất",
    "Trảng Bom",
    "Ưu Tiên",
    "Xuân Lộc",
]


def test_the_sort_key_orders_as_a_vietnamese_dictionary():
    shuffled = random.Random(463).sample(DICTIONARY_ORDER, len(DICTIONARY_ORDER))
    assert sorted(shuffled, key=vi_sort_key) == DICTIONARY_ORDER
    assert sorted(shuffled) != DICTIONARY_ORDER  # code-point order puts "Định Quán" after "Xuân Lộc"


def test_tones_come_after_letters_in_their_dictionary_order():
    words = ["ma", "mà", "mả", "mã", "má", "mạ", "mai"]
    assert sorted(random.Random(463).sample(words, len(words)), key=vi_sort_key) == words


def test_plain_text_drops_marks_and_case():
    assert plain_text("Phủ Xanh ĐÔ THỊ") == "phu xanh do thi"
    assert plain_text(None) is None


@pytest.mark.django_db
def test_units_are_listed_in_vietnamese_order_by_the_database():
    for name in reversed(DICTIONARY_ORDER):
        UnitFactory(name=f"Huyện {name}")

    listed = [unit.name.removeprefix("Huyện ") for unit in Unit.objects.filter(name__startswith="Huyện ")]

    assert listed == DICTIONARY_ORDER
    by_expression = Unit.objects.filter(name__startswith="Huyện ").order_by(Vietnamese("name").desc())
    assert [unit.name.removeprefix("Huyện ") for unit in by_expression] == DICTIONARY_ORDER[::-1]


@pytest.mark.django_db
def test_a_select_of_units_offers_them_in_vietnamese_order():
    for name in ["Xuân Lộc", "Định Quán", "Dầu Giây"]:
        UnitFactory(name=name)
    field = forms.ModelChoiceField(Unit.objects.filter(name__in=["Xuân Lộc", "Định Quán", "Dầu Giây"]))

    labels = [label for value, label in field.choices if value]

    assert labels == ["Dầu Giây", "Định Quán", "Xuân Lộc"]


@pytest.mark.django_db
def test_the_database_matches_words_typed_without_marks():
    UnitFactory(name="Ban Quản lý Khu công nghệ cao Đồng Nai")
    UnitFactory(name="Sở Tài chính")

    found = Unit.objects.annotate(plain=Plain("name")).filter(plain__contains="quan ly khu cong nghe")

    assert [unit.name for unit in found] == ["Ban Quản lý Khu công nghệ cao Đồng Nai"]
    assert not Unit.objects.annotate(plain=Plain("name")).filter(plain__contains="dong nai tai").exists()


@pytest.mark.django_db
def test_the_database_check_asks_postgresql_for_its_collation(monkeypatch):
    from django.db import connection

    from kehoach import checks, db

    assert checks.vietnamese_collation(None, databases=["default"]) == []

    # A server without the collation (PostgreSQL built without ICU) is told at migrate; SQLite has
    # its own collation and never needs one.
    monkeypatch.setattr(db, "POSTGRESQL_COLLATION", "vi-khong-co-icu")
    errors = checks.vietnamese_collation(None, databases=["default"])
    expected = ["kehoach.E001"] if connection.vendor == "postgresql" else []
    assert [error.id for error in errors] == expected
