"""Placeholder: the follow-up pages are being written (issue 4)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


board = remind_unit = reminder_list = escalation_list = direction_add = funds = funds_export = _missing
