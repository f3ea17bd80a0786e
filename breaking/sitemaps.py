"""The live pages in the sitemaps (a part of ``/sitemap.xml``, articles/sitemaps.py), each dated
by its latest update."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest

from articles.sitemaps import PART_SIZE, KeyRangePaginator

from .models import LiveStory


class LiveStorySitemap(Sitemap):
    page_tags = ("list:live",)

    def items(self):
        changed = Greatest("updated_at", Coalesce("last_posted_at", "updated_at"))
        return LiveStory.objects.published().annotate(changed=changed).only("slug").order_by("-starts_at", "-pk")

    def lastmod(self, story):
        return story.changed

    def location(self, story):
        return story.get_absolute_url()

    @property
    def paginator(self):
        return KeyRangePaginator(self.items(), PART_SIZE)

    def parts(self):
        changed = LiveStory.objects.published().aggregate(
            newest=Max(Greatest("updated_at", Coalesce("last_posted_at", "updated_at")))
        )["newest"]
        return [(1, changed)] if changed else []
