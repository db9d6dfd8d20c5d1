"""What a change in the history of changes (django-simple-history) changed, in words a person reads:
each field by its Vietnamese name, choices by their label, related rows by their name, lists as
lists, dates as dd/mm/yyyy. Safe for every field type: a value that is a list or a dict is shown,
never used as a key."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    field: str  # the field's verbose name
    old: str
    new: str


def _plain(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    return str(value)


def _label(field, value, names: dict) -> str:
    """`value` of `field` as a person reads it; `names` maps (related model, pk) to a name."""
    if field.is_relation and value is not None:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices and isinstance(value, Hashable):
        labels = dict(field.flatchoices)
        if value in labels:
            return str(labels[value])
    if isinstance(value, (list, tuple)) and field.choices:
        labels = dict(field.flatchoices)
        return ", ".join(
            str(labels.get(item, item)) if isinstance(item, Hashable) else _plain(item) for item in value
        )
    return _plain(value)


def attach_changes(records: Iterable) -> list:
    """Attach `.changes` (a list of Change) to each history record, computed from its predecessor
    among `records` (the same object's previous record), with the names of related rows read in one
    query per related model: showing a history costs no query per record."""
    records = list(records)
    previous: dict = {}
    pending = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        model = record.instance_type
        key = (model, record.id)
        record.changes = []
        if key in previous:
            delta = record.diff_against(previous[key])
            pending.append((record, model, delta.changes))
        previous[key] = record
    wanted: dict = defaultdict(set)
    for _, model, changes in pending:
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.is_relation:
                wanted[field.related_model].update(v for v in (change.old, change.new) if v is not None)
    names = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[related, obj.pk] = str(obj)
    for record, model, changes in pending:
        for change in changes:
            field = model._meta.get_field(change.field)
            record.changes.append(
                Change(
                    str(field.verbose_name),
                    _label(field, change.old, names),
                    _label(field, change.new, names),
                )
            )
    return records
