"""A fuzz of every input of every page (OWASP WSTG-INPV): each GET parameter and form field of the
application's pages, and the admin's filters, object addresses and forms, sent hostile values (digits
that are no number, NUL, numbers beyond any column, impossible dates, 1 MB strings, markup, paths, the
same parameter twice, a field left out). None may answer with a server error, and a write refused
(a 4xx, a form shown again with its errors, or an error message) changes nothing: the rows of the
reports and tasks tables (`tests.helpers.rows`) are compared with the World's whenever such a request
wrote to one of them.

The inputs are discovered, not listed: every page of `reports` (and the login and password pages) is
read as each role of the World, starting from the home page and the World's objects and following the
links, and its forms (fields, hidden values) and its links' query parameters are collected; a view's GET
parameter that no link or form carries is added from the view (`UNLINKED_PARAMETERS`). The admin's
inputs come from `admin.site._registry` (list_filter, date_hierarchy, search, ordering, paging) and
from its pages' own forms and links.

How many payloads each input gets: on the application's pages, every payload on every parameter and
every field, alone (the 1 MB string on one field of a form, the sample below on its text areas but the
first), then on all of a page's parameters (a form's fields) at once. The admin is Django's code, the
same for every model and costlier to render, so there each filter, form field and object address gets
one payload of each kind (`SAMPLE`, `FIELD_SAMPLE`): a field of a model on one of its forms, a formset's
management fields on one form, the action and delete forms (alike for every model) once, a form's text
areas but the first and its lone checkboxes only at once; the search gets every payload; the 1 MB and
100 KB strings (which the admin copies into every filter link of the page) and the admin's own
parameters (`p`, `e`, `_to_field`...) go to one changelist (and one page of each kind: add, change,
delete...); and one payload of each other kind (`KINDS`) goes to each changelist and form through all
its inputs at once.

Each request runs in a savepoint rolled back at once, so every case starts from the same World; a
server error is recorded, not raised, and each test asserts at the end, listing every failing case
grouped by cause.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import traceback
import urllib.parse
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client, override_settings
from django.test.utils import ContextList
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from reports.calendar.services import calendar_token_issue
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_issue
from reports.followup.services import direction_give
from reports.models import Reminder, ReminderKind, TaskReport
from reports.workflow.services import evidence_add, period_open
from tasks.models import Plan, Unit
from tests.conftest import World, world_build
from tests.factories import PDF
from tests.helpers import plan_load_seed, report_in, rows

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------
# The payloads
# ------------------------------------------------------------------------------
class Special:
    """A payload that is no value: the parameter left out, or sent twice."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


MISSING = Special("parameter left out")
TWICE = Special("parameter sent twice")

BIG = "x" * 1_000_000  # 1 MB
# 100 KB of Vietnamese words, with the spaces an admin search splits into terms.
VIETNAMESE = ("Báo cáo kết quả thực hiện nhiệm vụ khoa học và công nghệ năm 2026 của đơn vị " * 1300)[
    :100_000
]

PAYLOADS = [
    # unicode digits: "²" is no number to int(), "٣" and "１２" are (3 and 12)
    "²",
    "٣",
    "１２",
    # NUL
    "a\x00b",
    "\x00",
    # beyond any column, any float, any date
    "9" * 30,
    "-" + "9" * 30,
    "1e309",
    "99999999999999999999999",
    # negative and zero
    "-1",
    "0",
    # impossible dates
    "31/02/2026",
    "0000-00-00",
    "01/01/0001",
    "99/99/9999",
    # long strings
    BIG,
    VIETNAMESE,
    # characters that break quoting, markup and paths
    "%",
    "'",
    '"',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    # lists, nothing, emptiness
    TWICE,
    MISSING,
    "",
    " \t\n ",
    # (a lone surrogate cannot be sent over HTTP: no UTF-8 encodes it)
]

# The payloads a parameter also gets beside the page's other parameters at their offered values.
BESIDE_OTHERS = ["²", "9" * 30, "-1", "31/02/2026", TWICE, ""]

# GET parameters a view reads that no link or form of its pages may carry (a pager shows its links only
# when there is a second page, the login page reads `next`, ...): read from reports/*/views.py.
UNLINKED_PARAMETERS = {
    "login": ["next"],
    "logout": ["next"],
    "reports:board": ["plan", "ky", "unit", "task", "state", "chi_tieu", "page", "chua_gui"],
    "reports:reminder_list": ["unit", "page"],
    "reports:escalation_list": ["cho", "page"],
    "reports:funds": ["plan", "year", "page", "nhiem_vu", "don_vi"],
    "reports:home": ["page"],
    "reports:review_queue": ["plan", "period", "unit", "page"],
    "reports:funds_export": ["plan", "year"],
    "reports:period_list": ["plan", "page"],
    "reports:consolidated_list": ["page"],
    "reports:notifications": ["page", "tat_ca"],
    "reports:search": ["q", "loai", "trang"],
}
# The admin's own query parameters: of every changelist (page, error flag, show all, facets, the
# related-object popup), and of its object pages (the changelist's filters kept, the popup).
ADMIN_CHANGELIST_PARAMETERS = ["p", "e", "all", "_facets", "_to_field", "_popup"]
ADMIN_OBJECT_PARAMETERS = ["_changelist_filters", "_to_field", "_popup"]

# The roles of the World in the order the fuzz prefers them for a page many may see.
ROLE_ORDER = [
    "coordinator",
    "ttkhcn_staff",
    "ttkhcn_head",
    "leadership",
    "finance",
    "admin",
    "qlkh_head",
    "qlcn_staff",
    "anonymous",
]
# Pages of one address name read per role while discovering (report pages in several states, ...).
PAGES_PER_NAME = 4
CSRF_FIELD = "csrfmiddlewaretoken"
NOW = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def label(payload) -> str:
    if isinstance(payload, Special):
        return repr(payload)
    if len(payload) > 40:
        return f"{payload[:12]!r}… ({len(payload):,} characters)"
    return repr(payload)


