"""Two people saving or submitting one report at the same moment: one wins, the other is told,
nothing is silently overwritten. Real threads with their own database connections; on PostgreSQL
(CI runs the suite there too) the row lock of `select_for_update` is what serialises them."""

import threading

import pytest
from django.db import close_old_connections, connection

from reports.models import EventKind, ReportStatus, TaskReport
from reports.workflow.services import StaleReportError, report_submit, report_update
from tests.helpers import report_in

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*callables):
    """Run the callables at once, each in its own thread and connection; return results or errors."""
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


def test_two_simultaneous_saves_of_one_version_one_wins_one_is_refused(world):
    report = world.report("ttkhcn", 1)
    version = report.version

    def save(text, user):
        return lambda: report_update(
            report=TaskReport.objects.get(pk=report.pk),
            by=user,
            version=version,
            data={"results": text, "completion": "in_progress", "progress": 40},
            values={},
        )

    results = _race(save("Bản của cán bộ", world.ttkhcn_staff), save("Bản của giám đốc", world.ttkhcn_head))

    winners = [r for r in results if isinstance(r, TaskReport)]
    losers = [r for r in results if isinstance(r, StaleReportError)]
    assert len(winners) == 1 and len(losers) == 1, results
    stored = TaskReport.objects.get(pk=report.pk)
    assert stored.results == winners[0].results
    assert stored.version == version + 1
    assert stored.events.filter(kind=EventKind.SAVED).count() == 1


def test_many_saves_at_once_lose_nothing(world):
    """Ten editors, each from the version they read: exactly one save lands, nine are refused."""
    report = world.report("ttkhcn", 1)
    version = report.version
    editors = [world.ttkhcn_staff, world.ttkhcn_head] * 5

    results = _race(
        *[
            (
                lambda n=n, user=user: report_update(
                    report=TaskReport.objects.get(pk=report.pk),
                    by=user,
                    version=version,
                    data={"results": f"Bản số {n}"},
                    values={},
                )
            )
            for n, user in enumerate(editors)
        ]
    )

    assert sum(isinstance(r, TaskReport) for r in results) == 1
    assert sum(isinstance(r, StaleReportError) for r in results) == 9
    assert TaskReport.objects.get(pk=report.pk).version == version + 1


def test_a_double_click_on_submit_submits_once(world):
    report = report_in(world, "draft", results="Đã tổ chức 3 hội nghị.")

    results = _race(
        lambda: report_submit(report=TaskReport.objects.get(pk=report.pk), by=world.ttkhcn_head),
        lambda: report_submit(report=TaskReport.objects.get(pk=report.pk), by=world.ttkhcn_head),
    )

    assert sum(isinstance(r, TaskReport) for r in results) == 1, results
    stored = TaskReport.objects.get(pk=report.pk)
    assert stored.status == ReportStatus.SUBMITTED
    assert stored.events.filter(kind=EventKind.SUBMITTED).count() == 1
