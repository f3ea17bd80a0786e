"""The page cache (newsroom/cache.py), with the real cache backend: this process's memory, or
Redis when REDIS_URL is set. Writes run their on-commit callbacks as they would in production,
where the cache is invalidated once the transaction commits."""

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_article, make_author, make_correction, make_section, make_user
from authors.models import Author
from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item
from newsroom.cache import PAGE_KEY, STAFF_COOKIE
from newsroom.models import PagePurge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def queries_for(client, url, **extra):
    """The response to GET ``url`` and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def assert_cached(client, url):
    """GET ``url`` twice: the second answer comes from the cache, with no query."""
    first = client.get(url)
    assert first.status_code == 200
    again, queries = queries_for(client, url)
    assert queries == 0
    assert again.content == first.content
    return first


@pytest.fixture
def scene():
    """A public story in a section by an author with a bio, and a draft beside it."""
    energy = make_section(name="Energy", slug="energy", description="Oil and gas.")
    ann = make_author(name="Ann Lee", bio="Ann covers oil.")
    story = make_article(headline="Oil falls", section=energy, authors=[ann], published_at=hours_ago(2))
    draft = make_article(headline="Gas rises", section=energy, authors=[ann], status=Article.Status.DRAFT)
    return SimpleNamespace(section=energy, author=ann, story=story, draft=draft)


@pytest.fixture
def editor():
    """An editor signed in who has opened the admin, which gives them the staff cookie."""
    client = Client()
    client.force_login(make_user("Editor"))
    client.get("/admin/")
    return client


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# Serving from the cache


PUBLIC_URLS = [
    "/",
    "/articles/oil-falls/",
    "/sections/energy/",
    "/archive/",
    "/archive/?q=oil&section=energy",
    "/authors/",
    "/authors/ann-lee/",
    "/ticker.json",
    "/corrections/",
    "/feeds/latest/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_second_anonymous_get_is_served_from_the_cache_without_queries(client, scene, url):
    first = client.get(url)
    again, queries = queries_for(client, url)

    assert queries == 0
    assert again.status_code == 200
    assert again.content == first.content
    for header in ["Content-Type", "ETag", "Cache-Control"]:
        assert again[header] == first[header]


def test_cached_pages_ask_browsers_to_revalidate_with_the_etag_and_cdns_to_hold_them_for_errors(client, scene):
    response = client.get("/")
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=0", "stale-if-error=86400"}
    assert response["ETag"]


def test_each_query_string_is_a_page_of_its_own(client, scene):
    make_article(headline="Coal slumps", section=scene.section)
    assert_cached(client, "/archive/?q=oil")

    assert "Coal slumps" in client.get("/archive/?q=coal").text
    assert "Coal slumps" not in client.get("/archive/?q=oil").text


def test_conditional_get_with_the_etag_answers_304_from_the_cache(client, scene):
    etag = client.get("/articles/oil-falls/")["ETag"]

    response, queries = queries_for(client, "/articles/oil-falls/", headers={"if-none-match": etag})

    assert response.status_code == 304
    assert queries == 0
    assert response.content == b""


def test_a_changed_page_answers_its_old_etag_with_the_new_page(client, scene, django_capture_on_commit_callbacks):
    etag = client.get("/articles/oil-falls/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        make_correction(scene.story, text="The refinery is in Baytown.")

    response = client.get("/articles/oil-falls/", headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "The refinery is in Baytown." in response.text


def test_a_ticker_change_gives_a_cached_page_a_new_etag(client, scene, django_capture_on_commit_callbacks):
    # The page is served joined to its blocks as they are now: its bytes and ETag are worked out
    # once for each state of the blocks, never kept from an older one.
    etag = client.get("/articles/oil-falls/")["ETag"]
    assert client.get("/articles/oil-falls/", headers={"if-none-match": etag}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        make_ticker_item(text="Polls close")

    response, queries = queries_for(client, "/articles/oil-falls/", headers={"if-none-match": etag})

    assert response.status_code == 200
    assert "Polls close" in response.text
    assert response["ETag"] != etag
    assert queries == 1  # the bar's, not the page's: the page stayed cached
    assert client.get("/articles/oil-falls/", headers={"if-none-match": response["ETag"]}).status_code == 304


def test_what_serving_worked_out_stays_in_the_process(client, scene, page_cache):
    from newsroom import cache

    client.get("/articles/oil-falls/")
    client.get("/articles/oil-falls/")
    served = [entry for entry in cache.local_pages.values.values() if "served" in entry.__dict__]
    assert served, "the joined page was not kept beside its parts"
    shared = page_cache.get(next(key for key, entry in cache.local_pages.values.items() if entry in served))
    assert "served" not in shared.__dict__
    assert shared.parts == served[0].parts


# Invalidation: whatever a page shows, changed from anywhere


def publish_draft(scene):
    scene.draft.status = Article.Status.PUBLISHED
    scene.draft.save()


def edit_headline(scene):
    scene.story.headline = "Oil falls again"
    scene.story.save()


def unpublish(scene):
    scene.story.status = Article.Status.DRAFT
    scene.story.save()


def add_correction(scene):
    make_correction(scene.story, text="The refinery is in Baytown.")


def add_ticker_item(scene):
    make_ticker_item(text="Strike ends", article=scene.story)


def edit_bio(scene):
    scene.author.bio = "Ann now covers gas."
    scene.author.save()


def rename_author(scene):
    scene.author.name = "Ann Lee-Smith"
    scene.author.save()


def rename_section(scene):
    scene.section.name = "Power"
    scene.section.save()


def delete_story(scene):
    scene.story.delete()


@pytest.mark.parametrize(
    ("url", "change", "shown", "gone"),
    [
        ("/", publish_draft, "Gas rises", None),
        ("/articles/gas-rises/", publish_draft, "Gas rises", None),
        ("/articles/oil-falls/", edit_headline, "Oil falls again", None),
        ("/archive/", unpublish, None, "Oil falls"),
        ("/articles/oil-falls/", add_correction, "The refinery is in Baytown.", None),
        ("/corrections/", add_correction, "The refinery is in Baytown.", None),
        ("/", add_ticker_item, "Strike ends", None),
        ("/ticker.json", add_ticker_item, "Strike ends", None),
        ("/articles/oil-falls/", edit_bio, "Ann now covers gas.", None),
        ("/authors/", rename_author, "Ann Lee-Smith", None),
        ("/", rename_section, ">Power<", None),
        ("/sections/energy/", rename_section, "<h1>Power</h1>", None),
        ("/", delete_story, None, "Oil falls"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_any_change_through_the_orm_invalidates_cached_pages(
    client, scene, django_capture_on_commit_callbacks, url, change, shown, gone
):
    before = client.get(url)
    if before.status_code == 200:
        assert_cached(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        change(scene)

    page = client.get(url).text
    if shown:
        assert shown in page
    if gone:
        assert gone not in page


def test_publishing_an_article_that_has_corrections_refreshes_the_corrections_log(
    client, scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_correction(scene.draft, text="The pipeline is in Texas.")
    assert "The pipeline is in Texas." not in assert_cached(client, "/corrections/").text

    with django_capture_on_commit_callbacks(execute=True):
        publish_draft(scene)

    assert "The pipeline is in Texas." in client.get("/corrections/").text


def test_invalidation_works_while_the_clock_stands_still(client, clock, django_capture_on_commit_callbacks):
    story = make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    assert_cached(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        story.headline = "Oil falls again"
        story.save()

    assert "Oil falls again" in client.get("/").text


def admin_save(client, url, **changes):
    response = client.post(url, {**form_data(client.get(url)), **changes})
    assert response.status_code == 302, response.context and response.context.get("errors")


def admin_edit_headline(editor, scene):
    admin_save(
        editor,
        reverse("admin:articles_article_change", args=[scene.story.pk]),
        headline="Oil falls again",
        _publish="Publish changes",
    )


def admin_add_correction(editor, scene):
    now = timezone.localtime()
    admin_save(
        editor,
        reverse("admin:articles_article_change", args=[scene.story.pk]),
        _publish="Publish changes",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "The refinery is in Baytown.",
            "corrections-0-published_at_0": now.date().isoformat(),
            "corrections-0-published_at_1": now.strftime("%H:%M:%S"),
        },
    )


def admin_publish(editor, scene):
    response = editor.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [scene.draft.pk]},
    )
    assert response.status_code == 302
    assert Article.objects.published().filter(pk=scene.draft.pk).exists()


def admin_add_ticker_item(editor, scene):
    admin_save(editor, reverse("admin:breaking_tickeritem_add"), text="Strike ends")


def admin_edit_bio(editor, scene):
    admin_save(editor, reverse("admin:authors_author_change", args=[scene.author.pk]), bio="Ann now covers gas.")


def admin_rename_section(editor, scene):
    admin_save(editor, reverse("admin:articles_section_change", args=[scene.section.pk]), name="Power")


@pytest.mark.parametrize(
    ("url", "change", "shown"),
    [
        ("/articles/oil-falls/", admin_edit_headline, "Oil falls again"),
        ("/articles/oil-falls/", admin_add_correction, "The refinery is in Baytown."),
        ("/", admin_publish, "Gas rises"),
        ("/", admin_add_ticker_item, "Strike ends"),
        ("/articles/oil-falls/", admin_edit_bio, "Ann now covers gas."),
        ("/", admin_rename_section, ">Power<"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_any_change_through_the_admin_invalidates_cached_pages(
    client, editor, scene, django_capture_on_commit_callbacks, url, change, shown
):
    assert_cached(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        change(editor, scene)

    assert shown in client.get(url).text


SEED_PAGE = """Breaking News:

