"""Nothing readers may not see reaches a public response: not a draft, an article in review, a
scheduled article before its time or an expired one; nor their authors, images, corrections or
ticker items. Every public URL is read whole, structured data and feeds included."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article
from breaking.tests.factories import make_ticker_item
from newsroom.tests.uploads import image_upload

from .factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db

# Each hidden article's word (in its headline, slug and image name) and its own author.
HIDDEN = {
    "draft": ("Zanzibar", "Dora Quill"),
    "in review": ("Yokohama", "Rhea Vance"),
    "scheduled": ("Xochimilco", "Sam Okafor"),
    "expired": ("Walvis", "Edda Lindqvist"),
}


def hidden_state(state):
    now = timezone.now()
    return {
        "draft": {"status": Article.Status.DRAFT},
        "in review": {"status": Article.Status.REVIEW},
        "scheduled": {"published_at": now + timedelta(days=1)},
        "expired": {"published_at": now - timedelta(days=2), "expires_at": now - timedelta(days=1)},
    }[state]


def slug_of(name):
    return name.lower().replace(" ", "-")


def image_stem(article):
    """The random part of a lead image's stored name, which its renditions' names carry too."""
    return Path(article.lead_image.name).stem


def leaks(text, hidden, *, own_author=None):
    """What ``text`` shows of the ``hidden`` articles: headlines, slugs, deks, images,
    corrections, ticker items and authors (but ``own_author``, on their own page)."""
    secrets = []
    for state, (word, author) in HIDDEN.items():
        secrets += [
            f"{word} talks collapse",
            f"{word.lower()}-talks-collapse",
            f"{word} harbour workers walk out",
            image_stem(hidden[state]),
            f"{word} correction: the tonnage was wrong.",
            f"{word} breaking flash",
        ]
        if author != own_author:
            secrets += [author, slug_of(author)]
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def newsroom(media_root, fresh_cache):
    """Two public articles by Ann Lee in Energy, and beside them the four hidden articles, each
    also by Ann Lee and by an author of its own, with a lead image, a correction and a ticker
    item. The newer public article's imported links point at the draft and the scheduled one."""
    energy = make_section(name="Energy", slug="energy")
    ann = make_author(name="Ann Lee", bio="Ann covers oil.")
    make_article(
        headline="Coal steady", section=energy, authors=[ann], published_at=timezone.now() - timedelta(hours=5)
    )
    story = make_article(
        headline="Oil falls",
        section=energy,
        authors=[ann],
        lead_image=image_upload("photo.jpg"),
        lead_image_alt="A rig",
        published_at=timezone.now() - timedelta(hours=3),
    )
    make_correction(story, text="Public correction.")
    make_ticker_item(text="Public flash", article=story)
    hidden = {}
    for state, (word, author) in HIDDEN.items():
        article = make_article(
            headline=f"{word} talks collapse",
            dek=f"{word} harbour workers walk out",
            section=energy,
            authors=[ann, make_author(name=author)],
            lead_image=image_upload("photo.jpg"),
            lead_image_alt="Cranes",
            **hidden_state(state),
        )
        make_correction(article, text=f"{word} correction: the tonnage was wrong.")
        make_ticker_item(text=f"{word} breaking flash", article=article)
        hidden[state] = article
    story.previous_article, story.next_article = hidden["draft"], hidden["scheduled"]
    story.save()
    return hidden


WORDS = [word for word, _ in HIDDEN.values()]
AUTHORS = [slug_of(author) for _, author in HIDDEN.values()]
EVERYTHING = "published_after=2000-01-01&published_before=2100-01-01"

