"""System checks of the project's own settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
