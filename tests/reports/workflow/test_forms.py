"""Bad input through the pages a browser posts to: the report form, the review buttons, the upload
and the period form.

Each bad post must show the user a message in Vietnamese, next to the field it concerns when
there is one, and change nothing: the report's fields, version, indicator values, events and files are
compared before and after. One happy path shows what a good post does.
"""

import datetime
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Evidence, IndicatorValue, ReportEvent, ReportingPeriod, ReportStatus, TaskReport
from tasks.models import Indicator, Task
from tests.helpers import output_indicator, report_in, rows

RESULTS = "Đã tổ chức 2 hội thảo giới thiệu công nghệ, 150 lượt người tham dự."
ICT = datetime.timezone(datetime.timedelta(hours=7))
ENGLISH = re.compile(r"\b(enter|select|ensure|this field|valid|choice|required|file|number|date)\b", re.I)


# Uploads go to a folder of each test only.
pytestmark = pytest.mark.usefixtures("media_root")

# Everything a post could change: periods, reports, their outputs, events and files.
REPORTING = (ReportingPeriod, TaskReport, IndicatorValue, Indicator, ReportEvent, Evidence)


# ------------------------------------------------------------------------------
# Reading the page as a user does
# ------------------------------------------------------------------------------
class _Page(HTMLParser):
    """Collects, from a rendered page: each form field's error messages (keyed by the name of the
    input inside `<div class="field">`), the text of `role="alert"` boxes and of the messages list."""

    def __init__(self):
        super().__init__()
        self.field_errors: dict[str, list[str]] = {}
        self.alerts: list[str] = []
        self.messages: list[str] = []
        self._stack: list[dict] = []  # one entry per open element we care about
        self._field = None  # {"names": [...], "errors": [...], "depth": n}
        self._depth = 0
        self._capture = None  # (kind, buffer)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in ("input", "select", "textarea") and self._field is not None and attrs.get("name"):
            self._field["names"].append(attrs["name"])
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        self._depth += 1
        if tag == "div" and "field" in classes and self._field is None:
            self._field = {"names": [], "errors": [], "depth": self._depth}
        if tag == "p" and "field-error" in classes:
            self._capture = ("field-error", [], self._depth)
        elif tag == "div" and attrs.get("role") == "alert":
            self._capture = ("alert", [], self._depth)
        elif tag == "li" and self._in_messages:
            self._capture = ("message", [], self._depth)
        if tag == "ul" and "messages" in classes:
            self._in_messages = True

    _in_messages = False

    def handle_endtag(self, tag):
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        if self._capture and self._capture[2] == self._depth:
            kind, buffer, _ = self._capture
            text = " ".join("".join(buffer).split())
            if kind == "field-error" and self._field is not None:
                self._field["errors"].append(text)
            elif kind == "alert":
                self.alerts.append(text)
            elif kind == "message":
                self.messages.append(text)
            self._capture = None
        if self._field is not None and self._field["depth"] == self._depth and tag == "div":
            name = self._field["names"][0] if self._field["names"] else ""
            if self._field["errors"]:
                self.field_errors.setdefault(name, []).extend(self._field["errors"])
            self._field = None
        if tag == "ul" and self._in_messages:
            self._in_messages = False
        self._depth -= 1

    def handle_data(self, data):
        if self._capture:
            self._capture[1].append(data)


