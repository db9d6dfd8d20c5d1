"""Part of `make bench`: an admin import of 10,000 new assignment rows, through the admin's own
views (upload and preview, then confirm), timed. Over its budget (BENCH_IMPORT_BUDGET seconds), an
import of a tenth as many other rows is profiled (.ci/bench_profile.py): what the time is spent on.
Prints one JSON line."""

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from tasks.models import Assignment, Task, Unit, User  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
BUDGET = float(os.environ.get("BENCH_IMPORT_BUDGET", "30"))


def sheet(rows: int = ROWS) -> bytes:
    tasks = list(Task.objects.filter(plan__code__startswith="kh-demo").select_related("plan").order_by("pk"))
    units = list(
        Unit.objects.reporting().filter(code__startswith="demo-", valid_to__isnull=True).order_by("pk")
    )
    taken = set(Assignment.objects.values_list("task_id", "unit_id"))
    book = openpyxl.Workbook(write_only=True)
    worksheet = book.create_sheet()
    worksheet.append(["Kế hoạch", "Nhiệm vụ số", "Đơn vị", "Vai trò", "Ghi chú"])
    written = 0
    for unit in units:
        for task in tasks:
            if (task.pk, unit.pk) not in taken and written < rows:
                worksheet.append([task.plan.code, task.number, unit.name, "Phối hợp", "Nhập thử tải"])
                written += 1
    if written < rows:
        raise SystemExit(f"only {written} free task-unit pairs: seed a larger data set")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_sheet(client: Client, content: bytes, rows: int) -> tuple[float, float]:
    """Upload and preview, then confirm: the seconds of each."""
    before = Assignment.objects.count()
    started = time.perf_counter()
    preview = client.post(
        reverse("admin:tasks_assignment_import"),
        {"format": "0", "import_file": SimpleUploadedFile("phan-cong.xlsx", content)},
    )
    previewed = time.perf_counter()
    confirm = preview.context["confirm_form"]
    done = client.post(reverse("admin:tasks_assignment_process_import"), confirm.initial)
    finished = time.perf_counter()
    added = Assignment.objects.count() - before
    if done.status_code != 302 or added != rows:
        raise SystemExit(f"import failed: status {done.status_code}, {added} rows added")
    return previewed - started, finished - previewed


def main():
    setup_test_environment()  # lets the client read the preview's context
    content = sheet()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin", "", None
    )
    client = Client()
    client.force_login(admin)

    preview, confirm = import_sheet(client, content, ROWS)

    result = {
        "rows": ROWS,
        "preview_seconds": round(preview, 1),
        "confirm_seconds": round(confirm, 1),
        "total_seconds": round(preview + confirm, 1),
    }
    if preview + confirm > BUDGET:
        from bench_profile import profile_once

        rows = max(1, ROWS // 10)
        other = sheet(rows)
        result["profile"] = {"rows": rows, **profile_once(lambda: import_sheet(client, other, rows))}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
