from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from tasks.signals import tasks_changed, units_reorganised

        from .workflow.services import follow_task_changes, reports_hand_over

        tasks_changed.connect(follow_task_changes, dispatch_uid="reports.follow_task_changes")
        units_reorganised.connect(reports_hand_over, dispatch_uid="reports.reports_hand_over")
