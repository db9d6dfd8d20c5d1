from django.apps import AppConfig


class KehoachConfig(AppConfig):
    """The project itself: shared code, and the checks of its own settings."""

    name = "kehoach"
    verbose_name = "Hệ thống"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
