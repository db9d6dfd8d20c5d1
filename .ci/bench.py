"""`make bench`: every page of every role, at one or more shapes of data, on SQLite and PostgreSQL.

For each shape (`--shapes`, passed to `seed_demo --shape`) and each database, on a fresh database:
1. seed the demo data set;
2. crawl (.ci/bench_crawl.py) the pages each role reaches by its links from `/` — coordinator,
   leadership, finance, unit head, unit staff, and the admin's lists of reports and assignments —
   with the pages no link of the demo data reaches (an issued consolidated report, the calendar
   feeds, an evidence file: made on the bench's copy), and the login page as a visitor not logged
   in; recording each page's size and SQL queries, and timing the downloads it finds (exports);
3. serve the app with gunicorn on loopback and measure every page with wrk (p50/p95 through
   wrk-percentiles.lua, requests per second), each with the session of the person who reached it,
   against the authenticated floor (`/ok/phien/`: logged in, base template, no content) measured
   with the same session; `/ok/` (no session) is measured too, and is the floor of the login page;
4. time the yearly DOCX and XLSX of the largest plan of the last year, each in a fresh process with
   its peak memory;
5. on PostgreSQL only, the deadline rush (.ci/bench_rush.py): the production gunicorn configuration,
   and every reporting unit of one open period saving and submitting its reports within a minute;
6. time an admin import of 10,000 assignment rows (.ci/bench_import.py);
7. last, as it changes the data, time a reorganisation of 300 units in one transaction, its preview
   and then the change (.ci/bench_reorganise.py), against the import's budget.
After step 4, on the data the pages were measured on, every page, download and export that missed a
budget of time is profiled (.ci/bench_profile.py): its time in one process, its SQL, and the
functions it is spent in, written under the tables. The import, the reorganisation and the rush
profile themselves when over their budgets (.ci/bench_import.py, bench_reorganise.py, bench_rush.py).

Each shape's results go to var/bench/results-<shape>.md and .json; all of them, with the query
counts of each page compared across shapes, to var/bench/results.md and results.json. Budgets are
printed, never asserted: a missed budget is a finding to profile.

Run by .ci/bench, which installs wrk and starts a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
OUT = ROOT / "var" / "bench"
WORKERS = os.cpu_count() or 2
STAGES = ("pages", "exports", "import", "reorganise", "rush", "profiles")

BUDGETS = {
    "page_p50_ms": 100,  # every page p50 ≤ 100 ms
    "page_kb": 300,  # and ≤ 300 KB
    "board_vs_floor": 0.5,  # the board: at least half the authenticated floor's throughput
    "page_vs_floor": 0.2,  # every other page: at least a fifth
    "export_s": 2.0,  # yearly export ≤ 2 s
    "export_mb": 300,  # and ≤ 300 MB peak
    "import_s": 30.0,  # import of 10,000 rows ≤ 30 s; a reorganisation of 300 units, too
    "rush_failed": 0,  # deadline rush: no failed request
    "rush_p95_ms": 500,  # and p95 ≤ 500 ms
}
BOARD = "reports:board"


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs)


def manage(env, *args):
    return run([PYTHON, "manage.py", *args], env).stdout


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def met(ok: bool) -> str:
    return "met" if ok else "NO"


# ------------------------------------------------------------------------------
# Databases: a fresh one for every shape
# ------------------------------------------------------------------------------
def _server(parts):
    import psycopg2  # the application's own driver, in the venv

    server = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    server.autocommit = True
    return server


def reset_database(url: str, source: str | None = None) -> None:
    """An empty database at `url`, or (`source`, a database of the same server or an SQLite file) a
    copy of one seeded beforehand; the source itself is never changed."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if source:
            import sqlite3

            with sqlite3.connect(urlsplit(source).path) as src, sqlite3.connect(path) as copy:
                src.backup(copy)
        return
    name = parts.path.lstrip("/")
    server = _server(parts)
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        template = f' TEMPLATE "{urlsplit(source).path.lstrip("/")}"' if source else ""
        cursor.execute(f'CREATE DATABASE "{name}"{template}')
    server.close()


