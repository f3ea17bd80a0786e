"""The breaking-news bar every page shares and its data for the page script; the reader's live
pages and the small endpoint their script polls."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import InvalidPage
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView

from articles.feeds import excerpt
from authors.models import Author
from newsroom.cache import shows
from newsroom.dates import when
from newsroom.fragments import render_fragment, render_fragments
from newsroom.pagination import BoundedPaginator
from newsroom.prepared import prepared
from newsroom.seo import publisher
from newsroom.slugs import slug_url

from .models import LiveStory, LiveUpdate, TickerItem

TICKER_LENGTH = 10
UPDATES_PER_PAGE = 50
# The poll endpoint carries the newest updates: new ones to insert, and edits and removals of
# those a reader is most likely looking at.
POLLED_UPDATES = 50
POLL_SECONDS = 10


def ticker_block(argument):
    """The breaking-news bar: (html, tags, valid until) for the block every page shares."""
    items = ticker_items()
    shown = [(item.pk, item.priority, item.text, item.get_link(), item.live_at) for item in items]
    html = render_fragment(("includes/ticker.html",), {"items": items}, shown)
    return html, {"ticker", *ticker_tags(items)}, None


def ticker_items():
    """The items the ticker bar shows now: the most important live ones, at most TICKER_LENGTH.
    An item linking to a live story in progress has ``live_at``, the time it shows beside its
    "LIVE" label (the story's latest update, or its start before the first); the others None."""
    return [BarItem.from_row(row) for row in _live_ticker_items(at=timezone.now())]


def ticker_tags(items):
    """What the ticker shows beyond its items: the latest update's time of each live story in
    progress it links to, made stale by a new update (``live:<pk>``)."""
    return {f"live:{item.live_story_id}" for item in items if item.live_at is not None}


@dataclass(frozen=True)
class BarItem:
    """What the bar shows of a ticker item: every page shows ten, so they are read as rows, not
    made model instances with their article and live story (a tenth of an article page's time)."""

    pk: int
    text: str
    priority: int
    link: str
    live_story_id: int | None
    live_at: datetime | None

    @classmethod
    def from_row(cls, row):
        pk, text, priority, url, article_slug, story_id, story_slug, in_progress, story_start, latest = row
        if article_slug is not None:
            link = slug_url("articles:detail", article_slug)
        elif story_slug is not None:
            link = slug_url("breaking:live", story_slug)
        else:
            link = url
        return cls(pk, text, priority, link, story_id, (latest or story_start) if in_progress else None)

    def get_link(self):
        return self.link


@prepared
def _live_ticker_items(at: datetime):
    items = TickerItem.objects.live(at).with_live_state(at)
    columns = (
        *("pk", "text", "priority", "url", "article__slug"),
        *("live_story", "live_story__slug", "shows_live", "live_story__starts_at", "live_latest_update_at"),
    )
    return items.values_list(*columns)[:TICKER_LENGTH]


def ticker_json(request):
    """What the ticker shows now, for the page script to refresh without a reload."""
    items = ticker_items()
    shows(request, "ticker", *ticker_tags(items))
    payload = {
        "items": [
            {
                "id": item.pk,
                "text": item.text,
                "url": item.get_link() or None,
                "priority": item.priority,
                "live": {"time": item.live_at.isoformat(), "shown": when(item.live_at)} if item.live_at else None,
            }
            for item in items
        ]
    }
    response = JsonResponse(payload)
    patch_cache_control(response, public=True, max_age=15)
    return response


# Live coverage


def public_updates(story):
    """What a reader's page shows of ``story``'s updates, newest first: published ones and the
    removed ones' places, with their authors."""
    return (
        LiveUpdate.objects.shown()
        .filter(story=story)
        .prefetch_related(Prefetch("authors", queryset=Author.objects.only("name", "slug")))
        .defer("posted_by", "edited_by", "deleted_by")
    )


UPDATE_TEMPLATES = ("breaking/includes/update.html", "breaking/includes/update_image.html")


def rendered_updates(updates, story, *, pinned_copy=False):
    """The HTML of each update as the live page shows it (``pinned_copy``: the copy in the
    pinned list), rendered once for what it shows (newsroom/fragments.py): an edit, a removal
    or a change of byline is a new fragment, so nothing is purged."""
    return render_fragments(
        UPDATE_TEMPLATES,
        [({"update": update, "story": story, "pinned_copy": pinned_copy}, update_shown(update, story, pinned_copy))
         for update in updates],
    )  # fmt: skip


def update_shown(update, story, pinned_copy):
    """Every value ``breaking/includes/update.html`` shows of ``update``."""
    return (
        *(update.pk, update.posted_at, update.edited_at, update.deleted_at, update.title, update.body),
        *(update.image.name, update.image_width, update.image_height, update.image_alt),
        *(update.pinned, update.key_event, tuple((author.name, author.slug) for author in update.authors.all())),
        *(story.slug, pinned_copy),
    )


def shows_story(request, story, authors):
    shows(request, f"live:{story.pk}", "sections", *(f"byline:{author.pk}" for author in authors))


class LiveStoryView(DetailView):
    """The reader's live page: pinned updates, the key events, then every update newest first,
    ``UPDATES_PER_PAGE`` to a page."""

    template_name = "breaking/livestory_detail.html"
    context_object_name = "story"

    def get_queryset(self):
        return LiveStory.objects.published().select_related("section").prefetch_related("authors")

    def get_context_data(self, **kwargs):
        story = self.object
        updates = public_updates(story)
        # Which page each update is on, for the key events' links, and how many there are: one
        # query of ids and flags.
        order = list(updates.values_list("pk", "key_event", "pinned", "deleted_at").order_by("-posted_at", "-pk"))
        paginator = BoundedPaginator(updates, UPDATES_PER_PAGE, count=len(order))
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404("No such page of updates.") from None
        key_events = [
            (pk, (position // UPDATES_PER_PAGE) + 1)
            for position, (pk, key_event, _, deleted_at) in enumerate(order)
            if key_event and deleted_at is None
        ]
        pinned_ids = [pk for pk, _, pinned, deleted_at in order if pinned and deleted_at is None]
        shown = {update.pk: update for update in page.object_list}
        wanted = {pk for pk, _ in key_events} | set(pinned_ids)
        missing = wanted - shown.keys()
        if missing:
            shown.update({update.pk: update for update in updates.filter(pk__in=missing)})
        authors = {author for update in shown.values() for author in update.authors.all()}
        authors |= set(story.authors.all())
        shows_story(self.request, story, authors)
        in_progress = story.is_in_progress()
        return super().get_context_data(
            page_obj=page,
            updates=rendered_updates(page.object_list, story),
            pinned=rendered_updates([shown[pk] for pk in pinned_ids], story, pinned_copy=True)
            if page.number == 1
            else [],
            key_events=[(shown[pk], number) for pk, number in key_events],
            structured_data=live_blog_posting(story, page.object_list, self.request),
            in_progress=in_progress,
            poll=page.number == 1 and in_progress,
            poll_seconds=POLL_SECONDS,
            **kwargs,
        )


def live_updates_json(request, slug):
    """The newest ``POLLED_UPDATES`` updates of a public live story, each as the HTML the page
    shows, for the page script to insert new ones and change edited and removed ones in place.
    Served from the page cache like the page, with an ETag: an unchanged poll is a 304."""
    shown = LiveStory.objects.published().only("status", "slug", "starts_at", "ends_at", "last_posted_at")
    story = get_object_or_404(shown, slug=slug)
    updates = list(public_updates(story)[:POLLED_UPDATES])
    shows_story(request, story, {author for update in updates for author in update.authors.all()})
    payload = {
        # What readers see: a story past its coverage end has ended, whatever its status says.
        "status": LiveStory.Status.LIVE if story.is_in_progress() else LiveStory.Status.ENDED,
        "updates": [
            {
                "id": update.pk,
                "version": update_version(update),
                "posted_at": update.posted_at.isoformat(),
                "pinned": update.pinned and not update.is_deleted,
                "key_event": update.key_event and not update.is_deleted,
                "deleted": update.is_deleted,
                "html": html,
            }
            for update, html in zip(updates, rendered_updates(updates, story), strict=True)
        ],
    }
    # The page cache's Cache-Control: browsers revalidate every poll; an edge keeps the answer
    # until a post, an edit or a removal purges the story's tag.
    return JsonResponse(payload)


def update_version(update):
    """What changes when a reader's copy of ``update`` must be replaced: an edit or removal."""
    changed = update.deleted_at or update.edited_at or update.posted_at
    return f"{'removed' if update.is_deleted else 'shown'}:{changed.timestamp():.6f}"


def live_blog_posting(story, updates, request):
    """schema.org ``LiveBlogPosting`` for the page, with its shown updates as ``liveBlogUpdate``."""
    url = request.build_absolute_uri(story.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": url,
        "url": url,
        "headline": story.headline,
        "description": story.summary,
        "coverageStartTime": story.starts_at.isoformat(),
        "datePublished": story.starts_at.isoformat(),
        "dateModified": max(filter(None, [story.updated_at, story.last_posted_at])).isoformat(),
        "author": [{"@type": "Person", "name": author.name} for author in story.authors.all()],
        "publisher": publisher(request),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "@id": f"{url}#{update.anchor}",
                "url": f"{url}#{update.anchor}",
                "headline": update.title or excerpt(update.body)[:110],
                "articleBody": excerpt(update.body),
                "datePublished": update.posted_at.isoformat(),
                **({"dateModified": update.edited_at.isoformat()} if update.edited_at else {}),
                **(
                    {"author": [{"@type": "Person", "name": author.name} for author in update.authors.all()]}
                    if update.authors.all()
                    else {}
                ),
            }
            for update in updates
            if not update.is_deleted
        ],
    }
    if story.ends_at:
        data["coverageEndTime"] = story.ends_at.isoformat()
    if story.section:
        data["articleSection"] = story.section.name
    return data
