"""Part of `make bench` on PostgreSQL: the deadline rush. Every reporting unit of one open period
saves and submits its reports within one minute, through the report pages' own forms.

The period is the open one with the most units that still have a report to send (draft or
returned). Each such unit is one person, its head (who may both edit and submit), already logged in
(a session made here, as after a morning login), with their own cookies and CSRF token. The units
start one after another, evenly over the first half of `--seconds` (so that all can be done within
it), and each, for every report it still owes in the period, does what a browser does:

    GET  /bao-cao/<pk>/sua/        the form
    POST /bao-cao/<pk>/sua/        every field of the form as drawn, with the results written → 302
    GET  /bao-cao/<pk>/            the report, "Đã lưu báo cáo."
    POST /bao-cao/<pk>/gui/        the send button's form → 302
    GET  /bao-cao/<pk>/            the report, sent

against the server at `--port` (gunicorn with kehoach/gunicorn.conf.py, started by bench.py). A
request fails on an error, a timeout or another status than the one above; a report fails if it is
not sent at the end (read back from the database). Prints one JSON line: units, reports, requests,
failed, p50/p95/max over every request and by kind. With p95 over its budget (`--budget-ms`), the
same five requests for other reports still owed are profiled in this process (.ci/bench_profile.py):
the time one report's cycle costs the server, and what it is spent on.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402

from reports.models import ReportingPeriod, ReportStatus, TaskReport  # noqa: E402
from tasks.models import Role, User  # noqa: E402

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
TIMEOUT = 60


# ------------------------------------------------------------------------------
# Who rushes: the units of one open period with reports still to send
# ------------------------------------------------------------------------------
def heads():
    return User.objects.filter(is_active=True, role=Role.HEAD, unit=OuterRef("unit"))


def owed():
    return TaskReport.objects.filter(status__in=EDITABLE, period__is_open=True).filter(Exists(heads()))


def the_period() -> ReportingPeriod:
    best = (
        owed()
        .values("period")
        .annotate(units=Count("unit", distinct=True))
        .order_by("-units", "-period__deadline")
        .first()
    )
    if best is None:
        raise SystemExit("no open period has a report left to send by a unit with a head")
    return ReportingPeriod.objects.select_related("plan").get(pk=best["period"])


def session_cookie(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def prepare(period: ReportingPeriod) -> list[dict]:
    """One entry per unit: its head's session and the reports it still owes in the period."""
    by_unit = defaultdict(list)
    for report in owed().filter(period=period).order_by("unit_id", "task__number", "pk"):
        by_unit[report.unit_id].append(report.pk)
    units = []
    for unit_id, reports in by_unit.items():
        head = User.objects.filter(is_active=True, role=Role.HEAD, unit_id=unit_id).order_by("pk").first()
        units.append(
            {"unit": unit_id, "user": head.username, "session": session_cookie(head), "reports": reports}
        )
    return units


