from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class KehoachConfig(AppConfig):
    """The project itself: shared code, and the checks of its own settings."""

    name = "kehoach"
    # This module holds another AppConfig (django-axes's, below): this one is the project's.
    default = True
    verbose_name = "Hệ thống"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the checks)
        from .db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="kehoach.db.sqlite_functions")


class AxesConfig(AxesAppConfig):
    """django-axes under a Vietnamese heading in the admin (its own is "Axes")."""

    default = False
    verbose_name = "Đăng nhập và khóa tài khoản"
