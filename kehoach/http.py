"""Small helpers for views: query strings and where to go back to."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def query_without(request, name: str) -> str:
    """The query string of `request` without its parameter `name` (a pager's own page number)."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def next_or(request, fallback: str) -> str:
    """The form's `next` address when it is a path of this site ("/theo-doi/?ky=3"), else `fallback`.
    Anything else goes to `fallback`: another site, and a bare word ("²", "board"), which `redirect()`
    would take for the name of an address and fail to find."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


_SENTINEL_PK = 9_876_543_210


def paths_of(name: str):
    """A function giving the path of the URL `name` for an object's id, the URL reversed once: a
    list of hundreds of rows would otherwise reverse it hundreds of times, which costs more than
    writing the rows."""
    pattern = reverse(name, args=[_SENTINEL_PK])
    return lambda pk: pattern.replace(str(_SENTINEL_PK), str(int(pk)))