# ------------------------------------------------------------------------------
# The World, built once for the module with one report in each state that shows other forms
# ------------------------------------------------------------------------------
@dataclass
class FuzzWorld:
    world: World
    seeds: list[str]  # addresses the discovery starts from, beside the home page


def _build() -> FuzzWorld:
    plan_load_seed()
    world = world_build(Plan.objects.get(code="kh-463"))
    # TTKHCN's report on task 1: a draft with a file (the edit, upload, delete and submit forms).
    draft = report_in(world, "draft", "ttkhcn", 1, difficulties="Thiếu kinh phí tổ chức hội thảo.")
    evidence = evidence_add(
        report=draft,
        by=world.ttkhcn_staff,
        upload=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    )
    # QLCN's report on task 3: sent, with a difficulty raised to the Director and a direction (the
    # return, accept and direction forms).
    sent = report_in(world, "submitted", "qlcn", 3, difficulties="Chưa có hướng dẫn.", escalate=True)
    direction_give(report=sent, by=world.leadership, text="Giao Phòng Quản lý Khoa học hướng dẫn.")
    # The coordinating unit's own report, sent to the leadership; an accepted report (the reopen form).
    own = report_in(world, "submitted", "qlkh", 2)
    others = (
        TaskReport.objects.filter(period=world.period)
        .exclude(pk__in=[draft.pk, sent.pk, own.pk])
        .exclude(unit__code="qlkh")
        .select_related("unit", "task")
        .order_by("pk")
    )
    accepted = next(iter(others), None)
    if accepted is not None:
        accepted = report_in(world, "accepted", accepted.unit.code, accepted.task.number)
    Reminder.objects.create(
        unit=Unit.objects.get(code="ttkhcn"),
        kind=ReminderKind.MANUAL,
        sent_at=NOW - datetime.timedelta(days=3),
        sent_by=world.coordinator,
        recipients="ttkhcn@example.org",
        subject="Đôn đốc báo cáo",
        body="Đề nghị gửi báo cáo.",
        report_count=1,
    )
    # An issued consolidated report (2025), so that an edition's page, its files and the correction
    # are reached; 2026's stays in preparation, for its form.
    period_open(plan=world.plan, year=2025, by=world.coordinator)
    consolidated_issue(
        scope=scope(world.plan, "2025"),
        by=world.coordinator,
        version=0,
        number="415",
        issued_on=datetime.date(2025, 11, 20),
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn An",
    )
    issued = calendar_token_issue(user=world.ttkhcn_staff)
    token = issued if isinstance(issued, str) else world.ttkhcn_staff.calendar_token
    reports_shown = [draft, sent, own] + ([accepted] if accepted else [])
    # What the links may not lead to: each report in its state, the file, the calendar's secret feed.
    seeds = [
        seed("login"),
        seed("password_change"),
        seed("password_change_done"),
        *(seed("reports:report_detail", report.pk) for report in reports_shown),
        seed("reports:report_edit", draft.pk),
        seed("reports:evidence_download", evidence.pk),
        seed("reports:calendar_feed", token),
    ]
    return FuzzWorld(world=world, seeds=[address for address in seeds if address])


