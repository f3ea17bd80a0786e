"""The home page: the ticker bar, the lead story, the latest stories and a block per section."""

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from articles.models import Article
from articles.templatetags.newsroom import machine_time
from articles.tests.factories import make_article, make_author, make_section
from breaking.models import LiveStory, latest_update_at
from breaking.tests.factories import make_live_story, make_ticker_item, make_update
from breaking.views import TICKER_LENGTH
from frontpage.models import MAX_PINNED, Placement
from frontpage.tests.factories import make_lead, pin
from newsroom.dates import when
from newsroom.tests.uploads import image_upload
from newsroom.views import LIVE_NOW_SHOWN, _live_now, _placements

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def block(page, pattern):
    found = re.search(pattern, page, re.DOTALL)
    assert found, pattern
    return found.group(1)


def card_headlines(html):
    return re.findall(r'<h3 class="card-title"><a href="/articles/[\w-]+/">([^<]+)</a></h3>', html)


def test_ticker_bar_shows_live_items_most_important_first(client):
    make_ticker_item(text="Markets open higher", starts_at=hours_ago(2))
    make_ticker_item(text="Refinery strike ends", priority=20, article=make_article(slug="strike"))
    make_ticker_item(text="Tomorrow's news", starts_at=timezone.now() + timedelta(hours=1))

    ticker = block(client.get("/").text, r'<section class="ticker"[^>]*>(.*?)</section>')

    items = re.findall(r'<li data-id="\d+" class="priority-(\d+)">(.*?)</li>', ticker)
    assert items == [("20", '<a href="/articles/strike/">Refinery strike ends</a>'), ("0", "Markets open higher")]


def test_ticker_bar_is_hidden_when_nothing_is_live(client):
    assert re.search(r'<section class="ticker"[^>]* hidden>', client.get("/").text)


def test_lead_story_is_the_newest_public_article_with_its_image(client, media_root, fresh_cache):
    energy = make_section(name="Energy")
    make_article(headline="Yesterday's story", published_at=hours_ago(24))
    make_article(headline="Coming up", published_at=timezone.now() + timedelta(hours=1))
    lead = make_article(
        headline="Refinery strike ends",
        dek="Workers return on Monday.",
        section=energy,
        authors=[make_author(name="Ann Lee"), make_author(name="Bo Chan")],
        lead_image=image_upload("photo.jpg"),
        lead_image_alt="Workers at the gate",
        published_at=hours_ago(1),
    )

    story = block(client.get("/").text, r'<article class="lead-story">(.*?)</article>')

    assert '<h2 class="lead-title"><a href="/articles/refinery-strike-ends/">Refinery strike ends</a></h2>' in story
    assert f'<p class="kicker"><a href="{energy.get_absolute_url()}">Energy</a></p>' in story
    assert '<p class="dek">Workers return on Monday.</p>' in story
    assert "Ann Lee and Bo Chan" in story
    assert re.search(r'<source type="image/webp" srcset="/media/renditions/\S+\.webp 12w"', story)
    assert f'<img src="/media/{lead.lead_image.name}" width="12" height="8" alt="Workers at the gate"' in story


def test_latest_lists_the_ten_stories_after_the_lead_newest_first(client):
    for number in range(13):
        make_article(headline=f"Story {number:02}", published_at=hours_ago(20 - number))
    make_article(headline="A draft", status=Article.Status.DRAFT)

    latest = block(client.get("/").text, r'<section class="latest"[^>]*>(.*?)</section>')

    assert card_headlines(latest) == [f"Story {number:02}" for number in range(11, 1, -1)]