def read_page(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def is_vietnamese(text: str) -> bool:
    """Written in Vietnamese: has its letters (đ, ơ, ư, tone marks...) and no English words."""
    decomposed = unicodedata.normalize("NFD", text)
    has_vietnamese = "đ" in text.lower() or any(unicodedata.combining(char) for char in decomposed)
    return bool(text.strip()) and has_vietnamese and not ENGLISH.search(text)


def form_data(**changes) -> dict:
    """A valid post of the report form of ttkhcn's task-1 report at version 1; None drops a key."""
    data = {
        "version": "1",
        "results": RESULTS,
        "completion": "in_progress",
        "completed_on": "",
        "progress": "40",
        "difficulties": "",
        "proposals": "",
        "funds_planned": "",
        "funds_spent": "",
        "output_events": "2",
        "output_articles": "",
        "output_participants": "150",
    }
    data.update(changes)
    return {field_name(key): value for key, value in data.items() if value is not None}


def field_name(name: str) -> str:
    """The form's name of a field: "output_events" is the field of task 1's indicator that the
    count "events" became ("indicator_<id>"); other names are themselves."""
    if not name.startswith("output_"):
        return name
    task = Task.objects.get(plan__code="kh-463", number="1")
    return f"indicator_{output_indicator(task, name.removeprefix('output_')).pk}"


@pytest.fixture
def report(before_deadline, world) -> TaskReport:
    """ttkhcn's report on task 1, already saved once with outputs, so that a bad post has
    something to overwrite (version 2)."""
    return report_in(
        world,
        "draft",
        results="Bản đầu.",
        completion="in_progress",
        progress=20,
        funds_planned=5_000_000,
        outputs={"events": 1},
    )


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.ttkhcn_staff)
    return client


# ------------------------------------------------------------------------------
# The report form
# ------------------------------------------------------------------------------
BAD_REPORT_POSTS = [
    # id, changes to a valid post, the field the message belongs to, what it must say (or None)
    ("funds-not-a-number", {"funds_planned": "mười triệu"}, "funds_planned", None),
    ("funds-with-letters", {"funds_spent": "12abc", "funds_planned": "1000"}, "funds_spent", None),
    ("funds-negative", {"funds_planned": "-5000000"}, "funds_planned", None),
    ("funds-spent-negative", {"funds_planned": "1000", "funds_spent": "-1"}, "funds_spent", None),
    ("progress-150", {"progress": "150"}, "progress", None),
    ("progress-negative", {"progress": "-10"}, "progress", None),
    ("progress-not-a-number", {"progress": "bốn mươi"}, "progress", None),
    (
        "done-without-a-date",
        {"completion": "done", "completed_on": ""},
        "completed_on",
        "Hãy ghi ngày hoàn thành.",
    ),
    ("date-2026-13-45", {"completion": "done", "completed_on": "2026-13-45"}, "completed_on", None),
    ("date-31-02-2026", {"completion": "done", "completed_on": "31/02/2026"}, "completed_on", None),
    ("date-in-words", {"completion": "done", "completed_on": "hôm qua"}, "completed_on", None),
    (
        "date-in-the-future",
        {"completion": "done", "completed_on": "21/10/2026"},
        "completed_on",
        "Ngày hoàn thành không được sau hôm nay.",
    ),
    ("unknown-completion", {"completion": "almost"}, "completion", None),
    ("indicator-minus-1", {"output_events": "-1"}, "output_events", "Số liệu không được âm."),
    ("indicator-not-a-number", {"output_participants": "nhiều"}, "output_participants", None),
    ("indicator-dot-decimal", {"output_participants": "83.4"}, "output_participants", None),
    (
        "indicator-decimal-for-a-whole-number",
        {"output_events": "2,5"},
        "output_events",
        "Chỉ tiêu này tính bằng số nguyên: hãy ghi số không có phần thập phân.",
    ),
    (
        "spent-without-planned",
        {"funds_spent": "1000000"},
        "funds_planned",
        "Hãy ghi kinh phí dự trù khi đã ghi kinh phí sử dụng.",
    ),
]


@pytest.mark.parametrize(
    "changes, field, expected",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_REPORT_POSTS],
)
def test_bad_report_input_is_shown_in_vietnamese_and_changes_nothing(
    report, staff_client, changes, field, expected
):
    # Given the report at version 2, and what it holds
    before = rows(*REPORTING)
    url = reverse("reports:report_edit", args=[report.pk])

    # When the staff posts the form with one bad value
    response = staff_client.post(url, form_data(version=str(report.version), **changes))

    # Then the form comes back, not saved, saying so in Vietnamese
    assert response.status_code == 400
    page = read_page(response)
    assert page.alerts and all(is_vietnamese(alert) for alert in page.alerts), page.alerts
    # and the message sits next to the field, in Vietnamese
    field = field_name(field)
    errors = page.field_errors.get(field)
    assert errors, f"no message next to {field}: {page.field_errors}"
    assert all(is_vietnamese(error) for error in errors), errors
    if expected:
        assert expected in errors
    # and nothing changed
    assert rows(*REPORTING) == before


