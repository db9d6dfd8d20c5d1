"""Part of `make bench`: which pages to measure, found as each role finds them.

Logs in (force_login) one active person of each role — coordinator, leadership, finance, unit head,
unit staff — and follows, from `/`, the same-site links of every page it reaches: GET only, never
the logout nor the admin, at most `--per-name` pages per URL name (the largest objects first: the
plan, task, period or report with the most rows behind it). For each page: URL name, path, role,
status, size, SQL queries (CaptureQueriesContext) and the time of one warm request in this process.
Downloads (Content-Disposition: attachment) are timed apart, as exports. The admin's lists of
reports and of assignments are added as a superuser ("admin"), the only admin pages measured; a
visitor not logged in ("anonymous") is measured on the login page, against the bare `/ok/`.

Pages no link of the demo data reaches are crawled from as well as `/` (`UNLINKED`, `made_reachable`):
- the list of reminders (the board links to it only once a unit was reminded) and the search (a
  form: each role searches for words found in many tasks and reports, and the crawl follows the
  result's links to each kind and its next page);
- the page after a change of password;
- what the demo data holds none of, made here on the bench's copy of the data: an issued edition of
  the coordinator's largest plan's consolidated report (whose page links to its files), each
  person's calendar feed (a new address), and the file of one evidence row (the demo data holds the
  rows only: the file is written to the media folder with the size recorded).
The URL names no role reached are listed (`unreached`): the forms' targets (POST only) and the logout.

The sessions it logged in with are kept (in the database), so that wrk measures each page with the
cookie of the same person; so is the authenticated floor (`alive_logged_in`). Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import permissions  # noqa: E402
from reports.calendar.services import calendar_token_issue  # noqa: E402
from reports.consolidated import selectors as consolidated_selectors  # noqa: E402
from reports.consolidated.services import consolidated_issue  # noqa: E402
from reports.models import ConsolidatedReport, Evidence, ReportingPeriod, ReportStatus, TaskReport  # noqa: E402
from tasks.models import Role, User  # noqa: E402

PER_NAME = int(os.environ.get("BENCH_PER_NAME", "2"))
BACKEND = "django.contrib.auth.backends.ModelBackend"
# Never followed: the logout (a form, and it would end the session).
SKIP = {"logout"}
# Pages of a role that no link reaches in the demo data (the board links to the reminders of a unit
# only once it was reminded, and the demo data set holds no reminder): crawled from as well as `/`.
# Words of the demo data's task and report texts (fixtures/demo/province.json): many matches. Every
# kind, then the reports alone (the most rows).
SEARCH = [("reports:search", "?q=thuc+hien"), ("reports:search", "?q=thuc+hien&loai=bao-cao")]
REMINDERS = [("reports:reminder_list", "")]
UNLINKED = {
    "coordinator": REMINDERS + SEARCH,
    "leadership": REMINDERS + SEARCH,
    "finance": SEARCH,
    "head": SEARCH,
    "staff": SEARCH,
}
# The largest evidence file written for the bench (the demo data's rows record up to 25 MB).
EVIDENCE_MAX_BYTES = 25 * 1024 * 1024
ANONYMOUS = "anonymous"
ADMIN_PAGES = ["admin:reports_taskreport_changelist", "admin:tasks_assignment_changelist"]
DOWNLOAD_RUNS = 3
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str, base: str) -> list[str]:
    """The same-site links of a page, as paths with their query, without fragments."""
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urljoin("http://testserver" + base, href))
        if url.scheme in ("http", "https") and url.netloc == "testserver":
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


# ------------------------------------------------------------------------------
# Who logs in: one active person of each role, of the unit or plans with the most reports
# ------------------------------------------------------------------------------
def people() -> dict[str, User]:
    active = User.objects.filter(is_active=True)
    busiest_units = (
        TaskReport.objects.values("unit")
        .annotate(n=Count("id"))
        .order_by("-n", "unit")
        .values_list("unit", flat=True)
    )
    chosen = {}
    for unit in busiest_units[:50]:
        head = active.filter(role=Role.HEAD, unit=unit).order_by("pk").first()
        staff = active.filter(role=Role.STAFF, unit=unit).order_by("pk").first()
        if head and staff:
            chosen["head"], chosen["staff"] = head, staff
            break

    def reports_coordinated(user):
        return TaskReport.objects.filter(period__plan__in=permissions.coordinated_plans(user)).count()

    coordinators = list(active.filter(role=Role.COORDINATOR, unit__isnull=False).order_by("pk")[:20])
    if coordinators:
        chosen["coordinator"] = max(coordinators, key=lambda u: (reports_coordinated(u), -u.pk))
    for role, value in (("leadership", Role.LEADERSHIP), ("finance", Role.FINANCE)):
        user = active.filter(role=value).order_by("pk").first()
        if user:
            chosen[role] = user
    order = ["coordinator", "leadership", "finance", "head", "staff"]
    return {role: chosen[role] for role in order if role in chosen}


def issued_edition(coordinator: User) -> ConsolidatedReport | None:
    """An issued edition of the consolidated report of the coordinator's plan with the most reports,
    for its latest period already due: the one found, else the edition being prepared (or a first
    one) issued now, as the coordinator would."""
    plan_id = (
        TaskReport.objects.filter(period__plan__in=permissions.coordinated_plans(coordinator))
        .values("period__plan")
        .annotate(n=Count("id"))
        .order_by("-n", "period__plan")
        .values_list("period__plan", flat=True)
        .first()
    )
    if plan_id is None:
        return None
    today = timezone.localdate()
    periods = ReportingPeriod.objects.filter(plan=plan_id).order_by("-deadline")
    period = periods.filter(deadline__lte=today).first() or periods.first()
    scope = consolidated_selectors.scope(consolidated_selectors.plan(plan_id), period.key)
    latest = (
        ConsolidatedReport.objects.filter(plan=plan_id, scope=scope.key)
        .defer("snapshot", "docx_file", "xlsx_file")
        .order_by("-edition")
        .first()
    )
    if latest is not None and latest.is_issued:
        return latest
    return consolidated_issue(
        scope=scope,
        by=coordinator,
        version=latest.version if latest else 0,
        number="1",
        issued_on=today,
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Người ký thử",
    )


def evidence_with_file(head: User | None) -> Evidence | None:
    """One evidence row (of the unit head's unit if it has one) whose file is on the disk: written
    now, of the size the row records, when the demo data left it out."""
    rows = Evidence.objects.order_by("pk")
    evidence = (rows.filter(report__unit=head.unit_id).first() if head else None) or rows.first()
    if evidence is None:
        return None
    storage, name = evidence.file.storage, evidence.file.name
    if not storage.exists(name):
        content = b"%PDF-1.4\n".ljust(min(evidence.size, EVIDENCE_MAX_BYTES), b"0")
        saved = storage.save(name, ContentFile(content))
        assert saved == name, f"the evidence file was saved as {saved}, not {name}"
    return evidence


def made_reachable(logins: dict[str, User]) -> dict[str, list[str]]:
    """For each role, the pages of what the demo data holds none of (see the module's docstring),
    made here; each role is given only those it may open."""
    paths = {role: [reverse("password_change_done")] for role in logins}
    edition = issued_edition(logins["coordinator"]) if "coordinator" in logins else None
    evidence = evidence_with_file(logins.get("head"))
    for role, user in logins.items():
        token = calendar_token_issue(user=user)
        paths[role].append(reverse("reports:calendar_feed", args=[token]))
        if edition is not None and permissions.follows_up(user, edition.plan_id):
            paths[role].append(
                reverse(
                    "reports:consolidated_edition", args=[edition.plan_id, edition.scope, edition.edition]
                )
            )
        if evidence is not None and permissions.can_view_report(user, evidence.report):
            paths[role].append(reverse("reports:evidence_download", args=[evidence.pk]))
    return paths


def superuser() -> User:
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first() or (
        User.objects.create_superuser("bench-admin", "", None)
    )


# ------------------------------------------------------------------------------
# The largest object first, among the links to pages of one URL name
# ------------------------------------------------------------------------------
def weights(name: str, found: list[dict]) -> list[int]:
    """How large each page of `name` is (its URL's kwargs in `found`), in rows behind it, read in one
    query per URL name; 0 for pages of no object (their links' order decides)."""
    pks = [kwargs.get("pk") for kwargs in found]

    def counted(queryset, field) -> list[int]:
        n = dict(queryset.filter(**{f"{field}__in": pks}).values_list(field).annotate(n=Count("id")))
        return [n.get(pk, 0) for pk in pks]

    reports = TaskReport.objects.order_by()
    if name == "reports:plan_detail":
        return counted(reports, "period__plan")
    if name == "reports:task_detail":
        return counted(reports, "task")
    if name == "reports:period_edit":
        return counted(reports, "period")
    if name in ("reports:report_detail", "reports:report_edit"):
        # A report its unit can still work on first (its page links to the form), then the longest.
        rows = {
            row["pk"]: row["n_events"] + 1_000_000 * (row["period__is_open"] and row["status"] in EDITABLE)
            for row in reports.filter(pk__in=pks)
            .annotate(n_events=Count("events"))
            .values("pk", "status", "period__is_open", "n_events")
        }
        return [rows.get(pk, 0) for pk in pks]
    if name in ("reports:consolidated_detail", "reports:consolidated_edit"):
        by_key, by_year = Counter(), Counter()
        plans = {kwargs.get("plan_pk") for kwargs in found}
        for plan, key, year, n in (
            reports.filter(period__plan__in=plans)
            .values_list("period__plan", "period__key", "period__year")
            .annotate(n=Count("id"))
        ):
            by_key[plan, key] += n
            by_year[plan, str(year)] += n
        return [
            by_key[kwargs.get("plan_pk"), kwargs.get("key")]
            or by_year[kwargs.get("plan_pk"), kwargs.get("key")]
            for kwargs in found
        ]
    return [0] * len(found)


# ------------------------------------------------------------------------------
# The crawl
# ------------------------------------------------------------------------------
def get(client: Client, path: str):
    """One warm request: its response, queries and time (the first request of a page warms caches)."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed = time.perf_counter() - started
    return response, content, len(queries), elapsed


def is_download(response) -> bool:
    return "attachment" in response.get("Content-Disposition", "")


def crawl(
    role: str, client: Client, per_name: int, start: list[str]
) -> tuple[list[dict], list[dict], list[dict]]:
    pages, downloads, other = [], [], []
    seen: set[str] = set()
    taken: Counter = Counter()
    layer = list(start)
    while layer:
        groups: dict[str, list[tuple[int, int, str, dict]]] = defaultdict(list)
        for order, path in enumerate(layer):
            if path in seen:
                continue
            seen.add(path)
            try:
                match = resolve(urlsplit(path).path)
            except Resolver404:
                continue
            name = match.view_name
            if name in SKIP or name.startswith("admin:"):
                continue
            groups[name].append((int("?" in path), order, path, match.kwargs))
        following = []
        for name, found in groups.items():
            if taken[name] >= per_name:
                continue
            sizes = weights(name, [f[3] for f in found])
            ranked = sorted(zip(found, sizes, strict=True), key=lambda f: (f[0][0], -f[1], f[0][1]))
            for (_, _, path, _), _ in ranked[: per_name - taken[name]]:
                taken[name] += 1
                following += visit(role, client, name, path, pages, downloads, other)
        layer = following
    return pages, downloads, other


def visit(role, client, name, path, pages, downloads, other) -> list[str]:
    first = client.get(path)
    if is_download(first):
        runs = [get(client, path) for _ in range(DOWNLOAD_RUNS)]
        response, content, queries, _ = runs[-1]
        downloads.append(
            {
                "url_name": name,
                "path": path,
                "role": role,
                "status": response.status_code,
                "bytes": len(content),
                "queries": queries,
                "seconds": round(statistics.median(run[3] for run in runs), 3),
                "content_type": response.get("Content-Type", ""),
            }
        )
        return []
    response, content, queries, elapsed = get(client, path)
    record = {
        "url_name": name,
        "path": path,
        "role": role,
        "status": response.status_code,
        "bytes": len(content),
        "queries": queries,
        "seconds": round(elapsed, 4),
    }
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        record["content_type"] = response.get("Content-Type", "")
        other.append(record)
        return []
    pages.append(record)
    return links(content.decode(errors="replace"), path)


def cookie(client: Client) -> str:
    names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    return "; ".join(f"{n}={client.cookies[n].value}" for n in names if n in client.cookies)


def floor(role: str, client: Client, name: str = "alive_logged_in") -> dict:
    path = reverse(name)
    client.get(path)
    response, content, queries, elapsed = get(client, path)
    assert response.status_code == 200, f"the floor answers {response.status_code} to {role}"
    return {
        "url_name": name,
        "path": path,
        "role": role,
        "bytes": len(content),
        "queries": queries,
    }


def admin_pages(client: Client, other: list[dict]) -> list[dict]:
    pages = []
    for name in ADMIN_PAGES:
        path = reverse(name)
        client.get(path)
        response, content, queries, elapsed = get(client, path)
        record = {
            "url_name": name,
            "path": path,
            "role": "admin",
            "status": response.status_code,
            "bytes": len(content),
            "queries": queries,
            "seconds": round(elapsed, 4),
        }
        (pages if response.status_code == 200 else other).append(record)
    return pages


def url_names() -> set[str]:
    """Every named URL outside the admin."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


def main():
    result = {"roles": {}, "pages": [], "downloads": [], "other": []}
    logins = people()
    reachable = made_reachable(logins)
    logins["admin"] = superuser()
    for role, user in logins.items():
        client = Client()
        client.force_login(user, backend=BACKEND)
        if role == "admin":
            pages, downloads = admin_pages(client, result["other"]), []
        else:
            start = [
                "/",
                *(reverse(name) + query for name, query in UNLINKED.get(role, [])),
                *reachable[role],
            ]
            pages, downloads, other = crawl(role, client, PER_NAME, start)
            result["other"] += other
        result["roles"][role] = {
            "username": user.username,
            "unit": user.unit.name if user.unit_id else "",
            "floor": floor(role, client),
            "cookie": cookie(client),
        }
        result["pages"] += pages
        result["downloads"] += downloads
    # A visitor not logged in: the login page, against the floor without a session.
    client = Client()
    pages, downloads, other = crawl(ANONYMOUS, client, PER_NAME, [reverse("login")])
    result["roles"][ANONYMOUS] = {
        "username": "",
        "unit": "",
        "floor": floor(ANONYMOUS, client, "alive"),
        "cookie": "",
    }
    result["pages"] += pages
    result["downloads"] += downloads
    result["other"] += other
    reached = {row["url_name"] for key in ("pages", "downloads", "other") for row in result[key]}
    # The forms' targets (POST only) and the logout: never reached by a GET link.
    result["unreached"] = sorted(url_names() - reached - {"alive", "alive_logged_in"})
    result["periods"] = ReportingPeriod.objects.count()
    result["reports"] = TaskReport.objects.count()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
