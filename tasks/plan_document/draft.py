"""A plan as read from its document, before anyone confirmed it: plain data, kept between the preview
and the confirmation (signed, in the page) and turned into a plan file by `plan_file`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

MATCHED = "matched"
DOUBTFUL = "doubtful"
UNMATCHED = "unmatched"

STATUS_WORDS = {MATCHED: "khớp", DOUBTFUL: "khớp nhưng cần xem lại", UNMATCHED: "chưa khớp"}


@dataclass
class Mention:
    """A body named in the document, as written (`text`), and the unit it was matched to: `unit` is
    a unit code, or None when no unit of the registry fits. `reason` says why a match is doubtful."""

    text: str
    key: str
    unit: str | None = None
    status: str = UNMATCHED
    reason: str = ""
    note: str = ""

    @property
    def needs_help(self) -> bool:
        return self.status != MATCHED


@dataclass
class Deadline:
    """A deadline in the plan's words (`text`) and the deadline kind it is read as; `guess` says why
    the reading is only a guess (empty when the words say it plainly)."""

    text: str = ""
    kind: str = "ongoing"
    due_date: str | None = None  # ISO date, for a fixed deadline
    due_day: int | None = None
    due_month: int | None = None
    guess: str = ""


@dataclass
class DraftTask:
    number: str
    title: str
    content: str
    lead_text: str = ""
    partner_text: str = ""
    deadline: Deadline = field(default_factory=Deadline)
    product: str = ""
    group: str = ""
    title_guessed: bool = False
    leads: list[Mention] = field(default_factory=list)
    partners: list[Mention] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.number.count(".")


@dataclass
class BasisDocument:
    """A document the plan carries out, as cited in its title or preamble."""

    cited: str
    number: str
    doc_type: str
    issued_on: str | None
    subject: str
    issuer: Mention | None = None


@dataclass
class Duty:
    kind: str
    content: str
    unit: Mention | None = None
    recipient: Mention | None = None


@dataclass
class Draft:
    source_name: str = ""
    sha256: str = ""
    shape: str = "prose"  # "prose" or "table"
    authority: str = ""
    issuer_text: str = ""
    issuer: Mention | None = None
    number: str = ""
    number_template: str = ""
    place: str = ""
    date_text: str = ""
    issued_on: str | None = None
    issued_year: int | None = None
    doc_type: str = ""
    title: str = ""
    preamble: str = ""
    purposes: str = ""
    implementation_time: str = ""
    funding_note: str = ""
    organisation: str = ""
    basis: list[BasisDocument] = field(default_factory=list)
    tasks: list[DraftTask] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    signer_title: str = ""
    signer_name: str = ""
    recipients: str = ""
    filing_code: str = ""
    schedule: str = "yearly"
    report_day: int = 15
    report_month_offset: int = 0
    schedule_text: str = ""
    schedule_guess: str = ""
    coordinating: Mention | None = None
    report_recipient: Mention | None = None
    code: str = ""
    existing_plan: str = ""  # "code: title" of a plan already loaded from this document
    warnings: list[str] = field(default_factory=list)

    def mentions(self):
        """Every body the draft names, each once in the order of the document."""
        for document in self.basis:
            if document.issuer:
                yield document.issuer
        for mention in (self.issuer, self.coordinating, self.report_recipient):
            if mention:
                yield mention
        for task in self.tasks:
            yield from task.leads
            yield from task.partners
        for duty in self.duties:
            yield from (m for m in (duty.unit, duty.recipient) if m)

    def names_to_resolve(self) -> list[Mention]:
        """The names not matched, or matched with doubt, each once (by their folded words)."""
        seen, names = set(), []
        for mention in self.mentions():
            if mention.needs_help and mention.key not in seen:
                seen.add(mention.key)
                names.append(mention)
        return names

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        def mention(value):
            return Mention(**value) if value else None

        values = dict(data)
        values["issuer"] = mention(values.get("issuer"))
        values["coordinating"] = mention(values.get("coordinating"))
        values["report_recipient"] = mention(values.get("report_recipient"))
        values["basis"] = [
            BasisDocument(**{**doc, "issuer": mention(doc.get("issuer"))}) for doc in values.get("basis", [])
        ]
        values["tasks"] = [
            DraftTask(
                **{
                    **task,
                    "deadline": Deadline(**task["deadline"]),
                    "leads": [Mention(**m) for m in task["leads"]],
                    "partners": [Mention(**m) for m in task["partners"]],
                }
            )
            for task in values.get("tasks", [])
        ]
        values["duties"] = [
            Duty(
                kind=duty["kind"],
                content=duty["content"],
                unit=mention(duty.get("unit")),
                recipient=mention(duty.get("recipient")),
            )
            for duty in values.get("duties", [])
        ]
        return cls(**values)
