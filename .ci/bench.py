"""`make bench`: the province-scale benchmark, on SQLite and on PostgreSQL.

For each database: load the demo data set (seed_demo), serve the app with gunicorn on loopback,
measure with wrk the board, home and report pages and a bare view answering "ok" on the same
server (the ratio to the bare view is the figure that counts), then time the yearly DOCX and XLSX
exports (with their peak memory) and an admin import of 10,000 assignment rows. Results are
printed as a table and written to var/bench/results.md and results.json.

Run by .ci/bench, which installs wrk and starts a throwaway PostgreSQL cluster. Budgets are
reported, never asserted: a missed budget is a finding to profile.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
OUT = ROOT / "var" / "bench"
WORKERS = os.cpu_count() or 2

BUDGETS = {
    "board_p50_ms": 100,  # board p50 ≤ 100 ms
    "board_vs_bare": 0.5,  # and at least half the bare view's throughput
    "export_s": 2.0,  # yearly export ≤ 2 s
    "export_mb": 300,  # and ≤ 300 MB peak
    "import_s": 30.0,  # import of 10,000 rows ≤ 30 s
}


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs)


def manage(env, *args):
    return run([PYTHON, "manage.py", *args], env).stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    script = Path(__file__).with_name("wrk-percentiles.lua")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, check=True, text=True, capture_output=True).stdout
    percentile = {p: int(re.search(rf"PCT{p} (\d+)", out).group(1)) / 1000 for p in (50, 95, 99)}  # µs → ms
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": percentile[50],
        "p95_ms": percentile[95],
        "p99_ms": percentile[99],
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, failed.groups())) if failed else 0,
    }


def measure_pages(env, seconds: int, connections: int) -> dict:
    """Serve with gunicorn and measure each page against the bare view."""
    targets = json.loads(manage(env, "shell", "-v0", "-c", BENCH_TARGETS).strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "kehoach.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port)
        base = f"http://127.0.0.1:{port}"
        results = {"bare": wrk(f"{base}/ok/", None, seconds, connections)}
        for name, (path, cookie) in targets.items():
            results[name] = wrk(base + path, cookie, seconds, connections)
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


# Run inside `manage.py shell`: sessions for the pages' users, and the paths to measure.
BENCH_TARGETS = r"""
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from reports.models import TaskReport
from tasks.models import Role, User

