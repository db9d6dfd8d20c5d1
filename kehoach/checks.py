"""System checks of the project's own settings (`manage.py check --deploy`) and of its database
(`migrate`, `check --database default`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs, **kwargs):
    """Behind nginx (the README's deployment) TRUSTED_PROXY_COUNT must be set: otherwise every
    client has the proxy's address, and a stranger's failed logins lock the real user out."""
    if settings.TRUSTED_PROXY_COUNT < 1:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT là 0: sau nginx, mọi người dùng có cùng địa chỉ của nginx, nên khóa đăng "
                "nhập theo địa chỉ không phân biệt được ai. Đặt TRUSTED_PROXY_COUNT=1 (một nginx) hoặc số proxy "
                "thật sự đứng trước ứng dụng.",
                id="kehoach.W001",
            )
        ]
    return []


@register(Tags.database)
def vietnamese_collation(app_configs, databases=None, **kwargs):
    """On PostgreSQL, units are sorted with the ICU collation "vi-x-icu" (kehoach.db): a server built
    without ICU has none, and every page listing units would fail. Run by `migrate` and by `check
    --database default`."""
    from django.db import connections

    from .db import POSTGRESQL_COLLATION

    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [POSTGRESQL_COLLATION])
            if cursor.fetchone() is None:
                errors.append(
                    Error(
                        f"PostgreSQL của cơ sở dữ liệu “{alias}” không có collation {POSTGRESQL_COLLATION} "
                        "(cần PostgreSQL được biên dịch với ICU, như bản của Debian): không sắp xếp được tên "
                        "đơn vị theo thứ tự chữ cái tiếng Việt.",
                        id="kehoach.E001",
                    )
                )
    return errors
