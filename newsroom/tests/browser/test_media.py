"""Images in a private bucket as Chromium gets them: a public article's page shows its image and
renditions from the site's own address, within the Content Security Policy; a draft's image is
not there for a reader, and is in the editor's preview."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import make_article, make_user
from newsroom.tests.uploads import jpeg_upload

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOADED_IMAGES = """
() => Array.from(document.images).map((image) => [image.currentSrc, image.complete && image.naturalWidth > 0])
"""


def shown_images(page):
    """(address, loaded) of every image in the page, once each has loaded or failed."""
    page.wait_for_load_state("load")
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()  # lazy ones too
    page.wait_for_function("Array.from(document.images).every((image) => image.complete)")
    return page.evaluate(LOADED_IMAGES)


def test_pages_show_images_from_the_private_bucket_through_the_site_and_a_draft_s_only_in_preview(
    new_page, live_server, bucket
):
    public = make_article(
        headline="Oil falls", lead_image=jpeg_upload("rig.jpg", width=1000, height=750), lead_image_alt="A rig"
    )
    draft = make_article(
        headline="Talks collapse",
        status=Article.Status.DRAFT,
        lead_image=jpeg_upload("cranes.jpg", width=1000, height=750),
        lead_image_alt="Cranes",
    )
    reader = new_page()
    console = []
    reader.on("console", lambda message: console.append(message.text))

    reader.goto(public.get_absolute_url())
    images = shown_images(reader)

    assert images == [[images[0][0], True]]
    assert images[0][0].startswith(f"{live_server.url}/media/renditions/articles/")  # the WebP rendition
    assert [text for text in console if "Content Security Policy" in text] == []
    draft_image = f"{live_server.url}{draft.lead_image.url}"
    assert reader.goto(draft_image).status == 404
    assert bucket.anonymous_status(draft.lead_image.name) == 403

    editor = new_page()
    log_in(editor, make_user("Editor"))
    editor.goto(reverse("admin:articles_article_preview", args=[draft.pk]))
    [(address, loaded)] = shown_images(editor)
    assert loaded and "/media/renditions/articles/" in address and "preview=" in address
