"""WebP renditions of lead images, made on first use in the media storage; an image they cannot
be made of leaves pages without it."""

import json
import logging
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.tests.factories import make_article, make_author, make_section, make_user
from newsroom import renditions
from newsroom.renditions import crops, responsive_image
from newsroom.tests.uploads import UNRENDERABLE_IMAGES, jpeg_upload, unrenderable_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def picture_of(client, article):
    """(WebP srcset as [(path, width)], <img> attributes) of the article page's lead image."""
    page = client.get(article.get_absolute_url()).text
    srcset = re.search(r'<source type="image/webp" srcset="([^"]+)"', page).group(1)
    img = dict(re.findall(r'(\w+)="([^"]*)"', re.search(r"<img [^>]+>", page).group()))
    return [(path, int(width)) for path, width in re.findall(r"(\S+) (\d+)w", srcset)], img


def stored(media_root, url):
    return media_root / url.removeprefix("/media/")


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((1600, 1200), [480, 800, 1200, 1600]),
        ((1000, 750), [480, 800, 1000]),
        ((800, 600), [480, 800]),
        ((300, 200), [300]),
    ],
)
def test_lead_image_gets_webp_renditions_below_its_width_and_at_it(client, media_root, size, widths):
    width, height = size
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=width, height=height), lead_image_alt="A rig")

    srcset, img = picture_of(client, article)

    assert [descriptor for _, descriptor in srcset] == widths
    for url, descriptor in srcset:
        assert url.startswith("/media/renditions/") and url.endswith(f"-{descriptor}.webp")
        with Image.open(stored(media_root, url)) as rendition:
            assert rendition.format == "WEBP"
            assert rendition.size == (descriptor, round(height * descriptor / width))
    assert (img["src"], img["width"], img["height"]) == (f"/media/{article.lead_image.name}", str(width), str(height))


def test_photo_taken_on_its_side_is_measured_and_scaled_the_way_it_is_shown(client, media_root):
    # Stored 1000 × 750 with the camera's "turn 90°" tag: readers see it 750 wide and 1000 high.
    article = make_article(
        lead_image=jpeg_upload("portrait.jpg", width=1000, height=750, orientation=6), lead_image_alt="A portrait"
    )

    srcset, img = picture_of(client, article)

    assert (img["width"], img["height"]) == ("750", "1000")
    assert [descriptor for _, descriptor in srcset] == [480, 750]
    for url, descriptor in srcset:
        with Image.open(stored(media_root, url)) as rendition:
            assert rendition.size == (descriptor, round(1000 * descriptor / 750))


def test_renditions_are_made_once(client, media_root, fresh_cache, monkeypatch):
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=1000, height=750), lead_image_alt="A rig")
    srcset, _ = picture_of(client, article)
    written = {url: stored(media_root, url).stat().st_mtime_ns for url, _ in srcset}
    saves = []
    monkeypatch.setattr(default_storage, "save", lambda *args, **kwargs: saves.append(args))

    assert picture_of(client, article)[0] == srcset
    fresh_cache.clear()  # even when the cache forgets that they were made, storage still has them
    assert picture_of(client, article)[0] == srcset

    assert saves == []
    assert {url: stored(media_root, url).stat().st_mtime_ns for url, _ in srcset} == written


def test_each_image_has_renditions_of_its_own(client, media_root):
    first = make_article(lead_image=jpeg_upload("rig.jpg", width=600, height=400), lead_image_alt="A rig")
    second = make_article(lead_image=jpeg_upload("rig.jpg", width=600, height=400), lead_image_alt="Another rig")

    first_urls = {url for url, _ in picture_of(client, first)[0]}
    second_urls = {url for url, _ in picture_of(client, second)[0]}

    assert first.lead_image.name != second.lead_image.name
    assert first_urls.isdisjoint(second_urls)


# Crops for search engines and social sites


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1600, 1000), {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1000, 1000)}),
        ((600, 1000), {"16x9": (600, 338), "4x3": (600, 450), "1x1": (600, 600)}),
        # 250 × 141 and 250 × 188 are under 50,000 pixels; 250 × 250 is not.
        ((250, 400), {"1x1": (250, 250)}),
        ((120, 80), {}),
    ],
)
def test_crops_are_jpegs_cut_from_the_middle_in_each_shape_big_enough(media_root, size, expected):
    width, height = size
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=width, height=height), lead_image_alt="A rig")

    made = crops(article.lead_image, width, height)

    assert {shape: (crop.width, crop.height) for shape, crop in made.items()} == expected
    for shape, crop in made.items():
        assert crop.url.startswith("/media/renditions/") and crop.url.endswith(f"-{shape}-{crop.width}.jpg")
        with Image.open(stored(media_root, crop.url)) as image:
            assert (image.format, image.size) == ("JPEG", (crop.width, crop.height))


