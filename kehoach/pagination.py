"""A pager for lists whose length the page already knows from an aggregate it reads anyway."""

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
