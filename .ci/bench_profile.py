"""Part of `make bench`: where the time of each missed budget goes, measured, not guessed.

Reads a JSON list of targets from the file named by its argument — pages (`path`, `username`) and
yearly exports (`fmt`) that missed a budget — and, for each one, in this process on the bench's
database:
1. one warm request (or export), then `RUNS` timed without a profiler: the median wall time, the
   time spent in SQL (an execute wrapper around every query) and the number of queries;
2. the slowest SQL statements of the last run (their time and their start);
3. one run under cProfile: the functions with the most time of their own (builtins included: a C
   call such as the database cursor's `execute` or the XML writer shows there), and the application's
   own functions (files of this repository) with the most time under them.
Prints one JSON line: the list of profiles, in the order of the targets. The import and the deadline
rush profile themselves with the same functions (`profile`, `profile_once`) when over budget.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tasks.models import User  # noqa: E402

RUNS = 3
TOP = 8
SLOWEST_SQL = 3
BACKEND = "django.contrib.auth.backends.ModelBackend"


class SqlClock:
    """Every query's time and statement, through the connection's execute wrapper."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql))

    @property
    def seconds(self) -> float:
        return sum(seconds for seconds, _ in self.queries)


def timed(action) -> tuple[float, SqlClock]:
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        started = time.perf_counter()
        action()
        return time.perf_counter() - started, clock


def where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":  # a builtin: its name says what it is, without its address
        return re.sub(r" at 0x[0-9a-f]+", "", name)
    parts = Path(filename).parts
    if "site-packages" in parts:  # a library: from its package's folder on (django/db/...)
        shown = "/".join(parts[parts.index("site-packages") + 1 :])
    elif is_ours(filename):
        shown = str(Path(filename).relative_to(ROOT))
    else:  # the standard library
        shown = Path(filename).name
    return f"{shown}:{line} {name}"


# The middleware wraps every request: the time under it is the whole request, which says nothing.
WRAPPERS = {ROOT / "kehoach" / "middleware.py"}


def is_ours(filename: str) -> bool:
    path = Path(filename)
    return path.is_absolute() and ROOT in path.parents and not {".venv", ".ci"} & set(path.parts)


def sql_summary(wall: float, clock: SqlClock) -> dict:
    return {
        "sql_ms": round(clock.seconds * 1000, 1),
        "queries": len(clock.queries),
        "share_sql": round(clock.seconds / wall, 2) if wall else 0.0,
        "slowest_sql": [
            {"ms": round(seconds * 1000, 1), "sql": " ".join(sql.split())[:160]}
            for seconds, sql in sorted(clock.queries, reverse=True)[:SLOWEST_SQL]
        ],
    }


def profile_summary(profiler: cProfile.Profile) -> dict:
    stats = pstats.Stats(profiler).stats  # {func: (primitive calls, calls, own s, cumulative s, callers)}
    by_own = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:TOP]
    ours = sorted(
        ((func, row) for func, row in stats.items() if is_ours(func[0]) and Path(func[0]) not in WRAPPERS),
        key=lambda item: item[1][3],
        reverse=True,
    )[:TOP]
    return {
        "profiled_ms": round(sum(row[2] for row in stats.values()) * 1000, 1),
        "own": [
            {"function": where(func), "calls": row[1], "own_ms": round(row[2] * 1000, 1)}
            for func, row in by_own
        ],
        "ours": [
            {"function": where(func), "calls": row[1], "cumulative_ms": round(row[3] * 1000, 1)}
            for func, row in ours
        ],
    }


def profile(action) -> dict:
    """`action` once to warm, `RUNS` times timed, once profiled (it must bear being repeated)."""
    action()  # warm: templates compiled, caches filled as a server's would be
    runs = [timed(action) for _ in range(RUNS)]
    wall, clock = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    profiler = cProfile.Profile()
    profiler.runcall(action)
    return {
        "ms": round(statistics.median(run[0] for run in runs) * 1000, 1),
        **sql_summary(wall, clock),
        **profile_summary(profiler),
    }


def profile_once(action) -> dict:
    """`action` once, timed and profiled at the same time: for what cannot be repeated on the same
    rows (an import). Its time is the profiled one, longer than without the profiler."""
    profiler = cProfile.Profile()
    wall, clock = timed(lambda: profiler.runcall(action))
    return {"ms": round(wall * 1000, 1), **sql_summary(wall, clock), **profile_summary(profiler)}


def page_action(target: dict):
    client = Client()
    if target["username"]:  # none: a visitor not logged in
        client.force_login(User.objects.get(username=target["username"]), backend=BACKEND)

    def action():
        response = client.get(target["path"])
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200, f"{target['path']} answers {response.status_code}"

    return action


def export_action(target: dict):
    from django.db.models import Count, Max

    from reports.consolidated import selectors
    from reports.consolidated.generator import export_bytes
    from reports.models import ReportingPeriod, TaskReport

    # The same export as the bench's (BENCH_EXPORT in bench.py): the largest plan of the last year.
    year = ReportingPeriod.objects.aggregate(year=Max("year"))["year"]
    largest = (
        TaskReport.objects.filter(period__year=year)
        .values("period__plan")
        .annotate(n=Count("id"))
        .order_by("-n", "period__plan")
        .first()
    )

    def action():
        scope = selectors.scope(selectors.plan(largest["period__plan"]), str(year))
        export_bytes(scope, target["fmt"])

    return action


def main():
    targets = json.loads(Path(sys.argv[1]).read_text())
    profiles = []
    for target in targets:
        action = export_action(target) if target.get("fmt") else page_action(target)
        profiles.append({**target, **profile(action)})
    print(json.dumps(profiles, ensure_ascii=False))


if __name__ == "__main__":
    main()