@pytest.mark.parametrize(
    "field, typed, meant",
    [
        # Amounts are shown as "12.345.000 đ": users type them back the same way.
        pytest.param("funds_planned", "500.000", 500_000, id="funds-500.000"),
        pytest.param("funds_planned", "12.345.000", 12_345_000, id="funds-12.345.000"),
        pytest.param("output_participants", "1.000", 1_000, id="participants-1.000"),
    ],
)
def test_a_number_typed_with_vietnamese_thousand_dots_is_read_right_or_refused(
    report, staff_client, field, typed, meant
):
    before = rows(*REPORTING)

    # When the staff types a number grouped with dots, as the pages show them
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]), form_data(version="2", **{field: typed})
    )

    # Then it is either understood as the number they meant, or refused with a Vietnamese message
    # and nothing saved; never stored as a number a thousand times smaller
    if response.status_code == 302:
        stored = TaskReport.objects.get(pk=report.pk)
        value = (
            stored.funds_planned
            if field == "funds_planned"
            else stored.indicator_values.get(indicator__name__startswith="Lượt người").value
        )
        assert value == meant, f"typed {typed!r}, stored {value!r}"
    else:
        assert response.status_code == 400
        errors = read_page(response).field_errors.get(field_name(field))
        assert errors and all(is_vietnamese(error) for error in errors), errors
        assert rows(*REPORTING) == before


@pytest.mark.parametrize(
    "version",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("abc", id="not-a-number"),
        pytest.param("1", id="older-version"),
        pytest.param("99", id="future-version"),
    ],
)
def test_a_missing_or_forged_version_saves_nothing(report, staff_client, version):
    # Given the report at version 2
    assert report.version == 2
    before = rows(*REPORTING)

    # When the form is posted with a missing or forged version
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]),
        form_data(version=version, results="Ghi đè."),
    )

    # Then nothing is saved, and the user is told so in Vietnamese
    assert response.status_code == 400
    page = read_page(response)
    assert page.alerts and all(is_vietnamese(alert) for alert in page.alerts), page.alerts
    assert "Đã lưu báo cáo." not in response.content.decode()
    assert rows(*REPORTING) == before


@pytest.mark.parametrize(
    "version",
    [pytest.param(None, id="missing"), pytest.param("abc", id="not-a-number")],
)
def test_a_broken_version_is_explained_not_pointed_at_fields_that_are_not_marked(
    report, staff_client, version
):
    # When the form is posted with its hidden version missing or not a number
    response = staff_client.post(reverse("reports:report_edit", args=[report.pk]), form_data(version=version))

    # Then the page either marks a field below, as its banner promises, or says what went wrong;
    # it must not send the user looking for marks that are not there
    page = read_page(response)
    says_see_below = any("được đánh dấu bên dưới" in alert for alert in page.alerts)
    assert not says_see_below or page.field_errors, (page.alerts, page.field_errors)


def test_a_stale_version_tells_the_user_to_reload(report, staff_client):
    # When the form opened at version 1 is posted after someone saved version 2
    response = staff_client.post(reverse("reports:report_edit", args=[report.pk]), form_data(version="1"))

    # Then the page says someone else saved it and what to do
    page = read_page(response)
    assert any("người khác lưu" in alert and "mở lại báo cáo" in alert for alert in page.alerts), page.alerts


