"""The public log of corrections, clarifications and updates, newest first."""

from django.views.generic import ListView

from newsroom.cache import shows
from newsroom.pagination import BoundedPaginator

from .models import Correction


class CorrectionListView(ListView):
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get_queryset(self):
        # Newest corrections first from their index, each article looked up by its key.
        return (
            Correction.objects.published()
            .select_related("article")
            .only("kind", "text", "published_at", "article__slug", "article__headline")
            .order_by("-published_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shows(self.request, "list:corrections", "sections", *(f"card:{c.article_id}" for c in context["object_list"]))
        return context