def seed(name: str, *args) -> str | None:
    """The address of `name`, or None when it takes other arguments now (the test that lists every
    address fuzzed then says which one the discovery missed)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once inside a transaction rolled back at the end of the module, on a day before the
    2026 deadline; each test runs in a savepoint within it, each request in a savepoint of its own."""
    media = tmp_path_factory.mktemp("fuzz-media")
    with (
        time_machine.travel(NOW, tick=False),
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def quiet():
    """Thousands of refusals would each be logged (and printed with a failure): silenced while the
    fuzz runs. The loggers' arguments are still computed, so the logging code still runs."""
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


# ------------------------------------------------------------------------------
# Reading a page: its forms and its links
# ------------------------------------------------------------------------------
@dataclass
class FormField:
    name: str
    # "text" (any input that sends its value), "textarea", "check", "select", "multiple", "file", "submit"
    kind: str
    values: list[str] = field(default_factory=list)  # what the page would send
    options: list[str] = field(default_factory=list)


@dataclass
class Button:
    """A submit button that sends its form elsewhere (`formaction`, `formmethod`)."""

    action: str | None
    method: str | None
    name: str
    value: str


@dataclass
class Form:
    page: str
    action: str
    method: str
    id: str = ""
    fields: dict[str, FormField] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    autocomplete: list[dict] = field(default_factory=list)  # the admin's autocomplete selects

    def add(self, item: FormField) -> None:
        known = self.fields.get(item.name)
        if known is None:
            self.fields[item.name] = item
        else:  # radio buttons, checkboxes of one name
            known.values += item.values
            known.options += item.options

    def submissions(self) -> list[Form]:
        """The form as each of its buttons sends it: to its own action, and to each `formaction`."""
        own = [button for button in self.buttons if button.action is None and button.method is None]
        variants = [self] if own or not self.buttons else []
        for button in self.buttons:
            if button in own:
                continue
            variant = Form(
                page=self.page,
                action=self.action if button.action is None else button.action,
                method=(button.method or self.method).lower(),
                id=self.id,
                fields={name: item for name, item in self.fields.items() if item.kind != "submit"},
                autocomplete=self.autocomplete,
            )
            if button.name:
                variant.fields[button.name] = FormField(button.name, "submit", [button.value])
            if not any(v.action == variant.action and v.method == variant.method for v in variants):
                variants.append(variant)
        return variants

    def data(self) -> dict[str, list[str]]:
        """What a browser would send on the first submit button."""
        data: dict[str, list[str]] = {}
        submitted = False
        for item in self.fields.values():
            if item.kind == "submit":
                if not submitted and item.values:
                    data[item.name] = item.values[:1]
                    submitted = True
            elif item.kind == "file":
                continue
            elif item.values:
                data[item.name] = list(item.values)
        return data

    def targets(self) -> list[str]:
        """The fields the fuzz changes: every one but the CSRF token, the submit buttons (which send
        whether they were pressed, not what they hold), the empty row the admin's script copies
        (`__prefix__`), and of fields numbered alike only the first: the rows of an inline
        (`assignments-0-unit`, `assignments-1-unit`), and three or more fields but for a number (one
        result per task, `result_12`, `result_13`, `result_14`; not `password1`, `password2`)."""
        counts = Counter(family(name) for name in self.fields)
        names, seen = [], set()
        for name, item in self.fields.items():
            kind = family(name) if counts[family(name)] >= 3 or re.search(r"-\d+-", name) else name
            if name == CSRF_FIELD or item.kind == "submit" or "__prefix__" in name or kind in seen:
                continue
            seen.add(kind)
            names.append(name)
        return names


def family(name: str) -> str:
    return re.sub(r"\d+", "#", name)


class PageParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.autocomplete: list[dict] = []
        self._form: Form | None = None
        self._select: tuple[Form, FormField] | None = None
        self._selected: list[str] = []
        self._option: dict | None = None
        self._textarea: tuple[Form, FormField] | None = None
        self._elsewhere: list[tuple[str, object]] = []  # (form id, field or button) outside their form

    def _owner(self, attrs) -> Form | str | None:
        """The form an element belongs to: its `form` attribute's (an id, resolved at the end), else
        the form it is in."""
        return attrs.get("form") or self._form

    def _put(self, owner, item) -> None:
        if isinstance(owner, str):
            self._elsewhere.append((owner, item))
        elif isinstance(item, Button):
            owner.buttons.append(item)
            if item.action is None and item.method is None and item.name:
                owner.add(FormField(item.name, "submit", [item.value]))
        else:
            owner.add(item)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            return
        if tag == "form":
            self._form = Form(
                page=self.page,
                action=attrs.get("action", ""),
                method=(attrs.get("method") or "get").lower(),
                id=attrs.get("id", ""),
            )
            return
        if tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            return
        owner = self._owner(attrs)
        if owner is None:
            return
        kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        if (tag == "button" or (tag == "input" and kind in ("submit", "image"))) and kind in (
            "submit",
            "image",
        ):
            formaction = attrs["formaction"] if "formaction" in attrs else None
            self._put(
                owner,
                Button(formaction, attrs.get("formmethod"), attrs.get("name", ""), attrs.get("value", "")),
            )
            return
        name = attrs.get("name")
        if not name:
            return
        if tag == "input":
            value = attrs.get("value", "")
            if kind in ("checkbox", "radio"):
                checked = "checked" in attrs
                self._put(
                    owner, FormField(name, "check", [value or "on"] if checked else [], [value or "on"])
                )
            elif kind in ("button", "reset"):
                return
            elif kind == "file":
                self._put(owner, FormField(name, "file"))
            else:
                self._put(owner, FormField(name, "text", [value], [value]))
        elif tag == "select":
            multiple = "multiple" in attrs
            self._select = (owner, FormField(name, "multiple" if multiple else "select"))
            self._selected = []
            if attrs.get("data-app-label") and attrs.get("data-model-name") and attrs.get("data-field-name"):
                self.autocomplete.append(
                    {
                        "app_label": attrs["data-app-label"],
                        "model_name": attrs["data-model-name"],
                        "field_name": attrs["data-field-name"],
                    }
                )
        elif tag == "textarea":
            self._textarea = (owner, FormField(name, "textarea", [""]))

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea[1].values[0] += data

    def _end_option(self):
        if self._option is not None and self._select is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            self._select[1].options.append(value)
            if self._option["selected"]:
                self._selected.append(value)
        self._option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            owner, item = self._select
            if item.kind == "multiple":
                item.values = self._selected
            else:
                item.values = (self._selected or item.options)[:1]
            self._put(owner, item)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            owner, item = self._textarea
            item.values = [item.values[0].removeprefix("\n")]
            self._put(owner, item)
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self._form.autocomplete = self.autocomplete
            self.forms.append(self._form)
            self._form = None
            self.autocomplete = []

    def close(self):
        super().close()
        by_id = {form.id: form for form in self.forms if form.id}
        for form_id, item in self._elsewhere:
            if form_id in by_id:
                self._put(by_id[form_id], item)
        self.forms = [variant for form in self.forms for variant in form.submissions()]


def parse(page: str, response) -> PageParser:
    parser = PageParser(page)
    if "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
        parser.close()
    return parser


def local(page: str, href: str) -> tuple[str, dict[str, list[str]]] | None:
    """The path and query of a link to this site, or None for another site, an anchor, a script."""
    target = urllib.parse.urlsplit(urllib.parse.urljoin("http://testserver" + page, href))
    if target.scheme not in ("http", "https") or target.netloc != "testserver":
        return None
    return target.path, urllib.parse.parse_qs(target.query, keep_blank_values=True)


def name_of(path: str) -> tuple[str, object] | None:
    """The URL name of a path of this site, with its match; None when nothing answers there."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return (match.view_name or match.route), match


# ------------------------------------------------------------------------------
# Sending the cases
# ------------------------------------------------------------------------------
@dataclass
class Case:
    method: str
    path: str
    role: str
    parameter: str
    payload: object


@dataclass
class Failure:
    case: Case
    error: str
    message: str
    where: str  # the frame to blame (`culprit`)
    tail: str  # the last lines of the traceback


# The table a statement writes (Django quotes table names with double quotes on SQLite and PostgreSQL).
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


def tracked_tables() -> list:
    """Every table a page or the admin could write: the reports and tasks apps (their history and
    their many-to-many tables included), the groups and the permissions of accounts."""
    models_ = []
    for app_label in ("reports", "tasks"):
        models_ += list(apps.get_app_config(app_label).get_models(include_auto_created=True))
    return [*models_, Group, Group.permissions.through]


class Fuzzer:
    """Sends requests as the World's roles, one savepoint each, and records every server error and every
    refused write that changed something."""

    def __init__(self, world: World):
        self.world = world
        self.clients: dict[str, tuple[Client, str | None]] = {}
        self.failures: list[Failure] = []
        self.requests = 0
        self.started = time.perf_counter()
        self.spent: Counter = Counter()  # (method, URL name) → seconds
        self.sent: Counter = Counter()  # (method, URL name) → requests
        self.slowest: list[tuple[float, Case]] = []
        self.by_payload: Counter = Counter()  # payload → seconds
        self.compared = 0  # refused writes that wrote a tracked table, compared row by row
        self.tables = tracked_tables()
        self.table_names = {model._meta.db_table for model in self.tables}
        for role in ROLE_ORDER:  # logged in before the snapshot: a login stamps last_login
            self.client(role)
        self.baseline = rows(*self.tables)

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client(raise_request_exception=True)
            key = None
            if role != "anonymous":
                client.force_login(getattr(self.world, role))
                key = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.clients[role] = (client, key)
        return self.clients[role][0]

    def _reset(self, role: str) -> None:
        """The session as it was before the request (a logout, a password change or a login would
        otherwise cycle it, and the rolled-back session row would leave the client logged out)."""
        client, key = self.clients[role]
        client.cookies = SimpleCookie()
        if key:
            client.cookies[settings.SESSION_COOKIE_NAME] = key

    def send(self, case: Case, data: dict[str, list[str]] | None = None):
        client = self.client(case.role)
        self.requests += 1
        response = None
        began = time.perf_counter()
        writes: list[str] = []
        try:
            with connection.execute_wrapper(self._watch(writes)), transaction.atomic():
                try:
                    if case.method == "GET":
                        response = client.get(case.path, data or {})
                    else:
                        response = client.post(case.path, data or {})
                except Exception as error:  # noqa: BLE001 — every server error is recorded
                    self._record(case, error)
                else:
                    if response.status_code >= 500:
                        self.failures.append(
                            Failure(case, f"HTTP {response.status_code}", response.reason_phrase, "", "")
                        )
                    elif case.method == "POST" and writes and self._refused(response):
                        self._check_unchanged(case, response)
                finally:
                    transaction.set_rollback(True)
        finally:
            self._reset(case.role)
            found = name_of(case.path.split("?")[0])
            key = (case.method, found[0] if found else "(no match)")
            took = time.perf_counter() - began
            self.spent[key] += took
            self.by_payload[label(case.payload) if isinstance(case.payload, (str, Special)) else "-"] += took
            self.slowest = sorted([*self.slowest, (took, case)], key=lambda item: -item[0])[:5]
            self.sent[key] += 1
        return response

    def _watch(self, writes: list[str]):
        """Notes each statement that writes a tracked table: a refused request that wrote none left
        them as they were, and only one that did is compared row by row (which takes far longer)."""

        def wrapper(execute, sql, params, many, context):
            found = WRITE.match(sql)
            if found and found.group(1) in self.table_names:
                writes.append(found.group(1))
            return execute(sql, params, many, context)

        return wrapper

    @staticmethod
    def _refused(response) -> bool:
        """A write refused: a 4xx, a redirect or a page with an error message, or a form shown again
        with its errors (a 200 may also be a write done: the calendar's new address is shown once)."""
        if 400 <= response.status_code < 500:
            return True
        storage = getattr(response.wsgi_request, "_messages", None)
        if any(message.level >= messages.ERROR for message in getattr(storage, "_queued_messages", [])):
            return True
        # One template rendered gives its Context, several a ContextList (a write that mails
        # renders the mail's templates before its redirect).
        contexts = response.context
        if contexts is not None and not isinstance(contexts, ContextList):
            contexts = [contexts]
        for context in contexts or []:
            for value in context.flatten().values():
                form = getattr(value, "form", value)  # the admin's AdminForm holds the form
                if isinstance(form, (BaseForm, BaseFormSet)) and form.is_bound and form.errors:
                    return True
        return False

    def _check_unchanged(self, case: Case, response) -> None:
        self.compared += 1
        began = time.perf_counter()
        try:
            after = rows(*self.tables)
        except Exception as error:  # noqa: BLE001 — e.g. a transaction left aborted
            self._record(case, error, prefix="reading the data after the refusal: ")
            return
        self.spent[("rows", "")] += time.perf_counter() - began
        if after != self.baseline:
            changed = [name for name in after if after[name] != self.baseline.get(name)]
            self.failures.append(
                Failure(
                    case,
                    "refused write changed data",
                    f"HTTP {response.status_code}; tables changed: {', '.join(changed)}",
                    "",
                    "",
                )
            )

    def _record(self, case: Case, error: BaseException, prefix: str = "") -> None:
        frames = traceback.extract_tb(error.__traceback__)
        cause = culprit(frames)
        # An error raised while handling another (a ValidationError of the project's model turned into
        # a ValueError by the form): the project's frame of the first one, when this one has none.
        context = error.__cause__ or error.__context__
        while context is not None and not is_own(cause):
            earlier = culprit(traceback.extract_tb(context.__traceback__))
            if is_own(earlier):
                cause = earlier
            context = context.__cause__ or context.__context__
        where = f"{cause.filename}:{cause.lineno} in {cause.name}" if cause else "?"
        tail = "".join(
            traceback.format_list([cause] if cause else []) + traceback.format_exception(error)[-5:]
        )
        message = prefix + str(error).replace("\n", " ")
        self.failures.append(Failure(case, type(error).__name__, message[:400], where, tail[-1500:]))

    def fuzz(
        self, method: str, path: str, role: str, base: dict[str, list[str]], name: str, payloads
    ) -> None:
        """`base` with `name` given each payload."""
        for payload in payloads:
            if payload is MISSING and name not in base:
                continue  # the same request as without the parameter
            self.send(Case(method, path, role, name, payload), with_payload(base, name, payload))

    def fuzz_all(
        self, method: str, path: str, role: str, base: dict[str, list[str]], names, payloads
    ) -> None:
        """`base` with every one of `names` given each payload at once."""
        if len(names) < 2:
            return  # the same requests as one parameter at a time
        for payload in payloads:
            data = base
            for name in names:
                data = with_payload(data, name, payload)
            self.send(Case(method, path, role, f"(all {len(names)} at once)", payload), data)

    def restart(self) -> None:
        """Count and time from here (after the discovery)."""
        self.requests = 0
        self.started = time.perf_counter()
        self.spent.clear()
        self.sent.clear()
        self.slowest = []
        self.failures = []
        self.compared = 0
        self.by_payload.clear()

    def report(self) -> str:
        """Every failure, grouped by cause (the error and where it was raised)."""
        groups: dict[tuple[str, str], list[Failure]] = defaultdict(list)
        for failure in self.failures:
            groups[(failure.error, failure.where)].append(failure)
        lines = [f"{len(self.failures)} failing cases of {self.requests} requests, {len(groups)} causes:"]
        for (error, where), failures in sorted(groups.items(), key=lambda item: -len(item[1])):
            lines.append(f"\n=== {error} at {where or '-'}: {len(failures)} cases")
            lines.append(failures[0].tail.rstrip() or failures[0].message)
            for failure in failures:
                case = failure.case
                lines.append(
                    f"  {case.method} {case.path[:120]} as {case.role}: {case.parameter or '-'}="
                    f"{label(case.payload)} → {failure.error}: {failure.message[:200]}"
                )
        return "\n".join(lines)

    def summary(self, what: str) -> str:
        slowest = ", ".join(
            f"{method} {name} {self.sent[(method, name)]}× {seconds:.1f} s"
            for (method, name), seconds in self.spent.most_common(12)
        )
        cases = "; ".join(
            f"{took:.1f} s {case.method} {case.path[:60]} {case.parameter}={label(case.payload)}"
            for took, case in self.slowest
        )
        payloads = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.by_payload.most_common(6))
        return (
            f"{what}: {self.requests} requests in {time.perf_counter() - self.started:.1f} s, "
            f"{self.compared} refused writes compared row by row"
            f"\n  by address: {slowest}\n  by payload: {payloads}\n  slowest cases: {cases}"
        )


def is_own(frame) -> bool:
    """Whether a frame is of the project's code (not of its tests, nor of a library)."""
    root = str(settings.BASE_DIR) + "/"
    return (
        frame is not None
        and frame.filename.startswith(root)
        and not frame.filename.startswith((root + "tests/", root + ".venv/"))
    )


def culprit(frames):
    """The frame to blame: the innermost of the project's code, else of an application (Django's admin,
    simple-history, import-export, axes) rather than of Django's plumbing (database, forms, templates),
    else the innermost."""
    own = [frame for frame in frames if is_own(frame)]
    if own:
        return own[-1]
    applications = [
        frame
        for frame in frames
        if "/site-packages/" in frame.filename
        and ("/django/contrib/" in frame.filename or not re.search(r"/site-packages/django/", frame.filename))
    ]
    if applications:
        return applications[-1]
    return frames[-1] if frames else None


def with_payload(base: dict[str, list[str]], name: str, payload) -> dict[str, list[str]]:
    data = {key: list(values) for key, values in base.items()}
    if payload is MISSING:
        data.pop(name, None)
    elif payload is TWICE:
        value = next((value for value in data.get(name, []) if value), "1")
        data[name] = [value, value]
    else:
        data[name] = [payload]
    return data


def address_parameters(match) -> list:
    """The parameters of an address: its named ones, else the positions of its unnamed ones (the
    regular expressions of simple-history's addresses)."""
    return list(match.kwargs) or list(range(len(match.args)))


def hostile_path(path: str, match, name, payload: str) -> str:
    """`path` (answered by `match`) with its parameter `name` (or unnamed parameter number `name`)
    replaced by `payload`."""
    quoted = urllib.parse.quote(payload, safe="")
    if isinstance(name, int):
        # the segment of the n-th unnamed parameter, counted from the end of the address
        segments = path.split("/")
        positions = [
            i for i, segment in enumerate(segments) if urllib.parse.unquote(segment) in map(str, match.args)
        ]
        segments[positions[-len(match.args) + name]] = quoted
        return "/".join(segments)
    values = {key: urllib.parse.quote(str(value), safe="") for key, value in match.kwargs.items()}
    values[name] = quoted
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda found: values[found.group(1)], match.route)


