"""Data migrations of the reports app, run forward on rows written as the previous schema had them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture(autouse=True)
def latest_schema_after():
    """Every app back at its latest migration, for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_outputs_become_indicators_and_every_reported_quantity_is_kept():
    # Given two tasks offering counts, and reports holding quantities, written before indicators
    old = migrate(("reports", "0010_indicator_values"))
    Plan, Task, Unit = (old.get_model("tasks", name) for name in ("Plan", "Task", "Unit"))
    ReportingPeriod, TaskReport, ReportOutput = (
        old.get_model("reports", name) for name in ("ReportingPeriod", "TaskReport", "ReportOutput")
    )
    coordinating = Unit.objects.create(code="phong", name="Phòng điều phối", kind="division")
    other = Unit.objects.create(code="trung-tam", name="Trung tâm", kind="centre")
    plan = Plan.objects.create(
        code="kh-cu",
        title="Kế hoạch cũ",
        issued_year=2024,
        issued_on="2024-01-15",
        issuer=coordinating,
        signer_name="Người ký",
        report_day=15,
        coordinating_unit=coordinating,
        report_recipient=coordinating,
    )
    first = Task.objects.create(
        plan=plan,
        number="1",
        sort_key="0001",
        title="Hội thảo",
        content="…",
        output_kinds=["events", "participants"],
    )
    second = Task.objects.create(
        plan=plan, number="2", sort_key="0002", title="Đặt hàng", content="…", output_kinds=["orders"]
    )
    Task.objects.create(
        plan=plan, number="3", sort_key="0003", title="Không đếm gì", content="…", output_kinds=[]
    )
    period = ReportingPeriod.objects.create(
        plan=plan,
        key="2025",
        name="Năm 2025",
        kind="yearly",
        year=2025,
        deadline=datetime.date(2025, 11, 15),
        cutoff_from=datetime.date(2024, 11, 15),
        cutoff_to=datetime.date(2025, 11, 10),
    )

    def report(task, unit):
        return TaskReport.objects.create(
            period=period, task=task, unit=unit, unit_name=unit.name, role="lead", deadline=period.deadline
        )

    reports = {
        (1, "phong"): report(first, coordinating),
        (1, "trung-tam"): report(first, other),
        (2, "phong"): report(second, coordinating),
    }
    ReportOutput.objects.create(report=reports[1, "phong"], kind="events", quantity=3)
    ReportOutput.objects.create(report=reports[1, "phong"], kind="participants", quantity=1250)
    ReportOutput.objects.create(report=reports[1, "trung-tam"], kind="participants", quantity=0)
    ReportOutput.objects.create(report=reports[2, "phong"], kind="orders", quantity=1_000_000_000)
    before = sorted(
        (r.report_id, r.report.task.number, r.kind, r.quantity)
        for r in ReportOutput.objects.select_related("report__task")
    )

    # When the migrations run to the latest schema
    new = migrate(("reports", "0012_remove_report_output"))
    new = migrate(("tasks", "0014_remove_output_kinds"))

    # Then each task has one whole-number indicator per count it offered: named and measured as the
    # count, summed over units, to reach at least its target, accumulated, without any target yet
    Indicator, IndicatorValue = (
        new.get_model("tasks", "Indicator"),
        new.get_model("reports", "IndicatorValue"),
    )
    assert sorted(
        Indicator.objects.values_list(
            "task__number",
            "name",
            "unit_of_measure",
            "decimals",
            "direction",
            "aggregation",
            "accumulation",
            "is_share",
        )
    ) == [
        (
            "1",
            "Hội nghị, sự kiện, lớp tập huấn tổ chức",
            "sự kiện",
            0,
            "at_least",
            "sum",
            "cumulative",
            False,
        ),
        ("1", "Lượt người tham dự", "lượt người", 0, "at_least", "sum", "cumulative", False),
        ("2", "Nhiệm vụ đặt hàng", "nhiệm vụ", 0, "at_least", "sum", "cumulative", False),
    ]
    assert not new.get_model("tasks", "IndicatorTarget").objects.exists()
    # and every quantity reported is the value of its report, unchanged, for its task's indicator
    names = {
        "events": "Hội nghị, sự kiện, lớp tập huấn tổ chức",
        "participants": "Lượt người tham dự",
        "orders": "Nhiệm vụ đặt hàng",
    }
    after = sorted(
        (v.report_id, v.indicator.task.number, v.indicator.name, v.value)
        for v in IndicatorValue.objects.select_related("indicator__task")
    )
    assert after == sorted(
        (pk, number, names[kind], Decimal(quantity)) for pk, number, kind, quantity in before
    )
    assert all(
        v.indicator.task_id == v.report.task_id
        for v in IndicatorValue.objects.select_related("indicator", "report")
    )
