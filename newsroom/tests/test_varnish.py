"""A real Varnish with deploy/varnish/newsroom.vcl in front of gunicorn (production settings): it
serves the pages it holds, and an edit made anywhere (here in a shell, as the admin would save
it) purges there exactly the pages that show what changed, through the Varnish purge backend
(newsroom.edge). The blocks pages share are joined by Varnish (Edge Side Includes).

One site per module: a scratch database, gunicorn (2 workers, each with its page cache in its
own memory and reading the purge log every second) and varnishd. Each test first has Varnish
hold the pages it looks at, so that the tests do not depend on one another."""

import http.client
import subprocess
import sys
import time
from contextlib import ExitStack
from types import SimpleNamespace

import pytest
import requests

from newsroom.settings.base import BASE_DIR

from .servers import (
    base_environment,
    free_port,
    production_environment,
    scratch_databases,
    start_server,
    wait_until_healthy,
)
from .varnish import start_varnish

PASSWORD = "a-long-test-password"

SEED = f"""
from datetime import timedelta
from django.utils import timezone
from articles.tests.factories import make_article, make_author, make_section, make_user
energy, ann = make_section(name="Energy", slug="energy"), make_author(name="Ann Lee", slug="ann-lee")
# Newest first: each one's neighbours are the stories just before and after it.
for hours, headline in enumerate(["Oil falls", "Gas rises", "Wind picks up", "Coal steady"], start=1):
    make_article(
        headline=headline, section=energy, authors=[ann], published_at=timezone.now() - timedelta(hours=hours)
    )
make_user("Editor", username="editor", password="{PASSWORD}")
"""

EDIT = """
from articles.models import Article
article = Article.objects.get(slug="{slug}")
article.{field} = "{value}"
article.save()
"""

SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from articles.tests.factories import make_article
article = make_article(headline="{headline}", published_at=timezone.now() + timedelta(seconds={seconds}))
print(article.published_at.timestamp())
"""

IMAGE = """
from datetime import timedelta
from django.utils import timezone
from articles.tests.factories import make_article
from newsroom.tests.uploads import jpeg_upload
article = make_article(
    headline="{headline}", lead_image=jpeg_upload("rig.jpg", width=640, height=480), lead_image_alt="A rig", {fields}
)
print(article.lead_image.url, article.expires_at and article.expires_at.timestamp())
"""

PUBLICATION = """
from articles.models import Article
article = Article.objects.get(slug="{slug}")
article.status = "{status}"
article.save()
"""

BREAKING = """
from breaking.tests.factories import make_ticker_item
make_ticker_item(text="{text}")
"""


def manage(*args, env, code=None):
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    result = subprocess.run(
        command, cwd=BASE_DIR, env={**base_environment(), **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def edge(static_root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge")
    with scratch_databases(folder) as scratch_database, ExitStack() as stack:
        varnish_port = free_port()
        app = production_environment(
            database_url=scratch_database(),
            static_root=static_root,
            media_root=folder / "media",
            PAGE_CACHE_SECONDS="300",
            EDGE_CACHE_SECONDS="3600",
            EDGE_INCLUDES="1",
        )
        manage("migrate", "--noinput", env=app)
        manage("shell", "-c", SEED, env=app)
        unpurged = dict(app)
        # From here on every process purges this Varnish, as the app servers of a site would.
        app["VARNISH_PURGE_URLS"] = f"http://127.0.0.1:{varnish_port}"
        site = SimpleNamespace(url=f"http://127.0.0.1:{varnish_port}", log=folder / "gunicorn.log")

        def start_app(port=None):
            site.server, site.app_port = start_server(stack, app, site.log, port=port)
            wait_until_healthy(site.server, site.app_port, site.log)

        def shell(code, *, purge_edge=True):
            return manage("shell", "-c", code, env=app if purge_edge else unpurged).stdout

        site.start_app, site.shell, site.app = start_app, shell, app
        start_app()
        start_varnish(stack, port=varnish_port, backend_port=site.app_port, folder=folder)
        yield site


def get(edge, path, **headers):
    return requests.get(edge.url + path, headers=headers, timeout=10, allow_redirects=False)


def held(edge, *paths):
    """Have Varnish hold ``paths``: each is asked for until it is a hit."""
    for path in paths:
        for _ in range(3):
            if get(edge, path).headers["X-Cache"] == "HIT":
                break
        else:
            pytest.fail(f"Varnish does not keep {path}")


def shared_max_age(response):
    return int(response.headers["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def test_a_page_asked_for_again_comes_from_varnish(edge):
    first = get(edge, "/feeds/latest/atom/")
    time.sleep(1.1)
    again = get(edge, "/feeds/latest/atom/")

    assert again.status_code == 200
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    assert int(again.headers["Age"]) >= 1
    assert again.text == first.text
    assert 3500 < shared_max_age(again) <= 3600


def test_an_edit_of_one_body_purges_that_article_and_nothing_else(edge):
    others = ["/", "/archive/", "/articles/wind-picks-up/", "/articles/oil-falls/"]
    held(edge, "/articles/coal-steady/", *others)

    edge.shell(EDIT.format(slug="coal-steady", field="body", value="<p>Coal output held steady.</p>"))

    article = get(edge, "/articles/coal-steady/")
    assert article.headers["X-Cache"] == "MISS"
    assert "Coal output held steady." in article.text
    assert {path: get(edge, path).headers["X-Cache"] for path in others} == dict.fromkeys(others, "HIT")


def test_pages_fetched_while_an_edit_is_purged_do_not_keep_the_old_version(edge):
    """An app process that has not yet read the purge log may answer Varnish with the old page
    just after the first purge; the second purge removes it."""
    held(edge, "/articles/wind-picks-up/")
    code = EDIT.format(slug="wind-picks-up", field="body", value="<p>Wind output doubled.</p>")
    editing = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env={**base_environment(), **edge.app},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    while editing.poll() is None:  # readers keep asking while the edit is made and purged
        get(edge, "/articles/wind-picks-up/")
        # Other requests reach the app meanwhile (this cookie makes Varnish pass them), so its
        # processes have looked at the purge log less than a second ago.
        get(edge, "/", Cookie="newsroom_staff=not-signed")
        time.sleep(0.05)
    assert editing.returncode == 0, editing.stderr.read()

    assert "Wind output doubled." in get(edge, "/articles/wind-picks-up/").text


def test_a_new_headline_purges_the_pages_that_list_it(edge):
    lists = ["/", "/archive/", "/sections/energy/", "/authors/ann-lee/", "/feeds/latest/"]
    # Gas rises links to Oil falls, its neighbour; Wind picks up and Coal steady do not.
    articles = ["/articles/oil-falls/", "/articles/gas-rises/", "/articles/wind-picks-up/", "/articles/coal-steady/"]
    held(edge, *lists, *articles)

    edge.shell(EDIT.format(slug="oil-falls", field="headline", value="Oil slides"))

    for path in [*lists, "/articles/oil-falls/", "/articles/gas-rises/"]:
        page = get(edge, path)
        assert (path, page.headers["X-Cache"]) == (path, "MISS")
        assert "Oil slides" in page.text and "Oil falls" not in page.text
    for path in ["/articles/wind-picks-up/", "/articles/coal-steady/"]:
        page = get(edge, path)
        assert (path, page.headers["X-Cache"]) == (path, "HIT")
        # Held all along, and showing the new headline in "more top reads" all the same: Varnish
        # joins that block into the page, and the block was purged.
        assert "Oil slides" in page.text and "Oil falls" not in page.text


def test_a_breaking_item_shows_in_every_page_varnish_holds(edge):
    pages = ["/", "/articles/gas-rises/", "/authors/"]
    held(edge, *pages)

    edge.shell(BREAKING.format(text="Polls close at ten"))

    for path in pages:
        page = get(edge, path)
        assert (path, page.headers["X-Cache"]) == (path, "HIT")
        assert "Polls close at ten" in page.text
        assert "ETag" not in page.headers  # it named the page without the bar
    assert "Polls close at ten" in get(edge, "/ticker.json").text


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_a_response_without_includes_is_revalidated_by_varnish(edge, encoding):
    # A live page's poll, a feed: no blocks, so the ETag names what Varnish holds, and a reader
    # polling with it gets a 304 from Varnish, not the whole answer again.
    for path in ["/feeds/latest/atom/", "/ticker.json"]:
        held(edge, path)
        first = get(edge, path, **{"Accept-Encoding": encoding})
        assert first.headers.get("ETag"), path

        again = get(edge, path, **{"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"]})

        assert (path, again.status_code, again.headers["X-Cache"]) == (path, 304, "HIT")
        assert again.content == b""
    assert "X-Newsroom-Includes" not in get(edge, "/").headers


def test_a_scheduled_article_reaches_the_pages_varnish_holds_at_its_time(edge):
    due = float(edge.shell(SCHEDULE.format(headline="Embargoed results", seconds=12)).split()[-1])
    home = get(edge, "/")
    assert "Embargoed results" not in home.text
    # Held until the article appears, not for EDGE_CACHE_SECONDS.
    assert 0 < shared_max_age(home) <= due - time.time() + 1
    time.sleep(max(0, due - time.time()) + 0.5)

    # The first request after it may still be answered with the page held, while Varnish fetches
    # the new one.
    deadline = time.monotonic() + 3
    while "Embargoed results" not in get(edge, "/").text:
        assert time.monotonic() < deadline, "the article never reached the page Varnish holds"
        time.sleep(0.1)


def test_tracking_parameters_share_the_page_varnish_holds(edge):
    held(edge, "/articles/gas-rises/", "/archive/?q=oil&section=energy")

    tracked = get(edge, "/articles/gas-rises/?utm_source=newsletter&utm_medium=email&fbclid=abc&gclid=xyz")
    reordered = get(edge, "/archive/?utm_campaign=spring&section=energy&q=oil")

    assert (tracked.headers["X-Cache"], reordered.headers["X-Cache"]) == ("HIT", "HIT")


def test_analytics_cookies_do_not_split_the_pages_varnish_holds(edge):
    held(edge, "/authors/")
    assert get(edge, "/authors/", Cookie="_ga=GA1.2.3; consent=yes").headers["X-Cache"] == "HIT"


def test_a_signed_in_editor_passes_through_varnish(edge):
    login = get(edge, "/admin/login/")
    token = login.cookies["csrftoken"]
    signed_in = requests.post(
        edge.url + "/admin/login/",
        data={"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
        headers={"Cookie": f"csrftoken={token}"},
        timeout=10,
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text
    cookies = signed_in.cookies
    session = f"csrftoken={token}; sessionid={cookies['sessionid']}; newsroom_staff={cookies['newsroom_staff']}"
    held(edge, "/")

    for _ in range(2):
        page = get(edge, "/", Cookie=session)
        assert (page.status_code, page.headers["X-Cache"]) == (200, "PASS")
    assert get(edge, "/admin/", Cookie=session).headers["X-Cache"] == "PASS"
    assert get(edge, "/").headers["X-Cache"] == "HIT"
    # A session cookie alone, which anyone can make up, is a reader's.
    for made_up in ["sessionid=not-a-session", f"sessionid={cookies['sessionid']}"]:
        assert get(edge, "/", Cookie=made_up).headers["X-Cache"] == "HIT"


def test_the_admin_is_never_held(edge):
    for _ in range(3):
        login = get(edge, "/admin/login/")
        assert (login.status_code, login.headers["X-Cache"]) == (200, "PASS")


def test_only_the_app_servers_may_purge(edge):
    def purge(source):
        host, port = edge.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5, source_address=(source, 0))
        connection.request("PURGE", "/", headers={"xkey-purge": "sections"})
        status = connection.getresponse().status
        connection.close()
        return status

    assert purge("127.0.0.2") == 403
    assert purge("127.0.0.1") == 200


def test_while_the_app_is_down_varnish_serves_the_pages_it_holds(edge):
    # An article due in a few seconds: until then pages may be held only until then.
    due = float(edge.shell(SCHEDULE.format(headline="Later results", seconds=8), purge_edge=False).split()[-1])
    time.sleep(1.1)  # every worker has read the purge log since
    lifetime = shared_max_age(get(edge, "/corrections/"))
    assert 0 < lifetime <= due - time.time() + 1

    edge.server.terminate()
    edge.server.wait(timeout=10)
    try:
        time.sleep(lifetime + 1)
        stale = get(edge, "/corrections/")
        assert (stale.status_code, stale.headers["X-Cache"]) == (200, "HIT")
        assert int(stale.headers["Age"]) > lifetime
        assert get(edge, "/articles/no-such-story/").status_code == 503
    finally:
        edge.start_app(port=edge.app_port)


def test_varnish_holds_an_image_only_while_its_article_is_public(edge):
    url = edge.shell(IMAGE.format(headline="Rig at dawn", fields='status="draft"')).splitlines()[-1].split()[0]
    for _ in range(2):
        draft = get(edge, url)
        assert (draft.status_code, draft.headers["X-Cache"]) in [(404, "MISS"), (404, "PASS")]

    edge.shell(PUBLICATION.format(slug="rig-at-dawn", status="published"))
    held(edge, url)
    image = get(edge, url)
    assert (image.status_code, image.headers["Content-Type"]) == (200, "image/jpeg")
    assert 3500 < shared_max_age(image) <= 3600

    edge.shell(PUBLICATION.format(slug="rig-at-dawn", status="draft"))
    for _ in range(2):
        unpublished = get(edge, url)
        assert (unpublished.status_code, unpublished.headers["X-Cache"]) in [(404, "MISS"), (404, "PASS")]


def test_varnish_keeps_no_image_past_its_article_s_expiry(edge):
    fields = "expires_at=timezone.now() + timedelta(seconds=8)"
    url, expiry = edge.shell(IMAGE.format(headline="Tide at noon", fields=fields)).splitlines()[-1].split()
    held(edge, url)
    assert 0 < shared_max_age(get(edge, url)) <= float(expiry) - time.time() + 1

    time.sleep(max(0, float(expiry) - time.time()) + 0.5)
    # Not even the first request after it gets the copy held (as it would for a page).
    gone = get(edge, url)
    assert (gone.status_code, gone.headers["X-Cache"]) in [(404, "MISS"), (404, "PASS")]
