"""The reader's search page: ``/search/?q=``, most relevant first (see ``articles.search``)."""

import math

from django.db.models import Prefetch
from django.views.generic import ListView

from newsroom.pagination import BoundedPaginator

from .models import Article, ArticleAuthor
from .search import MAX_RESULTS, Search, search_results


class SearchView(ListView):
    """Published articles matching ``q``, twenty a page, in a fixed number of queries however
    many match: the vocabulary's words the last word starts, the authors and sections the words
    name, the newest matches, their relevance, the page of them with sections, their bylines
    with authors. No
    query, or one with no words worth searching for, gives the page that says what to type.
    A query that finds nothing may get a "Did you mean" (two queries more). Beyond
    ``MAX_RESULTS`` the page says there are more and offers no further pages."""

    template_name = "articles/search.html"
    paginate_by = 20

    def get_queryset(self):
        bylines = Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        self.articles = Article.objects.published().select_related("section").prefetch_related(bylines)
        self.query = self.request.GET.get("q", "").strip()
        self.search = Search(self.query, self.articles.db)
        matches = self.search.newest_matches(self.articles)
        self.more_results = len(matches) > MAX_RESULTS
        self.matches = matches[:MAX_RESULTS]
        return self.search.rank(self.articles, self.matches)

    def get_paginator(self, queryset, per_page, **kwargs):
        max_pages = math.ceil(MAX_RESULTS / per_page)
        return BoundedPaginator(queryset, per_page, max_pages=max_pages, count=len(self.matches), **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = search_results(context["object_list"], self.search.words)
        suggestion = None if self.matches else self.search.suggestion(self.query, self.articles)
        return {
            **context,
            "query": self.query,
            "searched": bool(self.search.terms),
            "results": results,
            "more_results": self.more_results,
            "suggestion": suggestion,
            "authors": self.search.named(self.search.authors),
            "sections": self.search.named(self.search.sections),
        }