# ------------------------------------------------------------------------------
# Discovery
# ------------------------------------------------------------------------------
@dataclass
class Inventory:
    """What the pages showed: for each URL name, who sees it and at which address, the query parameters
    of its links (with the values seen), and the forms that send to it."""

    pages: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # name → role → path
    parameters: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    forms: dict[tuple, tuple[str, Form]] = field(default_factory=dict)  # (name, method, fields) → role, form
    matches: dict[str, tuple] = field(default_factory=dict)  # name → (path, match) of a page seen
    autocomplete: list[dict] = field(default_factory=list)

    def add_parameters(self, name: str, query: dict[str, list[str]]) -> None:
        known = self.parameters[name]
        for key, values in query.items():
            known.setdefault(key, [])
            known[key] += [value for value in values if value not in known[key]][:3]

    def read(self, role: str, page: str, response, allowed) -> list[str]:
        """Record the forms and links of `page`; return the addresses its links lead to."""
        parsed = parse(page, response)
        followed = []
        for href in parsed.links:
            target = local(page, href)
            if target is None or (found := name_of(target[0])) is None or not allowed(target[0]):
                continue
            name, _ = found
            self.add_parameters(name, target[1])
            followed.append(target[0])
        for form in parsed.forms:
            target = local(page, form.action)
            if target is None or (found := name_of(target[0])) is None:
                continue
            name, match = found
            if form.method == "get":
                self.add_parameters(name, {key: item.values or [""] for key, item in form.fields.items()})
                # A page reached only through a form sent by GET (the header's search box) is a page too.
                if allowed(target[0]):
                    followed.append(target[0])
                continue
            form.action = urllib.parse.urljoin(page, form.action or page)
            # the same form again (the change form of another row, with more or fewer inline rows)
            key = (name, tuple(sorted({family(field_name) for field_name in form.fields})))
            self.forms.setdefault(key, (role, form))
            self.matches.setdefault(name, (target[0], match))
            for item in form.autocomplete:
                if item not in self.autocomplete:
                    self.autocomplete.append(item)
        return followed


