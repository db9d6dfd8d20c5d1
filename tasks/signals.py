"""What the plans app tells other apps when tasks change. Sent by `tasks.services.tasks_saved`, never
by a model's save(): the plans app knows nothing of reports, and reports follow through these."""

from django.dispatch import Signal

# Sent with task_ids (a set of task primary keys) and by (the acting user, or None), inside the
# transaction that changed the tasks or their assignments: a receiver that raises rolls it back. A
# receiver returns what it did as a list of sentences (or None), shown to whoever made the change.
tasks_changed = Signal()

# Sent by `tasks.reorganisation.units_reorganise`, inside its transaction and before `tasks_changed`,
# with handovers (a list of (old unit pk, successor pk, task pk): the assignments that moved), ended
# (old unit pk → its last day) and by. Receivers hand over what the old units left unfinished and
# return what they did as a list of sentences; one that raises refuses the reorganisation.
units_reorganised = Signal()
