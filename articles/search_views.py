"""The reader's search page: ``/search/?q=``, most relevant first (see ``articles.search``)."""

from django.db.models import Prefetch
from django.views.generic import ListView

from .models import Article, ArticleAuthor
from .search import search_articles, search_results


class SearchView(ListView):
    """Published articles matching ``q``, twenty a page, in three queries however many match:
    the count, the page with sections, the bylines with authors. No query, or one with no words
    worth searching for, gives an empty list."""

    template_name = "articles/search.html"
    paginate_by = 20

    def get_queryset(self):
        bylines = Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        articles = Article.objects.published().select_related("section").prefetch_related(bylines)
        return search_articles(self.request.GET.get("q", ""), articles)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        return {**context, "query": query, "results": search_results(context["object_list"], query)}
