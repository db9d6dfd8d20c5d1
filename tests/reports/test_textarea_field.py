"""The tag `textarea_field` writes a text area as `reports/_field.html` does, in every state a form
puts it in: the consolidated report's form relies on the two being the same."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string


class ResultForm(forms.Form):
    result = forms.CharField(
        label="4.1. Nhiệm vụ <b>đặt hàng</b> & “khác”",
        required=False,
        max_length=20,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Để trống thì giữ kết quả <soạn> từ báo cáo của đơn vị.",
    )
    plain = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea)


def spaced(html: str) -> str:
    """The HTML with the white space between tags left out (the two are indented differently)."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "form",
    [
        ResultForm(initial={"result": 'Đã làm <script>alert("x")</script> & xong'}),
        ResultForm(data={"result": "quá dài " * 5, "plain": ""}),
        ResultForm(data={"result": "", "plain": "Dòng 1\nDòng 2"}),
        ResultForm(auto_id=False, data={"result": "x" * 30}),
    ],
    ids=["unbound", "too-long", "blank", "no-id"],
)
@pytest.mark.parametrize("name", ["result", "plain"])
def test_the_tag_writes_what_the_template_does(form, name):
    form.is_valid()
    field = form[name]

    by_tag = Template("{% load kehoach %}{% textarea_field field %}").render(Context({"field": field}))
    by_template = render_to_string("reports/_field.html", {"field": field})

    assert spaced(by_tag) == spaced(by_template)
    assert "<script>" not in by_tag and "<b>" not in by_tag


def test_a_field_at_fault_is_described_by_its_help_and_its_error():
    form = ResultForm(data={"result": "quá dài " * 5})
    form.is_valid()

    html = render_to_string("reports/_field.html", {"field": form["result"]})

    assert 'aria-describedby="id_result_helptext id_result_error"' in html
    assert 'id="id_result_helptext"' in html and 'id="id_result_error"' in html
