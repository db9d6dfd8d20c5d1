"""A strict Content-Security-Policy and a Permissions-Policy on every page, the admin's included,
and nothing in those pages that the policy would refuse: no inline style or script, no event handler
attribute, no `javascript:` address. Evidence downloads keep their own, stricter policy.

Pages are read as the people who open them (tests/browser/test_csp_browser.py opens the same pages
in Chromium and watches for refusals); the templates the application can render are read too, so
that a page no test opens cannot carry inline code either.
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import import_export
import openpyxl
import pytest
import simple_history
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from tasks.models import Assignment
from tests.security import test_every_url
from tests.security.test_every_url import URLS, build

# The objects every URL is tried on: a submitted report of TTKHCN with a file, a direction asked
# for, a calendar token (tests/security/test_every_url.py).
victim = test_every_url.victim

SOURCES = {"'self'", "'none'"}  # nothing from another site: no CDN, no data: or blob: address

# Every page of the application outside the admin: URL name → who opens it (None: nobody logged in).
PAGES = {
    "login": None,
    "password_change": "coordinator",
    "password_change_done": "coordinator",
    "alive_logged_in": "ttkhcn_staff",
    "reports:home": "ttkhcn_staff",
    "reports:plan_list": "coordinator",
    "reports:plan_detail": "coordinator",
    "reports:plan_indicators": "ttkhcn_staff",
    "reports:task_detail": "coordinator",
    "reports:report_detail": "coordinator",
    "reports:report_edit": "qlcn_staff",  # on a draft of their own unit: see report_edit_url
    "reports:review_queue": "coordinator",
    "reports:period_list": "coordinator",
    "reports:period_edit": "coordinator",
    "reports:board": "coordinator",
    "reports:reminder_list": "coordinator",
    "reports:escalation_list": "leadership",
    "reports:funds": "finance",
    "reports:consolidated_list": "coordinator",
    "reports:consolidated_detail": "coordinator",
    "reports:consolidated_edit": "coordinator",
    "reports:consolidated_issue": "coordinator",
    "reports:consolidated_edition": "coordinator",
    "reports:calendar": "ttkhcn_staff",
    "reports:notifications": "ttkhcn_staff",
    "reports:notification_settings": "ttkhcn_staff",
    "reports:search": "ttkhcn_staff",
}
# The rest answer a form's POST with a redirect, or send a file or a feed, never a page.
NOT_PAGES = {
    "alive",
    "logout",
    "reports:report_submit",
    "reports:report_return",
    "reports:report_accept",
    "reports:report_reopen",
    "reports:evidence_upload",
    "reports:evidence_download",
    "reports:evidence_delete",
    "reports:direction_add",
    "reports:period_toggle",
    "reports:period_add",
    "reports:remind_unit",
    "reports:funds_export",
    "reports:consolidated_export",
    "reports:consolidated_edition_export",
    "reports:consolidated_new_edition",
    "reports:calendar_renew",
    "reports:calendar_feed",
}


def directives(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_strict_policy(response, where):
    assert "Content-Security-Policy" in response, where
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"], where
    assert policy["script-src"] == ["'self'"], where  # no 'unsafe-inline', no nonce needed
    assert policy["style-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["base-uri"] == ["'self'"], where
    assert policy["form-action"] == ["'self'"], where
    assert {source for sources in policy.values() for source in sources} <= SOURCES, where
    assert "Content-Security-Policy-Report-Only" not in response, where
    assert_permissions_policy(response, where)


def assert_permissions_policy(response, where):
    assert "Permissions-Policy" in response, where
    features = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", (where, feature)
    assert features["fullscreen"] == "(self)", where


class InlineCode(HTMLParser):
    """What in a page the policy refuses: style attributes and <style> elements, <script> elements
    without src (data blocks, which never run, aside), on… attributes, javascript: addresses."""

    DATA_BLOCKS = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        where = self.get_starttag_text()
        if "nonce" in names:
            self.found.append(f"a nonce, which no page needs: {where}")
        if "style" in names:
            self.found.append(where)
        if tag == "style":
            self.found.append(where)
        if tag == "script" and not names.get("src") and names.get("type") not in self.DATA_BLOCKS:
            self.found.append(where)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(where)
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(where)


def inline_code(response) -> list[str]:
    finder = InlineCode()
    finder.feed(response.content.decode())
    finder.close()
    return finder.found


def assert_clean_page(response, where):
    assert response["Content-Type"].startswith("text/html"), where
    assert_strict_policy(response, where)
    assert inline_code(response) == [], where


def test_every_url_is_a_page_here_or_no_page():
    assert set(PAGES) | NOT_PAGES == set(URLS)
    assert not set(PAGES) & NOT_PAGES


@pytest.fixture
def report_edit_url(world):
    """The edit form of a draft that its unit's staff may still change."""
    return reverse("reports:report_edit", args=[world.report("qlcn", 3).pk])


@pytest.fixture
def as_user(world):
    """A client logged in as the World account of that name (a fresh client for nobody)."""

    def client_of(account):
        client = Client()
        if account:
            client.force_login(getattr(world, account))
        return client

    return client_of


def test_every_page_has_the_strict_policy_and_no_inline_code(victim, as_user, report_edit_url):
    for name, account in PAGES.items():
        url = report_edit_url if name == "reports:report_edit" else build(name, victim)
        response = as_user(account).get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert_clean_page(response, name)


