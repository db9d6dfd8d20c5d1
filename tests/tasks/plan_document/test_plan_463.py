"""Kế hoạch 463 read from a Word document built from its text (fixtures/ke-hoach-463-KL-TU.txt) gives
the seed plan (fixtures/plans/ke-hoach-463.json): its tasks, their texts, units, roles and deadline
wording, its header, basis documents, follow-up, duties, signer and Nơi nhận."""

from __future__ import annotations

import datetime

import pytest

from tasks.models import Assignment, LegalDocument, Plan, PlanDuty, Task, Unit, default_reporting
from tasks.plan_document.services import IMPORT_REASON, plan_document_import, plan_document_read

from .documents import docx_463, registry_from, seed_463

pytestmark = pytest.mark.django_db

LAYOUTS = ["tables", "paragraphs"]
TASK_TEXTS = ("content", "lead_text", "partner_text", "deadline_kind", "deadline_text")
PLAN_TEXTS = (
    "number",
    "number_template",
    "issued_year",
    "place",
    "title",
    "purposes",
    "implementation_time",
    "funding_note",
    "organisation",
    "signer_title",
    "signer_name",
    "recipients",
    "filing_code",
    "schedule",
    "report_day",
    "report_month_offset",
)


@pytest.fixture
def seed():
    data = seed_463()
    registry_from(data)
    return data


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_document_reproduces_the_seed_plan(seed, layout):
    plan = plan_document_import(draft=plan_document_read(docx_463(layout=layout), "ke-hoach-463.docx"))

    tasks = {task.number: task for task in Task.objects.filter(plan=plan)}
    assert sorted(tasks) == [str(row["number"]) for row in seed["tasks"]]
    units = {unit.code: unit for unit in Unit.objects.all()}
    for row in seed["tasks"]:
        task = tasks[str(row["number"])]
        expected = {name: row[name] for name in TASK_TEXTS}
        if "deadline_text" in expected and not expected["deadline_text"]:
            # The plan gives the task no deadline: the seed says so; the reader proposes the plan's
            # time of section III as a guess, flagged for the person who confirms the draft.
            expected["deadline_text"] = "Thường xuyên hàng năm"
        due = (_date(row.get("due_date")), row.get("due_day"), row.get("due_month"))
        if row["number"] == 4:
            # "Hàng năm" with no day: the seed judges it by the period; the reader proposes the day
            # units report (15/11) as a guess, flagged for the person who confirms the draft.
            expected["deadline_kind"], due = "yearly", (None, 15, 11)
        assert {name: getattr(task, name) for name in TASK_TEXTS} == expected
        assert (task.due_date, task.due_day, task.due_month) == due
        assignments = list(
            Assignment.objects.filter(task=task)
            .order_by("order")
            .values_list("unit__code", "role", "reporting")
        )
        assert assignments == [
            (a["unit"], a["role"], a.get("reporting") or default_reporting(units[a["unit"]]))
            for a in row["assignments"]
        ]
    # Task 1's heading is its title; tasks 2-5 have none in the text: their short titles in the seed
    # were written by hand, the draft offers the first words of the text.
    assert tasks["1"].title == seed["tasks"][0]["title"]
    assert tasks["2"].title.startswith("Rà soát các quy định của Trung ương")

    expected = seed["plan"]
    assert {name: getattr(plan, name) for name in PLAN_TEXTS} == {name: expected[name] for name in PLAN_TEXTS}
    # The text marks "đính kèm" in italics (*…*); the document prints it in italics, without stars.
    assert plan.preamble == expected["preamble"].replace("*", "")
    assert plan.issued_on is None
    assert (plan.issuer.code, plan.coordinating_unit.code, plan.report_recipient.code) == (
        expected["issuer"],
        expected["coordinating_unit"],
        expected["report_recipient"],
    )
    assert sorted(
        plan.basis_documents.values_list("number", "issued_on", "doc_type", "issuer__code", "subject")
    ) == sorted(
        (d["number"], _date(d["issued_on"]), d["doc_type"], d["issuer"], d["subject"])
        for d in seed["documents"]
    )
    assert sorted(
        PlanDuty.objects.filter(plan=plan).values_list("kind", "unit__code", "recipient__code", "content")
    ) == sorted((d["kind"], d["unit"], d["recipient"], d["content"]) for d in seed["duties"])


def test_the_draft_names_only_the_loose_word_for_review(seed):
    draft = plan_document_read(docx_463(), "ke-hoach-463.docx")

    assert [(m.text, m.unit, m.status) for m in draft.names_to_resolve()] == [
        ("địa phương", "nhom-ubnd-cap-huyen", "doubtful")
    ]
    assert draft.shape == "prose"
    assert (draft.code, draft.place, draft.issued_year) == ("kh-463", "Đồng Nai", 2024)
    # Every deadline the plan does not state itself is said to be a guess.
    guesses = {task.number: bool(task.deadline.guess) for task in draft.tasks}
    assert guesses == {"1": True, "2": False, "3": True, "4": True, "5": True}
    assert [task.title_guessed for task in draft.tasks] == [False, True, True, True, True]


def test_every_row_written_is_recorded_as_read_from_the_document(seed, superuser):
    plan = plan_document_import(draft=plan_document_read(docx_463(), "ke-hoach-463.docx"), by=superuser)

    records = [
        *Plan.history.filter(code=plan.code),
        *Task.history.filter(plan_id=plan.pk),
        *Assignment.history.filter(task__plan=plan),
        *LegalDocument.history.all(),
        *PlanDuty.history.filter(plan_id=plan.pk),
    ]
    assert len(records) == 1 + 5 + 26 + 2 + 6
    assert {(r.history_change_reason, r.history_user_id, r.history_type) for r in records} == {
        (IMPORT_REASON, superuser.pk, "+")
    }