def test_each_section_with_public_articles_shows_its_four_newest_in_section_order(client):
    sport = make_section(name="Sport", slug="sport", order=2)
    energy = make_section(name="Energy", slug="energy", order=1)
    make_section(name="Empty", slug="empty", order=0)
    drafts_only = make_section(name="Drafts only", slug="drafts-only", order=3)
    for number in range(6):
        make_article(headline=f"Energy {number}", section=energy, published_at=hours_ago(10 - number))
    make_article(headline="Sport 0", section=sport, published_at=hours_ago(3))
    make_article(headline="Energy expired", section=energy, published_at=hours_ago(2), expires_at=hours_ago(1))
    make_article(headline="Sport draft", section=sport, status=Article.Status.DRAFT)
    make_article(headline="Hidden draft", section=drafts_only, status=Article.Status.DRAFT)

    page = client.get("/").text

    blocks = re.findall(
        r'<section class="section-block"[^>]*>\s*<h2[^>]*><a href="/sections/([\w-]+)/">[^<]+</a></h2>(.*?)</section>',
        page,
        re.DOTALL,
    )
    assert [(slug, card_headlines(cards)) for slug, cards in blocks] == [
        ("energy", ["Energy 5", "Energy 4", "Energy 3", "Energy 2"]),
        ("sport", ["Sport 0"]),
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_home_page_queries_do_not_grow_with_articles_sections_or_ticker_items(client, django_assert_num_queries, rows):
    sections = [make_section() for _ in range(min(rows, 5))]
    authors = [make_author(), make_author(), make_author()]
    for number in range(rows):
        make_article(section=sections[number % len(sections)], authors=authors[: number % 3 + 1])
        make_ticker_item()
        make_update(make_live_story(section=sections[number % len(sections)]))

    # The editors' lead and pins (articles and live stories with their latest update's time),
    # the live stories in progress, the latest articles, the sections' newest, the bylines of
    # all of them and the ticker.
    with django_assert_num_queries(6):
        response = client.get("/")

    assert response.status_code == 200
    assert response.text.count('<li data-id="') == min(rows, TICKER_LENGTH)
    assert len(live_now_headlines(response.text)) == min(rows, LIVE_NOW_SHOWN)


def lead_headline(html):
    return block(html, r'<h2 class="lead-title"><a href="[^"]+">([^<]+)</a></h2>')


def pinned_headlines(html):
    found = re.search(r'<section class="pinned"[^>]*>(.*?)</section>', html, re.DOTALL)
    return card_headlines(found.group(1)) if found else []


def test_the_lead_story_editors_chose_leads_and_leaves_the_latest(client):
    chosen = make_article(headline="The big story", published_at=hours_ago(5))
    make_article(headline="Newer story", published_at=hours_ago(1))
    make_lead(chosen)

    page = client.get("/").text

    assert lead_headline(page) == "The big story"
    assert card_headlines(block(page, r'<section class="latest"[^>]*>(.*?)</section>')) == ["Newer story"]


def test_the_newest_lead_choice_wins_and_a_scheduled_one_waits_for_its_time(client):
    make_lead(make_article(headline="Morning lead"), starts_at=hours_ago(3))
    make_lead(make_article(headline="Noon lead"), starts_at=hours_ago(1))
    make_lead(make_article(headline="Evening lead"), starts_at=timezone.now() + timedelta(hours=1))

    assert lead_headline(client.get("/").text) == "Noon lead"


def test_pinned_stories_follow_the_lead_in_their_order_and_leave_the_latest(client):
    lead = make_article(headline="Lead", published_at=hours_ago(1))
    second = make_article(headline="Pinned second", published_at=hours_ago(9))
    first = make_article(headline="Pinned first", published_at=hours_ago(8))
    make_article(headline="Not pinned", published_at=hours_ago(2))
    pin(second, position=2)
    pin(first, position=1)
    pin(lead, position=0)  # the newest leads without a choice, and is shown once

    page = client.get("/").text

    assert lead_headline(page) == "Lead"
    assert pinned_headlines(page) == ["Pinned first", "Pinned second"]
    assert card_headlines(block(page, r'<section class="latest"[^>]*>(.*?)</section>')) == ["Not pinned"]
    assert page.index('class="lead-story"') < page.index('class="pinned"') < page.index('class="latest"')


def test_at_most_a_few_stories_are_pinned(client):
    make_article(headline="Newest", published_at=hours_ago(0.5))
    for number in range(MAX_PINNED + 2):
        pin(make_article(headline=f"Pinned {number}"), position=number)

    assert pinned_headlines(client.get("/").text) == [f"Pinned {number}" for number in range(MAX_PINNED)]


@pytest.mark.parametrize(
    "hidden",
    [
        lambda article: Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT),
        lambda article: Article.objects.filter(pk=article.pk).update(expires_at=hours_ago(0.5)),
    ],
    ids=["unpublished", "expired"],
)
def test_a_chosen_article_that_is_no_longer_public_drops_out(client, hidden):
    make_article(headline="Newest", published_at=hours_ago(1))
    chosen_lead = make_article(headline="Chosen lead", published_at=hours_ago(4))
    pinned = make_article(headline="Pinned", published_at=hours_ago(5))
    make_lead(chosen_lead)
    pin(pinned)
    hidden(chosen_lead)
    hidden(pinned)

    page = client.get("/").text

    assert lead_headline(page) == "Newest"
    assert "Chosen lead" not in page
    assert "Pinned" not in page


