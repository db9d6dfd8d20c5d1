"""Every page in Chromium under the Content-Security-Policy: nothing refused on any of them, for the
coordinator, a unit's staff and the administrator, and the admin's scripts still at work (the
autocomplete, the two-list selector, the date shortcuts, the export's "select all", the import
preview). tests/security/test_headers.py checks the headers and the HTML of the same pages."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.models import ReportStatus, TaskReport
from tasks.models import Assignment, Unit, UnitKind
from tests.browser.test_report_round_browser import log_in
from tests.factories import PASSWORD
from tests.security import test_every_url
from tests.security.test_every_url import build
from tests.security.test_headers import PAGES

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every document before its own scripts (Playwright injects it, the policy does not apply).
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
SENT = datetime.datetime(2026, 10, 10, 2, tzinfo=datetime.UTC)
victim = test_every_url.victim


class Watch:
    """What Chromium said about the pages: refusals (the document's event), console messages and
    uncaught script errors."""

    def __init__(self, page):
        self.page = page
        self.refused = []
        self.console = []
        self.errors = []
        page.add_init_script(WATCH)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def on_console(self, message):
        source = message.location.get("url", "")
        # The admin's pages link no icon: the browser asks for /favicon.ico by itself.
        if message.type == "error" and source.endswith("/favicon.ico"):
            return
        self.console.append(f"{self.page.url}: {message.type}: {message.text} ({source})")

    def collect(self):
        """The refusals of the document shown, read before it is left."""
        self.refused += [f"{self.page.url}: {text}" for text in self.page.evaluate("window.__cspViolations")]

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        self.page.wait_for_load_state("load")
        self.collect()

    def assert_nothing_refused(self):
        self.collect()
        policy_messages = [
            text for text in self.console if "Security Policy" in text or "Permissions-Policy" in text
        ]
        assert self.refused == []
        assert policy_messages == []
        assert [text for text in self.console if ": error: " in text] == []
        assert self.errors == []


@pytest.fixture
def data(victim, world):
    """tests/security/test_every_url.py's objects (a report of TTKHCN sent with a file and a
    difficulty raised to the Director, a calendar token), and another report accepted: the review
    queue, the escalations, the board's chart and the report page have something to show."""
    TaskReport.objects.filter(pk=world.report("lhh", 2).pk).update(
        status=ReportStatus.ACCEPTED,
        completion="done",
        completed_on=datetime.date(2026, 10, 1),
        progress=100,
        submitted_at=SENT,
    )
    return victim


def test_no_page_of_the_application_is_refused_anything(page, world, data):
    """The pages of tests/security/test_headers.py, as the coordinator (the edit form as the unit's
    staff)."""
    watch = Watch(page)
    watch.visit(build("login", data))
    log_in(page, world.coordinator)
    watch.collect()
    for name in PAGES:
        if name not in ("login", "reports:report_edit"):
            watch.visit(build(name, data))
    watch.visit(reverse("reports:board") + f"?state=in_progress_on_time&unit={data['unit']}")

    # The chart's bars are drawn by their classes: each part as wide as its share of the bar.
    watch.visit(reverse("reports:board"))
    bars = page.locator(".chart-bar")
    expect(bars.first).to_be_visible()
    for bar in bars.all():
        total = bar.evaluate("element => element.clientWidth")
        for part in bar.locator("span").all():
            percent = int(
                next(name for name in part.get_attribute("class").split() if name.startswith("w-"))[2:]
            )
            width = part.evaluate("element => element.getBoundingClientRect().width")
            assert abs(width - total * percent / 100) <= 3, (percent, width, total)

    # The unit's staff and the edit form.
    log_in(page, world.qlcn_staff)
    watch.collect()
    draft = world.report("qlcn", 3)
    watch.visit(reverse("reports:report_edit", args=[draft.pk]))
    page.get_by_label("Kết quả đạt được").fill("Đã rà soát.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo.")

    watch.assert_nothing_refused()


