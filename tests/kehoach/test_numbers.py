"""Numbers as Vietnamese readers write them: "1.250", "83,4"; and on the pages (|number)."""

import pytest
from django.template import Context, Template

from kehoach.text import number_text


@pytest.mark.parametrize(
    "value, shown",
    [
        (1250, "1.250"),
        (83.4, "83,4"),
        ("1250.50", "1.250,5"),
        (1234567.891, "1.234.567,89"),
        (0, "0"),
        (-3, "-3"),
        (12.0, "12"),
        (None, ""),
        ("", ""),
        ("không rõ", "không rõ"),
    ],
)
def test_a_number_is_grouped_the_vietnamese_way(value, shown):
    assert number_text(value) == shown


def test_a_count_on_a_page_is_grouped():
    rendered = Template("{% load kehoach %}{{ n|number }} lượt").render(Context({"n": 1250}))
    assert rendered == "1.250 lượt"
