from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Backup and restore of the database and the uploaded files (`manage.py backup`, `restore`)."""

    name = "kehoach.backup"
    label = "backup"
    verbose_name = "Sao lưu"
