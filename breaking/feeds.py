"""RSS and Atom feeds of a live story's updates, newest first."""

import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from articles.feeds import excerpt
from newsroom.cache import shows

from .models import LiveStory, LiveUpdate

FEED_LENGTH = 50
# Entry ids never change: derived from the update's primary key.
UPDATE_ID_NAMESPACE = uuid.UUID("0b5c51a6-1f5e-4c8e-9d0a-3f0e1a7d2c55")


class LiveUpdatesFeed(Feed):
    item_guid_is_permalink = False

    def get_object(self, request, slug):
        story = get_object_or_404(LiveStory.objects.published(), slug=slug)
        shows(request, f"live:{story.pk}", "sections")
        return story

    def title(self, story):
        return f"{settings.SITE_NAME}: {story.headline} (live)"

    def link(self, story):
        return story.get_absolute_url()

    def description(self, story):
        return story.summary or f"Live updates on {story.headline} from {settings.SITE_NAME}."

    def author_name(self):
        return settings.SITE_NAME

    def items(self, story):
        updates = LiveUpdate.objects.published().filter(story=story).prefetch_related("authors")
        return updates.select_related("story")[:FEED_LENGTH]

    def item_title(self, update):
        # RSS readers treat titles as HTML.
        return escape(self.plain_title(update))

    def plain_title(self, update):
        return update.title or excerpt(update.body)[:110] or "Update"

    def item_description(self, update):
        return update.body

    def item_link(self, update):
        return update.get_absolute_url()

    def item_pubdate(self, update):
        return update.posted_at

    def item_updateddate(self, update):
        return update.edited_at or update.posted_at

    def item_author_name(self, update):
        return ", ".join(author.name for author in update.authors.all()) or None

    def item_guid(self, update):
        return f"urn:uuid:{uuid.uuid5(UPDATE_ID_NAMESPACE, str(update.pk))}"


class LiveUpdatesAtomFeed(LiveUpdatesFeed):
    feed_type = Atom1Feed

    def subtitle(self, story):
        return self.description(story)

    def item_title(self, update):
        # Atom titles are text constructs: escaping them would show the entities.
        return self.plain_title(update)
