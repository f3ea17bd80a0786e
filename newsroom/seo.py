"""What crawlers read first: robots.txt, pointing them at the sitemaps."""

from django.urls import reverse
from django.views.generic import TemplateView


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        context["news_sitemap_url"] = self.request.build_absolute_uri(reverse("news-sitemap"))
        return context
