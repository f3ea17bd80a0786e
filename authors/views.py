from django.db.models import Count
from django.utils import timezone
from django.views.generic import ListView

from articles import listing
from articles.models import ArticleAuthor, public_at
from articles.views import PreparedListMixin, first_or_404
from newsroom.cache import shows
from newsroom.http import LastModifiedMixin
from newsroom.pagination import BoundedPaginator
from newsroom.prepared import PreparedList

from .models import Author


class AuthorListView(ListView):
    """Everyone with at least one published article, with how many: the page's authors first,
    then their articles counted, so that only the bylines of the fifty authors shown are read."""

    context_object_name = "authors"
    paginate_by = 50

    def get_queryset(self):
        return Author.objects.published()

    def get_context_data(self, **kwargs):
        shows(self.request, "list:authors", "sections")
        context = super().get_context_data(**kwargs)
        authors = list(context["object_list"])
        public_bylines = ArticleAuthor.objects.filter(public_at(timezone.now(), through="article__"))
        counts = dict(
            public_bylines.filter(author__in=authors)
            .order_by()
            .values_list("author")
            .annotate(articles=Count("article_id"))
        )
        for author in authors:
            author.article_count = counts.get(author.pk, 0)
        return {**context, "object_list": authors, "authors": authors}


class AuthorDetailView(LastModifiedMixin, PreparedListMixin, ListView):
    """An author's page: photo, bio, links and their published articles, paginated."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        at = timezone.now()
        self.author = first_or_404(listing.public_author(slug=self.kwargs["slug"], at=at))
        return PreparedList(listing.by_author, author=self.author.pk, at=at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        shows(self.request, f"author:{self.author.pk}", f"list:author:{self.author.pk}")
        context["articles"] = context["object_list"] = self.listed(context["object_list"])
        return context
