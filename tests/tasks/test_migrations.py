"""Data migrations of the plans app, run forward on rows written as the previous schema had them."""

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
def test_party_front_and_enterprise_assignments_become_named_only():
    # Given assignments written before 0007, all reporting
    old = migrate(("tasks", "0006_date_ranges"))
    Plan, Task, Unit, Assignment = (
        old.get_model("tasks", name) for name in ("Plan", "Task", "Unit", "Assignment")
    )
    coordinating = Unit.objects.create(code="phong", name="Phòng điều phối", kind="division")
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
    task = Task.objects.create(plan=plan, number="1", sort_key="0001", title="Nhiệm vụ", content="…")
    kinds = ["department", "division", "party", "front", "enterprise", "association"]
    for kind in kinds:
        unit = Unit.objects.create(code=f"u-{kind}", name=f"Đơn vị {kind}", kind=kind)
        Assignment.objects.create(task=task, unit=unit, role="partner", reporting="reports")

    # When the migration runs
    new = migrate(("tasks", "0007_named_by_default"))

    # Then the party body, the Front and the enterprise are named only; the others still report
    Assignment = new.get_model("tasks", "Assignment")
    assert dict(Assignment.objects.values_list("unit__kind", "reporting")) == {
        "department": "reports",
        "division": "reports",
        "party": "named",
        "front": "named",
        "enterprise": "named",
        "association": "reports",
    }