# What a database copied from a seeded one holds, for the results (seed_demo's own summary is not
# kept with it).
BENCH_COUNTS = r"""
import json
from reports.models import ReportingPeriod, TaskReport
from tasks.models import Assignment, Plan, Task, Unit
print(json.dumps([f"{model._meta.verbose_name_plural}: {model.objects.count():,}".replace(",", ".")
                  for model in (Unit, Plan, Task, Assignment, ReportingPeriod, TaskReport)]))
"""


def copy_seeded(env, url: str, source: str) -> dict:
    started = time.perf_counter()
    reset_database(url, source)
    manage(env, "migrate", "--noinput", "-v0")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "overrides": "",
        "copied_from": source,
        "summary": [
            f"Bản sao của dữ liệu mẫu đã tạo trước (seed_demo, hạt giống 463): {source}",
            *json.loads(manage(env, "shell", "-v0", "-c", BENCH_COUNTS).strip().splitlines()[-1]),
        ],
    }


def seed(env, args, shape: str) -> dict:
    manage(env, "migrate", "--noinput", "-v0")
    overrides = []
    for option, value in (
        ("--units", args.units),
        ("--plans", args.plans),
        ("--tasks-per-plan", args.tasks),
        ("--years", args.years),
        ("--schedule", args.schedule),
    ):
        if value is not None:
            overrides += [option, str(value)]
    started = time.perf_counter()
    output = manage(env, "seed_demo", "--shape", shape, *overrides, "--seed", "463")
    lines = output.strip().splitlines()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "overrides": " ".join(overrides),
        "summary": [
            line.strip()
            for line in lines
            # The sizes asked and what was written, without the progress lines ("60 đơn vị…").
            if line.startswith("Tạo dữ liệu") or (line.startswith("  ") and not line.endswith("…"))
        ],
    }


