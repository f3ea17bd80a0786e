from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from articles.views import public_articles, shows_articles
from newsroom.cache import shows
from newsroom.http import LastModifiedMixin

from .models import Author


class AuthorListView(ListView):
    """Everyone with at least one published article, with how many."""

    context_object_name = "authors"
    paginate_by = 50

    def get_queryset(self):
        published = Q(bylines__article__in=Article.objects.published())
        return (
            Author.objects.annotate(article_count=Count("bylines", filter=published, distinct=True))
            .filter(article_count__gt=0)
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        shows(self.request, "list:authors", "sections")
        return super().get_context_data(**kwargs)


class AuthorDetailView(LastModifiedMixin, ListView):
    """An author's page: photo, bio, links and their published articles, paginated."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return public_articles().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        shows(self.request, f"author:{self.author.pk}", f"list:author:{self.author.pk}")
        shows_articles(self.request, context["articles"])
        return context
