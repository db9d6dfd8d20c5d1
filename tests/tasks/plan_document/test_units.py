"""Names of bodies matched against the unit registry: case, diacritics, spacing and the usual
abbreviations do not matter; the usual words for groups find the registry's groups; what is not
known, or known only loosely, says so."""

from __future__ import annotations

import datetime

import pytest

from tasks.plan_document.units import Known, Registry
from tasks.plan_document.words import key

from .documents import seed_463

BEFORE_2025 = datetime.date(2024, 12, 31)
AFTER_2025 = datetime.date(2026, 3, 1)


def _registry(*extra: Known) -> Registry:
    data = seed_463()
    units = [
        Known(
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name") or "",
            kind=row["kind"],
            parent=row.get("parent"),
            valid_to=datetime.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
        )
        for row in data["units"]
    ]
    members: dict[str, set[str]] = {}
    for row in data["units"]:
        for group in row.get("groups", []):
            members.setdefault(group, set()).add(row["code"])
    return Registry.build([*units, *extra], members=members, place="Đồng Nai")


REGISTRY = _registry()


def _found(text: str, *, on=BEFORE_2025, registry=REGISTRY) -> list[tuple[str, str | None, str]]:
    return [(m.text, m.unit, m.status) for m in registry.match(text, on=on)]


@pytest.mark.parametrize(
    "written, code",
    [
        ("Phòng Quản lý Khoa học", "qlkh"),
        ("phòng quản lý khoa học", "qlkh"),
        ("PHÒNG QUẢN LÝ KHOA HỌC", "qlkh"),
        ("Phong Quan ly Khoa hoc", "qlkh"),
        ("Phòng   Quản  lý\tKhoa học", "qlkh"),
        ("Phòng QLKH", "qlkh"),
        ("Sở KH&CN", "so-khcn"),
        ("Sở KH & CN", "so-khcn"),
        ("Sở Khoa học và Công nghệ", "so-khcn"),
        ("Sở Khoa học Công nghệ tỉnh Đồng Nai", "so-khcn"),
        ("UBND tỉnh", "ubnd-tinh"),
        ("Ủy ban nhân dân tỉnh Đồng Nai", "ubnd-tinh"),
        ("Uỷ ban nhân dân tỉnh", "ubnd-tinh"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "mttq"),
        ("MTTQ tỉnh", "mttq"),
        ("Mặt trận Tổ quốc Việt Nam tỉnh", "mttq"),
        ("LHH tỉnh", "lhh"),
        ("Liên hiệp các Hội KH&KT tỉnh", "lhh"),
        ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "lhh"),
        ("Trung tâm KH&CN", "ttkhcn"),
        ("Giám đốc Sở", "ban-giam-doc"),
        ("Thường trực Tỉnh ủy", "tinh-uy"),
    ],
)
def test_a_unit_is_found_however_it_is_written(written, code):
    assert _found(written) == [(" ".join(written.split()), code, "matched")]


@pytest.mark.parametrize(
    "written, code",
    [
        ("Các sở, ban, ngành", "nhom-so-ban-nganh"),
        ("sở, ban ngành", "nhom-so-ban-nganh"),
        ("các sở, ngành", "nhom-so-ban-nganh"),
        ("UBND các huyện, thành phố", "nhom-ubnd-cap-huyen"),
        ("Ủy ban nhân dân cấp huyện", "nhom-ubnd-cap-huyen"),
        ("các doanh nghiệp, tổ chức, cá nhân", "nhom-doanh-nghiep"),
        ("các Viện, Trường Đại học, các Tổ chức khoa học công nghệ", "nhom-vien-truong"),
        ("các phòng, đơn vị, trung tâm thuộc Sở", "nhom-don-vi-thuoc-so"),
        ("các phòng chuyên môn và đơn vị trực thuộc Sở", "nhom-don-vi-thuoc-so"),
    ],
)
def test_the_usual_words_for_several_bodies_find_the_group(written, code):
    ((_, unit, status),) = _found(written)
    assert (unit, status) == (code, "matched")


def test_ubnd_of_communes_and_wards_finds_the_group_the_registry_holds():
    communes = Known(code="nhom-ubnd-cap-xa", name="Ủy ban nhân dân các xã, phường", kind="group")
    registry = _registry(communes)
    assert _found("UBND các xã, phường", registry=registry) == [
        ("UBND các xã, phường", "nhom-ubnd-cap-xa", "matched")
    ]
    assert _found("UBND cấp xã", registry=registry) == [("UBND cấp xã", "nhom-ubnd-cap-xa", "matched")]


