"""A form's message names the real problem, reads as Vietnamese is written (no space before the full
stop), and the field at fault is marked for the eye (a class) and for a screen reader
(aria-invalid)."""

import re

import pytest
from django.urls import reverse

from reports.workflow.forms import GroupedIntegerField
from tests.reports.workflow.test_forms import form_data, report, staff_client  # noqa: F401 (fixtures)


def _input(html: str, name: str) -> str:
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return tag


@pytest.mark.parametrize("typed", ["-3", "- 3", "−1.250", "–7"])
def test_a_negative_number_is_refused_as_negative(typed):
    field = GroupedIntegerField(required=False)
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    assert refused.value.messages == ["Không được âm: hãy ghi 0 hoặc một số lớn hơn 0."]


@pytest.mark.parametrize("typed", ["2,5", "abc", "1.25"])
def test_a_number_that_is_not_whole_gets_an_example_of_a_count_not_of_money(typed):
    field = GroupedIntegerField(required=False)
    with pytest.raises(Exception) as refused:
        field.clean(typed)
    [message] = refused.value.messages
    assert "1.250" in message and "12.345.000" not in message


@pytest.mark.django_db
def test_a_negative_amount_is_told_so_beside_its_marked_field(report, staff_client):  # noqa: F811
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]), form_data(version="2", funds_planned="-3")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Không được âm: hãy ghi 0 hoặc một số lớn hơn 0." in html
    marked = _input(html, "funds_planned")
    assert 'aria-invalid="true"' in marked and re.search(r'class="[^"]*\binvalid\b', marked)
    untouched = _input(html, "funds_spent")
    assert "aria-invalid" not in untouched and "invalid" not in untouched


@pytest.mark.django_db
def test_a_message_has_no_space_before_its_full_stop(report, staff_client):  # noqa: F811
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]), form_data(version="2", progress="-3")
    )

    html = response.content.decode()
    assert "Giá trị phải lớn hơn hoặc bằng 0." in html
    assert not re.search(r"\w \.(?!\.)", re.sub(r"<[^>]+>", "", html))