# ------------------------------------------------------------------------------
# Pages: the crawl, then wrk against the floor
# ------------------------------------------------------------------------------
def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    """`seconds` of requests; each request may take as long (wrk's default gives up after 2 s)."""
    script = Path(__file__).with_name("wrk-percentiles.lua")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"--timeout={max(seconds, 10)}s"]
    args += ["-s", str(script), url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, check=True, text=True, capture_output=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    # µs → ms; with no request answered in time wrk prints 0, which is no latency at all.
    percentile = {
        p: int(re.search(rf"PCT{p} (\d+)", out).group(1)) / 1000 if requests else None for p in (50, 95, 99)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "wrk_seconds": seconds,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": requests,
        "p50_ms": percentile[50],
        "p95_ms": percentile[95],
        "p99_ms": percentile[99],
        "errors": (int(errors.group(1)) if errors else 0) + (sum(map(int, failed.groups())) if failed else 0),
    }


def duration(page: dict, seconds: int) -> int:
    """`seconds`, or longer for a page slower than that in one process (the crawl's time): enough
    for each connection to see a few answers, at most 2 minutes."""
    return max(seconds, min(120, math.ceil(page["seconds"] * 4)))


def preflight(port: int, path: str, cookie: str | None) -> tuple[int, int]:
    """One request as wrk will send it: its status (a redirect to the login would be measured as
    fast and fine by wrk, which follows nothing) and its size over HTTP."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


class Server:
    """gunicorn on a free loopback port, stopped on exit; `config` runs it with a config file."""

    def __init__(self, env, *, config: str | None = None, log: Path | None = None):
        self.port = free_port()
        if config:
            args = [GUNICORN, "-c", config, "kehoach.wsgi"]
            env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        else:
            args = [GUNICORN, "kehoach.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS)]
            args += ["--log-level", "warning"]
        self.log = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)

    def __enter__(self):
        # The master listens before its workers have loaded Django: wait for an answer.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            try:
                if preflight(self.port, "/ok/", None)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)
        if self.log is not subprocess.DEVNULL:
            self.log.close()


def measure_pages(env, crawled: dict, seconds: int, connections: int) -> dict:
    """Every crawled page with wrk, each role's floor first, on one gunicorn."""
    roles, measured, floors = crawled["roles"], [], {}
    with Server(env) as server:
        base = f"http://127.0.0.1:{server.port}"
        # Every worker up and warm (its first requests load templates and open its connection).
        first = next(iter(roles.values()))
        wrk(base + first["floor"]["path"], first["cookie"], 2, connections)
        bare = wrk(f"{base}/ok/", None, seconds, connections)
        for role, who in roles.items():
            floor = who["floor"]
            status, _ = preflight(server.port, floor["path"], who["cookie"])
            if status != 200:
                raise RuntimeError(f"the floor answers {status} to {role}: the session was not kept")
            floors[role] = {**floor, **wrk(base + floor["path"], who["cookie"], seconds, connections)}
            print(f"    sàn {role}: {floors[role]['rps']:.0f} req/s", flush=True)
        for page in crawled["pages"]:
            cookie = roles[page["role"]]["cookie"]
            status, size = preflight(server.port, page["path"], cookie)
            row = {**page, "http_status": status, "http_bytes": size}
            if status == 200:
                row.update(wrk(base + page["path"], cookie, duration(page, seconds), connections))
            measured.append(row)
    return {"bare": bare, "floors": floors, "pages": measured}


def shown(path: str) -> str:
    """A path as printed: a calendar feed's secret address (a token, even of the bench's copy) is
    left out."""
    return re.sub(r"^/lich/[^/]+\.ics$", "/lich/‹địa chỉ riêng›.ics", path)


def page_verdicts(page: dict, floor_rps: float) -> dict:
    if "rps" not in page:
        return {}
    ratio = page["rps"] / floor_rps if floor_rps else 0.0
    least = BUDGETS["board_vs_floor"] if page["url_name"] == BOARD else BUDGETS["page_vs_floor"]
    return {
        "ratio": ratio,
        "least": least,
        "p50": page["p50_ms"] is not None and page["p50_ms"] <= BUDGETS["page_p50_ms"],
        "size": page["bytes"] / 1024 <= BUDGETS["page_kb"],
        "vs_floor": ratio >= least,
    }


# ------------------------------------------------------------------------------
# Exports, import, deadline rush
# ------------------------------------------------------------------------------
# Run inside `manage.py shell`, once per format in a fresh process: the yearly consolidated report
# (every period of the year: `reports.consolidated.selectors.scope`) of the plan with the most
# reports in the last year, timed, and the process's peak resident memory (which includes Django
# and the data set's objects, so it is the figure a server sees). Timed without tracemalloc, which
# slows every allocation several times.
BENCH_EXPORT = r"""
import json, resource, time
from django.db.models import Count, Max
from reports.consolidated import selectors
from reports.consolidated.generator import export_bytes
from reports.models import ReportingPeriod, TaskReport

year = ReportingPeriod.objects.aggregate(year=Max("year"))["year"]
largest = (TaskReport.objects.filter(period__year=year).values("period__plan")
           .annotate(n=Count("id")).order_by("-n", "period__plan").first())
scope = selectors.scope(selectors.plan(largest["period__plan"]), str(year))
started = time.perf_counter()
content, name = export_bytes(scope, "{fmt}")
print(json.dumps({{"plan": scope.plan.code, "scope": scope.name, "periods": len(scope.periods),
                  "reports_in_scope": largest["n"], "file": name,
                  "seconds": round(time.perf_counter() - started, 3), "bytes": len(content),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}}))
"""


def measure_exports(env) -> dict:
    out = {}
    for fmt in ("docx", "xlsx"):
        result = last_json(manage(env, "shell", "-v0", "-c", BENCH_EXPORT.format(fmt=fmt)))
        for key in ("plan", "scope", "periods", "reports_in_scope"):
            out[key] = result.pop(key)
        out[fmt] = result
    out["process_peak_rss_mb"] = max(out["docx"]["peak_rss_mb"], out["xlsx"]["peak_rss_mb"])
    return out


def measure_import(env) -> dict:
    return last_json(run([PYTHON, str(Path(__file__).with_name("bench_import.py"))], env).stdout)


def measure_reorganise(env) -> dict:
    return last_json(run([PYTHON, str(Path(__file__).with_name("bench_reorganise.py"))], env).stdout)


def measure_rush(env, seconds: int, shape: str) -> dict:
    """The deadline rush against gunicorn as production runs it (kehoach/gunicorn.conf.py)."""
    log = OUT / f"rush-gunicorn-{shape}.log"
    with Server(env, config="kehoach/gunicorn.conf.py", log=log) as server:
        script = str(Path(__file__).with_name("bench_rush.py"))
        args = [
            "--port",
            str(server.port),
            "--seconds",
            str(seconds),
            "--budget-ms",
            str(BUDGETS["rush_p95_ms"]),
        ]
        out = run([PYTHON, script, *args], env).stdout
    return last_json(out)


def missed_time(result: dict) -> list[dict]:
    """The pages, downloads and exports of `result` that missed a budget of time (p50, share of the
    floor, or seconds): what the profiles are taken of. A page too large is its HTML, not its time."""
    roles, targets = result["crawl"]["roles"], []
    pages = result.get("pages")
    for page in pages["pages"] if pages else []:
        v = page_verdicts(page, pages["floors"][page["role"]]["rps"])
        if v and not (v["p50"] and v["vs_floor"]):
            targets.append({"url_name": page["url_name"], "path": page["path"], "role": page["role"]})
    for download in result["crawl"]["downloads"]:
        if download["seconds"] > BUDGETS["export_s"]:
            targets.append(
                {"url_name": download["url_name"], "path": download["path"], "role": download["role"]}
            )
    for target in targets:
        target["username"] = roles[target["role"]]["username"]
    exports = result.get("exports", {})
    for fmt in ("docx", "xlsx"):
        if fmt in exports and exports[fmt]["seconds"] > BUDGETS["export_s"]:
            targets.append({"url_name": f"yearly {fmt}", "fmt": fmt, "path": exports[fmt]["file"]})
    return targets


def measure_profiles(env, result: dict) -> list[dict]:
    targets = missed_time(result)
    if not targets:
        return []
    listed = OUT / "profile-targets.json"
    listed.write_text(json.dumps(targets, ensure_ascii=False))
    return last_json(
        run([PYTHON, str(Path(__file__).with_name("bench_profile.py")), str(listed)], env).stdout
    )


# ------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------
def pages_table(db: str, result: dict, seconds: int) -> list[str]:
    pages = result["pages"]
    lines = [
        f"#### {db}: pages",
        "",
        f"Floor (`/ok/phien/`, logged in, base template) and `/ok/` (no session: {pages['bare']['rps']:.0f} req/s, "
        f"p50 {pages['bare']['p50_ms']:.1f} ms):",
        "",
        "| role | person | floor req/s | floor p50 ms | floor queries |",
        "|---|---|---|---|---|",
    ]
    for role, floor in pages["floors"].items():
        who = result["crawl"]["roles"][role]
        person = (who["username"] or "not logged in") + (f" ({who['unit']})" if who["unit"] else "")
        lines.append(
            f"| {role} | {person} | {floor['rps']:.0f} | {floor['p50_ms']:.1f} | {floor['queries']} |"
        )
    lines += [
        "",
        f"| page | path | role | p50 ms | p95 ms | size KB | queries | req/s | ÷ floor "
        f"| p50 ≤ {BUDGETS['page_p50_ms']} ms | ≤ {BUDGETS['page_kb']} KB | ÷ floor ≥ budget |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in pages["pages"]:
        head = f"| {page['url_name']} | `{shown(page['path'])}` | {page['role']} "
        if "rps" not in page:
            lines.append(
                head + f"| HTTP {page['http_status']} | | | {page['queries']} | | | not measured | | |"
            )
            continue
        v = page_verdicts(page, pages["floors"][page["role"]]["rps"])
        errors = f" ({page['errors']} errors)" if page["errors"] else ""
        if page["wrk_seconds"] != seconds:
            errors += f" (in {page['wrk_seconds']} s)"
        p50, p95 = (f"{ms:.1f}" if ms is not None else "no answer" for ms in (page["p50_ms"], page["p95_ms"]))
        lines.append(
            head + f"| {p50} | {p95} | {page['bytes'] / 1024:.0f} | {page['queries']} "
            f"| {page['rps']:.0f}{errors} | {v['ratio']:.2f} | {met(v['p50'])} | {met(v['size'])} "
            f"| {met(v['vs_floor'])} (≥ {v['least']}) |"
        )
    return lines


def summary_lines(db: str, result: dict) -> list[str]:
    """The budgets outside the page table, and the count of pages missing each page budget."""
    rows = []
    if "pages" in result:
        pages = result["pages"]
        verdicts = [page_verdicts(p, pages["floors"][p["role"]]["rps"]) for p in pages["pages"] if "rps" in p]
        total = len(verdicts)
        for key, label in (
            ("p50", f"pages with p50 ≤ {BUDGETS['page_p50_ms']} ms"),
            ("size", f"pages ≤ {BUDGETS['page_kb']} KB"),
            ("vs_floor", "pages at their share of the floor's throughput"),
        ):
            good = sum(v[key] for v in verdicts)
            rows.append((label, f"{good} of {total}", "all", good == total))
        unmeasured = [p for p in pages["pages"] if "rps" not in p]
        if unmeasured:
            rows.append(("pages not answering 200 over HTTP", str(len(unmeasured)), "none", False))
    if "exports" in result:
        e = result["exports"]
        slowest = max(e["docx"]["seconds"], e["xlsx"]["seconds"])
        rows.append(
            (
                f"yearly export, slowest ({e['scope']} of {e['plan']}, {e['reports_in_scope']:,} reports)",
                f"docx {e['docx']['seconds']:.2f} s, xlsx {e['xlsx']['seconds']:.2f} s",
                f"≤ {BUDGETS['export_s']} s",
                slowest <= BUDGETS["export_s"],
            )
        )
        rows.append(
            (
                "export process peak RSS",
                f"{e['process_peak_rss_mb']:.0f} MB",
                f"≤ {BUDGETS['export_mb']} MB",
                e["process_peak_rss_mb"] <= BUDGETS["export_mb"],
            )
        )
    for download in result.get("crawl", {}).get("downloads", []):
        rows.append(
            (
                f"download {download['url_name']} `{shown(download['path'])}` ({download['role']}, "
                f"{download['bytes'] / 1024:.0f} KB, {download['queries']} queries, in process)",
                f"{download['seconds']:.2f} s",
                f"≤ {BUDGETS['export_s']} s",
                download["status"] == 200 and download["seconds"] <= BUDGETS["export_s"],
            )
        )
    if "import" in result:
        i = result["import"]
        rows.append(
            (
                f"import {i['rows']:,} rows (preview {i['preview_seconds']} s + confirm {i['confirm_seconds']} s)",
                f"{i['total_seconds']:.1f} s",
                f"≤ {BUDGETS['import_s']} s",
                i["total_seconds"] <= BUDGETS["import_s"],
            )
        )
    if "reorganise" in result:
        o = result["reorganise"]
        rows.append(
            (
                f"reorganisation of {o['units']} units in one transaction ({o['changes']:,} changes; "
                f"preview {o['preview_seconds']} s, then the change)",
                f"{o['confirm_seconds']:.1f} s",
                f"≤ {BUDGETS['import_s']} s",
                o["confirm_seconds"] <= BUDGETS["import_s"],
            )
        )
    if "rush" in result:
        r = result["rush"]
        rows.append(
            (
                f"deadline rush: {r['units']} units, {r['reports']} reports of {r['period']} "
                f"({r['requests']} requests, last done at {r['last_done_s']:.0f} s)",
                f"{r['failed']} failed",
                f"{BUDGETS['rush_failed']} failed",
                r["failed"] <= BUDGETS["rush_failed"],
            )
        )
        rows.append(
            (
                f"deadline rush p95 (p50 {r['p50_ms']:.0f} ms, max {r['max_ms']:.0f} ms)",
                f"{r['p95_ms']:.0f} ms",
                f"≤ {BUDGETS['rush_p95_ms']} ms",
                r["p95_ms"] <= BUDGETS["rush_p95_ms"],
            )
        )
    lines = [f"#### {db}: budgets", "", "| measure | result | budget | met |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | {budget} | {met(ok)} |" for name, value, budget, ok in rows]
    return lines


# The stages that profile themselves when over budget: how each profile is named in the list.
STAGE_PROFILES = (
    ("import", lambda p: f"import of {p['rows']:,} other rows, profiled", "admin"),
    ("reorganise", lambda p: f"reorganisation of {p['units']} other units, profiled", "admin"),
    ("rush", lambda p: "one report's five rush requests, in process", "/bao-cao/…"),
)


def profile_lines(db: str, result: dict) -> list[str]:
    """The profiles of the pages, downloads and exports over budget, then those of the stages that
    profile themselves; nothing when none was profiled nor looked for."""
    profiles = list(result.get("profiles", []))
    for stage, name, path in STAGE_PROFILES:
        if p := result.get(stage, {}).get("profile"):
            profiles.append({**p, "url_name": name(p), "path": path})
    if "profiles" not in result and not profiles:
        return []
    lines = [
        f"#### {db}: where the missed budgets go",
        "",
        "Each page, download or export that missed a budget of time, in one process (median of 3 warm "
        "runs), then once under cProfile: the functions with the most time of their own, and the "
        "application's functions with the most time under them. An import or a reorganisation over budget is "
        "profiled on a tenth of its rows or units (its time is the profiled run's); a rush over budget, on "
        "one report's cycle.",
        "",
    ]
    if not profiles:
        return lines + ["None missed.", ""]
    for p in profiles:
        who = f" ({p['role']})" if p.get("role") else ""
        slowest = "; ".join(f"{q['ms']:.1f} ms `{q['sql'][:100]}`" for q in p["slowest_sql"])
        lines += [
            f"- **{p['url_name']}** `{shown(p['path'])}`{who}: {p['ms']:.0f} ms, of it SQL {p['sql_ms']:.0f} ms "
            f"in {p['queries']} queries ({p['share_sql']:.0%}).",
            f"  - slowest SQL: {slowest or 'none'}",
            "  - own time (profiled run, "
            f"{p['profiled_ms']:.0f} ms): "
            + ", ".join(f"`{f['function']}` {f['own_ms']:.0f} ms" for f in p["own"][:6]),
            "  - through: "
            + ", ".join(f"`{f['function']}` {f['cumulative_ms']:.0f} ms" for f in p["ours"][:6]),
        ]
    return lines + [""]


def shape_report(shape: str, results: dict, seconds: int) -> str:
    lines = [f"## Shape {shape}", ""]
    for db, result in results.items():
        s = result["seed"]
        overridden = f" (sizes overridden: `{s['overrides']}`)" if s["overrides"] else ""
        how = f"copied from `{s['copied_from']}` and migrated" if "copied_from" in s else "seeded"
        lines.append(f"- {db}: {how} in {s['seconds']} s{overridden}; ran in {result['seconds']:.0f} s.")
    for db, result in results.items():
        lines += ["", f"{db}:", "```", *result["seed"]["summary"], "```"]
    lines += [""]
    first = next(iter(results.values()))
    lines += [
        "URL names no role reached by a GET link (not measured): "
        + ", ".join(f"`{name}`" for name in first["crawl"]["unreached"])
        + ".",
        "",
    ]
    for db, result in results.items():
        if "pages" in result:
            lines += pages_table(db, result, seconds) + [""]
        lines += summary_lines(db, result) + [""]
        lines += profile_lines(db, result)
    for db, result in results.items():
        if "rush" not in result:
            continue
        r = result["rush"]
        lines += [
            f"Deadline rush on {db}, by kind of request (ms): "
            + ", ".join(
                f"{kind} p50 {k['p50_ms']:.0f} / p95 {k['p95_ms']:.0f} ({k['count']}, {k['failed']} failed)"
                for kind, k in r["by_kind"].items()
            ),
            "",
        ]
    return "\n".join(lines)


def queries_across_shapes(all_results: dict) -> str:
    """Per page (URL name, role) and database: the query counts at each shape, flagged if they differ."""
    shapes = list(all_results)
    lines = ["## Queries at each shape", ""]
    if len(shapes) < 2:
        return "\n".join(lines + ["One shape measured: run `--shapes` with two or more to compare.", ""])
    counts: dict[tuple[str, str, str], dict[str, set[int]]] = {}
    for shape, results in all_results.items():
        for db, result in results.items():
            for page in result.get("crawl", {}).get("pages", []):
                key = (db, page["url_name"], page["role"])
                counts.setdefault(key, {}).setdefault(shape, set()).add(page["queries"])
    lines += [
        "| database | page | role | " + " | ".join(shapes) + " | same at every shape |",
        "|---|---|---|" + "---|" * len(shapes) + "---|",
    ]
    differing = 0
    for (db, name, role), by_shape in sorted(counts.items()):
        cells = [
            "/".join(map(str, sorted(by_shape[shape]))) if shape in by_shape else "—" for shape in shapes
        ]
        seen = [frozenset(by_shape[shape]) for shape in shapes if shape in by_shape]
        same = len(set(seen)) == 1 and len(seen) == len(shapes)
        differing += not same
        lines.append(f"| {db} | {name} | {role} | " + " | ".join(cells) + f" | {'yes' if same else 'NO'} |")
    lines += [
        "",
        f"{differing} of {len(counts)} pages differ (several counts in a cell: the pages of that name "
        "measured, e.g. two tasks; — : not reached at that shape).",
        "",
    ]
    return "\n".join(lines)


def every_page(all_results: dict) -> str:
    """One line per page kind and role: at each shape and database, the worst of its pages measured
    (the highest p50, the largest, the lowest share of the floor), and whether every budget held."""
    columns = [(shape, db) for shape, results in all_results.items() for db in results]
    worst: dict[tuple[str, str], dict[tuple[str, str], dict]] = {}
    for shape, db in columns:
        pages = all_results[shape][db].get("pages")
        for page in pages["pages"] if pages else []:
            cell = worst.setdefault((page["url_name"], page["role"]), {}).setdefault(
                (shape, db), {"p50": 0.0, "kb": 0.0, "ratio": math.inf, "ok": True}
            )
            v = page_verdicts(page, pages["floors"][page["role"]]["rps"])
            if not v:  # not answering 200 over HTTP
                cell["ok"], cell["p50"] = False, math.inf
                continue
            cell["p50"] = max(cell["p50"], page["p50_ms"] if page["p50_ms"] is not None else math.inf)
            cell["kb"] = max(cell["kb"], page["bytes"] / 1024)
            cell["ratio"] = min(cell["ratio"], v["ratio"])
            cell["ok"] &= v["p50"] and v["size"] and v["vs_floor"]
    lines = [
        "## Every page of every role",
        "",
        "Each cell: the worst of the pages of that kind measured for that role — p50 ms / KB / share of "
        "the floor's throughput; **bold** where a budget was missed; — : not reached.",
        "",
        "| page | role | " + " | ".join(f"{shape} · {db}" for shape, db in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    missed = 0
    for (name, role), cells in sorted(worst.items()):
        shown = []
        for column in columns:
            cell = cells.get(column)
            if cell is None:
                shown.append("—")
                continue
            text = f"{cell['p50']:.0f} / {cell['kb']:.0f} / {cell['ratio']:.2f}"
            shown.append(text if cell["ok"] else f"**{text}**")
        missed += not all(cell["ok"] for cell in cells.values())
        lines.append(f"| {name} | {role} | " + " | ".join(shown) + " |")
    lines += ["", f"{missed} of {len(worst)} page kinds missed a budget somewhere.", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", required=True, help="name=DATABASE_URL pairs")
    parser.add_argument("--shapes", nargs="+", default=["province"], help="seed_demo --shape names")
    parser.add_argument("--units", type=int, default=None, help="override the shape's units")
    parser.add_argument("--plans", type=int, default=None, help="override the shape's plans")
    parser.add_argument("--tasks", type=int, default=None, help="override the shape's tasks per plan")
    parser.add_argument("--years", type=int, default=None, help="override the shape's years")
    parser.add_argument("--schedule", default=None, help="override the shape's schedule")
    parser.add_argument("--seconds", type=int, default=5, help="wrk seconds a page (and a floor)")
    # As many connections as gunicorn has workers: every worker busy (throughput at saturation)
    # and no request queued behind another (latency is the page's own).
    parser.add_argument("--connections", type=int, default=WORKERS)
    parser.add_argument("--per-name", type=int, default=2, help="pages measured per URL name and role")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--rush-seconds", type=int, default=60, help="the deadline rush's window")
    parser.add_argument("--skip", nargs="*", default=[], choices=STAGES, help="stages not run")
    parser.add_argument(
        "--seeded",
        nargs="*",
        default=[],
        metavar="SHAPE:NAME=SOURCE",
        help="copy a database seeded beforehand (seed_demo --shape SHAPE --seed 463) instead of seeding: "
        "an SQLite URL, or a PostgreSQL URL of a database on the bench's server",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    all_results = {}
    seeded = dict(pair.split("=", 1) for pair in args.seeded)
    for shape in args.shapes:
        results = {}
        for pair in args.databases:
            name, url = pair.split("=", 1)
            db_started = time.perf_counter()
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "kehoach.settings.production",
                "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                "SECURE_SSL_REDIRECT": "false",
                "DEBUG": "false",
                "LOG_LEVEL": "WARNING",
                "STATIC_ROOT": str(OUT / "static"),
                "MEDIA_ROOT": str(OUT / "media"),
                "BENCH_IMPORT_ROWS": str(args.import_rows),
                "BENCH_IMPORT_BUDGET": str(BUDGETS["import_s"]),
                "BENCH_REORGANISE_BUDGET": str(BUDGETS["import_s"]),
                "BENCH_PER_NAME": str(args.per_name),
            }
            if source := seeded.get(f"{shape}:{name}"):
                print(f"[{shape} · {name}] chép dữ liệu mẫu đã tạo trước…", flush=True)
                result = {"seed": copy_seeded(env, url, source)}
            else:
                reset_database(url)
                print(f"[{shape} · {name}] nạp dữ liệu mẫu…", flush=True)
                result = {"seed": seed(env, args, shape)}
            manage(env, "collectstatic", "--noinput", "-v0")
            print(f"[{shape} · {name}] duyệt các trang của từng vai trò…", flush=True)
            result["crawl"] = last_json(
                run([PYTHON, str(Path(__file__).with_name("bench_crawl.py"))], env).stdout
            )
            if "pages" not in args.skip:
                count = len(result["crawl"]["pages"])
                print(f"[{shape} · {name}] đo {count} trang, {args.seconds} s mỗi trang…", flush=True)
                result["pages"] = measure_pages(env, result["crawl"], args.seconds, args.connections)
            if "exports" not in args.skip:
                print(f"[{shape} · {name}] đo xuất báo cáo…", flush=True)
                result["exports"] = measure_exports(env)
            # On the data the pages were measured on: before the rush, the import and the reorganisation.
            if "profiles" not in args.skip:
                print(f"[{shape} · {name}] hồ sơ thời gian của những gì vượt ngân sách…", flush=True)
                result["profiles"] = measure_profiles(env, result)
            # The rush before the import: the imported assignments would owe reports of their own.
            if "rush" not in args.skip and not urlsplit(url).scheme.startswith("sqlite"):
                print(f"[{shape} · {name}] cao điểm hạn nộp ({args.rush_seconds} s)…", flush=True)
                result["rush"] = measure_rush(env, args.rush_seconds, shape)
            if "import" not in args.skip:
                print(f"[{shape} · {name}] đo nhập {args.import_rows:,} dòng…".replace(",", "."), flush=True)
                result["import"] = measure_import(env)
            # Last: it ends 300 units.
            if "reorganise" not in args.skip:
                print(f"[{shape} · {name}] đo tổ chức lại 300 đơn vị…", flush=True)
                result["reorganise"] = measure_reorganise(env)
            result["seconds"] = round(time.perf_counter() - db_started, 1)
            results[name] = result
        all_results[shape] = results
        report = shape_report(shape, results, args.seconds)
        (OUT / f"results-{shape}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        (OUT / f"results-{shape}.md").write_text(report + "\n")
        print(report, flush=True)

    header = (
        f"# make bench\n\nShapes {', '.join(args.shapes)} (seed 463); {platform.node()}, {WORKERS} cores, "
        f"{platform.platform()}. gunicorn {WORKERS} workers; wrk {args.connections} connections, "
        f"{args.seconds} s a page; at most {args.per_name} pages per URL name and role; "
        f"whole run {time.perf_counter() - started:.0f} s.\n"
    )
    combined = "\n".join(
        [header, every_page(all_results), queries_across_shapes(all_results)]
        + [(OUT / f"results-{shape}.md").read_text() for shape in args.shapes]
    )
    (OUT / "results.md").write_text(combined)
    (OUT / "results.json").write_text(json.dumps(all_results, indent=2, ensure_ascii=False))
    print(queries_across_shapes(all_results))
    print(f"Kết quả: {OUT / 'results.md'}")


if __name__ == "__main__":
    sys.exit(main())