def test_ended_and_future_pins_are_not_shown(client):
    make_article(headline="Newest")
    pin(make_article(headline="Ended"), starts_at=hours_ago(3), hours=2)
    pin(make_article(headline="Later"), starts_at=timezone.now() + timedelta(hours=1))

    assert pinned_headlines(client.get("/").text) == []


def test_cards_show_the_lead_image_rendition_lazily_with_its_size_and_alt_text(client, media_root, fresh_cache):
    make_article(headline="Lead story", published_at=hours_ago(1))
    pictured = make_article(
        headline="Pictured",
        lead_image=image_upload("photo.jpg"),
        lead_image_alt="Workers at the gate",
        published_at=hours_ago(2),
    )

    card = block(client.get("/").text, r'<section class="latest"[^>]*>(.*?)</section>')

    assert re.search(r'<source type="image/webp" srcset="/media/renditions/\S+\.webp 12w"', card)
    assert (
        f'<img src="/media/{pictured.lead_image.name}" width="12" height="8" alt="Workers at the gate" '
        'loading="lazy" decoding="async">'
    ) in card


def test_cards_without_an_image_show_none(client):
    make_article(headline="Lead story", published_at=hours_ago(1))
    make_article(headline="Words only", published_at=hours_ago(2))

    assert "<img" not in block(client.get("/").text, r'<section class="latest"[^>]*>(.*?)</section>')