def discover_pages(
    fuzzer: Fuzzer,
    roles,
    seeds,
    allowed,
    inventory: Inventory | None = None,
    per_name_limit: int = PAGES_PER_NAME,
) -> Inventory:
    """Read the pages each role reaches from `seeds`, following links to addresses `allowed` accepts."""
    inventory = inventory or Inventory()
    for role in roles:
        queue = deque(seeds)
        seen: set[str] = set()
        per_name: Counter = Counter()
        while queue:
            page = queue.popleft()
            if page in seen or (found := name_of(page)) is None:
                continue
            seen.add(page)
            name, match = found
            if per_name[name] >= per_name_limit and page not in seeds:
                continue
            per_name[name] += 1
            response = fuzzer.send(Case("GET", page, role, "", "(discovery)"))
            if response is None or response.status_code != 200:
                continue
            inventory.pages[name].setdefault(role, page)
            inventory.matches.setdefault(name, (page, match))
            queue.extend(inventory.read(role, page, response, allowed))
    return inventory


def describe(inventory: Inventory, extra_parameters: dict[str, list[str]]) -> str:
    """What the discovery found: each page's GET parameters and who sees it, each form's fields."""
    lines = []
    for name, seen_by in sorted(inventory.pages.items()):
        parameters = sorted(set(inventory.parameters.get(name, {})) | set(extra_parameters.get(name, [])))
        lines.append(f"  GET {name} ({', '.join(seen_by)}): {', '.join(parameters) or '-'}")
    for (name, _), (role, form) in inventory.forms.items():
        lines.append(f"  POST {name} as {role}: {', '.join(form.targets()) or '-'}")
    return "\n".join(lines)


