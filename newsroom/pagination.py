"""Pagination whose cost does not grow with the table: the last page a list offers costs about
what its first page does, with 1,000 articles or 1,000,000.

A list offers at most ``MAX_PAGES`` pages. Counting stops one row past what those pages hold,
and a page number beyond them is refused (404) before any query. Older articles stay reachable
through the archive's date filters, which narrow any list to a window of time.
"""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

MAX_PAGES = 100


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, max_pages=None, count=None, **kwargs):
        """``max_pages``: ``MAX_PAGES`` unless given; ``count``: how many rows there are, when
        the caller knows already (no query then)."""
        super().__init__(object_list, per_page, **kwargs)
        self.max_pages = MAX_PAGES if max_pages is None else max_pages
        if count is not None:
            self.count = min(count, self.limit + 1)

    @cached_property
    def limit(self):
        """The most rows the pages offered can show."""
        return self.max_pages * self.per_page

    @cached_property
    def count(self):
        """How many rows there are, counted up to one more than ``limit``: in any order, as the
        order does not change how many there are."""
        if isinstance(self.object_list, QuerySet):
            return self.object_list.order_by()[: self.limit + 1].count()
        if hasattr(self.object_list, "count_upto"):  # newsroom.prepared.PreparedList
            return self.object_list.count_upto(self.limit + 1)
        return len(self.object_list[: self.limit + 1])

    @property
    def truncated(self):
        """There are more rows than the pages offered show."""
        return self.count > self.limit

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.max_pages)

    def validate_number(self, number):
        if isinstance(number, int) and number > self.max_pages:
            raise EmptyPage(f"Only the first {self.max_pages} pages are offered.")
        return super().validate_number(number)