def test_no_admin_page_is_refused_anything_and_its_scripts_work(page, world, data):
    watch = Watch(page)
    lhh = Unit.objects.get(code="lhh")
    group = Unit.objects.filter(kind=UnitKind.GROUP).order_by("name").first()
    assignment = (
        Assignment.objects.filter(note="").select_related("task__plan", "unit").order_by("pk").first()
    )

    page.goto("/admin/")
    watch.collect()
    page.get_by_label("Tên đăng nhập").fill(world.admin.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Quản trị hệ thống")).to_be_visible()
    watch.collect()

    for url in [
        "/admin/",
        "/admin/tasks/task/?q=tuyên+truyền",
        "/admin/tasks/task/?deadline_kind__exact=fixed",
        "/admin/tasks/unit/?kind__exact=group&_facets=1",
        "/admin/tasks/assignment/?role__exact=lead&q=khoa",
        "/admin/reports/taskreport/?status__exact=submitted",
        f"/admin/reports/taskreport/{data['report']}/change/",
        f"/admin/tasks/plan/{world.plan.pk}/change/",
        f"/admin/tasks/task/{data['task']}/change/",
        "/admin/tasks/legaldocument/add/",
        f"/admin/tasks/unit/{lhh.pk}/history/",
        "/admin/tasks/assignment/import/",
        "/admin/tasks/assignment/export/",
    ]:
        watch.visit(url)

    # The history page's paginator keeps its look from a class instead of an inline style.
    watch.visit(f"/admin/tasks/unit/{lhh.pk}/history/")
    paginator = page.locator("p.paginator")
    assert paginator.evaluate("element => getComputedStyle(element).borderTopWidth") == "0px"

    # A change form with autocompletes, an inline that adds rows and date shortcuts.
    watch.visit(f"/admin/tasks/unit/{lhh.pk}/change/")
    page.locator("#id_parent + .select2").click()
    page.locator(".select2-search__field").fill("Sở Khoa học")
    option = page.locator(".select2-results__option", has_text="Sở Khoa học")
    expect(option.first).to_be_visible()  # found by the autocomplete's request to the server
    option.first.click()
    expect(page.locator("#id_parent + .select2 .select2-selection__rendered")).to_contain_text("Sở Khoa học")
    if group is not None:  # the inline of dated memberships: a row added by inlines.js, its autocomplete
        page.locator("tr.add-row a").first.click()
        row = page.locator("tr.dynamic-memberships").last
        row.locator(".field-group .select2").click()
        page.locator(".select2-search__field").fill(group.name[:12])
        page.locator(".select2-results__option", has_text=group.name[:12]).first.click()
        expect(row.locator(".field-group .select2-selection__rendered")).to_contain_text(group.name[:12])
    page.locator(".field-valid_from .datetimeshortcuts a").first.click()  # "Hôm nay"
    expect(page.locator("#id_valid_from")).not_to_have_value("")
    watch.collect()

    # The export page: its "select all" box, bound without an inline handler, and its two classes.
    watch.visit("/admin/tasks/assignment/export/")
    toggle = page.locator("input.select-toggle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    expect(fields.first).to_be_checked()
    toggle.uncheck()
    for index in range(fields.count()):
        expect(fields.nth(index)).not_to_be_checked()
    toggle.check()
    expect(fields.first).to_be_checked()
    assert page.locator("label.export-select-all").evaluate("e => getComputedStyle(e).fontWeight") == "700"
    assert (
        page.locator("p.export-fields-intro").first.evaluate("e => getComputedStyle(e).paddingTop") == "0px"
    )
    watch.collect()

    # The import preview marks the changed note without inline styles.
    book = openpyxl.Workbook()
    book.active.append(["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"])
    book.active.append(
        [
            assignment.task.plan.code,
            assignment.task.number,
            assignment.unit.name,
            assignment.get_role_display(),
            "Ghi chú mới",
        ]
    )
    sheet = io.BytesIO()
    book.save(sheet)
    watch.visit("/admin/tasks/assignment/import/")
    page.locator("#id_import_file").set_input_files(
        files=[{"name": "phan-cong.xlsx", "mimeType": "application/octet-stream", "buffer": sheet.getvalue()}]
    )
    page.locator("#id_format").select_option("0")  # XLSX
    page.locator("input[type=submit]").first.click()
    mark = page.locator("table.import-preview td ins", has_text="Ghi chú mới")
    expect(mark).to_be_visible()
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(230, 255, 230)"
    watch.collect()

    watch.assert_nothing_refused()


def test_a_refusal_would_be_seen(page, world, data):
    """The watch itself: an inline style set by a script is refused, and the test sees it."""
    watch = Watch(page)
    log_in(page, world.coordinator)
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    watch.collect()
    assert any("style-src-attr" in text for text in watch.refused), watch.refused
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
