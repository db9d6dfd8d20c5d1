"""Reading a plan's document into a draft, and creating the plan from a confirmed draft: what
`manage.py import_plan` and the admin's page call."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from tasks.models import LegalDocument, Plan, Unit
from tasks.services import plan_load

from .draft import MATCHED, Draft, Mention
from .history import recorded_as
from .plan_file import PlanChoices, Resolution, build_plan_file
from .reader import read_plan
from .source import document_blocks
from .units import Registry
from .words import key

# The change reason of every row an import writes, in the history of changes.
IMPORT_REASON = "Nhập từ văn bản"


def plan_document_read(data: bytes, name: str) -> Draft:
    """The draft of the plan in the .docx `data`, nothing saved. Raises
    `source.UnreadableDocument`, with the reason in words, for a file that is no plan it can read.
    A fixed number of queries whatever the size of the plan: the units (2), the documents cited (1),
    the plans already loaded (1), the codes taken (1)."""
    blocks = document_blocks(data, name)
    draft = read_plan(
        blocks, registry_for=lambda place: Registry.from_database(place=place), source_name=name
    )
    draft.sha256 = hashlib.sha256(data).hexdigest()
    _known_documents(draft)
    existing = plan_already_loaded(draft)
    draft.existing_plan = f"{existing.code}: {existing}" if existing else ""
    draft.code = _free_code(draft.code)
    return draft


def _known_documents(draft: Draft) -> None:
    """A basis document already in the database is kept as it is (plan_load): its issuer is known."""
    if not draft.basis:
        return
    numbers = {document.number for document in draft.basis}
    known = {
        (number, issued_on.isoformat()): (issuer_code, issuer_name)
        for number, issued_on, issuer_code, issuer_name in LegalDocument.objects.filter(
            number__in=numbers
        ).values_list("number", "issued_on", "issuer__code", "issuer__name")
    }
    for document in draft.basis:
        found = known.get((document.number, document.issued_on))
        if found:
            document.issuer = Mention(text=found[1], key=key(found[1]), unit=found[0], status=MATCHED)


def plan_already_loaded(draft: Draft) -> Plan | None:
    """The plan this document is, if it was loaded before (from this file, another copy of it, or a
    plan file): of the same year, the same number where both have one (numbers start again each
    year), else the same subject line."""
    plans = Plan.objects.only("code", "number", "title", "issued_year")
    if draft.issued_year:
        plans = plans.filter(issued_year=draft.issued_year)
    elif draft.number:
        plans = plans.filter(Q(number=draft.number) | Q(number=""))
    title = key(draft.title)
    for plan in plans:
        if draft.number and plan.number:
            if plan.number == draft.number:
                return plan
        elif title and key(plan.title) == title:
            return plan
    return None


def already_loaded_message(plan: Plan | str) -> str:
    shown = plan if isinstance(plan, str) else f"{plan.code}: {plan}"
    return f"Kế hoạch này đã được nạp ({shown}). Không nạp lại để khỏi có hai bản của cùng một kế hoạch."


def _free_code(code: str) -> str:
    taken = set(Plan.objects.filter(code__startswith=code).values_list("code", flat=True))
    candidate, number = code, 1
    while candidate in taken:
        number += 1
        candidate = f"{code}-{number}"[:40]
    return candidate


@transaction.atomic
def plan_document_import(
    *,
    draft: Draft,
    resolutions: dict[str, Resolution] | None = None,
    choices: PlanChoices | None = None,
    by=None,
) -> Plan:
    """Create the plan of a confirmed draft, its basis documents, new units, tasks, assignments and
    duties, in one transaction, through the plan-file loader; every row written is recorded in the
    history of changes as IMPORT_REASON. A plan already loaded from the same document is refused."""
    resolutions = resolutions or {}
    choices = choices or PlanChoices()
    issuer = choices.issuer or (draft.issuer.unit if draft.issuer else None)
    if issuer:
        # Two confirmations of one document at once: the second waits here, then finds the first.
        list(Unit.objects.select_for_update().filter(code=issuer).values_list("pk", flat=True))
    existing = plan_already_loaded(draft)
    if existing is not None:
        raise ValidationError(already_loaded_message(existing))
    if draft.issued_year is None:
        draft.issued_year = datetime.date.today().year
    registry = Registry.from_database(place=draft.place)
    data = build_plan_file(draft, registry=registry, resolutions=resolutions, choices=choices)
    code = data["plan"]["code"]
    if Plan.objects.filter(code=code).exists():
        raise ValidationError(f"Mã kế hoạch “{code}” đã dùng cho một kế hoạch khác: hãy chọn mã khác.")
    try:
        with recorded_as(IMPORT_REASON, by), transaction.atomic():
            plan_load(data=data)
    except IntegrityError:
        # Another confirmation of the same document committed first (its basis documents are unique).
        raise ValidationError(
            "Kế hoạch này đã được nạp cùng lúc từ một trang khác: xem danh sách kế hoạch. Không nạp lại."
        ) from None
    return Plan.objects.get(code=code)