def test_group_words_without_a_group_in_the_registry_are_named_as_unmatched():
    ((text, unit, status),) = _found("UBND các xã, phường")
    assert (text, unit, status) == ("UBND các xã, phường", None, "unmatched")
    assert REGISTRY.match("UBND các xã, phường")[0].reason.startswith("Cách gọi chung một nhóm đơn vị")


def test_a_list_is_split_into_its_bodies_commas_inside_names_included():
    assert _found(
        "Ban Tuyên giáo Tỉnh ủy, sở, ban, ngành, Sở Văn hóa, Thể thao và Du lịch, Sở Tài chính và Công an tỉnh"
    ) == [
        ("Ban Tuyên giáo Tỉnh ủy", "ban-tuyen-giao", "matched"),
        ("sở, ban, ngành", "nhom-so-ban-nganh", "matched"),
        ("Sở Văn hóa, Thể thao và Du lịch", None, "unmatched"),
        ("Sở Tài chính", None, "unmatched"),
        ("Công an tỉnh", None, "unmatched"),
    ]


def test_words_around_names_are_no_names():
    assert _found("Phòng Quản lý Khoa học (chủ trì), các Tổ chức khoa học công nghệ có liên quan") == [
        ("Phòng Quản lý Khoa học", "qlkh", "matched"),
        ("Tổ chức khoa học công nghệ", "nhom-vien-truong", "matched"),
    ]


def test_a_loose_word_for_local_government_is_a_doubtful_match_of_its_time():
    communes = Known(code="nhom-ubnd-cap-xa", name="Ủy ban nhân dân các xã, phường", kind="group")
    registry = _registry(communes)
    assert _found("địa phương", registry=registry) == [("địa phương", "nhom-ubnd-cap-huyen", "doubtful")]
    # After 30/06/2025 the districts are gone: the communes and wards are the local governments.
    assert _found("địa phương", on=AFTER_2025, registry=registry) == [
        ("địa phương", "nhom-ubnd-cap-xa", "doubtful")
    ]


def test_a_close_name_is_offered_with_doubt():
    ((text, unit, status),) = _found("Phòng Quản lí Khoa học")
    assert (unit, status) == ("qlkh", "doubtful")
    assert REGISTRY.match("Phòng Quản lí Khoa học")[0].reason == "Gần giống “Phòng Quản lý Khoa học”."


def test_a_unit_no_longer_in_existence_is_matched_with_doubt_and_its_successor_named():
    old = Known(
        code="ubnd-bien-hoa-cu",
        name="Ủy ban nhân dân huyện Cũ",
        kind="district",
        valid_to=datetime.date(2025, 6, 30),
        successor="ubnd-tinh",
    )
    registry = _registry(old)
    (mention,) = registry.match("UBND huyện Cũ", on=AFTER_2025)
    assert (mention.unit, mention.status) == ("ubnd-bien-hoa-cu", "doubtful")
    assert "đã thôi hoạt động" in mention.reason and "Ủy ban nhân dân tỉnh Đồng Nai" in mention.reason
    assert registry.match("UBND huyện Cũ", on=BEFORE_2025)[0].status == "matched"


def test_extra_words_after_a_known_name_make_it_doubtful():
    ((text, unit, status),) = _found("Phòng Quản lý Khoa học Tài nguyên")
    assert (text, unit, status) == ("Phòng Quản lý Khoa học Tài nguyên", "qlkh", "doubtful")


def test_the_key_of_a_name_ignores_case_diacritics_spacing_and_abbreviations():
    assert (
        key("Sở  KH&CN")
        == key("sở khoa học và công nghệ")
        == key("SO KHOA HOC CONG NGHE")
        == "so khoa hoc cong nghe"
    )
    assert key("UBND tỉnh") == key("Ủy ban nhân dân tỉnh")
    # "từ" folds to "tu", but only a word in capitals is read as an abbreviation ("TU": Tỉnh ủy).
    assert key("từ") == "tu"


def test_the_divisions_group_of_the_issuer_reports_through_its_members():
    assert REGISTRY.reporting_for("nhom-don-vi-thuoc-so", "so-khcn") == "members"
    assert REGISTRY.reporting_for("nhom-so-ban-nganh", "so-khcn") is None
    assert REGISTRY.reporting_for("qlkh", "so-khcn") is None
