from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def board_cache_install(sender, using="default", **kwargs):
    """After every `migrate` (and `flush`): the cache's table when the cache is the database's, and
    the triggers behind the board's change stamps (kehoach.stamps) and behind the reports'
    stored words of the search box (reports.search.index)."""
    from kehoach import stamps

    from .search import index

    call_command("createcachetable", database=using, verbosity=0)
    stamps.install(using)
    index.install(using)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from tasks.signals import tasks_changed, units_reorganised

        from .workflow.services import follow_task_changes, reports_hand_over

        tasks_changed.connect(follow_task_changes, dispatch_uid="reports.follow_task_changes")
        units_reorganised.connect(reports_hand_over, dispatch_uid="reports.reports_hand_over")
        post_migrate.connect(board_cache_install, sender=self, dispatch_uid="reports.board_cache_install")