def preferred(roles) -> str:
    return min(roles, key=ROLE_ORDER.index)


@dataclass
class Sampling:
    """Which payloads each kind of case gets (see the module's docstring)."""

    parameter: list  # a GET parameter, alone
    field: list  # a form field, the form's other fields as shown
    address: list  # a parameter of the address itself
    all_at_once: list  # every parameter (or field) of a page (or form) at once
    # Whether a field of a model's form (its add and change forms in the admin) is fuzzed on one form
    # of the model only, the others getting only every payload at once; and a form with the fields of
    # one fuzzed already (another model's action or delete form) only sent as shown.
    once_per_model: bool = False


# A formset's management fields: Django's formset code, the same in every form; a TOTAL_FORMS of
# 10**30 makes the admin build and show its 2,000 forms (absolute_max), seconds a request.
MANAGEMENT_FIELD = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")

EVERY_PAYLOAD = Sampling(PAYLOADS, PAYLOADS, PAYLOADS, PAYLOADS)


def fuzz_inventory(
    fuzzer: Fuzzer, inventory: Inventory, extra_parameters: dict[str, list[str]], sampling: Sampling
) -> set[str]:
    """Every case of the inventory; returns the URL names fuzzed."""
    fuzzed = set()
    # GET parameters as the preferred role: one at a time (alone, then beside the page's other
    # parameters at values it offered), then all at once.
    for name, seen_by in inventory.pages.items():
        parameters = dict(inventory.parameters.get(name, {}))
        for extra in extra_parameters.get(name, []):
            parameters.setdefault(extra, [])
        if not parameters:
            continue
        fuzzed.add(name)
        role = preferred(seen_by)
        path = seen_by[role]
        for parameter in parameters:
            fuzzer.fuzz("GET", path, role, {}, parameter, sampling.parameter)
            base = {
                key: [vals[0]] for key, vals in parameters.items() if vals and vals[0] and key != parameter
            }
            if base:
                fuzzer.fuzz(
                    "GET", path, role, base, parameter, [p for p in BESIDE_OTHERS if p in sampling.parameter]
                )
        fuzzer.fuzz_all("GET", path, role, {}, list(parameters), sampling.all_at_once)
    # Forms, field by field, as the role that saw the form; then every field at once.
    forms = list(inventory.forms.items())
    shown = {}
    for (name, _), (role, form) in forms:
        fuzzed.add(name)
        response = fuzzer.send(Case("POST", form.action, role, "(as shown)", "(as shown)"), form.data())
        shown[id(form)] = response.status_code if response is not None else 500
    # A formset's management fields on the smallest form that takes them (one not refused outright).
    with_formsets = [
        form
        for _, (_, form) in forms
        if shown[id(form)] != 403 and any(map(MANAGEMENT_FIELD.search, form.fields))
    ]
    management_home = min(with_formsets, key=lambda form: len(form.fields), default=None)
    if management_home is not None:
        print(f"formset management fields fuzzed on {management_home.action}")
    fuzzed_fields: set[tuple[str, str]] = set()  # (model, field family)
    fuzzed_forms: set[tuple[str, ...]] = set()  # the field families of each form
    for (name, families), (role, form) in forms:
        if sampling.once_per_model and families in fuzzed_forms:
            continue  # the same form on another model's page: Django's action or delete form
        fuzzed_forms.add(families)
        base = form.data()
        targets = [
            target
            for target in form.targets()
            if form is management_home or not MANAGEMENT_FIELD.search(target)
        ]
        everything = [target for target in targets if not MANAGEMENT_FIELD.search(target)]
        if shown[id(form)] == 403:
            # Refused before any field is read (the admin's history, which is never reverted; a
            # read-only model): every payload at once only.
            fuzzer.fuzz_all("POST", form.action, role, base, everything, sampling.all_at_once)
            continue
        model = name.rsplit("_", 1)[0]
        texts = [target for target in targets if form.fields[target].kind == "textarea"]
        big_home = (texts or targets or [None])[0]
        for target in targets:
            alike = (model, family(target))
            if sampling.once_per_model and alike in fuzzed_fields:
                continue
            fuzzed_fields.add(alike)
            item = form.fields[target]
            if sampling.once_per_model and (
                target in texts[1:] or (item.kind == "check" and len(item.options) <= 1)
            ):
                # In the admin, Django's fields that read any text alike: a model's TextField but the
                # first of a form, and a lone checkbox (any value is "checked"; the export's columns).
                # They get the payloads at once.
                continue
            payloads = sampling.field
            if target != big_home:
                # The 1 MB string on one field of a form only, its first text area if it has one (all
                # the fields get it at once).
                payloads = [payload for payload in payloads if payload is not BIG]
            if target in texts[1:]:
                # Free text read alike (a model's TextField): every payload on a form's first text
                # area, the sample on the others.
                payloads = [payload for payload in payloads if payload in SAMPLE]
            fuzzer.fuzz("POST", form.action, role, base, target, payloads)
        fuzzer.fuzz_all("POST", form.action, role, base, everything, sampling.all_at_once)
    # Hostile values in the address itself.
    for name, (page, match) in inventory.matches.items():
        if not address_parameters(match):
            continue
        fuzzed.add(name)
        seen_by = inventory.pages.get(name)
        if seen_by:
            method, role, base = "GET", preferred(seen_by), {}
        else:
            (role, form) = next(value for key, value in inventory.forms.items() if key[0] == name)
            method, base = "POST", form.data()
        for parameter in address_parameters(match):
            for payload in sampling.address:
                if isinstance(payload, Special):
                    continue
                path = hostile_path(page, match, parameter, payload)
                fuzzer.send(Case(method, path, role, f"address {parameter}", payload), base)
    return fuzzed


