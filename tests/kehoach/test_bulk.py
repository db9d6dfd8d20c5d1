"""Set-based writes that keep the history complete (kehoach.bulk), on units: each row its own value
across several statements, history rows copied from the rows as they are, lean inserts that fill
what a new instance would have."""

import datetime

import pytest

from kehoach.bulk import bulk_insert, bulk_set_ids, history_copy
from tasks.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def units(count: int, prefix: str = "dv") -> list[Unit]:
    return Unit.objects.bulk_create(
        Unit(code=f"{prefix}-{n}", name=f"Đơn vị {prefix} {n}", kind=UnitKind.DEPARTMENT)
        for n in range(count)
    )


def test_each_row_gets_its_own_value_across_statements():
    # Given 450 units (more than one statement's worth) and as many successors
    olds, news = units(450), units(450, "moi")

    changed = bulk_set_ids(Unit, "successor", {old.pk: news[n].pk for n, old in enumerate(olds)})

    assert changed == 450
    successors = dict(Unit.objects.filter(code__startswith="dv-").values_list("code", "successor__code"))
    assert successors == {f"dv-{n}": f"moi-{n}" for n in range(450)}
    assert not Unit.objects.filter(code__startswith="moi-", successor__isnull=False).exists()


def test_history_rows_are_copied_from_the_rows_as_they_now_are(django_user_model):
    by = django_user_model.objects.create_user(username="qtv", password="x")
    old, new = units(1)[0], units(1, "moi")[0]
    Unit.objects.filter(pk=old.pk).update(valid_to=datetime.date(2025, 6, 30), successor=new)

    written = history_copy(Unit, [old.pk], history_type="~", by=by, reason="Tổ chức lại đơn vị")

    assert written == 1
    record = Unit.history.get(id=old.pk)
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~",
        by,
        "Tổ chức lại đơn vị",
    )
    assert (record.name, record.valid_to, record.successor_id) == (
        old.name,
        datetime.date(2025, 6, 30),
        new.pk,
    )
    assert history_copy(Unit, [new.pk], history_type="~", by=None, reason="x") == 1
    assert Unit.history.get(id=new.pk).history_user is None


def test_a_lean_insert_fills_what_a_new_instance_would_have():
    rows = [
        {"code": f"xa-{n}", "name": f"Ủy ban nhân dân xã {n}", "valid_from": datetime.date(2025, 7, 1)}
        for n in range(3)
    ]

    assert bulk_insert(Unit, rows, kind=UnitKind.COMMUNE) == 3

    inserted = list(Unit.objects.filter(code__startswith="xa-").order_by("code"))
    assert [(unit.name, unit.kind) for unit in inserted] == [(row["name"], UnitKind.COMMUNE) for row in rows]
    assert {unit.valid_from for unit in inserted} == {datetime.date(2025, 7, 1)}
    assert {(unit.short_name, unit.email, unit.valid_to, unit.successor_id) for unit in inserted} == {
        ("", "", None, None)
    }
    assert bulk_insert(Unit, []) == 0
