"""Two administrators confirming the same document at the same moment, each with a plan code of
their own: one plan is made, the other confirmation is refused. Real threads with their own
connections; on PostgreSQL the lock taken on the issuing unit's row is what serialises them (on
SQLite, the write lock every transaction takes at its start: "transaction_mode": "IMMEDIATE")."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from tasks.models import Plan
from tasks.plan_document.plan_file import PlanChoices, Resolution
from tasks.plan_document.services import plan_document_import, plan_document_read

from .documents import docx_463, docx_table_plan, registry_from, seed_463, table_plan_rows

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*callables):
    barrier = threading.Barrier(len(callables))
    results = [None] * len(callables)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - the error is the result under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    close_old_connections()
    return results


def _plan_463():
    return plan_document_read(docx_463(), "ke-hoach-463.docx"), {}


def _plan_without_basis_documents():
    """A plan whose rows collide on no unique key (its only basis document, of an issuer the
    registry does not know, is left out): only the lock keeps it from being made twice."""
    draft = plan_document_read(docx_table_plan(table_plan_rows(5)), "ke-hoach-125.docx")
    return draft, {mention.key: Resolution(skip=True) for mention in draft.names_to_resolve()}


@pytest.mark.parametrize("document", [_plan_463, _plan_without_basis_documents], ids=["463", "no-basis"])
def test_two_confirmations_of_one_document_at_once_make_one_plan(document):
    registry_from(seed_463())
    draft, resolutions = document()

    results = _race(
        lambda: plan_document_import(draft=draft, resolutions=resolutions, choices=PlanChoices(code="kh-a")),
        lambda: plan_document_import(draft=draft, resolutions=resolutions, choices=PlanChoices(code="kh-b")),
    )

    assert Plan.objects.count() == 1, results
    assert sum(isinstance(result, Plan) for result in results) == 1, results
    refused = next(result for result in results if not isinstance(result, Plan))
    assert isinstance(refused, ValidationError) and "đã được nạp" in refused.messages[0]
