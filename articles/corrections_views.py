"""The public log of corrections, clarifications and updates, newest first."""

from django.views.generic import ListView

from newsroom.cache import shows

from .models import Article, Correction


class CorrectionListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-published_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shows(self.request, "list:corrections", "sections", *(f"card:{c.article_id}" for c in context["object_list"]))
        return context