def cookie(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.save()
    return f"{settings.SESSION_COOKIE_NAME}={s.session_key}"

coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()
staff = User.objects.filter(role=Role.STAFF, is_active=True, unit__reports__isnull=False).order_by("pk").first()
report = TaskReport.objects.filter(unit=staff.unit).order_by("-period__year", "pk").first()
print(json.dumps({
    "board": ["/theo-doi/", cookie(coordinator)],
    "home": ["/", cookie(staff)],
    "report": [f"/bao-cao/{report.pk}/", cookie(staff)],
}))
"""

# Run inside `manage.py shell`, once per format in a fresh process: the yearly export of the largest
# period of the last year, timed, and the process's peak resident memory (which includes Django and
# the data set's objects, so it is the figure a server sees). Timed without tracemalloc, which
# slows every allocation several times.
BENCH_EXPORT = r"""
import json, resource, time
from django.db.models import Count
from reports.consolidated.generator import export_bytes
from reports.models import ReportingPeriod

period = ReportingPeriod.objects.annotate(n=Count("reports")).order_by("-year", "-n").first()
started = time.perf_counter()
content, _ = export_bytes(period, "{fmt}")
print(json.dumps({{"reports_in_period": period.n, "seconds": round(time.perf_counter() - started, 3),
                  "bytes": len(content),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}}))
"""


def measure_exports(env) -> dict:
    out = {}
    for fmt in ("docx", "xlsx"):
        result = json.loads(
            manage(env, "shell", "-v0", "-c", BENCH_EXPORT.format(fmt=fmt)).strip().splitlines()[-1]
        )
        out["reports_in_period"] = result.pop("reports_in_period")
        out[fmt] = result
    out["process_peak_rss_mb"] = max(out["docx"]["peak_rss_mb"], out["xlsx"]["peak_rss_mb"])
    return out


def measure_import(env) -> dict:
    out = run([PYTHON, str(Path(__file__).with_name("bench_import.py"))], env).stdout
    return json.loads(out.strip().splitlines()[-1])


def seed(env, args) -> dict:
    manage(env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    output = manage(
        env,
        "seed_demo",
        "--units",
        str(args.units),
        "--plans",
        str(args.plans),
        "--tasks-per-plan",
        str(args.tasks),
        "--years",
        str(args.years),
        "--seed",
        "463",
    )
    return {"seconds": round(time.perf_counter() - started, 1), "output": output.strip().splitlines()[-3:]}


def verdicts(result: dict) -> list[tuple[str, str, str, bool]]:
    pages, exports, imported = result["pages"], result["exports"], result["import"]
    ratio = pages["board"]["rps"] / pages["bare"]["rps"]
    export_s = max(exports["docx"]["seconds"], exports["xlsx"]["seconds"])
    return [
        (
            "board p50",
            f"{pages['board']['p50_ms']:.1f} ms",
            f"≤ {BUDGETS['board_p50_ms']} ms",
            pages["board"]["p50_ms"] <= BUDGETS["board_p50_ms"],
        ),
        (
            "board / bare throughput",
            f"{ratio:.2f}",
            f"≥ {BUDGETS['board_vs_bare']}",
            ratio >= BUDGETS["board_vs_bare"],
        ),
        (
            "yearly export (slowest)",
            f"{export_s:.2f} s",
            f"≤ {BUDGETS['export_s']} s",
            export_s <= BUDGETS["export_s"],
        ),
        (
            "export peak RSS",
            f"{exports['process_peak_rss_mb']:.0f} MB",
            f"≤ {BUDGETS['export_mb']} MB",
            exports["process_peak_rss_mb"] <= BUDGETS["export_mb"],
        ),
        (
            f"import {imported['rows']:,} rows",
            f"{imported['total_seconds']:.1f} s",
            f"≤ {BUDGETS['import_s']} s",
            imported["total_seconds"] <= BUDGETS["import_s"],
        ),
    ]


def table(results: dict) -> str:
    lines = [
        "| database | page | req/s | p50 ms | p95 ms | p99 ms | vs bare | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for db, result in results.items():
        bare = result["pages"]["bare"]["rps"]
        for name, page in result["pages"].items():
            lines.append(
                f"| {db} | {name} | {page['rps']:.0f} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
                f"{page['p99_ms']:.1f} | {page['rps'] / bare:.2f} | {page['non_2xx'] + page['socket_errors']} |"
            )
    lines += ["", "| database | measure | result | budget | met |", "|---|---|---|---|---|"]
    for db, result in results.items():
        for name, value, budget, met in verdicts(result):
            lines.append(f"| {db} | {name} | {value} | {budget} | {'yes' if met else 'NO'} |")
    lines += [
        "",
        "| database | seed | exports (docx / xlsx) | import preview / confirm |",
        "|---|---|---|---|",
    ]
    for db, result in results.items():
        e, i = result["exports"], result["import"]
        lines.append(
            f"| {db} | {result['seed']['seconds']} s | {e['docx']['seconds']} s / {e['xlsx']['seconds']} s "
            f"({e['reports_in_period']} reports) | {i['preview_seconds']} s / {i['confirm_seconds']} s |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", required=True, help="name=DATABASE_URL pairs")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=25)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    # As many connections as gunicorn has workers: every worker busy (throughput at saturation)
    # and no request queued behind another (latency is the page's own).
    parser.add_argument("--connections", type=int, default=WORKERS)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    for pair in args.databases:
        name, url = pair.split("=", 1)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "kehoach.settings.production",
            "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "BENCH_IMPORT_ROWS": str(args.import_rows),
        }
        print(f"[{name}] nạp dữ liệu mẫu…", flush=True)
        result = {"seed": seed(env, args)}
        manage(env, "collectstatic", "--noinput", "-v0")
        print(f"[{name}] đo các trang…", flush=True)
        result["pages"] = measure_pages(env, args.seconds, args.connections)
        print(f"[{name}] đo xuất báo cáo…", flush=True)
        result["exports"] = measure_exports(env)
        print(f"[{name}] đo nhập {args.import_rows:,} dòng…".replace(",", "."), flush=True)
        result["import"] = measure_import(env)
        results[name] = result

    report = (
        f"Data set: {args.units} units, {args.plans} plans of {args.tasks} tasks, {args.years} years (seed 463). "
        f"gunicorn {WORKERS} workers; wrk {args.connections} connections, {args.seconds} s a page.\n\n"
        + table(results)
    )
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (OUT / "results.md").write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    sys.exit(main())
