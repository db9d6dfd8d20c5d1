"""Part of `make bench`: a reorganisation of 300 units in one step (tasks.reorganisation), through
the service the admin and `manage.py reorganise` call: a preview, then the change, each timed. Each
of 300 demo units gives way to a new unit on the earliest deadline of an open period, so no open
period is reached by an ended unit and every unsent report is handed over.
Over its budget (BENCH_REORGANISE_BUDGET seconds, the preview or the change), a reorganisation of a
tenth as many other units is profiled (.ci/bench_profile.py): what the time is spent on. A data set
with fewer than 330 such units reorganises all but those thirty, kept for the profile.
Prints one JSON line. Runs last: it changes the data set."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.db.models import Min, Q  # noqa: E402

from reports.models import ReportingPeriod  # noqa: E402
from tasks.models import Unit, UnitKind, User  # noqa: E402
from tasks.reorganisation import Mapping, units_reorganise  # noqa: E402

UNITS = int(os.environ.get("BENCH_REORGANISE_UNITS", "300"))
BUDGET = float(os.environ.get("BENCH_REORGANISE_BUDGET", "30"))


def candidates() -> int:
    """How many demo units (no group) exist before the earliest deadline of an open period."""
    return _candidates(_first_deadline()).count()


def _first_deadline():
    on = ReportingPeriod.objects.filter(is_open=True).aggregate(first=Min("deadline"))["first"]
    if on is None:
        raise SystemExit("no open period: seed a data set with an open year")
    return on


def _candidates(on):
    return (
        Unit.objects.filter(code__startswith="demo-", valid_to__isnull=True)
        .exclude(kind=UnitKind.GROUP)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lt=on))
    )


def mappings(units: int = UNITS) -> list[Mapping]:
    """Each of up to `units` demo units (no group) gives way to a new unit of its kind, on the
    earliest deadline of an open period."""
    on = _first_deadline()
    old = list(_candidates(on).order_by("pk")[:units])
    # The new unit's code from the old one's key: "moi-" and a demo code may outgrow the code's 40
    # characters (PostgreSQL refuses what SQLite stores).
    Unit.objects.bulk_create(
        Unit(code=f"moi-{unit.pk}", name=f"{unit.name} (mới)", kind=unit.kind, valid_from=on) for unit in old
    )
    return [Mapping(unit.code, f"moi-{unit.pk}", on) for unit in old]


def reorganise(lines: list[Mapping], by) -> tuple[float, float, int]:
    """The preview, then the change: the seconds of each, and the preview's changes."""
    try:
        started = time.perf_counter()
        preview = units_reorganise(mappings=lines, by=by, confirm=False)
        previewed = time.perf_counter()
        done = units_reorganise(mappings=lines, by=by, confirm=True)
        finished = time.perf_counter()
    except ValidationError as exc:
        raise SystemExit("reorganisation refused: " + " ".join(exc.messages)[:2000]) from exc
    ended = Unit.objects.filter(code__in=[line.old for line in lines], valid_to__isnull=False).count()
    if not done.applied or ended != len(lines):
        raise SystemExit(f"reorganisation incomplete: {ended} of {len(lines)} units ended")
    return previewed - started, finished - previewed, len(preview.lines)


def main():
    # A tenth of the units is kept for the profile (run when over budget) where there are too few
    # for both: a data set of fewer units (`monthly-120`) reorganises fewer.
    kept = max(1, UNITS // 10)
    lines = mappings(max(1, min(UNITS, candidates() - kept)))
    by = User.objects.filter(is_superuser=True).first()
    preview, confirm, changes = reorganise(lines, by)
    result = {
        "units": len(lines),
        "changes": changes,
        "preview_seconds": round(preview, 1),
        "confirm_seconds": round(confirm, 1),
    }
    if max(preview, confirm) > BUDGET:
        from bench_profile import profile_once

        others = mappings(kept)
        result["profile"] = {"units": len(others), **profile_once(lambda: reorganise(others, by))}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
