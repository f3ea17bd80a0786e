"""Live stories in the lists of other pages (the home page's lead, pins and "Live now", a
section's "Live now"): what they show of a story, with a "LIVE" label and the time of its latest update, and
the tags that make those pages stale when an update is posted (``live:<pk>``)."""

from django.template.loader import render_to_string

from newsroom.cache import shows

from .models import LiveStory

LISTED_FIELDS = (
    *("headline", "slug", "summary", "status", "starts_at", "ends_at", "updated_at", "last_posted_at", "section"),
    *("section__name", "section__slug", "section__order"),
)


def live_story_cards(at):
    """Live stories in progress at ``at`` with what a listing shows of them."""
    return (
        LiveStory.objects.in_progress(at)
        .with_latest_update(at)
        .select_related("section")
        .only(*LISTED_FIELDS)
        .order_by("-starts_at", "-pk")
    )


def with_live_cards(stories):
    """Give each of ``stories`` (from ``live_story_cards()``) its card's HTML as ``story.card``."""
    for story in stories:
        story.card = render_to_string("breaking/includes/live_card.html", {"story": story})


def shows_live_stories(request, stories):
    """Name in the page cache the live stories a list shows: each one's headline, label and
    latest update's time change with ``live:<pk>``."""
    shows(request, *(f"live:{story.pk}" for story in stories))
