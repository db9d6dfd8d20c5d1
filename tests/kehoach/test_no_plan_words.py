"""No plan's words in code: the site's name, the coordinating unit, the recipient, the filing symbol
and the archive line come from data or settings (docs/domain.md, "Plans of any shape"). Plan 463 is
the first data set, so its number, its coordinating division, that division's filing initials and
its yearly deadline must not be written into the application's code, templates or static files; the
fixtures, tests, migrations and the README may name them."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEARCHED = ["kehoach", "tasks", "reports", "templates", "static"]
SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".xml"}
WORDS = ["463", "Quản lý Khoa học", "QLKH", "15/11"]
# The one line allowed: the table of abbreviations a plan's document is read with spells out every
# common division's initials (QLKH beside QLCN, KHTC…), whichever plan the document is.
ALLOWED = {("tasks/plan_document/words.py", '    "qlkh": "quan ly khoa hoc",')}


def _files():
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts and path.is_file():
                yield path


def test_the_search_covers_the_application():
    files = {path.relative_to(ROOT).as_posix() for path in _files()}
    assert {"reports/consolidated/generator.py", "templates/base.html", "static/css/app.css"} <= files


@pytest.mark.parametrize("word", WORDS)
def test_no_plan_s_words_in_code_or_templates(word):
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if word.lower() in line.lower() and (path.relative_to(ROOT).as_posix(), line) not in ALLOWED
    ]
    assert not found, found
