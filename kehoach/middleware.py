"""Request-wide guards: who is really asking (behind the proxies we trust), bad input refused before
any view sees it, every refused access written to the log with who asked, and the browser features
no page uses refused (Permissions-Policy)."""

from __future__ import annotations

import ipaddress
import itertools
import logging

from django.conf import settings
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.text import smart_split

from .context_processors import site_context
from .logfilters import REFUSED  # Django's own line for these is left out: one refusal, one line

logger = logging.getLogger("kehoach.access")

# The words an admin search may have: each is one more condition of the query, and SQLite refuses a
# query of more than 1,000 (a title pasted whole is a few dozen words).
ADMIN_SEARCH_MAX_WORDS = 100


def client_ip(request) -> str:
    """The address of whoever sent the request.

    Behind TRUSTED_PROXY_COUNT proxies (nginx: 1), each proxy appends the address it received the
    request from to X-Forwarded-For, so the client is the entry that many places from the end.
    Entries to its left were written by the client itself and are never believed. Without trusted
    proxies, or with fewer entries than proxies (the header is not ours), the socket's address.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def axes_client_ip(request) -> str:
    """django-axes's AXES_CLIENT_IP_CALLABLE: lockouts keyed on the real client, not the proxy."""
    return client_ip(request)


def axes_username(request, credentials) -> str | None:
    """django-axes's AXES_USERNAME_CALLABLE: the username tried, cut to what its tables hold (255)."""
    username = credentials.get("username") if credentials else request.POST.get("username")
    return username[:255] if isinstance(username, str) else username


class BadInputMiddleware:
    """Refuse with 400, before any view, a request that carries a NUL character in its path, its
    query or its form: no database stores it, and PostgreSQL raises an error on it. In the admin, also
    an empty `_to_field` (Django's pages never send one, and Django 5.2 takes it for a field's name)
    and a search of more than ADMIN_SEARCH_MAX_WORDS words."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            body = render_to_string(
                "400.html", {"reason": "Yêu cầu có ký tự không hợp lệ (NUL)."}, request=None
            )
            return HttpResponseBadRequest(body)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for query in queries:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values if isinstance(value, str)):
                    return True
        return False

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "admin" not in request.resolver_match.namespaces:
            return None
        if request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == "":
            return self._bad_request("Yêu cầu có tham số _to_field rỗng.")
        words = itertools.islice(smart_split(request.GET.get(SEARCH_VAR, "")), ADMIN_SEARCH_MAX_WORDS + 1)
        if sum(1 for _ in words) > ADMIN_SEARCH_MAX_WORDS:
            return self._bad_request(f"Chuỗi tìm kiếm quá dài: tối đa {ADMIN_SEARCH_MAX_WORDS} từ.")
        return None

    @staticmethod
    def _bad_request(reason: str) -> HttpResponseBadRequest:
        return HttpResponseBadRequest(render_to_string("400.html", {**site_context(), "reason": reason}))

    def process_exception(self, request, exception):
        # A number typed beyond what the database or the calendar holds (year 99999999999999999999)
        # is the request's fault, not the server's.
        if isinstance(exception, OverflowError):
            return self._bad_request("Giá trị số quá lớn.")
        return None


class RefusedAccessLogMiddleware:
    """Every refused access written to the log, with who asked: the trail an administrator follows
    after someone tried another unit's reports or a page their role does not open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            user = getattr(request, "user", None)
            logger.warning(
                "refused status=%s method=%s path=%s user=%s ip=%s",
                response.status_code,
                request.method,
                request.get_full_path()[:500],
                user.get_username() if user is not None and user.is_authenticated else "-",
                client_ip(request) or "-",
            )
        return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The Permissions-Policy header for {feature: allowed origins}: "camera=(), fullscreen=(self)"."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in features.items())


class PermissionsPolicyMiddleware:
    """A Permissions-Policy header on every response (settings.PERMISSIONS_POLICY); a response that
    sets its own keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response