# (URL, status, what it must show: proof that the page lists what readers may see). PUBLIC_IMAGE
# stands for the public article's lead image.
PUBLIC_IMAGE = object()
PUBLIC_PAGES = [
    ("/", 200, ["Oil falls", PUBLIC_IMAGE, "Public flash"]),
    ("/articles/oil-falls/", 200, ["Oil falls", PUBLIC_IMAGE, "Public correction.", "Coal steady", "NewsArticle"]),
    ("/sections/energy/", 200, ["Oil falls"]),
    ("/authors/", 200, ["Ann Lee"]),
    ("/authors/ann-lee/", 200, ["Oil falls"]),
    ("/archive/", 200, ["Oil falls", 'value="ann-lee"']),
    (f"/archive/?section=energy&author=ann-lee&{EVERYTHING}", 200, ["Oil falls"]),
    *[(f"/archive/?q={word}", 200, []) for word in WORDS],
    *[(f"/archive/?author={author}", 200, []) for author in AUTHORS],
    ("/search/?q=oil", 200, ["/articles/oil-falls/"]),
    *[(f"/search/?q={word}", 200, []) for word in WORDS],
    ("/feeds/latest/", 200, ["Oil falls"]),
    ("/feeds/latest/atom/", 200, ["Oil falls"]),
    ("/feeds/sections/energy/", 200, ["Oil falls"]),
    ("/feeds/sections/energy/atom/", 200, ["Oil falls"]),
    ("/feeds/authors/ann-lee/", 200, ["Oil falls"]),
    ("/feeds/authors/ann-lee/atom/", 200, ["Oil falls"]),
    ("/sitemap.xml", 200, ["/sitemap-articles.xml", "/sitemap-sections.xml", "/sitemap-authors.xml"]),
    ("/sitemap-news.xml", 200, ["/articles/oil-falls/"]),
    ("/ticker.json", 200, ["Public flash"]),
    ("/corrections/", 200, ["Public correction."]),
    *[(f"/articles/{word.lower()}-talks-collapse/", 404, []) for word in WORDS],
    # The read API (api/).
    ("/api/v1/articles/", 200, ["Oil falls", PUBLIC_IMAGE, "Public correction.", "Coal steady"]),
    (f"/api/v1/articles/?section=energy&author=ann-lee&{EVERYTHING}", 200, ["Oil falls"]),
    ("/api/v1/articles/?updated_since=2000-01-01T00:00:00Z", 200, ["Oil falls"]),
    ("/api/v1/articles/by-slug/oil-falls/", 200, ["Oil falls", PUBLIC_IMAGE, "Public correction."]),
    ("/api/v1/authors/", 200, ["Ann Lee"]),
    ("/api/v1/sections/", 200, ["Energy"]),
    ("/api/v1/corrections/", 200, ["Public correction."]),
    ("/api/v1/ticker/", 200, ["Public flash"]),
    *[(f"/api/v1/articles/?author={author}", 200, []) for author in AUTHORS],
    *[(f"/api/v1/articles/by-slug/{word.lower()}-talks-collapse/", 404, []) for word in WORDS],
]
# An author with no public article has a page and feeds, which show their name and nothing else.
OWN_PAGES = [
    (f"/{kind}/{author}/{atom}", name)
    for (_, name), author in zip(HIDDEN.values(), AUTHORS, strict=True)
    for kind, atom in [("authors", ""), ("feeds/authors", ""), ("feeds/authors", "atom/")]
]


@pytest.mark.parametrize(("url", "status", "shown"), PUBLIC_PAGES, ids=[url for url, _, _ in PUBLIC_PAGES])
def test_hidden_articles_reach_no_public_page(client, newsroom, url, status, shown):
    response = client.get(url)

    assert response.status_code == status
    text = response.content.decode()
    for proof in shown:
        assert (image_stem(Article.objects.get(slug="oil-falls")) if proof is PUBLIC_IMAGE else proof) in text
    assert leaks(text, newsroom) == []


def test_hidden_articles_reach_no_part_of_the_sitemap(client, newsroom):
    index = client.get("/sitemap.xml").content.decode()
    parts = [client.get(part) for part in re.findall(r"<loc>http://testserver(/sitemap-[^<]+)</loc>", index)]

    assert [part.status_code for part in parts] == [200] * len(parts)
    text = "".join(part.content.decode() for part in parts)
    assert "/articles/oil-falls/" in text
    assert "/authors/ann-lee/" in text
    assert leaks(text, newsroom) == []


@pytest.mark.parametrize(("url", "name"), OWN_PAGES, ids=[url for url, _ in OWN_PAGES])
def test_an_author_of_hidden_articles_only_has_their_name_shown(client, newsroom, url, name):
    response = client.get(url)

    assert response.status_code == 200
    text = response.content.decode()
    assert name in text
    assert leaks(text, newsroom, own_author=name) == []


@pytest.mark.parametrize(
    "address",
    ["/api/v1/articles/{pk}/", "/api/v1/articles/{pk}.ninjs", "/api/v1/articles/{pk}/?body=text"],
)
def test_hidden_articles_are_not_found_in_the_api_by_id(client, newsroom, address):
    for article in newsroom.values():
        for accept in ("application/json", "application/ninjs+json"):
            response = client.get(address.format(pk=article.pk), headers={"Accept": accept})
            assert response.status_code == 404
            assert leaks(response.content.decode(), newsroom) == []


def test_an_author_of_hidden_articles_is_not_found_in_the_api(client, newsroom):
    for article in newsroom.values():
        own = article.bylines.exclude(author__name="Ann Lee").get().author
        assert client.get(f"/api/v1/authors/{own.pk}/").status_code == 404


def test_hidden_articles_reach_no_page_of_the_api_walked_to_its_end(client, newsroom):
    text, url = "", "/api/v1/articles/?limit=1"
    while url:
        response = client.get(url)
        text += response.content.decode()
        url = response.json()["next"]
    assert "Coal steady" in text
    assert leaks(text, newsroom) == []
