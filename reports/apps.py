from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from tasks.signals import tasks_changed

        from .workflow.services import follow_task_changes

        tasks_changed.connect(follow_task_changes, dispatch_uid="reports.follow_task_changes")
