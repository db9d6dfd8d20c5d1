from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Kế hoạch và nhiệm vụ"

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from .services import login_record

        # Django's own receiver saves the whole user, and the history of changes would record every
        # login as a change of the account; the login time is written alone instead.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(login_record, dispatch_uid="tasks.login_record")
