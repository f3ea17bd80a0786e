"""Site-wide views: the home page and the health check."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"


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
