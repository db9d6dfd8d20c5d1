"""A plan whose tasks are a table in its appendix (STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp,
Thời gian hoàn thành, Sản phẩm; group rows "I. …"; sub-tasks "1.1"), built here with python-docx:
every task is read, nearly every unit name matched without help, every deadline kept word for
word; reading a plan ten times larger costs no more queries, and work in proportion."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import Assignment, Task, Unit
from tasks.plan_document import units as units_module
from tasks.plan_document.draft import MATCHED
from tasks.plan_document.plan_file import Resolution
from tasks.plan_document.services import plan_document_import, plan_document_read

from .documents import UNKNOWN, docx_table_plan, registry_from, seed_463, table_plan_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    return registry_from(seed_463())


@pytest.fixture
def rows():
    return table_plan_rows(80, unknown_every=20)


def test_every_task_of_the_table_is_read_with_its_words(registry, rows):
    draft = plan_document_read(docx_table_plan(rows), "ke-hoach-125.docx")

    assert draft.shape == "table"
    assert [task.number for task in draft.tasks] == [row["number"] for row in rows]
    by_number = {task.number: task for task in draft.tasks}
    for row in rows:
        task = by_number[row["number"]]
        assert task.content == f"{row['text']}\nSản phẩm: {row['product']}"
        assert (task.lead_text, task.partner_text) == (row["lead_text"], row["partner_text"])
        assert task.deadline.text == row["deadline"]
        assert task.deadline.kind == row["kind"]
        assert (
            task.group
            == f"{['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'][row['group']]}. NHÓM NHIỆM VỤ THỨ {row['group'] + 1}"
        )
    # "Hằng năm" without a day takes the plan's yearly report deadline (05/12), and says it guessed.
    yearly = [task for task in draft.tasks if task.deadline.text == "Hằng năm"]
    assert yearly and all(
        (t.deadline.due_day, t.deadline.due_month) == (5, 12) and t.deadline.guess for t in yearly
    )
    assert (draft.number, draft.issued_on, draft.issuer.unit) == ("125/KH-SKHCN", "2025-03-12", "so-khcn")
    assert (draft.coordinating.unit, draft.report_recipient.unit) == ("qlkh", "ubnd-tinh")
    assert (draft.signer_title, draft.signer_name) == ("GIÁM ĐỐC", "Nguyễn Văn Giám")
    assert draft.recipients == "- UBND tỉnh (b/c);\n- Lưu: VT, QLKH."


def test_at_least_95_percent_of_unit_names_are_matched_without_help(registry, rows):
    draft = plan_document_read(docx_table_plan(rows), "ke-hoach-125.docx")

    mentions = [(task, m) for task in draft.tasks for m in (*task.leads, *task.partners)]
    matched = [m for _, m in mentions if m.status == MATCHED]
    assert len(mentions) > 200
    assert len(matched) / len(mentions) >= 0.95
    # And matched to the right unit: the lead, then the partners, as the table names them.
    by_number = {row["number"]: row for row in rows}
    for task in draft.tasks:
        row = by_number[task.number]
        assert [m.unit for m in task.leads] == [row["lead"]]
        assert [m.unit for m in task.partners if m.status == MATCHED] == row["partners"]
        assert [m.text for m in task.partners if m.status != MATCHED] == (
            [row["unknown"]] if row["unknown"] else []
        )
    assert {m.text for m in draft.names_to_resolve()} == {*UNKNOWN, "Bộ Chính trị"}


def test_the_table_plan_is_created_with_its_tree(registry, rows):
    draft = plan_document_read(docx_table_plan(rows), "ke-hoach-125.docx")
    resolutions = {
        m.key: Resolution(new_name=m.text, new_kind="department" if m.text != "Bộ Chính trị" else "party")
        for m in draft.names_to_resolve()
    }

    plan = plan_document_import(draft=draft, resolutions=resolutions)

    tasks = {task.number: task for task in Task.objects.filter(plan=plan).select_related("parent")}
    assert len(tasks) == 80
    assert (
        tasks["3.1"].parent == tasks["3"] and tasks["3.2"].parent == tasks["3"] and tasks["4"].parent is None
    )
    assert Unit.objects.filter(name__in=UNKNOWN).count() == 3
    assert Assignment.objects.filter(task__plan=plan, unit__name="Sở Tài chính", role="partner").exists()
    assert plan.basis_documents.get().issuer.name == "Bộ Chính trị"
    assert {task.deadline_text for task in tasks.values()} == {row["deadline"] for row in rows}


def test_groups_numbering_their_tasks_from_one_become_parent_tasks(registry):
    rows = table_plan_rows(20)  # numbers 1 to 10 in group I, 11 and 12 in group II
    for row in rows:
        if row["group"] == 1:
            head, _, rest = row["number"].partition(".")
            row["number"] = ".".join(filter(None, [str(int(head) - 10), rest]))

    draft = plan_document_read(docx_table_plan(rows), "ke-hoach-125.docx")

    numbers = [task.number for task in draft.tasks]
    assert numbers[:3] == ["1", "1.1", "1.2"] and "2" in numbers and "2.1" in numbers
    assert draft.tasks[0].title == "NHÓM NHIỆM VỤ THỨ 1"
    assert any("đánh số lại từ 1" in warning for warning in draft.warnings)


def test_reading_a_plan_costs_the_same_queries_whatever_its_size_and_work_in_proportion(
    registry, monkeypatch
):
    small, large = docx_table_plan(table_plan_rows(20)), docx_table_plan(table_plan_rows(200))
    steps = {"count": 0}
    walk = units_module.Registry._walk

    def counted(self, words, start):
        steps["count"] += 1
        return walk(self, words, start)

    monkeypatch.setattr(units_module.Registry, "_walk", counted)

    with CaptureQueriesContext(connection) as for_small:
        draft_small = plan_document_read(small, "nho.docx")
    small_steps, steps["count"] = steps["count"], 0
    with CaptureQueriesContext(connection) as for_large:
        draft_large = plan_document_read(large, "lon.docx")

    assert (len(draft_small.tasks), len(draft_large.tasks)) == (20, 200)
    assert len(for_large) == len(for_small) <= 6
    # Ten times the tasks, about ten times the matching: no step grows with the square of the plan.
    assert steps["count"] <= 11 * small_steps
