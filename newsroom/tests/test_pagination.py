"""Pagination whose work does not grow with the table (newsroom/pagination.py)."""

import pytest
from django.core.paginator import EmptyPage

from newsroom.pagination import BoundedPaginator


class Untouchable:
    """A list that must not be read."""

    def __getitem__(self, index):
        raise AssertionError("the rows were read")

    def __len__(self):
        raise AssertionError("the rows were counted")


def test_counting_stops_one_row_past_the_pages_offered():
    paginator = BoundedPaginator(list(range(1000)), 10, max_pages=3)

    assert paginator.count == 31
    assert paginator.truncated
    assert paginator.num_pages == 3
    assert list(paginator.page(3).object_list) == list(range(20, 30))
    assert not paginator.page(3).has_next()


def test_a_short_list_is_counted_exactly():
    paginator = BoundedPaginator(list(range(25)), 10, max_pages=3)

    assert (paginator.count, paginator.truncated, paginator.num_pages) == (25, False, 3)


@pytest.mark.parametrize("number", [4, 2000])
def test_a_page_past_those_offered_is_refused_without_reading_the_rows(number):
    with pytest.raises(EmptyPage):
        BoundedPaginator(Untouchable(), 10, max_pages=3).page(number)


def test_a_count_the_caller_knows_is_not_counted_again():
    paginator = BoundedPaginator(Untouchable(), 10, max_pages=3, count=12)

    assert (paginator.count, paginator.num_pages, paginator.truncated) == (12, 2, False)


def test_max_pages_defaults_to_the_setting_of_the_module(monkeypatch):
    monkeypatch.setattr("newsroom.pagination.MAX_PAGES", 2)

    assert BoundedPaginator(list(range(100)), 10).num_pages == 2
