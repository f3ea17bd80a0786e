"""Article cards and the article itself are kept by what they show: a change to any of it shows at
once. Cards show the lead image's renditions, lazily below a list's first row."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, Section
from authors.models import Author
from newsroom.tests.uploads import image_upload

from .factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db


def card(page):
    [found] = re.findall(r'<article class="card">.*?</article>', page, re.DOTALL)
    return found


@pytest.fixture
def shown(client):
    """The card of one article on its section page, rendered once so that it is kept."""
    article = make_article(
        headline="Oil slides", authors=[make_author(name="Ann Lee")], section=make_section(slug="energy")
    )
    client.get("/sections/energy/")
    return article


def test_a_kept_card_is_served_again_without_rendering(client, shown, monkeypatch):
    before = card(client.get("/sections/energy/").text)
    monkeypatch.setattr("newsroom.fragments.render_to_string", lambda *args, **kwargs: pytest.fail("rendered again"))

    assert card(client.get("/sections/energy/").text) == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Written with update(), as a bulk change or another process would: nothing is purged.
        (lambda article: Article.objects.filter(pk=article.pk).update(headline="Oil rallies"), "Oil rallies"),
        (lambda article: Article.objects.filter(pk=article.pk).update(dek="A new summary."), "A new summary."),
        (lambda article: Author.objects.update(name="Ann Lee-Smith"), "Ann Lee-Smith"),
        (lambda article: Section.objects.update(name="Power"), ">Power</a>"),
    ],
    ids=["headline", "summary", "author name", "section name"],
)
def test_a_card_shows_each_change_to_what_it_shows_at_once(client, shown, change, expected):
    change(shown)

    assert expected in card(client.get("/sections/energy/").text)


@override_settings(TIME_ZONE="Asia/Tokyo")
def test_a_card_shows_its_time_in_the_zone_of_the_page(client, shown):
    """A card kept for one time zone is not served for another."""
    tokyo = shown.published_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")

    assert tokyo in card(client.get("/sections/energy/").text)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda article: Article.objects.filter(pk=article.pk).update(body="<p>A new body.</p>"), "A new body."),
        (lambda article: Author.objects.update(bio="Ann covers gas now."), "Ann covers gas now."),
        (lambda article: Section.objects.update(name="Power"), ">Power</a>"),
        (lambda article: make_correction(article, text="The price was wrong."), "The price was wrong."),
    ],
    ids=["body", "author bio", "section name", "new correction"],
)
def test_an_article_page_shows_each_change_to_what_it_shows_at_once(client, shown, change, expected):
    client.get(shown.get_absolute_url())

    change(shown)

    assert expected in client.get(shown.get_absolute_url()).text


def test_a_list_loads_the_images_of_its_first_row_at_once_and_the_others_lazily(client, media_root, fresh_cache):
    energy = make_section(slug="energy")
    for number in range(4):
        make_article(
            headline=f"Pictured {number}",
            section=energy,
            lead_image=image_upload("photo.jpg"),
            lead_image_alt=f"Photo {number}",
            published_at=timezone.now() - timedelta(hours=number + 1),
        )

    images = re.findall(r"<img [^>]*>", client.get("/sections/energy/").text)

    assert ['loading="lazy"' in image for image in images] == [False, False, True, True]
    assert all(re.search(r'width="12" height="8" alt="Photo \d"', image) for image in images)