def test_refusals_and_error_pages_have_the_strict_policy_and_no_inline_code(victim, as_user):
    report = build("reports:report_detail", victim)
    pages = {
        "another unit's report (404)": as_user("qlcn_staff").get(report),
        "a page the role does not open (403)": as_user("ttkhcn_staff").get(reverse("reports:board")),
        "no such address (404)": as_user("coordinator").get("/khong-co/"),
        "a NUL character (400)": as_user("coordinator").get(reverse("reports:plan_list") + "?q=%00"),
        "a form without its token (403)": Client(enforce_csrf_checks=True).post(reverse("login"), {}),
    }
    for where, response in pages.items():
        assert response.status_code in (400, 403, 404), where
        assert_clean_page(response, where)


def test_every_response_has_both_headers_and_evidence_downloads_keep_their_sandbox(victim, as_user):
    coordinator = as_user("coordinator")
    for name in URLS:
        response = coordinator.get(build(name, victim))
        assert_permissions_policy(response, name)
        if name == "reports:evidence_download":
            assert response.status_code == 200
            # Its own policy, not replaced by the site's: the file can run nothing, load nothing.
            assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert_strict_policy(response, name)


def admin_pages(model, model_admin, user) -> list[str]:
    """The admin's pages of one model that `user` may open: its list (searched, filtered, with
    facets), its forms, its history, its import and export."""
    request = RequestFactory().get("/")
    request.user = user
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{info}_changelist")
    pages = [changelist, changelist + "?q=kh", changelist + "?_facets=1"]
    listing = model_admin.get_changelist_instance(request)
    if listing.filter_specs:  # the first choice of the first filter
        chosen = [choice for choice in listing.filter_specs[0].choices(listing) if not choice["selected"]]
        pages.append(changelist + chosen[0]["query_string"])
    if model_admin.has_add_permission(request):
        pages.append(reverse(f"{info}_add"))
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        pages += [reverse(f"{info}_change", args=[obj.pk]), reverse(f"{info}_history", args=[obj.pk])]
        if model_admin.has_delete_permission(request, obj):
            pages.append(reverse(f"{info}_delete", args=[obj.pk]))
        if isinstance(model_admin, SimpleHistoryAdmin):
            record = obj.history.order_by("pk").first()
            if record is not None:
                pages.append(reverse(f"{info}_simple_history", args=[obj.pk, record.history_id]))
    if isinstance(model_admin, ImportMixin):
        pages += [reverse(f"{info}_import"), reverse(f"{info}_export")]
    return pages


def test_every_admin_page_has_the_strict_policy_and_no_inline_code(victim, world, as_user):
    administrator = as_user("admin")
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        pages += admin_pages(model, model_admin, world.admin)
    for url in pages:
        response = administrator.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_clean_page(response, url)
    assert_clean_page(as_user(None).get(reverse("admin:login")), "the admin's login page")


def test_the_import_preview_marks_changes_without_inline_styles(world, as_user):
    """diff-match-patch writes <ins style="…">; tasks.resources.StylelessDiff takes the style off."""
    assignment = Assignment.objects.select_related("task", "unit").filter(note="").order_by("pk").first()
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
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("phan-cong.xlsx", buffer.getvalue())

    response = as_user("admin").post(
        reverse("admin:tasks_assignment_import"), {"format": "0", "import_file": upload}
    )

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert "<ins>Ghi chú mới</ins>" in response.content.decode()
    assert_clean_page(response, "the import preview")


# ------------------------------------------------------------------------------
# The templates themselves, pages no test opens included
# ------------------------------------------------------------------------------
TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    Path(django.__file__).parent / "contrib" / "admin" / "templates",
    Path(django.__file__).parent / "contrib" / "auth" / "templates",
    Path(django.__file__).parent / "forms" / "templates",  # form widgets
    Path(import_export.__file__).parent / "templates",
    Path(simple_history.__file__).parent / "templates",
]
# Django's own change list adds a <style> element only to a list with no actions bar at all
# (actions_on_top and actions_on_bottom both off), which no admin of the project has: checked below.
CONDITIONAL = {"admin/change_list.html": "<style>"}
TAG = re.compile(r"<(script|style)\b([^>]*)>|\s(style|on[a-z]+)\s*=|javascript:", re.IGNORECASE)


def templates() -> dict[str, Path]:
    """Every HTML template name → the file rendered for it: the first the project's loaders find
    (an override in templates/ before the library's own); form widgets as Django has them."""
    found = {}
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            name = str(path.relative_to(folder))
            try:
                found[name] = Path(get_template(name).origin.name)
            except TemplateDoesNotExist:
                found.setdefault(name, path)
    return found


def inline_in_source(source: str) -> list[str]:
    found = []
    for match in TAG.finditer(source):
        if match.group(1) and match.group(1).lower() == "script" and re.search(r"\ssrc=", match.group(2)):
            continue
        found.append(match.group(0).strip())
    return found


def test_no_template_the_application_renders_carries_inline_code():
    """None has a style attribute, a <style> or inline <script>, an on… attribute."""
    offending = {}
    for name, path in sorted(templates().items()):
        found = inline_in_source(path.read_text(encoding="utf-8"))
        if name in CONDITIONAL:
            found = [item for item in found if item != CONDITIONAL[name]]
        if found:
            offending[name] = found
    assert offending == {}


def test_the_overrides_are_the_ones_rendered():
    for name in (
        "admin/import_export/export.html",
        "admin/import_export/import.html",
        "simple_history/object_history.html",
        "simple_history/object_history_list.html",
    ):
        assert Path(get_template(name).origin.name).is_relative_to(Path(settings.BASE_DIR) / "templates")


def test_no_admin_drops_both_action_bars():
    for model_admin in admin.site._registry.values():
        assert model_admin.actions_on_top or model_admin.actions_on_bottom, model_admin
