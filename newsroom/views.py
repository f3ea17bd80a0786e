"""Site-wide views: the home page and the health check."""

import logging

from django.db import DatabaseError, connection
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from articles.models import Article
from articles.views import public_articles

logger = logging.getLogger(__name__)

LATEST = 10
PER_SECTION = 4
HOME_SPAN = 500


class HomeView(TemplateView):
    """The lead story, the latest stories and a block per section: a constant handful of queries."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        latest = list(public_articles()[: LATEST + 1])
        # Section blocks show recent news: rank only the latest HOME_SPAN articles, not the archive.
        recent = Article.objects.published().values("pk")[:HOME_SPAN]
        in_sections = (
            public_articles()
            .filter(pk__in=Subquery(recent))
            .annotate(
                place=Window(
                    RowNumber(), partition_by=F("section"), order_by=[F("published_at").desc(), F("pk").desc()]
                )
            )
        )
        by_section = {}
        for article in in_sections.filter(section__isnull=False, place__lte=PER_SECTION):
            by_section.setdefault(article.section_id, []).append(article)
        sections = sorted({articles[0].section for articles in by_section.values()}, key=lambda s: (s.order, s.name))
        sections = [(section, by_section[section.pk]) for section in sections]
        return super().get_context_data(
            lead=latest[0] if latest else None, latest=latest[1:], sections=sections, **kwargs
        )


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 with the reason when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check failed: database unavailable", extra={"error": str(error)})
        return JsonResponse({"status": "error", "reason": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
