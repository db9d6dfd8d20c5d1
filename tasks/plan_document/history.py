"""The history of changes says why rows were written: inside `recorded_as(reason, user)`, every
historical record django-simple-history writes carries that change reason (and that user, where the
request does not name one)."""

from __future__ import annotations

import contextlib
import contextvars

from simple_history.signals import pre_create_historical_record

_current: contextvars.ContextVar[tuple[str, object] | None] = contextvars.ContextVar(
    "plan_document_history", default=None
)


@contextlib.contextmanager
def recorded_as(reason: str, user=None):
    token = _current.set((reason, user))
    try:
        yield
    finally:
        _current.reset(token)


def _stamp(sender, history_instance, **kwargs):
    current = _current.get()
    if current is None:
        return
    reason, user = current
    history_instance.history_change_reason = reason
    if user is not None and getattr(user, "pk", None) and history_instance.history_user_id is None:
        history_instance.history_user = user


pre_create_historical_record.connect(_stamp, dispatch_uid="tasks.plan_document.history")