def test_a_valid_post_saves_and_shows_the_report(report, staff_client, world):
    url = reverse("reports:report_edit", args=[report.pk])

    # When the staff posts a valid form
    response = staff_client.post(
        url,
        form_data(
            version="2",
            results="Đã tổ chức 3 hội thảo.\nĐã đăng 12 tin, bài.",
            progress="65",
            funds_planned="12345000",
            funds_spent="2500000",
            output_events="3",
            output_articles="12",
            output_participants="",
            difficulties="Thiếu kinh phí.",
            escalate="on",
        ),
    )

    # Then it redirects to the report page
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", args=[report.pk])

    # which says it was saved and shows what was saved, amounts formatted the Vietnamese way
    page_response = staff_client.get(response["Location"])
    html = page_response.content.decode()
    assert "Đã lưu báo cáo." in read_page(page_response).messages
    assert "Đã tổ chức 3 hội thảo." in html and "Đã đăng 12 tin, bài." in html
    assert "12.345.000 đ" in html
    assert "2.500.000 đ" in html
    assert "tiến độ 65%" in html
    assert "Đề nghị báo cáo Giám đốc Sở" in html
    # and it is stored, with its outputs and one more "saved" event by the staff
    stored = TaskReport.objects.get(pk=report.pk)
    assert (stored.version, stored.progress, stored.funds_planned, stored.funds_spent, stored.escalate) == (
        3,
        65,
        12_345_000,
        2_500_000,
        True,
    )
    assert sorted(stored.indicator_values.values_list("indicator__order", "value")) == [(1, 3), (2, 12)]
    last = stored.events.last()
    assert (last.kind, last.actor_id) == ("saved", world.ttkhcn_staff.pk)


def test_today_is_the_day_in_vietnam_not_in_utc(report, client, world, time_machine):
    # Given 00:30 on 21/10/2026 in Đồng Nai, still 20/10 in UTC, and the staff logged in
    time_machine.move_to(datetime.datetime(2026, 10, 21, 0, 30, tzinfo=ICT), tick=False)
    client.force_login(world.ttkhcn_staff)
    staff_client = client

    # When the staff reports the task done today
    response = staff_client.post(
        reverse("reports:report_edit", args=[report.pk]),
        form_data(version="2", completion="done", completed_on="21/10/2026"),
    )

    # Then it is not "in the future": it is saved
    assert response.status_code == 302, read_page(response).field_errors
    assert response["Location"] == reverse("reports:report_detail", args=[report.pk])
    stored = TaskReport.objects.get(pk=report.pk)
    assert (stored.completion, stored.completed_on, stored.progress) == (
        "done",
        datetime.date(2026, 10, 21),
        100,
    )


def test_the_form_shows_the_saved_amounts_and_outputs(report, staff_client):
    # When the staff opens the form of a report holding 5.000.000 đ planned and 1 event
    response = staff_client.get(reverse("reports:report_edit", args=[report.pk]))

    # Then the form is filled with them, and carries the version it was opened at
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="funds_planned"[^>]*value="5000000"', html)
    assert re.search(rf'name="{field_name("output_events")}"[^>]*value="1"', html)
    assert re.search(r'name="version"[^>]*value="2"|value="2"[^>]*name="version"', html)