@pytest.mark.parametrize("pins", [1, MAX_PINNED + 2])
def test_home_page_queries_do_not_grow_with_pinned_stories(client, django_assert_num_queries, pins):
    authors = [make_author(), make_author()]
    make_lead(make_article(authors=authors, section=make_section()))
    for number in range(pins):
        pin(make_article(authors=authors[: number % 2 + 1]), position=number)
        story = make_live_story(section=make_section())
        make_update(story)
        pin(story, position=number)
        make_ticker_item(live_story=story)

    with django_assert_num_queries(6):
        response = client.get("/")

    assert len(pinned_headlines(response.text)) + len(pinned_live_headlines(response.text)) == min(2 * pins, MAX_PINNED)
    assert len(pinned_live_headlines(response.text)) == min(pins, MAX_PINNED // 2)


# Live stories on the home page


def live_headlines_in(html, section_class):
    """The headlines of the live stories listed in the home page's section of ``section_class``."""
    found = re.search(rf'<section class="{section_class}"[^>]*>(.*?)</section>', html, re.DOTALL)
    return (
        re.findall(r'<h3 class="card-title"><a href="/live/[\w-]+/">([^<]+)</a></h3>', found.group(1)) if found else []
    )


def pinned_live_headlines(html):
    return live_headlines_in(html, "pinned")


def test_a_live_story_editors_chose_leads_as_live_with_its_latest_update_time(client):
    weather = make_section(name="Weather", slug="weather")
    make_article(headline="Newest article", published_at=hours_ago(0.5))
    story = make_live_story(
        headline="Storm hits the coast", slug="storm", summary="Winds of 120 km/h.", section=weather,
        starts_at=hours_ago(3),
    )  # fmt: skip
    make_update(story, posted_at=hours_ago(2))
    latest = make_update(story, posted_at=hours_ago(1))
    make_update(story, posted_at=hours_ago(0.2), deleted_at=timezone.now())  # removed: not the latest
    make_update(story, posted_at=timezone.now() + timedelta(hours=1))  # not yet
    make_lead(story)

    page = client.get("/").text

    lead = block(page, r'<article class="lead-story live-lead">(.*?)</article>')
    assert '<h2 class="lead-title"><a href="/live/storm/">Storm hits the coast</a></h2>' in lead
    assert '<p class="dek">Winds of 120 km/h.</p>' in lead
    assert '<p class="kicker"><a href="/sections/weather/">Weather</a></p>' in lead
    assert '<span class="live-label live">Live</span>' in lead
    assert f'<time datetime="{machine_time(latest.posted_at)}">{when(latest.posted_at)}</time>' in lead
    assert card_headlines(block(page, r'<section class="latest"[^>]*>(.*?)</section>')) == ["Newest article"]


def test_a_live_story_without_updates_shows_its_start(client):
    make_article(headline="Newest article")
    story = make_live_story(slug="storm", starts_at=hours_ago(1))
    make_lead(story)

    lead = block(client.get("/").text, r'<article class="lead-story live-lead">(.*?)</article>')

    assert f'Started <time datetime="{machine_time(story.starts_at)}">{when(story.starts_at)}</time>' in lead


def test_pinned_live_stories_take_their_place_among_the_pinned_articles(client):
    make_article(headline="Lead", published_at=hours_ago(1))
    pin(make_article(headline="Pinned article", published_at=hours_ago(3)), position=2)
    story = make_live_story(headline="Election night", slug="election")
    update = make_update(story, posted_at=hours_ago(0.1))
    pin(story, position=1)

    page = client.get("/").text

    pinned = block(page, r'<section class="pinned"[^>]*>(.*?)</section>')
    assert pinned.index("Election night") < pinned.index("Pinned article")
    assert pinned_live_headlines(page) == ["Election night"]
    card = block(pinned, r'<article class="card live-card">(.*?)</article>')
    assert '<span class="live-label live">Live</span>' in card
    assert when(update.posted_at) in card


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": "draft"},
        {"status": "ended"},
        {"starts_at": timezone.now() + timedelta(hours=1)},
        {"ends_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["draft", "ended", "scheduled", "past-its-coverage-end"],
)
@pytest.mark.parametrize("place", ["lead", "pin"])
def test_a_live_story_not_in_progress_never_shows_on_the_home_page(client, hidden, place):
    make_article(headline="Newest article")
    story = make_live_story(headline="Hidden storm", slug="hidden-storm")
    make_update(story, title="Hidden landfall")
    (make_lead if place == "lead" else pin)(story)
    LiveStory.objects.filter(pk=story.pk).update(
        **hidden, **({"ends_at": timezone.now()} if hidden.get("status") == "ended" else {})
    )

    page = client.get("/").text

    assert lead_headline(page) == "Newest article"
    assert "Hidden storm" not in page
    assert "/live/hidden-storm/" not in page


def live_now_headlines(html):
    return live_headlines_in(html, "live-stories")


def test_live_stories_in_progress_show_under_live_now_with_their_latest_update_time(client):
    weather = make_section(name="Weather", slug="weather")
    make_article(headline="Newest article", section=weather)
    make_article(headline="Older article", published_at=hours_ago(5))
    story = make_live_story(headline="Storm hits the coast", slug="storm", section=weather, starts_at=hours_ago(3))
    make_update(story, posted_at=hours_ago(2))
    latest = make_update(story, posted_at=hours_ago(1))
    make_update(story, posted_at=timezone.now() + timedelta(hours=1))  # not yet
    make_live_story(headline="Election night", starts_at=hours_ago(1), ends_at=timezone.now() + timedelta(hours=1))
    make_live_story(headline="Coverage over", starts_at=hours_ago(3), ends_at=hours_ago(1))
    make_live_story(headline="Ended story", status=LiveStory.Status.ENDED)
    make_live_story(headline="Draft story", status=LiveStory.Status.DRAFT)
    make_live_story(headline="Later story", starts_at=timezone.now() + timedelta(hours=1))

    page = client.get("/").text

    assert live_now_headlines(page) == ["Election night", "Storm hits the coast"]
    assert page.index('id="live-heading"') < page.index('id="latest-heading"')
    card = block(page, r'<article class="card live-card">((?:(?!</article>).)*Storm hits the coast.*?)</article>')
    assert '<span class="live-label live">Live</span>' in card
    assert f'<time datetime="{machine_time(latest.posted_at)}">{when(latest.posted_at)}</time>' in card
    assert '<p class="kicker"><a href="/sections/weather/">Weather</a></p>' in card
    for hidden in ["Coverage over", "Ended story", "Draft story", "Later story"]:
        assert hidden not in page


def test_a_live_story_editors_placed_shows_once_where_they_placed_it(client):
    make_article(headline="Newest article")
    lead = make_live_story(headline="Storm hits the coast", starts_at=hours_ago(3))
    pinned = make_live_story(headline="Election night", starts_at=hours_ago(2))
    make_live_story(headline="Strike talks", starts_at=hours_ago(1))
    make_lead(lead)
    pin(pinned)

    page = client.get("/").text

    assert lead_headline(page) == "Storm hits the coast"
    assert pinned_live_headlines(page) == ["Election night"]
    assert live_now_headlines(page) == ["Strike talks"]
    for headline in ["Storm hits the coast", "Election night", "Strike talks"]:
        assert page.count(headline) == 1, headline


def test_live_now_shows_the_newest_few_live_stories(client):
    make_article(headline="Newest article")
    stories = [make_live_story(headline=f"Live {number}", starts_at=hours_ago(number + 1)) for number in range(8)]

    assert live_now_headlines(client.get("/").text) == [story.headline for story in stories[:LIVE_NOW_SHOWN]]


def test_the_prepared_live_now_takes_each_call_s_time():
    now = timezone.now()
    story = make_live_story(starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=1))
    later = make_live_story(starts_at=now + timedelta(minutes=30))

    assert [found.pk for found in _live_now(at=now)] == [story.pk]
    assert [found.pk for found in _live_now(at=now + timedelta(minutes=45))] == [later.pk, story.pk]
    assert [found.pk for found in _live_now(at=now + timedelta(hours=1))] == [later.pk]


