"""The public log of corrections, clarifications and updates, newest first."""

from django.views.generic import ListView

from .models import Article, Correction


class CorrectionListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-published_at", "-pk")
        )
