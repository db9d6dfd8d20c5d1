"""Pagers for long lists, none of which counts every row: one told the count the page reads anyway
(`CountedPaginator`), one that counts up to a cap (`CappedPaginator`), one that never counts
(`UncountedPage`)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A `Paginator` told its number of items, so that it does not count them with a query of its
    own (on a table of millions of rows, as long as the page's other aggregates together)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class UncountedPage:
    """A page of a list that is never counted: one row more than the page is read, to know whether
    a next page exists. For lists as long as a table of millions of rows whose total nobody needs
    (the notifications): the page then costs what its rows cost, from an index in their order."""

    def __init__(self, object_list, per_page: int, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        self.number = max(1, min(number, 100_000))
        start = (self.number - 1) * per_page
        rows = list(object_list[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class CappedPaginator(Paginator):
    """A `Paginator` that counts at most `cap` items (and `more` when there are more), reading no
    more rows than that: an exact COUNT(*) of millions of rows costs more than the page itself. The
    pages past the cap are reached by narrowing the list (filters, search)."""

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        queryset = self.object_list
        if hasattr(queryset, "values"):  # a queryset: count a slice, without sorting it
            return queryset.order_by().values("pk")[: self.cap + 1].count()
        return len(queryset)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def more(self) -> bool:
        return self._counted > self.cap
