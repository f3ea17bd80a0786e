"""Nothing readers may not see reaches a public response: not a draft, an article in review, a
scheduled article before its time or an expired one; nor their authors, images, corrections or
ticker items. Every public URL is read whole, structured data and feeds included."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from breaking.tests.factories import make_ticker_item
from newsroom import cache
from newsroom.renditions import crops, rendition_url
from newsroom.tests.uploads import image_upload, jpeg_upload

from .factories import HIDDEN_STATES, make_article, make_author, make_correction, make_hidden_article, make_section

pytestmark = pytest.mark.django_db

# Each hidden article's word (in its headline, slug and image name), its own author and its own
# section, which has no public article.
HIDDEN = {
    "draft": ("Zanzibar", "Dora Quill", "Quarry Desk"),
    "in review": ("Yokohama", "Rhea Vance", "Lagoon Desk"),
    "scheduled": ("Xochimilco", "Sam Okafor", "Canal Desk"),
    "expired": ("Walvis", "Edda Lindqvist", "Dune Desk"),
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


def leaks(text, hidden):
    """What ``text`` shows of the ``hidden`` articles: headlines, slugs, deks, images,
    corrections, ticker items, authors and sections."""
    secrets = []
    for state, (word, author, section) in HIDDEN.items():
        secrets += [
            f"{word} talks collapse",
            f"{word.lower()}-talks-collapse",
            f"{word} harbour workers walk out",
            image_stem(hidden[state]),
            f"{word} correction: the tonnage was wrong.",
            f"{word} breaking flash",
        ]
        secrets += [author, slug_of(author), section, slug_of(section)]
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def newsroom(media_root, fresh_cache):
    """Two public articles by Ann Lee in Energy, and beside them the four hidden articles, each
    also by Ann Lee and by an author of its own, in a section of its own, with a lead image, a
    correction and a ticker item. The newer public article's imported links point at the draft
    and the scheduled one."""
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
    for state, (word, author, section) in HIDDEN.items():
        article = make_article(
            headline=f"{word} talks collapse",
            dek=f"{word} harbour workers walk out",
            section=make_section(name=section, slug=slug_of(section)),
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


WORDS = [word for word, _, _ in HIDDEN.values()]
AUTHORS = [slug_of(author) for _, author, _ in HIDDEN.values()]
SECTIONS = [slug_of(section) for _, _, section in HIDDEN.values()]
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
    *[(f"/archive/?section={section}", 200, []) for section in SECTIONS],
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
    # Authors and sections with no public article have no page and no feed.
    *[
        (f"/{kind}/{author}/{atom}", 404, [])
        for author in AUTHORS
        for kind, atom in [("authors", ""), ("feeds/authors", ""), ("feeds/authors", "atom/")]
    ],
    *[
        (f"/{kind}/{section}/{atom}", 404, [])
        for section in SECTIONS
        for kind, atom in [("sections", ""), ("feeds/sections", ""), ("feeds/sections", "atom/")]
    ],
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
    *[(f"/api/v1/articles/?section={section}", 200, []) for section in SECTIONS],
    *[(f"/api/v1/articles/by-slug/{word.lower()}-talks-collapse/", 404, []) for word in WORDS],
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


def test_the_author_and_section_of_hidden_articles_are_not_found_in_the_api(client, newsroom):
    for article in newsroom.values():
        own = article.bylines.exclude(author__name="Ann Lee").get().author
        assert client.get(f"/api/v1/authors/{own.pk}/").status_code == 404
        assert client.get(f"/api/v1/sections/{article.section_id}/").status_code == 404


def test_hidden_articles_reach_no_page_of_the_api_walked_to_its_end(client, newsroom):
    text, url = "", "/api/v1/articles/?limit=1"
    while url:
        response = client.get(url)
        text += response.content.decode()
        url = response.json()["next"]
    assert "Coal steady" in text
    assert leaks(text, newsroom) == []


PAGES_OF_AUTHOR_AND_SECTION = [
    "/authors/{author}/",
    "/feeds/authors/{author}/",
    "/feeds/authors/{author}/atom/",
    "/sections/{section}/",
    "/feeds/sections/{section}/",
    "/feeds/sections/{section}/atom/",
]
LISTS_NAMING_AUTHOR_AND_SECTION = ["/authors/", "/archive/", "/sitemap-authors.xml", "/sitemap-sections.xml"]


@pytest.mark.parametrize("url", PAGES_OF_AUTHOR_AND_SECTION)
def test_author_and_section_pages_come_and_go_with_their_only_article_in_the_page_cache(
    client, page_cache, django_capture_on_commit_callbacks, url
):
    author = make_author(name="Nell Ortiz")
    section = make_section(name="Tidal Desk", slug="tidal-desk")
    article = make_article(headline="Tides turn", authors=[author], section=section, status=Article.Status.DRAFT)
    url = url.format(author=author.slug, section=section.slug)
    lists = [*LISTS_NAMING_AUTHOR_AND_SECTION, "/api/v1/authors/", "/api/v1/sections/"]
    assert client.get(url).status_code == 404
    assert not any(leaks_one(client.get(page).content.decode()) for page in lists)

    with django_capture_on_commit_callbacks(execute=True):
        article.status, article.published_at = Article.Status.PUBLISHED, timezone.now() - timedelta(minutes=1)
        article.save()
    response = client.get(url)
    assert response.status_code == 200
    assert "Tides turn" in response.content.decode()
    assert client.get(url).status_code == 200  # now from the page cache
    for page in lists:
        assert ("nell-ortiz" if "section" not in page else "tidal-desk") in client.get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    response = client.get(url)
    assert response.status_code == 404
    assert leaks_one(response.content.decode()) == []
    for page in lists:
        assert leaks_one(client.get(page).content.decode()) == []


def leaks_one(text):
    return [name for name in ("Nell Ortiz", "nell-ortiz", "Tidal Desk", "tidal-desk") if name in text]


# Images: a hidden article's image and its renditions are not served at their address.


def rendition_paths(client, article):
    """The addresses of the article's image renditions, as its preview links to them (unsigned)."""
    from newsroom.renditions import responsive_image

    image = responsive_image(article.lead_image, article.lead_image_width, article.lead_image_height)
    return [entry.split()[0] for entry in image.webp_srcset.split(", ")]


