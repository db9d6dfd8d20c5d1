"""The search page: every kind at a glance (the first few of each), or one kind page by page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from kehoach.cache import html_cached
from kehoach.pagination import CountedPaginator

from . import page_cache, selectors

# On the page of every kind, the first few of each; on the page of one kind, a page of them.
GLANCE = 5
PER_PAGE = 20


def _results(request, text: str, kind: str | None) -> str:
    """The results of searching `text` (of `kind` only, a page at a time, when given), as the user
    may see them, drawn."""
    found = selectors.search(request.user, text, kind)
    page = None
    for part in found:
        selectors.count(part)
    if kind and found:
        # Past MAX_COUNT, the pages of the first MAX_COUNT.
        paginator = CountedPaginator(found[0].queryset, PER_PAGE, count=found[0].count)
        page = paginator.get_page(request.GET.get("trang"))
        found[0].items = list(page.object_list)
    else:
        for part in found:
            part.items = list(part.queryset[:GLANCE]) if part.count else []
    for part in found:
        part.query = urlencode({"q": text, "loai": part.kind.key})
    context = {
        "text": text,
        "kind": selectors.KINDS.get(kind) if kind else None,
        "found": found,
        "total": sum(part.count for part in found),
        "more": any(part.more for part in found),
        "page": page,
        "page_query": urlencode({"q": text, "loai": kind}) if kind else "",
    }
    return render_to_string(page_cache.RESULTS_TEMPLATE, context)


@require_safe
def search(request):
    text = request.GET.get("q", "").strip()[: selectors.MAX_TEXT]
    kind = request.GET.get("loai") or None
    status = 200
    problem = ""
    if kind is not None and kind not in selectors.KINDS:
        problem = f"Không có loại kết quả “{kind[:40]}”: hãy chọn một trong các loại bên dưới."
        kind, status = None, 400
    words = selectors.search_words(text)
    if text and not words:
        problem = "Hãy gõ ít nhất một chữ hoặc một số để tìm."
    results = ""
    if words and not problem:
        # Served from the cache while nothing searched has changed (page_cache.py).
        key = page_cache.results_key(request=request, text=text, kind=kind)
        results = html_cached(key, page_cache.RESULTS, lambda: _results(request, text, kind))
    tabs = [
        {"title": each.title, "query": urlencode({"q": text, "loai": each.key}), "current": each.key == kind}
        for each in selectors.KINDS.values()
    ]
    context = {
        "text": text,
        "kind": selectors.KINDS.get(kind) if kind else None,
        "tabs": tabs,
        "results": results,
        "everything_query": urlencode({"q": text}),
        "problem": problem,
        "search_text": text,  # the header's box keeps what was typed
    }
    return render(request, "reports/search.html", context, status=status)