# ------------------------------------------------------------------------------
# Evidence upload
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"file": SimpleUploadedFile("bien-ban.pdf", b"")}, id="empty-file"),
        pytest.param({}, id="no-file"),
    ],
)
def test_an_empty_upload_is_refused_with_a_message(report, staff_client, media_root, files):
    before = rows(*REPORTING)

    # When the staff uploads an empty file (or none)
    response = staff_client.post(reverse("reports:evidence_upload", args=[report.pk]), files, follow=True)

    # Then they are back on the report page, told to choose a file, and nothing is kept
    assert response.redirect_chain[-1][0] == reverse("reports:report_detail", args=[report.pk])
    messages = read_page(response).messages
    assert "Hãy chọn một tệp." in messages, messages
    assert all(is_vietnamese(message) for message in messages), messages
    assert rows(*REPORTING) == before
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_an_upload_whose_content_lies_is_refused_with_a_message(report, staff_client, media_root):
    before = rows(*REPORTING)
    upload = SimpleUploadedFile(
        "bien-ban.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )

    response = staff_client.post(
        reverse("reports:evidence_upload", args=[report.pk]), {"file": upload}, follow=True
    )

    messages = read_page(response).messages
    assert any("không đúng loại" in message and "bien-ban.pdf" in message for message in messages), messages
    assert rows(*REPORTING) == before
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# ------------------------------------------------------------------------------
# Review buttons
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "comment",
    [pytest.param("", id="empty"), pytest.param("   \n  ", id="blank"), pytest.param(None, id="missing")],
)
def test_returning_without_a_comment_is_refused_with_a_message(before_deadline, world, client, comment):
    # Given ttkhcn's report submitted by its head
    report = report_in(world, "submitted", results=RESULTS)
    before = rows(*REPORTING)

    # When the coordinator presses "Trả lại" without a comment
    client.force_login(world.coordinator)
    data = {} if comment is None else {"comment": comment}
    response = client.post(reverse("reports:report_return", args=[report.pk]), data, follow=True)

    # Then the report page says a comment is needed, and the report is still waiting for review
    assert response.redirect_chain[-1][0] == reverse("reports:report_detail", args=[report.pk])
    messages = read_page(response).messages
    assert messages and all(is_vietnamese(message) for message in messages), messages
    assert any("ý kiến" in message for message in messages), messages
    assert rows(*REPORTING) == before
    assert TaskReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


# ------------------------------------------------------------------------------
# The period form
# ------------------------------------------------------------------------------
@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


@pytest.mark.parametrize(
    "data, field, expected",
    [
        pytest.param({"year": "abcd"}, "year", None, id="year-abcd"),
        pytest.param({"year": ""}, "year", None, id="year-empty"),
        pytest.param({"year": "1999"}, "year", None, id="year-1999"),
        pytest.param({"year": "2027", "deadline": "31/02/2027"}, "deadline", None, id="deadline-31-02"),
    ],
)
def test_bad_period_input_is_shown_in_vietnamese_and_opens_nothing(
    world, coordinator_client, data, field, expected
):
    before = rows(*REPORTING)

    # When the coordinator posts the period form with bad input
    response = coordinator_client.post(reverse("reports:period_list"), {"plan": str(world.plan.pk), **data})

    # Then the form comes back with a Vietnamese message, where it belongs
    assert response.status_code == 400
    page = read_page(response)
    if field:
        errors = page.field_errors.get(field)
        assert errors and all(is_vietnamese(error) for error in errors), page.field_errors
    else:
        assert page.alerts and all(is_vietnamese(alert) for alert in page.alerts), page.alerts
        if expected:
            assert expected in page.alerts
    # and no period or report was opened
    assert rows(*REPORTING) == before


@pytest.mark.parametrize(
    "plan, status, expected",
    [
        pytest.param(
            "999999", 400, "Hãy chọn một kế hoạch đang thực hiện trong danh sách.", id="nonexistent-id"
        ),
        pytest.param("abc", 400, "Hãy chọn một kế hoạch đang thực hiện trong danh sách.", id="not-an-id"),
        pytest.param(
            "²", 400, "Hãy chọn một kế hoạch đang thực hiện trong danh sách.", id="superscript-digit"
        ),
        pytest.param(None, 400, "Hãy chọn kế hoạch.", id="missing"),
    ],
)
def test_a_period_form_for_an_unknown_plan_opens_nothing(world, coordinator_client, plan, status, expected):
    before = rows(*REPORTING)
    data = {"year": "2027"} | ({} if plan is None else {"plan": plan})

    # When the coordinator posts the period form for a plan that does not exist
    response = coordinator_client.post(reverse("reports:period_list"), data)

    # Then they are told, in Vietnamese, and no period or report is opened
    assert response.status_code == status
    assert expected in response.content.decode()
    assert rows(*REPORTING) == before