# ------------------------------------------------------------------------------
# The application's pages: every payload on every parameter and every field
# ------------------------------------------------------------------------------
def not_admin(path: str) -> bool:
    return not path.startswith("/admin/")


# Addresses that take no input at all: no parameter, no form field, nothing in the path.
NO_INPUT = {
    "reports:plan_list",
    "reports:calendar",
}


def test_every_parameter_and_field_of_every_page_takes_hostile_values_without_a_server_error(
    fuzz_world, quiet
):
    fuzzer = Fuzzer(fuzz_world.world)
    inventory = discover_pages(fuzzer, ROLE_ORDER, ["/", *fuzz_world.seeds], not_admin)
    print(fuzzer.summary("discovery of the pages"))
    print(describe(inventory, UNLINKED_PARAMETERS))
    fuzzer.restart()

    fuzzed = fuzz_inventory(fuzzer, inventory, UNLINKED_PARAMETERS, EVERY_PAYLOAD)

    print(fuzzer.summary("pages"))
    from reports import urls

    expected = {f"reports:{pattern.name}" for pattern in urls.urlpatterns} | {
        "login",
        "logout",
        "password_change",
    }
    # Every address that takes an input was reached and fuzzed: one the discovery no longer finds fails.
    unreached = sorted(expected - fuzzed - NO_INPUT)
    never = f"\nnever fuzzed (no page showed them): {unreached}" if unreached else ""
    assert not fuzzer.failures and not unreached, fuzzer.report() + never


# ------------------------------------------------------------------------------
# The admin: the same code of Django's for every model, so a sample of the payloads per parameter
# and field, and one payload of each kind at once on each page and form
# ------------------------------------------------------------------------------
# One payload of each kind of `PAYLOADS`.
KINDS = [
    "²",
    "１２",
    "\x00",
    "9" * 30,
    "1e309",
    "-1",
    "31/02/2026",
    "01/01/0001",
    BIG,
    "<script>alert(1)</script>",
    "'",
    TWICE,
    MISSING,
    "",
]
# One payload of each kind a parameter or an address reads (not the long strings, not the markup).
SAMPLE = ["²", "１２", "\x00", "9" * 30, "1e309", "-1", "31/02/2026", "'", TWICE, ""]
# Form fields: a digit that is no number, digits int() reads (a row's id, a choice), an overflow.
FIELD_SAMPLE = ["²", "１２", "9" * 30]
# All at once: one payload of each kind the fields did not get one by one.
ADMIN = Sampling(
    parameter=SAMPLE,
    field=FIELD_SAMPLE,
    address=SAMPLE,
    all_at_once=[payload for payload in KINDS if payload not in FIELD_SAMPLE],
    once_per_model=True,
)


