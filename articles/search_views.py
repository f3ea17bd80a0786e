"""The reader's search page: ``/search/?q=``, most relevant first (see ``articles.search``)."""

import math

from django.db.models import Prefetch
from django.views.generic import ListView

from newsroom.pagination import BoundedPaginator

from .models import Article, ArticleAuthor
from .search import MAX_RESULTS, newest_matches, rank, search_results


class SearchView(ListView):
    """Published articles matching ``q``, twenty a page, in three queries however many match:
    the newest matches, the page of them with sections, their bylines with authors. No query,
    or one with no words worth searching for, gives an empty list. Beyond ``MAX_RESULTS`` the
    page says there are more and offers no further pages."""

    template_name = "articles/search.html"
    paginate_by = 20

    def get_queryset(self):
        bylines = Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        articles = Article.objects.published().select_related("section").prefetch_related(bylines)
        query = self.request.GET.get("q", "")
        matches = newest_matches(query, articles)
        self.more_results = len(matches) > MAX_RESULTS
        self.matches = matches[:MAX_RESULTS]
        return rank(articles, self.matches, query)

    def get_paginator(self, queryset, per_page, **kwargs):
        max_pages = math.ceil(MAX_RESULTS / per_page)
        return BoundedPaginator(queryset, per_page, max_pages=max_pages, count=len(self.matches), **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        results = search_results(context["object_list"], query)
        return {**context, "query": query, "results": results, "more_results": self.more_results}