@pytest.mark.parametrize("state", list(HIDDEN))
def test_a_hidden_article_s_image_and_renditions_are_not_served_at_their_address(client, newsroom, state):
    article = newsroom[state]
    for url in [article.lead_image.url, *rendition_paths(client, article)]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Cache-Control"] == "no-store"


def test_a_public_article_s_image_is_served_and_named_for_edge_caches(client, newsroom):
    story = Article.objects.get(slug="oil-falls")
    for url in [story.lead_image.url, *rendition_paths(client, story)]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=3600, s-maxage=0"
        assert response["Surrogate-Key"] == f"article:{story.pk}"
        assert response["Cache-Tag"] == f"article:{story.pk}"


def test_a_preview_shows_a_hidden_article_s_image_through_signed_addresses_that_expire(admin_client, newsroom):
    article = newsroom["draft"]
    page = admin_client.get(f"/admin/articles/article/{article.pk}/preview/").content.decode()
    addresses = {
        address.replace("&amp;", "&")
        for address in re.findall(r'(?:src|srcset)="([^" ]+)', page) + re.findall(r", ([^ ]+) \d+w", page)
        if image_stem(article) in address
    }
    assert addresses and all("?preview=" in address for address in addresses)

    anonymous = type(admin_client)()
    for address in addresses:
        response = anonymous.get(address)
        assert response.status_code == 200, address
        assert response["Cache-Control"] == "private, no-store"
        assert "Surrogate-Key" not in response
        assert anonymous.get(address.replace("?preview=", "?preview=x")).status_code == 404
        other = article.lead_image.url.replace(image_stem(article), image_stem(newsroom["in review"]))
        assert anonymous.get(other + address[address.index("?") :]).status_code == 404  # signed for one image

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert all(anonymous.get(address).status_code == 404 for address in addresses)


def test_an_image_no_public_article_shows_is_not_served(client, newsroom):
    # As a new lead image in the draft of changes to a live article: stored, named by no article.
    story = Article.objects.get(slug="oil-falls")
    pending = make_article(
        headline="Pending", status=Article.Status.DRAFT, lead_image=image_upload("photo.png"), lead_image_alt="New"
    )
    name = pending.lead_image.name
    Article.objects.filter(pk=pending.pk).delete()
    assert story.lead_image.name != name

    assert client.get(f"/media/{name}").status_code == 404