def changelist_parameters(model_admin, response) -> dict[str, list[str]]:
    """What a changelist reads from its query string and is the model's own: the parameters of each
    of its list_filter (as Django's filters expect them), of the date hierarchy, the search (when the
    model has search_fields) and the ordering."""
    names: dict[str, list[str]] = {}
    for spec in response.context["cl"].filter_specs:
        for name in spec.expected_parameters():
            names[name] = []
    if model_admin.date_hierarchy:
        for part in ("year", "month", "day"):
            names[f"{model_admin.date_hierarchy}__{part}"] = []
    if model_admin.search_fields:
        names["q"] = []
    names["o"] = []
    return names


def admin_inventory(fuzzer: Fuzzer) -> tuple[Inventory, dict[str, object]]:
    """The admin's pages of every registered model as the administrator: from each changelist, every
    link under the model's own addresses (add, change, history, delete, import, export...)."""
    inventory = Inventory()
    changelists = {}
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        changelist = reverse(name)
        changelists[name] = model_admin
        discover_pages(
            fuzzer,
            ["admin"],
            [changelist, changelist + "add/"],
            lambda path, prefix=changelist: path.startswith(prefix),
            inventory,
            per_name_limit=1,
        )
    return inventory, changelists


@pytest.fixture(scope="module")
def admin_discovered(fuzz_world, django_db_blocker):
    """The admin's pages, read once for the module's admin tests."""
    logging.disable(logging.CRITICAL)
    try:
        with django_db_blocker.unblock():
            fuzzer = Fuzzer(fuzz_world.world)
            inventory, changelists = admin_inventory(fuzzer)
    finally:
        logging.disable(logging.NOTSET)
    print(fuzzer.summary("discovery of the admin"))
    return fuzzer, inventory, changelists


@pytest.fixture
def admin_world(admin_discovered, db, quiet):
    fuzzer, inventory, changelists = admin_discovered
    fuzzer.restart()
    return fuzzer, inventory, changelists


def test_every_admin_changelist_filter_takes_hostile_values_without_a_server_error(admin_world):
    fuzzer, inventory, changelists = admin_world
    for number, (name, model_admin) in enumerate(changelists.items()):
        path = inventory.pages[name]["admin"]
        response = fuzzer.send(Case("GET", path, "admin", "", "(as shown)"))
        parameters = changelist_parameters(model_admin, response)
        for key, values in inventory.parameters.get(name, {}).items():
            if key in parameters:
                parameters[key] = values
        # The long strings, which the admin copies into every filter link of the page (megabytes of
        # HTML, a second a request), and the admin's own parameters, read alike on every changelist:
        # on the first changelist only.
        first = number == 0
        if first:
            for parameter in ADMIN_CHANGELIST_PARAMETERS:
                fuzzer.fuzz("GET", path, "admin", {}, parameter, SAMPLE)
        payloads = [payload for payload in PAYLOADS if first or payload not in (BIG, VIETNAMESE)]
        hierarchy = model_admin.date_hierarchy
        for parameter in parameters:
            # The search, the model's own text input, gets every payload.
            fuzzer.fuzz("GET", path, "admin", {}, parameter, payloads if parameter == "q" else SAMPLE)
            if hierarchy and parameter in (f"{hierarchy}__month", f"{hierarchy}__day"):
                base = {f"{hierarchy}__year": ["2026"], f"{hierarchy}__month": ["10"]}
                base.pop(parameter, None)
                fuzzer.fuzz("GET", path, "admin", base, parameter, SAMPLE)
        # all at once, one payload of each kind the filters did not get one by one
        fuzzer.fuzz_all(
            "GET",
            path,
            "admin",
            {},
            list(parameters),
            [p for p in KINDS if p in payloads and p not in SAMPLE],
        )

    print(fuzzer.summary("admin changelists"))
    assert not fuzzer.failures, fuzzer.report()


def test_every_admin_address_and_form_takes_hostile_values_without_a_server_error(admin_world):
    fuzzer, inventory, changelists = admin_world
    object_pages = {name: seen for name, seen in inventory.pages.items() if name not in changelists}
    # The admin's own parameters of its object pages, Django's code for every model: on the first
    # model's page of each kind (add, change, delete, history...).
    prefixes = [name.removesuffix("changelist") for name in changelists]
    kinds = set()
    for name, seen_by in object_pages.items():
        kind = next((name.removeprefix(prefix) for prefix in prefixes if name.startswith(prefix)), name)
        if kind in kinds:
            continue
        kinds.add(kind)
        for parameter in ADMIN_OBJECT_PARAMETERS:
            fuzzer.fuzz("GET", seen_by["admin"], "admin", {}, parameter, SAMPLE)
    # The change, history, delete... addresses with hostile object ids, and every form posted.
    addresses_and_forms = Inventory(
        pages=object_pages, forms=inventory.forms, matches=inventory.matches, parameters=defaultdict(dict)
    )
    fuzz_inventory(fuzzer, addresses_and_forms, {}, ADMIN)
    # The autocomplete behind the admin's related fields.
    autocomplete = reverse("admin:autocomplete")
    for number, item in enumerate(inventory.autocomplete):
        base = {key: [value] for key, value in item.items()} | {"term": ["a"], "page": ["1"]}
        # which field asks (app_label, model_name, field_name): on the first; the search, on each
        for parameter in base if number == 0 else ["term", "page"]:
            fuzzer.fuzz("GET", autocomplete, "admin", base, parameter, SAMPLE)

    print(fuzzer.summary("admin addresses and forms"))
    assert not fuzzer.failures, fuzzer.report()
