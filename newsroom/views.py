"""Site-wide views: the home page, the health check and the server error page."""

import logging
import sys
from datetime import UTC, datetime

from django.db import InterfaceError, OperationalError
from django.db.models import F, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from articles import listing
from articles.cards import with_cards
from articles.listing import CARD_FIELDS, SECTION_FIELDS, ListedArticle
from articles.models import Article
from articles.views import shows_articles, with_listed_bylines
from breaking.cards import LISTED_FIELDS as LIVE_STORY_FIELDS
from breaking.cards import live_story_cards, shows_live_stories, with_live_cards
from breaking.invalidation import LIVE_NOW
from breaking.models import LiveStory, latest_update_at
from frontpage.invalidation import TAG as FRONT_PAGE
from frontpage.models import MAX_PINNED, Placement, front_page_choices, story_key

from .cache import shows
from .health import database_probe
from .http import LastModifiedMixin
from .prepared import prepared

logger = logging.getLogger(__name__)

# A load balancer's probe gets its answer within this, however the database fails.
HEALTH_CHECK_SECONDS = 1.5
# How long a reader should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 30
LATEST = 10
LIVE_NOW_SHOWN = 6
PER_SECTION = 4
HOME_SPAN = 500
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


class HomeView(LastModifiedMixin, TemplateView):
    """The lead story, the live stories in progress ("Live now"), the stories editors pinned, the
    latest stories and a block per section: a constant handful of queries. Editors choose the
    lead and the pins, articles or live stories in progress (frontpage/models.py); without a
    choice the newest article leads. Every live story in progress shows as live once: where an
    editor placed it, or else under "Live now", below the lead where readers look first."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        lead, pinned = front_page_choices(_placements(at=now))
        lead, *pinned = [_listed(story) for story in [lead, *pinned]]
        latest = _latest(at=now)
        if lead is None and latest:
            lead = latest[0]  # the newest leads, even if it is pinned too
        pinned = [story for story in pinned if story_key(story) != story_key(lead)][:MAX_PINNED] if lead else []
        chosen = {story_key(story) for story in [lead, *pinned] if story}
        latest = [article for article in latest if story_key(article) not in chosen][:LATEST]
        live_now = [story for story in _live_now(at=now) if story_key(story) not in chosen][:LIVE_NOW_SHOWN]
        live = [story for story in [lead, *pinned, *live_now] if isinstance(story, LiveStory)]
        pinned_articles = [story for story in pinned if not isinstance(story, LiveStory)]
        in_sections = _newest_in_sections(at=now)
        shown = [story for story in [lead, *pinned_articles, *latest] if story and not isinstance(story, LiveStory)]
        with_listed_bylines([*shown, *in_sections])
        by_section = {}
        for article in in_sections:
            by_section.setdefault(article.section_id, []).append(article)
        sections = sorted({articles[0].section for articles in by_section.values()}, key=lambda s: (s.order, s.name))
        sections = [(section, by_section[section.pk]) for section in sections]
        in_sections = [article for _, articles in sections for article in articles]
        shows(self.request, "list:latest", LIVE_NOW, FRONT_PAGE)
        shows_articles(self.request, [*shown, *in_sections])
        shows_live_stories(self.request, live)
        with_cards([*pinned_articles, *latest, *in_sections])
        with_live_cards([story for story in [*pinned, *live_now] if isinstance(story, LiveStory)])
        return super().get_context_data(
            lead=lead,
            lead_is_live=isinstance(lead, LiveStory),
            live_now=live_now,
            pinned=pinned,
            latest=latest,
            sections=sections,
            **kwargs,
        )

    def shown_articles(self, context):
        in_sections = [article for _, articles in context["sections"] for article in articles]
        lead = [context["lead"]] if context["lead"] else []
        return [*lead, *context["live_now"], *context["pinned"], *context["latest"], *in_sections]


def _listed(story):
    """A placed article as the home page lists its articles; a live story as it is."""
    return story if story is None or isinstance(story, LiveStory) else ListedArticle.of(story)


@prepared
def _placements(at: datetime):
    """The placements on the home page at ``at`` with what it shows of their stories, articles
    and live stories (with their latest update's time) alike: one query (frontpage/models.py)."""
    article_fields = (f"article__{name}" for name in (*CARD_FIELDS, *SECTION_FIELDS))
    live_story_fields = (f"live_story__{name}" for name in LIVE_STORY_FIELDS)
    return (
        Placement.objects.current(at)
        .select_related("article__section", "live_story__section")
        .only("place", "position", "starts_at", "article", "live_story", *article_fields, *live_story_fields)
        .annotate(live_latest_update_at=latest_update_at(at, through="live_story__"))
        .order_by("position", "-starts_at", "-pk")
    )


@prepared
def _live_now(at: datetime):
    """The live stories in progress at ``at``, newest first: enough to fill "Live now" once
    those the editors placed are left out."""
    return live_story_cards(at)[: LIVE_NOW_SHOWN + MAX_PINNED + 1]


@prepared(make=ListedArticle.from_row)
def _latest(at: datetime):
    """The newest articles, enough to lead and fill the list once the chosen ones are left out."""
    return listing.card_rows(Article.objects.published(at))[: LATEST + MAX_PINNED + 2]


@prepared(make=ListedArticle.from_row)
def _newest_in_sections(at: datetime):
    """The PER_SECTION newest of each section, among the latest HOME_SPAN articles: section
    blocks show recent news, and ranking the whole archive would cost more."""
    # The latest HOME_SPAN as those published since the HOME_SPAN-th newest: one value the
    # database works out once, whatever it believes of the table (with the ids of the latest as
    # a subquery, PostgreSQL with statistics from before sections were given ran that subquery
    # again for every article in a section: 2 s).
    oldest = Article.objects.published(at).values("published_at")[HOME_SPAN - 1 : HOME_SPAN]
    since = Coalesce(Subquery(oldest), Value(BEGINNING))
    # Ranked by their ids alone, then read with the columns a card shows: ranking the cards'
    # rows themselves took SQLite twice as long.
    ranked = (
        Article.objects.published(at)
        .filter(published_at__gte=since, section__isnull=False)
        .annotate(
            place=Window(RowNumber(), partition_by=F("section"), order_by=[F("published_at").desc(), F("pk").desc()])
        )
        .filter(place__lte=PER_SECTION)
        .values("pk")
    )
    newest = Article.objects.published(at).filter(pk__in=Subquery(ranked)).order_by("-published_at", "-pk")
    return listing.card_rows(newest)


@never_cache
def healthz(request):
    """200 when the database answers a query within HEALTH_CHECK_SECONDS, 503 with the reason
    when it does not (newsroom/health.py)."""
    problem = database_probe.problem(timeout=HEALTH_CHECK_SECONDS)
    if problem:
        logger.warning("health check failed: database unavailable", extra={"error": problem})
        return JsonResponse({"status": "error", "reason": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request):
    """The 500 page; or, when the database cannot be reached, a 503 that tells browsers, crawlers
    and the CDN to come back (a CDN may then serve its stale copy). Neither shows any detail, and
    neither needs the database: the templates use no context processors."""
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"  # a CDN keeps serving its stale copy instead
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