def test_a_valid_period_form_opens_the_year(world, coordinator_client):
    response = coordinator_client.post(
        reverse("reports:period_list"),
        {"plan": str(world.plan.pk), "year": "2027", "deadline": ""},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("reports:period_list")
    assert "Đã mở kỳ năm 2027 (tạo 21 báo cáo mới)." in read_page(response).messages
    period = ReportingPeriod.objects.get(plan=world.plan, year=2027)
    assert period.deadline == datetime.date(2027, 11, 15)
    assert period.reports.count() == 21


@pytest.mark.parametrize(
    "data, field, expected",
    [
        # The world's 2026 period holds data from 11/11/2025 to 10/11/2026.
        pytest.param(
            {
                "name": "Đợt riêng",
                "cutoff_from": "01/11/2026",
                "cutoff_to": "30/11/2026",
                "deadline": "05/12/2026",
            },
            None,
            "chồng lên kỳ “Năm 2026”",
            id="overlaps-2026",
        ),
        pytest.param(
            {
                "name": "Đợt riêng",
                "cutoff_from": "15/11/2026",
                "cutoff_to": "30/11/2026",
                "deadline": "05/12/2026",
            },
            None,
            "phải bắt đầu từ 11/11/2026",
            id="leaves-a-gap",
        ),
        pytest.param(
            {
                "name": "Đợt riêng",
                "cutoff_from": "11/11/2026",
                "cutoff_to": "30/11/2026",
                "deadline": "01/12/2026",
            },
            "cutoff_to",
            "ít nhất một ngày làm việc",
            id="no-working-day-before-the-deadline",
        ),
        pytest.param(
            {
                "name": "Đợt riêng",
                "cutoff_from": "11/11/2026",
                "cutoff_to": "30/11/2026",
                "deadline": "01/11/2026",
            },
            "deadline",
            "không được trước ngày bắt đầu",
            id="deadline-before-the-window",
        ),
        pytest.param(
            {"name": "", "cutoff_from": "11/11/2026", "cutoff_to": "30/11/2026", "deadline": "05/12/2026"},
            "name",
            None,
            id="no-name",
        ),
        pytest.param(
            {
                "name": "Đợt riêng",
                "cutoff_from": "31/02/2026",
                "cutoff_to": "30/11/2026",
                "deadline": "05/12/2026",
            },
            "cutoff_from",
            None,
            id="no-such-day",
        ),
    ],
)
def test_bad_own_period_input_is_shown_in_vietnamese_and_opens_nothing(
    world, coordinator_client, data, field, expected
):
    before = rows(*REPORTING)

    # When the coordinator adds a period of the plan's own with bad input
    response = coordinator_client.post(
        reverse("reports:period_add"),
        {"rieng-plan": str(world.plan.pk), **{f"rieng-{k}": v for k, v in data.items()}},
    )

    # Then the form comes back with a Vietnamese message, where it belongs, and nothing is opened
    assert response.status_code == 400
    page = read_page(response)
    messages = page.field_errors.get(f"rieng-{field}") if field else page.alerts
    assert messages and all(is_vietnamese(message) for message in messages), (page.field_errors, page.alerts)
    if expected:
        assert any(expected in message for message in messages), messages
    assert rows(*REPORTING) == before


def test_an_own_period_following_the_last_opens_with_its_reports(world, coordinator_client):
    response = coordinator_client.post(
        reverse("reports:period_add"),
        {
            "rieng-plan": str(world.plan.pk),
            "rieng-name": "Đợt bổ sung cuối năm 2026",
            "rieng-cutoff_from": "11/11/2026",
            "rieng-cutoff_to": "31/12/2026",
            "rieng-deadline": "15/01/2027",
        },
        follow=True,
    )

    assert "Đã mở kỳ đợt bổ sung cuối năm 2026 (tạo 21 báo cáo mới)." in read_page(response).messages
    period = ReportingPeriod.objects.get(plan=world.plan, name="Đợt bổ sung cuối năm 2026")
    # a yearly report due in January of the next year is a period like any other
    assert (period.key, period.kind, period.deadline) == (
        "dot-bo-sung-cuoi-nam-2026",
        "custom",
        datetime.date(2027, 1, 15),
    )