def test_the_home_page_last_modified_counts_a_live_lead_s_latest_update(client):
    make_article(headline="Newest article", published_at=hours_ago(5))
    story = make_live_story(starts_at=hours_ago(4))
    make_lead(story)
    update = make_update(story, posted_at=hours_ago(0.5))
    Article.objects.update(updated_at=hours_ago(5))
    LiveStory.objects.update(updated_at=hours_ago(4))

    response = client.get("/")

    assert parsedate_to_datetime(response["Last-Modified"]) == update.posted_at.replace(microsecond=0)


def test_the_prepared_choices_take_each_call_s_time_in_every_place():
    """The latest update's time is a subquery with its own "now": a prepared query that froze the
    first call's time there would show the wrong update, or a story not yet started."""
    now = timezone.now()
    story = make_live_story(starts_at=now - timedelta(hours=2))
    later = make_live_story(starts_at=now + timedelta(hours=2))
    make_update(story, posted_at=now - timedelta(hours=1))
    make_update(story, posted_at=now + timedelta(hours=3))
    pin(story, hours=10)
    pin(later, hours=10)
    pin(make_article(published_at=now + timedelta(hours=1)), hours=10)

    def shown(placements):
        return {(row.article_id, row.live_story_id): row.live_latest_update_at for row in placements}

    for at in [now, now + timedelta(hours=4), now + timedelta(hours=1)]:
        assert shown(_placements(at=at)) == shown(Placement.objects.current(at).annotate(
            live_latest_update_at=latest_update_at(at, through="live_story__")
        ))  # fmt: skip
    assert shown(_placements(at=now)) == {(None, story.pk): now - timedelta(hours=1)}
    assert shown(_placements(at=now + timedelta(hours=4))) == {
        (None, story.pk): now + timedelta(hours=3),
        (None, later.pk): None,
        (Article.objects.get().pk, None): None,
    }
