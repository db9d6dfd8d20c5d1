"""The search's results kept in the cache: the results of a search as a person may see them, drawn,
served again while nothing searched has changed, as the review queue's body is (reports.workflow.
page_cache; docs/architecture.md).

The key holds every change stamp (`kehoach.stamps`: each period's, replaced when one of its reports
changes, the search's words of a report included, and the global one, replaced when a plan, task or
unit changes), who asks as the database is asked (the SQL of the reports the user may see, whose
plans and unit are written as values), the words, the kind and page asked, and the code.

Not used inside a transaction (a test's, a caller's): its writes have not replaced the stamps yet.
"""

from __future__ import annotations

from django.db import connection

from kehoach import stamps
from kehoach.cache import code_digest, entry_key, query_text
from reports import permissions

RESULTS = "kết quả tìm kiếm"
RESULTS_TEMPLATE = "reports/_search_results.html"
_CODE = (
    "reports.search.page_cache",
    "reports.search.views",
    "reports.search.selectors",
    "reports.search.index",
)
_TEMPLATES = ("reports/_status.html", "reports/_pager.html")


def results_key(*, request, text: str, kind: str | None) -> str | None:
    """The key of the results of `text` (and `kind`) as `request` asks them, or None when they must
    be drawn afresh. One query: every stamp."""
    if connection.in_atomic_block:
        return None
    found = stamps.read_committed(None)
    if found is None:
        return None
    parts = (
        code_digest((RESULTS_TEMPLATE, *_TEMPLATES), _CODE),
        text,
        kind,
        request.GET.get("trang", ""),
        tuple(sorted(found.items())),
        query_text(permissions.reports_visible_to(request.user)),
    )
    return entry_key("search", parts)