def test_crops_decode_the_image_once_and_are_made_once(media_root, fresh_cache, monkeypatch):
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=1600, height=1000), lead_image_alt="A rig")
    opened = []
    open_image = renditions._opened
    monkeypatch.setattr(renditions, "_opened", lambda field: opened.append(field.name) or open_image(field))

    first = crops(article.lead_image, 1600, 1000)
    fresh_cache.clear()  # storage still has them
    again = crops(article.lead_image, 1600, 1000)

    assert opened == [article.lead_image.name]
    assert again == first


def test_an_image_crops_cannot_be_made_of_has_none(media_root, caplog):
    article = make_article(lead_image=unrenderable_upload("truncated.jpg"), lead_image_alt="A rig")

    assert crops(article.lead_image, 1600, 1000) == {}
    assert crops(article.lead_image, 1600, 1000) == {}
    assert len(failures_logged(caplog)) == 1


def test_no_image_or_an_unmeasured_one_has_no_renditions():
    assert responsive_image(make_article().lead_image, None, None) is None


# Images that cannot be shown


def every_page_showing(article):
    """(client, URL) of every page that shows ``article`` or links to it: the home page, its
    page, the editors' preview and the feeds it is in."""
    reader, editor = Client(), Client()
    editor.force_login(make_user("Editor"))
    section, author = {"slug": article.section.slug}, {"slug": article.bylines.get().author.slug}
    return [
        (reader, reverse("home")),
        (reader, article.get_absolute_url()),
        (editor, reverse("admin:articles_article_preview", args=[article.pk])),
        (reader, reverse("articles:feed-latest")),
        (reader, reverse("articles:feed-latest-atom")),
        (reader, reverse("articles:feed-section", kwargs=section)),
        (reader, reverse("articles:feed-author-atom", kwargs=author)),
    ]


def structured_data(page):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))


def failures_logged(caplog):
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize("name", [name for name, _ in UNRENDERABLE_IMAGES])
def test_pages_leave_out_an_image_stored_unchecked_and_log_it_once(client, media_root, caplog, name):
    # Stored without validation, as uploads were before it refused such files.
    article = make_article(
        headline="Pictured badly",
        section=make_section(),
        authors=[make_author()],
        lead_image=unrenderable_upload(name),
        lead_image_alt="A picture",
    )
    stored_as = Path(article.lead_image.name).stem

    for _ in range(3):
        for visitor, url in every_page_showing(article):
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert "Pictured badly" in response.text, url
            assert stored_as not in response.text, url

    page = client.get(article.get_absolute_url()).text
    assert "<picture>" not in page
    assert '<meta property="og:image" content="http://testserver/static/brand/card-16x9.png">' in page
    data = structured_data(page)
    assert data["headline"] == "Pictured badly"
    assert data["image"][0] == "http://testserver/static/brand/card-16x9.png"
    [failure] = failures_logged(caplog)
    assert failure.name == "newsroom.renditions"
    assert article.lead_image.name in failure.getMessage()
    assert failure.exc_info
    assert not (media_root / "renditions").exists()


def test_a_lead_image_gone_from_storage_leaves_the_page_without_it(client, media_root, caplog):
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=600, height=400), lead_image_alt="A rig")
    (media_root / article.lead_image.name).unlink()

    pages = [client.get(article.get_absolute_url()) for _ in range(3)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert all("<picture>" not in page.text for page in pages)
    assert len(failures_logged(caplog)) == 1


def test_an_image_is_tried_again_once_the_cache_forgets_its_failure(client, media_root, fresh_cache, caplog):
    article = make_article(lead_image=jpeg_upload("rig.jpg", width=600, height=400), lead_image_alt="A rig")
    stored = media_root / article.lead_image.name
    photo = stored.read_bytes()
    stored.unlink()
    assert "<picture>" not in client.get(article.get_absolute_url()).text

    stored.write_bytes(photo)
    assert "<picture>" not in client.get(article.get_absolute_url()).text
    fresh_cache.clear()

    assert "<picture>" in client.get(article.get_absolute_url()).text
    assert len(failures_logged(caplog)) == 1