Refinery workers vote to return

Refinery Strike Ends After Three Weeks

Workers at the Baytown refinery voted on Sunday to accept the new pay offer.

By Bo Chan

More Top Reads From Oilprice.com

Back to homepage

Bo Chan

Bo Chan covers refineries from Houston. More
"""


def test_importing_seeds_invalidates_cached_pages(client, scene, tmp_path, django_capture_on_commit_callbacks):
    bo = make_author(name="Bo Chan")
    make_article(headline="Coal slumps", authors=[bo])
    assert_cached(client, "/")
    assert_cached(client, "/articles/coal-slumps/")
    (tmp_path / "strike.txt").write_text(SEED_PAGE)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_seeds", tmp_path / "strike.txt", verbosity=0)

    home = client.get("/").text
    assert "Refinery Strike Ends After Three Weeks" in home
    assert "Refinery workers vote to return" in home
    # The importer fills an empty bio with an UPDATE, which sends no signal.
    assert "Bo Chan covers refineries from Houston." in client.get("/articles/coal-slumps/").text


# Time: what readers see changes at scheduled instants, with no save to invalidate anything


@pytest.mark.parametrize("url", ["/", "/archive/", "/sections/energy/", "/authors/ann-lee/", "/feeds/latest/"])
def test_scheduled_article_appears_at_its_publication_time_without_any_save(client, clock, url):
    energy, ann = make_section(slug="energy"), make_author(name="Ann Lee")
    make_article(headline="Oil falls", section=energy, authors=[ann], published_at=NOW - timedelta(hours=1))
    make_article(headline="Embargoed results", section=energy, authors=[ann], published_at=NOW + timedelta(minutes=2))
    assert "Embargoed results" not in client.get(url).text

    clock.move_to(NOW + timedelta(minutes=2) - timedelta(seconds=1))
    before, queries = queries_for(client, url)
    # At most this process's look at the purge log, once a second (in a savepoint here, as the
    # test runs in a transaction: three statements).
    assert queries <= 3
    assert "Embargoed results" not in before.text

    clock.move_to(NOW + timedelta(minutes=2))
    assert "Embargoed results" in client.get(url).text
    assert client.get("/articles/embargoed-results/").status_code == 200


def test_a_scheduled_article_with_corrections_brings_them_into_the_log_at_its_time(client, clock):
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    embargoed = make_article(headline="Embargoed results", published_at=NOW + timedelta(minutes=2))
    make_correction(embargoed, text="The results were for May.")
    assert "The results were for May." not in client.get("/corrections/").text

    clock.move_to(NOW + timedelta(minutes=2))
    assert "The results were for May." in client.get("/corrections/").text


def test_an_article_scheduled_after_the_last_look_at_the_clock_appears_on_time(
    client, clock, django_capture_on_commit_callbacks
):
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    client.get("/")  # nothing is scheduled: the next instant to watch is an hour away
    clock.shift(timedelta(seconds=2))
    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Embargoed results", published_at=NOW + timedelta(minutes=2))
    assert "Embargoed results" not in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=2))
    assert "Embargoed results" in client.get("/").text


@pytest.mark.parametrize("url", ["/", "/articles/going-soon/", "/archive/", "/feeds/latest/"])
def test_expiring_article_disappears_at_its_expiry_instant(client, clock, url):
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=2))
    make_article(headline="Going soon", published_at=NOW - timedelta(hours=1), expires_at=NOW + timedelta(minutes=2))
    assert "Going soon" in assert_cached(client, url).text

    clock.move_to(NOW + timedelta(minutes=2) - timedelta(seconds=1))
    assert "Going soon" in client.get(url).text

    clock.move_to(NOW + timedelta(minutes=2))
    response = client.get(url)
    assert "Going soon" not in response.text
    if url == "/articles/going-soon/":
        assert response.status_code == 404


@pytest.mark.parametrize("url", ["/", "/ticker.json", "/articles/oil-falls/"])
def test_ticker_item_appears_and_expires_on_time(client, clock, url):
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=2))
    make_ticker_item(text="Polls close", starts_at=NOW + timedelta(minutes=1), expires_at=NOW + timedelta(minutes=3))
    assert "Polls close" not in assert_cached(client, url).text

    clock.move_to(NOW + timedelta(minutes=1))
    assert "Polls close" in client.get(url).text

    clock.move_to(NOW + timedelta(minutes=3) - timedelta(seconds=1))
    assert "Polls close" in client.get(url).text

    clock.move_to(NOW + timedelta(minutes=3))
    assert "Polls close" not in client.get(url).text


def test_ticker_item_about_a_scheduled_article_appears_with_the_article(client, clock):
    embargoed = make_article(headline="Embargoed results", published_at=NOW + timedelta(minutes=2))
    make_ticker_item(text="Results are in", article=embargoed, starts_at=NOW - timedelta(minutes=1))
    assert "Results are in" not in client.get("/").text

    clock.move_to(NOW + timedelta(minutes=2))
    assert "Results are in" in client.get("/").text


def test_a_page_rendered_across_a_publication_instant_is_not_kept_past_it(client, clock):
    make_article(headline="Embargoed results", published_at=NOW + timedelta(seconds=1))

    def slow_render(**kwargs):
        # The articles were read before the embargo lifted; the template finishes after it.
        clock.move_to(NOW + timedelta(seconds=2))

    template_rendered.connect(slow_render, dispatch_uid="slow-render")
    try:
        first = client.get("/")
    finally:
        template_rendered.disconnect(dispatch_uid="slow-render")

    assert "Embargoed results" not in first.text
    assert "Embargoed results" in client.get("/").text


def test_ticker_json_is_kept_on_the_server_for_fifteen_seconds_at_most(client, clock, page_cache):
    item = make_ticker_item(text="Polls close")
    client.get("/ticker.json")

    key = PAGE_KEY.format(digest=hashlib.sha256(b"http://testserver/ticker.json?").hexdigest())
    assert page_cache.get(key).valid_until <= NOW.timestamp() + 15
    if hasattr(page_cache, "ttl"):  # Redis
        assert 0 < page_cache.ttl(key) <= 15
    max_age = int(re.search(r"max-age=(\d+)", client.get("/ticker.json")["Cache-Control"]).group(1))
    assert max_age <= 15

    TickerItem.objects.filter(pk=item.pk).update(text="Polls closed")  # no signal: only time refreshes it
    clock.move_to(NOW + timedelta(seconds=14))
    assert client.get("/ticker.json").json()["items"][0]["text"] == "Polls close"
    clock.move_to(NOW + timedelta(seconds=15))
    assert client.get("/ticker.json").json()["items"][0]["text"] == "Polls closed"


# What is never cached


def test_a_page_readers_cannot_see_yet_is_not_cached(client, scene):
    assert client.get("/articles/gas-rises/").status_code == 404

    # Published without a signal: only a 404 kept in the cache could hide it now.
    Article.objects.filter(pk=scene.draft.pk).update(status=Article.Status.PUBLISHED, published_at=hours_ago(1))

    assert client.get("/articles/gas-rises/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        lambda scene: reverse("admin:articles_article_preview", args=[scene.draft.pk]),
        lambda scene: reverse("admin:articles_article_changelist"),
        lambda scene: reverse("admin:articles_article_change", args=[scene.story.pk]),
    ],
    ids=["preview", "changelist", "change-form"],
)
def test_previews_and_admin_pages_are_never_cached(editor, scene, url):
    first, first_queries = queries_for(editor, url(scene))
    again, again_queries = queries_for(editor, url(scene))

    assert first.status_code == again.status_code == 200
    assert first_queries > 0 and again_queries > 0
    for directive in ["private", "no-cache", "no-store"]:
        assert directive in again["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/articles/oil-falls/", "/archive/"])
def test_logged_in_readers_bypass_the_cache(client, editor, scene, url):
    editor.get(url)  # shared blocks and lists (the ticker, the archive's authors) are built now
    _, first = queries_for(editor, url)
    _, again = queries_for(editor, url)
    assert again == first > 0

    # Nor is what they were shown kept for anyone else.
    _, anonymous = queries_for(client, url)
    assert anonymous > 0


def test_page_cache_seconds_zero_turns_the_cache_off(client, scene, settings):
    settings.PAGE_CACHE_SECONDS = 0

    _, first = queries_for(client, "/")
    again, queries = queries_for(client, "/")

    assert queries == first > 0
    # The same Cache-Control as a cached page (newsroom/http.py): a CDN treats it the same.
    assert set(again["Cache-Control"].split(", ")) == {"public", "max-age=0", "stale-if-error=86400"}


@pytest.mark.parametrize("url", ["/", "/articles/oil-falls/", "/archive/"])
def test_with_the_page_cache_off_the_blocks_pages_share_stay_cached(
    client, scene, settings, url, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOCK_CACHE_SECONDS = 300
    make_ticker_item(text="Polls open")
    client.get(url)  # the blocks are rendered now

    page, queries = queries_for(client, url)
    settings.BLOCK_CACHE_SECONDS = 0
    _, with_blocks = queries_for(client, url)
    settings.BLOCK_CACHE_SECONDS = 300

    # The page itself is rendered again, the bar (and on an article "more top reads") is not.
    assert "Polls open" in page.text
    assert 0 < queries < with_blocks
    with django_capture_on_commit_callbacks(execute=True):
        make_ticker_item(text="Polls close")
    assert "Polls close" in client.get(url).text


def test_with_the_page_cache_off_a_block_changed_by_another_process_is_seen_within_the_recheck_interval(
    client, clock, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOCK_CACHE_SECONDS = 300
    settings.PAGE_CACHE_RECHECK_SECONDS = 1.0
    make_article(headline="Oil falls", slug="oil-falls", published_at=NOW - timedelta(hours=1))
    item = make_ticker_item(text="Polls open")
    assert "Polls open" in client.get("/articles/oil-falls/").text
    # Another process edits the item and writes its purge; this one has not read it yet.
    TickerItem.objects.filter(pk=item.pk).update(text="Polls close")
    PagePurge.objects.create(tags="ticker")

    assert "Polls open" in client.get("/articles/oil-falls/").text
    clock.shift(timedelta(seconds=1))
    assert "Polls close" in client.get("/articles/oil-falls/").text


def test_a_hot_page_is_served_from_this_process_without_asking_the_shared_cache(client, clock, page_cache, monkeypatch):
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    assert_cached(client, "/")
    asked = []
    monkeypatch.setattr(page_cache, "get", lambda key, default=None: asked.append(key) or default)

    assert "Oil falls" in client.get("/").text
    assert asked == []


def test_lists_kept_for_their_content_are_served_from_this_process_until_purged(
    client, scene, page_cache, monkeypatch, django_capture_on_commit_callbacks
):
    client.get("/archive/")  # the archive's author and section choices are kept now
    asked = []
    get = page_cache.get
    monkeypatch.setattr(page_cache, "get", lambda key, *args, **kwargs: asked.append(key) or get(key, *args, **kwargs))

    page = client.get("/archive/?section=energy")  # a page of its own, rendered now

    assert "Ann Lee" in page.text
    assert not [key for key in asked if "content:" in key]
    with django_capture_on_commit_callbacks(execute=True):
        make_author(name="Bo Chan", slug="bo-chan")
        make_article(headline="Gas rises", authors=[Author.objects.get(slug="bo-chan")], published_at=hours_ago(1))
    assert "Bo Chan" in client.get("/archive/?section=energy&q=gas").text


def test_with_nothing_cached_lists_kept_for_their_content_show_another_process_s_change_at_once(
    client, scene, settings
):
    settings.PAGE_CACHE_SECONDS = 0

    def author_choices():
        page = client.get("/archive/").text
        return re.findall(r"<option [^>]*>([^<]*)<", re.search(r'<select name="author".*?</select>', page, re.S)[0])

    assert author_choices() == ["Any author", "Ann Lee"]
    # Another process renames the author; this one has not read the purge log (and need not).
    Author.objects.filter(pk=scene.author.pk).update(name="Ann Chan")

    assert author_choices() == ["Any author", "Ann Chan"]


def test_a_change_made_by_another_app_server_is_seen_within_the_recheck_interval(client, clock, page_cache, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 1.0
    story = make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    assert_cached(client, "/")
    # Another server edits the story and writes its purge; this process has not read it yet.
    Article.objects.filter(pk=story.pk).update(headline="Oil rises")
    PagePurge.objects.create(tags=f"article:{story.pk} card:{story.pk}")

    assert "Oil falls" in client.get("/").text
    clock.shift(timedelta(seconds=1))
    assert "Oil rises" in client.get("/").text


def test_a_page_another_app_server_rendered_after_a_purge_is_served_without_rendering_again(
    client, clock, page_cache, settings, monkeypatch
):
    from newsroom import cache

    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    story = make_article(headline="Oil falls", slug="oil-falls", published_at=NOW - timedelta(hours=1))
    url = "/articles/oil-falls/"
    assert "Oil falls" in client.get(url).text
    other_server = cache.PurgeLog()  # another process, which has read the purge log up to now
    other_server.refresh(time.time())

    clock.shift(timedelta(seconds=1))
    Article.objects.filter(pk=story.pk).update(headline="Oil rises")
    PagePurge.objects.create(tags=f"article:{story.pk} card:{story.pk}")
    clock.shift(timedelta(seconds=1))
    assert "Oil rises" in client.get(url).text  # this process reads the purge and renders anew

    # The other one reads the purge later, and serves the page rendered after it.
    clock.shift(timedelta(seconds=1))
    monkeypatch.setattr(cache, "purge_log", other_server)
    monkeypatch.setattr(cache, "local_pages", cache.page_store())
    rendered = []
    template_rendered.connect(
        lambda template, **kwargs: rendered.append(template.name), dispatch_uid="count", weak=False
    )
    try:
        response = client.get(url)
    finally:
        template_rendered.disconnect(dispatch_uid="count")
    assert "Oil rises" in response.text
    assert rendered == []


def test_with_no_recheck_interval_every_request_reads_the_purge_log(client, clock, page_cache, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    story = make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    client.get("/")
    again, queries = queries_for(client, "/")
    assert "Oil falls" in again.text
    assert queries <= 3  # the purge log (in a savepoint here), and nothing else
    clock.shift(timedelta(milliseconds=1))
    Article.objects.filter(pk=story.pk).update(headline="Oil rises")
    PagePurge.objects.create(tags=f"article:{story.pk} card:{story.pk}")

    assert "Oil rises" in client.get("/").text


# Only what a change shows goes stale


@pytest.fixture
def newsroom_scene(scene):
    """The scene, with an older story in the same section and a story in another section by
    another author."""
    politics = make_section(name="Politics", slug="politics")
    bob = make_author(name="Bob Ray", bio="Bob covers parliament.")
    scene.older = make_article(
        headline="Coal slumps", section=scene.section, authors=[scene.author], published_at=hours_ago(3)
    )
    scene.far = make_article(headline="Vote counted", section=politics, authors=[bob], published_at=hours_ago(30))
    scene.politics, scene.bob = politics, bob
    return scene


WATCHED = [
    "/",
    "/articles/oil-falls/",
    "/articles/coal-slumps/",
    "/articles/vote-counted/",
    "/sections/energy/",
    "/sections/politics/",
    "/authors/ann-lee/",
    "/authors/bob-ray/",
    "/feeds/latest/",
    "/corrections/",
]


def edit_body(scene):
    scene.story.body = "<p>Prices fell again in the afternoon.</p>"
    scene.story.save()


def edit_bio_only(scene):
    scene.author.bio = "Ann now covers gas."
    scene.author.save()


def rename_author(scene):
    scene.author.name = "Ann Lee-Smith"
    scene.author.save()


# Her bylines on the two stories and their cards; the feed names her and links her page.
RENAMED_AUTHOR_SHOWN = {
    "/",
    "/articles/oil-falls/",
    "/articles/coal-slumps/",
    "/sections/energy/",
    "/authors/ann-lee/",
    "/feeds/latest/",
}


def post_breaking_item(scene):
    make_ticker_item(text="Strike ends")


def publish_in_politics(scene):
    make_article(headline="Minister resigns", section=scene.politics, authors=[scene.bob])


def correct_story(scene):
    make_correction(scene.story, text="The refinery is in Baytown.")


def save_draft_of_the_story(scene):
    from articles import editing

    content = {**editing.saved_content(scene.story), "headline": "Not published yet"}
    editing.save_draft(article=scene.story, content=content, user=None)


@pytest.mark.parametrize(
    ("change", "stale"),
    [
        # The story has no summary: the latest feed shows the start of its body.
        (edit_body, {"/articles/oil-falls/", "/feeds/latest/"}),
        (
            edit_headline,
            {
                "/",
                "/articles/oil-falls/",
                "/articles/coal-slumps/",  # its neighbour, which names it
                "/sections/energy/",
                "/authors/ann-lee/",
                "/feeds/latest/",
            },
        ),
        (edit_bio_only, {"/articles/oil-falls/", "/articles/coal-slumps/", "/authors/ann-lee/"}),
        (post_breaking_item, set()),
        (
            publish_in_politics,
            {"/", "/articles/oil-falls/", "/sections/politics/", "/authors/bob-ray/", "/feeds/latest/"},
        ),
        (correct_story, {"/articles/oil-falls/", "/corrections/", "/feeds/latest/"}),
        (rename_author, RENAMED_AUTHOR_SHOWN),
        (save_draft_of_the_story, set()),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_change_makes_stale_exactly_the_pages_that_show_it(
    client, newsroom_scene, django_capture_on_commit_callbacks, renders, change, stale
):
    for url in WATCHED:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        change(newsroom_scene)
    renders.clear()

    for url in WATCHED:
        assert client.get(url).status_code == 200

    assert set(renders) == stale


@pytest.mark.parametrize("change", [edit_headline, unpublish], ids=["renamed", "unpublished"])
def test_a_page_linking_an_imported_story_is_stale_when_that_story_changes(
    client, django_capture_on_commit_callbacks, change
):
    part_one = make_article(headline="Oil falls", published_at=hours_ago(30))
    make_article(headline="Neighbour before", published_at=hours_ago(10))
    story = make_article(headline="Part two", published_at=hours_ago(3), previous_article=part_one)
    assert "Oil falls" in assert_cached(client, story.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        change(SimpleNamespace(story=part_one))
    page = client.get(story.get_absolute_url()).text

    if change is edit_headline:
        assert "Oil falls again" in page
    else:
        assert ("Oil falls" in page, "Neighbour before" in page) == (False, True)


def test_a_new_breaking_item_is_in_every_cached_page_at_once(
    client, newsroom_scene, django_capture_on_commit_callbacks, renders
):
    for url in WATCHED:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        post_breaking_item(newsroom_scene)
    renders.clear()

    for url in ["/", "/articles/oil-falls/", "/sections/politics/"]:
        assert "Strike ends" in client.get(url).text
    assert renders == []
    assert "Strike ends" in client.get("/ticker.json").text


# No free way around the cache


def test_query_parameters_a_page_does_not_read_share_its_cached_copy(client, scene):
    assert_cached(client, "/articles/oil-falls/")
    for query in ["?utm_source=newsletter", "?fbclid=x1", "?x=1&y=2"]:
        response, queries = queries_for(client, f"/articles/oil-falls/{query}")
        assert (response.status_code, queries) == (200, 0), query


def test_the_archive_keys_on_its_filters_only(client, scene):
    assert_cached(client, "/archive/?q=oil&section=energy")
    _, queries = queries_for(client, "/archive/?section=energy&q=oil&utm_campaign=spring")
    assert queries == 0


def test_the_cache_key_reads_the_query_string_as_the_page_does():
    from django.test import RequestFactory

    from newsroom.cache import cache_key

    def key(query):
        return cache_key(RequestFactory().get("/archive/", QUERY_STRING=query), ("q", "author"))

    assert key("q=oil&author=ann") == key("author=ann&utm_source=x&q=oil") == key("q=oil&author=ann&x")
    assert key("q=oil") != key("q=gas") != key("") == key("utm_source=x")
    assert key("q=caf%C3%A9") != key("q=cafe")
    # Bytes a browser did not escape are read as UTF-8, as request.GET reads them: the same
    # word either way, and not the Latin-1 reading of those bytes, which is another word.
    raw = "q=caf\u00e9".encode().decode("iso-8859-1")
    assert key(raw) == key("q=caf%C3%A9") != key("q=caf%C3%83%C2%A9")
    # Beyond the fifth value of a parameter, nothing more is read.
    five = "&".join(f"q={n}" for n in range(5))
    assert key(five + "&q=5") == key(five) != key("&".join(f"q={n}" for n in range(4)))


def test_a_made_up_session_cookie_is_served_the_cached_page_without_a_query(client, scene):
    assert_cached(client, "/articles/oil-falls/")
    client.cookies["sessionid"] = "not-a-session-anyone-has"
    response, queries = queries_for(client, "/articles/oil-falls/")
    assert response.status_code == 200
    assert queries == 0


def test_signing_in_sets_the_staff_cookie_for_that_session_and_signing_out_removes_it(client, scene):
    make_user("Editor", username="ed", password="a-long-test-password")
    login = client.post("/admin/login/", {"username": "ed", "password": "a-long-test-password", "next": "/admin/"})
    assert login.status_code == 302
    staff = login.cookies[STAFF_COOKIE]
    assert staff.value and staff["httponly"] and staff["samesite"] == "Lax"
    assert staff.value != client.cookies["sessionid"].value

    _, queries = queries_for(client, "/articles/oil-falls/")
    assert queries > 0  # rendered for the editor, not served from the cache

    logout = client.post("/admin/logout/")
    assert logout.cookies[STAFF_COOKIE].value == ""  # removed
    assert_cached(client, "/articles/oil-falls/")


def test_a_staff_cookie_counts_only_beside_the_session_it_was_signed_for(client, editor, scene):
    assert_cached(client, "/articles/oil-falls/")
    staff_cookie = editor.cookies[STAFF_COOKIE].value
    forged = [
        {"sessionid": "made-up-session", STAFF_COOKIE: staff_cookie},  # another session's
        {"sessionid": editor.cookies["sessionid"].value, STAFF_COOKIE: "made-up:signature"},
        {"sessionid": editor.cookies["sessionid"].value, STAFF_COOKIE: staff_cookie + "x"},
        {STAFF_COOKIE: staff_cookie},
    ]
    for cookies in forged:
        reader = Client()
        reader.cookies.load(cookies)
        _, queries = queries_for(reader, "/articles/oil-falls/")
        assert queries == 0, cookies


def test_a_staff_cookie_is_worth_nothing_once_its_user_is_no_longer_staff(client, editor, scene):
    from django.contrib.auth import get_user_model

    assert_cached(client, "/articles/oil-falls/")
    get_user_model().objects.update(is_staff=False)
    response, queries = queries_for(editor, "/articles/oil-falls/")
    assert queries == 2  # the session and its user, then the cached page
    assert response.cookies[STAFF_COOKIE].value == ""  # and the cookie goes


def test_local_copies_are_bounded_in_bytes(client, settings):
    from newsroom.cache import local_pages

    settings.PAGE_CACHE_LOCAL_BYTES = 60_000
    for number in range(12):
        make_article(headline=f"Story {number}", slug=f"story-{number}", body="<p>" + "word " * 2000 + "</p>")
    for number in range(12):
        client.get(f"/articles/story-{number}/")
    assert 0 < local_pages.size <= 60_000


def test_cached_pages_are_served_while_the_purge_log_cannot_be_read(client, scene, clock, caplog):
    assert_cached(client, "/articles/oil-falls/")
    with connection.cursor() as cursor:  # the log's table gone, as when the database is away
        cursor.execute("ALTER TABLE newsroom_pagepurge RENAME TO newsroom_pagepurge_away")
    clock.shift(timedelta(seconds=2))

    response = client.get("/articles/oil-falls/")

    assert response.status_code == 200 and "Oil falls" in response.text
    assert "The page cache could not read the purge log" in caplog.text


# What edge caches in front are told


def test_pages_name_what_they_show_to_every_kind_of_edge_cache(client, scene):
    response = client.get("/articles/oil-falls/")

    tags = response["Surrogate-Key"].split(" ")
    assert {f"article:{scene.story.pk}", f"author:{scene.author.pk}", "sections"} <= set(tags)
    assert response["xkey"] == response["Surrogate-Key"]
    assert response["Cache-Tag"].split(",") == tags  # Cloudflare separates them by commas


def test_edges_may_keep_pages_for_edge_cache_seconds_while_browsers_revalidate(client, scene, settings):
    settings.EDGE_CACHE_SECONDS = 3600
    for _ in range(2):  # rendered, then from the cache
        response = client.get("/")
        assert set(response["Cache-Control"].split(", ")) == {
            "public",
            "max-age=0",
            "s-maxage=3600",
            "stale-if-error=86400",
        }
    assert client.get("/ticker.json")["Cache-Control"] == "public, max-age=15"


def test_edges_keep_pages_no_later_than_the_next_scheduled_change(client, clock, settings):
    settings.EDGE_CACHE_SECONDS = 3600
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))
    make_ticker_item(text="Polls close", expires_at=NOW + timedelta(minutes=5))
    make_article(headline="Embargoed results", published_at=NOW + timedelta(minutes=2))

    assert "s-maxage=120" in client.get("/")["Cache-Control"]
    clock.move_to(NOW + timedelta(minutes=2))
    assert "s-maxage=180" in client.get("/")["Cache-Control"]


def test_a_page_slow_to_leave_the_app_is_not_kept_at_the_edge(client, clock, settings):
    """It might reach the edge after the second purge of a change made while it was rendered."""
    settings.EDGE_CACHE_SECONDS = 3600
    make_article(headline="Oil falls", published_at=NOW - timedelta(hours=1))

    def slow_render(**kwargs):
        clock.move_to(NOW + timedelta(seconds=5))

    template_rendered.connect(slow_render, dispatch_uid="slow-render")
    try:
        slow = client.get("/")
    finally:
        template_rendered.disconnect(dispatch_uid="slow-render")

    assert "s-maxage" not in slow["Cache-Control"]
    assert "s-maxage=3600" in client.get("/")["Cache-Control"]


ESI = {"HTTP_SURROGATE_CAPABILITY": "varnish=ESI/1.0"}


def test_an_edge_that_joins_includes_is_sent_the_blocks_as_includes(client, scene, settings):
    settings.EDGE_INCLUDES = True
    make_ticker_item(text="Polls close")

    response = client.get("/articles/oil-falls/", **ESI)

    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assert '<esi:include src="/_blocks/ticker/"/>' in response.text
    assert f'<esi:include src="/_blocks/more-top-reads/{scene.story.pk}"/>' in response.text
    assert "Polls close" not in response.text
    joined = client.get("/articles/oil-falls/")
    assert "Polls close" in joined.text and "esi:include" not in joined.text
    assert not joined.has_header("Surrogate-Control")


def test_a_client_cannot_ask_for_includes_unless_the_site_sits_behind_an_edge_that_joins_them(client, scene):
    response = client.get("/", **ESI)
    assert "esi:include" not in response.text
    assert not response.has_header("Surrogate-Control")


def test_a_block_on_its_own_is_named_by_what_it_shows(client, scene, settings):
    settings.EDGE_CACHE_SECONDS = 3600
    make_ticker_item(text="Polls close")
    gas = make_article(headline="Gas rises", published_at=hours_ago(1))

    ticker = client.get("/_blocks/ticker/")
    more = client.get(f"/_blocks/more-top-reads/{scene.story.pk}")

    assert "Polls close" in ticker.text and "<html" not in ticker.text
    assert ticker["xkey"] == "ticker"
    assert ticker["X-Robots-Tag"] == "noindex"
    assert "s-maxage=3600" in ticker["Cache-Control"]
    assert "Gas rises" in more.text and "Oil falls" not in more.text
    assert {"list:latest", f"card:{gas.pk}"} <= set(more["Surrogate-Key"].split())
    assert client.get("/_blocks/no-such-block/").status_code == 404


def test_each_page_of_a_sitemap_part_is_cached_on_its_own(client, scene):
    for number in range(3):
        make_article(headline=f"Filler {number}", slug=f"filler-{number}")
    index = client.get("/sitemap.xml").text
    # Parts are numbered by id range, so the first part that lists an article need not be p=1
    # when earlier tests in this process have used up ids.
    address, number = re.search(r"<loc>http://testserver(/sitemap-articles\.xml)(?:\?p=(\d+))?<", index).groups()
    number = int(number or 1)
    first, other = client.get(f"{address}?p={number}"), client.get(f"{address}?p={number + 1}")
    assert first.status_code == 200
    assert other.status_code in (200, 404)
    assert other.content != first.content  # not the first page's copy


def test_a_body_edit_of_an_article_without_a_summary_refreshes_the_lists_showing_its_start(
    client, scene, django_capture_on_commit_callbacks
):
    assert "Body of article" in assert_cached(client, "/feeds/latest/").text
    with django_capture_on_commit_callbacks(execute=True):
        scene.story.body = "<p>Prices fell again in the afternoon.</p>"
        scene.story.save()
    assert "Prices fell again in the afternoon." in client.get("/feeds/latest/").text


def test_a_new_process_after_a_big_import_purges_everything_at_once_instead_of_article_by_article(
    client, django_assert_max_num_queries
):
    from newsroom import cache as pages

    for number in range(25):
        make_article(headline=f"Imported {number}", slug=f"imported-{number}", published_at=hours_ago(0.01))
    pages.forget()  # a process starting now
    with django_assert_max_num_queries(30):
        assert client.get("/").status_code == 200


def test_the_next_instant_time_changes_a_page_is_the_earliest_of_each_kind(clock):
    from articles.invalidation import next_due

    assert next_due() is None
    make_article(headline="Scheduled", published_at=NOW + timedelta(hours=3))
    make_article(headline="Expiring", published_at=NOW - timedelta(hours=3), expires_at=NOW + timedelta(hours=2))
    make_article(headline="Expired", published_at=NOW - timedelta(hours=3), expires_at=NOW - timedelta(hours=2))
    make_article(headline="Draft", status=Article.Status.DRAFT, published_at=NOW + timedelta(minutes=5))
    assert next_due() == (NOW + timedelta(hours=2)).timestamp()


def test_the_next_instant_is_read_from_indexes_not_from_every_article(clock):
    """Each query starts an index at now (SQLite: SEARCH, PostgreSQL: an Index Cond) rather than
    reading every article or item; PostgreSQL is told to avoid whole-table scans, as with the
    few rows of a test it would prefer them."""
    from articles.invalidation import next_due

    with CaptureQueriesContext(connection) as queries:
        next_due()
    assert len(queries) == 2
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + query["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert ("SEARCH" if connection.vendor == "sqlite" else "Index Cond") in plan, (query["sql"], plan)