def test_an_image_is_served_once_its_article_is_public_and_not_after(
    client, newsroom, django_capture_on_commit_callbacks, monkeypatch
):
    purged = []
    monkeypatch.setattr(cache, "_write_purge", purged.append)
    article = newsroom["draft"]
    url = article.lead_image.url
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        article.status, article.published_at = Article.Status.PUBLISHED, timezone.now() - timedelta(minutes=1)
        article.save()
    assert client.get(url).status_code == 200

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert client.get(url).status_code == 404
    # The tag its public responses carry, which edge caches holding the image are sent.
    assert any(f"article:{article.pk}" in tags for tags in purged)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_hidden_article_s_crops_are_not_served_at_their_address(client, media_root, fresh_cache, state):
    # The shapes search engines and social sites show, made as the article's page makes them.
    article = make_hidden_article(state, lead_image=jpeg_upload("rig.jpg", width=1000, height=750), lead_image_alt="A")
    made = crops(article.lead_image, article.lead_image_width, article.lead_image_height)

    assert set(made) == {"16x9", "4x3", "1x1"}
    for crop in made.values():
        assert (media_root / crop.url.removeprefix("/media/")).is_file()
        response = client.get(crop.url)
        assert (response.status_code, response["Cache-Control"]) == (404, "no-store"), crop.url


@pytest.mark.parametrize(
    "spelling", ["./{name}", "renditions/../{name}", "authors/../{name}", "articles/./{tail}", "articles//{tail}"]
)
def test_a_hidden_article_s_image_is_not_served_at_another_spelling_of_its_address(client, newsroom, spelling):
    name = newsroom["draft"].lead_image.name
    address = "/media/" + spelling.format(name=name, tail=name.removeprefix("articles/"))

    assert client.get(address).status_code == 404


# Authors' photos: served only while the author is public (a byline on a public article).


def photo_addresses(author):
    """The photo's address and a rendition's, as pages would link to them."""
    rendition, _ = rendition_url(author.photo, 480)
    return [author.photo.url, rendition]


@pytest.mark.parametrize("state", [*HIDDEN_STATES, "no article"])
def test_the_photo_of_an_author_with_no_public_article_is_not_served(client, media_root, fresh_cache, state):
    author = make_author(name="Nell Ortiz", photo=jpeg_upload("nell.jpg", width=600, height=600))
    if state != "no article":
        make_hidden_article(state, authors=[author])
    make_article(authors=[make_author(name="Someone Else")])

    for url in photo_addresses(author):
        response = client.get(url)
        assert (response.status_code, response["Cache-Control"]) == (404, "no-store"), url


def test_an_author_s_photo_is_served_while_they_have_a_public_article_and_not_after(
    client, media_root, fresh_cache, django_capture_on_commit_callbacks, monkeypatch
):
    purged = []
    monkeypatch.setattr(cache, "_write_purge", purged.append)
    author = make_author(name="Nell Ortiz", photo=jpeg_upload("nell.jpg", width=600, height=600))
    article = make_article(authors=[author], status=Article.Status.DRAFT)
    urls = photo_addresses(author)
    assert [client.get(url).status_code for url in urls] == [404, 404]

    with django_capture_on_commit_callbacks(execute=True):
        article.status, article.published_at = Article.Status.PUBLISHED, timezone.now() - timedelta(minutes=1)
        article.save()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=3600, s-maxage=0"
        assert response["Surrogate-Key"] == response["Cache-Tag"] == f"list:author:{author.pk}"

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.authors.through.objects.filter(article=article).delete()  # the byline removed
    assert [client.get(url).status_code for url in urls] == [404, 404]
    # The tag its public responses carry, which edge caches holding the photo are sent.
    assert any(f"list:author:{author.pk}" in tags for tags in purged)


def test_an_author_s_photo_is_kept_no_longer_than_their_last_public_article(client, media_root, fresh_cache, settings):
    settings.EDGE_CACHE_SECONDS = 86_400
    now = timezone.now()
    author = make_author(photo=jpeg_upload("nell.jpg", width=600, height=600))
    for minutes in (10, 20):
        make_article(
            authors=[author], published_at=now - timedelta(hours=1), expires_at=now + timedelta(minutes=minutes)
        )
    make_hidden_article("expired", authors=[author])
    url = author.photo.url

    ages = re.fullmatch(r"public, max-age=(\d+), s-maxage=(\d+)", client.get(url)["Cache-Control"])
    left = (now + timedelta(minutes=20) - timezone.now()).total_seconds()
    assert all(left - 60 <= int(age) <= left for age in ages.groups())

    with time_machine.travel(now + timedelta(minutes=21)):
        response = client.get(url)
        assert (response.status_code, response["Cache-Control"]) == (404, "no-store")
        make_article(authors=[author])  # one that never expires
        assert client.get(url)["Cache-Control"] == "public, max-age=3600, s-maxage=86400"