# ------------------------------------------------------------------------------
# A browser, as far as these forms need one
# ------------------------------------------------------------------------------
class Forms(HTMLParser):
    """The POST forms of a page: each one's action and fields as the browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
            )
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append([a["name"], a.get("value", "on")])
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append([a["name"], a.get("value") or ""])
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append([a["name"], ""])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            fields.append([self._select, a.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            field = self.forms[-1]["fields"][-1]
            # A textarea's first newline is not part of its value.
            field[1] += data[1:] if not field[1] and data.startswith("\n") else data


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


class Browser:
    def __init__(self, port: int, session: str, record):
        self.port = port
        self.cookies = {settings.SESSION_COOKIE_NAME: session}
        self.record = record
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def request(
        self, kind: str, method: str, path: str, expect: int, data: list | None = None
    ) -> tuple[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode([tuple(field) for field in data]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.record(kind, time.perf_counter() - started, False, f"{type(error).__name__}: {error}")
            raise
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if value in ("", '""') or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        ok = response.status == expect
        self.record(kind, elapsed, ok, "" if ok else f"{method} {path}: {response.status}, expected {expect}")
        if not ok:
            raise RuntimeError(f"{method} {path}: {response.status}")
        return content.decode(errors="replace"), response.getheader("Location") or ""

    def close(self):
        self.connection.close()


def send_report(browser: Browser, pk: int, unit: dict) -> None:
    edit, detail = f"/bao-cao/{pk}/sua/", f"/bao-cao/{pk}/"
    html, _ = browser.request("form", "GET", edit, 200)
    form = next(f for f in post_forms(html) if any(name == "version" for name, _ in f["fields"]))
    data = [
        [name, value]
        for name, value in form["fields"]
        if name not in ("completion", "progress", "completed_on")
    ]
    for field in data:
        if field[0] == "results":
            field[1] = (field[1] + "\n" if field[1] else "") + f"Cập nhật trước hạn của {unit['user']}."
    data += [["completion", "in_progress"], ["progress", "60"], ["completed_on", ""]]
    _, location = browser.request("save", "POST", edit, 302, data)
    html, _ = browser.request("saved", "GET", urlsplit(location).path or detail, 200)
    submit = next(f for f in post_forms(html) if f["action"].endswith("/gui/"))
    _, location = browser.request("submit", "POST", submit["action"], 302, submit["fields"])
    browser.request("sent", "GET", urlsplit(location).path or detail, 200)


class InProcess:
    """A `Browser` without a server: the same requests through Django's test client in this process,
    logged in as `user`."""

    def __init__(self, user: User):
        self.client = Client()
        self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def request(self, kind, method, path, expect, data=None) -> tuple[str, str]:
        if method == "GET":
            response = self.client.get(path)
        else:
            body = urlencode([tuple(field) for field in data or []])
            response = self.client.post(path, body, content_type="application/x-www-form-urlencoded")
        if response.status_code != expect:
            raise RuntimeError(f"{kind}: {method} {path}: {response.status_code}, expected {expect}")
        return response.content.decode(errors="replace"), response.get("Location", "")


def cycle_profile() -> dict | None:
    """One report's five requests (`send_report`) in this process, for reports still owed in any open
    period: warmed on one, timed on three, profiled on a fifth; None when fewer than five are owed."""
    from bench_profile import RUNS, profile

    reports = list(owed().order_by("-period__deadline", "pk")[: RUNS + 2])
    if len(reports) < RUNS + 2:
        return None
    owing = iter(reports)

    def action():
        report = next(owing)
        head = (
            User.objects.filter(is_active=True, role=Role.HEAD, unit_id=report.unit_id).order_by("pk").first()
        )
        send_report(InProcess(head), report.pk, {"user": head.username})

    return {"requests": 5, **profile(action)}


def warm_up(port: int, units: list[dict]) -> None:
    """A server that has been up all morning: every worker has served the report form before."""
    if not units:
        return

    def ignore(*_):
        pass

    def read_forms(unit):
        browser = Browser(port, unit["session"], ignore)
        try:
            for _ in range(4):
                browser.request("warm", "GET", f"/bao-cao/{unit['reports'][0]}/sua/", 200)
        finally:
            browser.close()

    threads = [threading.Thread(target=read_forms, args=(units[i % len(units)],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--budget-ms", type=float, default=500, help="p95 over which a cycle is profiled")
    args = parser.parse_args()

    period = the_period()
    units = prepare(period)
    connection.close()  # the threads speak HTTP only; the database is read again at the end

    warm_up(args.port, units)
    lock = threading.Lock()
    timings = defaultdict(list)
    failures: list[str] = []
    done_at: list[float] = []

    def record(kind, seconds, ok, why):
        with lock:
            timings[kind].append((seconds, ok))
            if not ok:
                failures.append(why)

    begin = time.perf_counter() + 1.0
    spacing = args.seconds / max(len(units), 1) * 0.5  # every unit has started by half the window

    def rush(index: int, unit: dict):
        time.sleep(max(0.0, begin + index * spacing - time.perf_counter()))
        browser = Browser(args.port, unit["session"], record)
        try:
            for pk in unit["reports"]:
                try:
                    send_report(browser, pk, unit)
                except Exception as error:  # noqa: BLE001 - any error is a failed report, counted
                    with lock:
                        failures.append(f"report {pk}: {type(error).__name__}: {error}")
        finally:
            browser.close()
            with lock:
                done_at.append(time.perf_counter() - begin)

    threads = [threading.Thread(target=rush, args=(i, unit)) for i, unit in enumerate(units)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reports = [pk for unit in units for pk in unit["reports"]]
    not_sent = TaskReport.objects.filter(pk__in=reports).exclude(status=ReportStatus.SUBMITTED).count()
    every = sorted(seconds for kind in timings.values() for seconds, _ in kind)
    failed_requests = sum(not ok for kind in timings.values() for _, ok in kind)

    def ms(values, q):
        if not values:
            return 0.0
        return (
            round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)
            if len(values) > 1
            else round(values[0] * 1000, 1)
        )

    result = {
        "period": f"{period.name} ({period.plan.code})",
        "units": len(units),
        "reports": len(reports),
        "requests": len(every),
        "failed": failed_requests + not_sent,
        "failed_requests": failed_requests,
        "reports_not_sent": not_sent,
        "failures": failures[:20],
        "p50_ms": ms(every, 50),
        "p95_ms": ms(every, 95),
        "max_ms": round(max(every, default=0) * 1000, 1),
        "last_done_s": round(max(done_at, default=0), 1),
        "window_s": args.seconds,
        "by_kind": {
            kind: {
                "count": len(values),
                "failed": sum(not ok for _, ok in values),
                "p50_ms": ms(sorted(s for s, _ in values), 50),
                "p95_ms": ms(sorted(s for s, _ in values), 95),
            }
            for kind, values in timings.items()
        },
    }
    if result["p95_ms"] > args.budget_ms and (cycle := cycle_profile()):
        result["profile"] = cycle
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
