"""Take the admin screenshots the editing guide shows, from a throwaway site with sample stories.

    .venv/bin/python docs/screenshots.py

It migrates a temporary SQLite database, fills it with a few sections, authors and articles
(live, scheduled, in review, a draft, an expired one, and a live one edited over a day with a
reporter's changes waiting for review), serves it with ``runserver`` on 127.0.0.1:8765, logs in
an editor and a reporter with headless Chromium and writes ``docs/images/admin-*.png``: the
review queue, the article list, the article form, a live article's draft of changes, its
history, a comparison, the choice between crossed edits and the front page placements. Nothing outside the temporary
folder and ``docs/images`` is touched.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
IMAGES = BASE_DIR / "docs" / "images"
sys.path.insert(0, str(BASE_DIR))
from newsroom.tests.browser.chromium import launch_chromium  # noqa: E402

ADDRESS = "127.0.0.1:8765"
USERNAME, REPORTER, PASSWORD = "editor", "sam", "screenshots-only-password"

SAMPLE_SITE = f"""
import json
from datetime import timedelta

import django
django.setup()

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Revision, Version

from articles import editing
from articles.models import Article, ArticleAuthor, ArticleDraft, Correction, Section
from breaking import services
from breaking.models import LiveStory, Ticker, TickerItem
from authors.models import Author
from frontpage.models import Placement

now = timezone.now().replace(second=0, microsecond=0)
users = get_user_model().objects
editor = users.create_superuser({USERNAME!r}, password={PASSWORD!r}, first_name="Eve", last_name="Editor")
sam = users.create_user({REPORTER!r}, password={PASSWORD!r}, first_name="Sam", last_name="Reporter", is_staff=True)
sam.groups.add(Group.objects.get(name="Reporter"))
energy = Section.objects.create(name="Energy", slug="energy", order=1)
world = Section.objects.create(name="World", slug="world", order=2)
irina = Author.objects.create(name="Irina Slav", job_title="Energy correspondent")
tom = Author.objects.create(name="Tom Kool", job_title="Markets editor")
ana = Author.objects.create(name="Ana Petrova", job_title="Photographer")

def story(headline, section, authors=(), **fields):
    fields.setdefault("body", "<p>Brent crude rose for a third day as traders weighed supply.</p>"
                              "<h2>What changed</h2><p>Output targets were left unchanged.</p>")
    fields.setdefault("dek", "Traders weigh supply against a slowing economy.")
    with reversion.create_revision():  # the article and its bylines in its first revision
        article = Article.objects.create(headline=headline, section=section, **fields)
        for order, (author, role) in enumerate(authors):
            ArticleAuthor.objects.create(article=article, author=author, role=role, order=order)
    return article

def saved_at(article, when):
    # The samples are made within a second; their history spreads over days.
    latest = Version.objects.get_for_object(article).first()
    Revision.objects.filter(pk=latest.revision_id).update(date_created=when)
    Article.objects.filter(pk=article.pk).update(updated_at=when)

live = story("Oil prices climb as OPEC+ holds output steady", energy,
             [(irina, "writer"), (ana, "photos")], status="published",
             published_at=now - timedelta(hours=2))
story("Gas storage reaches record levels ahead of winter", energy, [(tom, "writer")],
      status="published", published_at=now + timedelta(hours=5))
ceasefire = story("Ceasefire talks resume in Geneva", world, credit_line="Reuters", status="published",
                  published_at=now - timedelta(days=1))
in_review = story("Refinery strike enters second week", energy, [(irina, "writer")], status="review",
                  updated_by=sam)
saved_at(in_review, now - timedelta(hours=3))
story("Draft: what the new tariffs mean for drivers", energy, [(tom, "writer")])
story("Heatwave warning for the weekend", world, credit_line="AP", status="published",
      published_at=now - timedelta(days=3), expires_at=now - timedelta(days=2))
Correction.objects.create(article=live, text="An earlier version gave the wrong date for the meeting.")
ticker = Ticker.objects.get(slug="breaking-news")
TickerItem.objects.create(ticker=ticker, text="OPEC+ keeps output unchanged", article=live,
                          priority=TickerItem.Priority.URGENT, expires_at=now + timedelta(hours=3))

# A live story edited twice since it was imported, with a reporter's changes waiting for review.
changed = story("Wind farm auction draws record bids", energy, [(irina, "writer")], status="published",
                published_at=now - timedelta(days=1),
                dek="Seven groups bid for the right to build off the northern coast.",
                body="<p>The auction drew seven bids for two sites.</p><p>Results are due in March.</p>")
saved_at(changed, now - timedelta(days=1))
for when, comment, changes in [
    (timedelta(hours=20), "Changed summary.", {{"dek": "Seven groups bid for two sites off the northern coast."}}),
    (timedelta(hours=6), "Changed body.", {{"body": "<p>The auction drew seven bids for two sites, a record.</p>"
                                                    "<p>Results are due in March.</p>"}}),
]:
    changed.refresh_from_db()
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment(comment)
        editing.save_content(article=changed, content={{**editing.saved_content(changed), **changes}}, user=editor)
    saved_at(changed, now - when)
changed.refresh_from_db()
editing.save_draft(
    article=changed,
    content={{
        **editing.saved_content(changed),
        "headline": "Wind farm auction draws record bids worth €4bn",
        "body": "<p>The auction drew seven bids worth €4bn for two sites, a record.</p>"
                "<p>Results are due in March.</p>",
    }},
    user=sam,
    status=ArticleDraft.Status.REVIEW,
)
ArticleDraft.objects.filter(article=changed).update(saved_at=now - timedelta(minutes=25))
# The front page: the editors' lead story, a pin, and a pin that has ended.
Placement.objects.create(place="lead", article=live, starts_at=now - timedelta(hours=1), created_by=editor)
Placement.objects.create(place="pinned", article=ceasefire, position=1, starts_at=now - timedelta(hours=2),
                         expires_at=now + timedelta(hours=10), created_by=editor)
Placement.objects.create(place="pinned", article=changed, position=2, starts_at=now - timedelta(hours=30),
                         expires_at=now - timedelta(hours=6), created_by=editor)

# A live story with a few updates, one edited and one removed.
storm = LiveStory.objects.create(headline="Storm Ellis reaches the North Sea coast", status="live",
                                 summary="Gales, flooding and closed ports.", section=world,
                                 starts_at=now - timedelta(hours=3))
for title, body in [("Where to find shelter", "<p>Councils have opened halls in every coastal town.</p>"),
                    ("Ports close", "<p>Rotterdam and Antwerp stop taking ships.</p>"),
                    ("", "<p>A figure in this update was wrong.</p>"),
                    ("Landfall", "<p>The eye crossed the coast near Den Helder.</p>")]:
    update = services.post_update(story=storm, user=editor, title=title, body=body)
    if not title:
        services.remove_update(update=update, user=editor)
update.body = "<p>The eye crossed the coast near Den Helder, with gusts of 150 km/h.</p>"
services.record_edit(update=update, user=editor)
# The live story pinned first on the front page while it is in progress.
Placement.objects.create(place="pinned", live_story=storm, position=0, starts_at=now - timedelta(minutes=30),
                         expires_at=now + timedelta(hours=5), created_by=editor)
print(json.dumps({{"live": live.pk, "changed": changed.pk, "storm": storm.pk}}))
"""


def main():
    with sample_site_served(SAMPLE_SITE, "newsroom.settings.dev", DEBUG="1") as (output, _):
        take_screenshots(**json.loads(output.splitlines()[-1]))


@contextmanager
def sample_site_served(sample_code, settings_module, **extra_env):
    """A throwaway site for screenshots: a fresh SQLite database and media folder, filled by
    running ``sample_code``, served by ``runserver`` on ADDRESS until the block ends. Yields
    the sample code's output and the media folder."""
    with tempfile.TemporaryDirectory(prefix="newsroom-screenshots-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "LOG_LEVEL": "WARNING",
            **extra_env,
        }
        env.pop("REDIS_URL", None)
        run = {"cwd": BASE_DIR, "env": env, "check": True}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
        output = subprocess.run([sys.executable, "-c", sample_code], capture_output=True, text=True, **run).stdout
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", ADDRESS, "--noreload"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"http://{ADDRESS}/healthz")
            yield output, Path(env["MEDIA_ROOT"])
        finally:
            server.terminate()
            server.wait(timeout=10)


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def take_screenshots(live, changed, storm):
    IMAGES.mkdir(parents=True, exist_ok=True)
    admin = f"http://{ADDRESS}/admin"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = logged_in(browser, USERNAME)

        page.goto(f"{admin}/")
        shoot(page, "admin-index-review-queue.png", clip=down_to(page, page.locator(".review-queue")))

        page.goto(f"{admin}/articles/article/")
        shoot(page, "admin-article-list.png", full_page=True)

        page.goto(f"{admin}/articles/article/{live}/change/")
        page.wait_for_load_state("networkidle")
        shoot(page, "admin-article-form.png", full_page=True)

        page.goto(f"{admin}/frontpage/placement/")
        shoot(page, "admin-front-page.png", clip=down_to(page, page.locator("#content")))

        # A live article with a draft of changes in review: the notice at the top of the form
        # and the buttons at its foot, with the fields between them left out.
        page.goto(f"{admin}/articles/article/{changed}/change/")
        page.wait_for_load_state("networkidle")
        top = page.screenshot(clip=down_to(page, page.locator("fieldset.module").first), full_page=True)
        foot = page.screenshot(clip=around(page.locator(".submit-row")), full_page=True)
        stack(IMAGES / "admin-article-draft-of-changes.png", top, foot)

        page.goto(f"{admin}/articles/article/{changed}/history/")
        shoot(page, "admin-article-history.png", clip=down_to(page, page.locator("#content")))
        revisions = page.locator("#change-history tbody th a")
        oldest = revisions.last.inner_text()
        page.get_by_label(f"Compare from revision 1, of {oldest}").check()
        page.get_by_label("Compare to the draft of changes").check()
        page.get_by_role("button", name="Compare").click()
        page.wait_for_url("**/history/compare/?*")
        page.wait_for_load_state("networkidle")
        shoot(page, "admin-article-compare.png", clip=down_to(page, page.locator("#content")))

        # A live story's page: the short form to post an update, and the newest updates under it.
        page.goto(f"{admin}/breaking/livestory/{storm}/change/")
        page.wait_for_load_state("networkidle")
        page.locator("#live-post-form").get_by_label("Title").fill("Rivers rise inland")
        page.locator("#live-post-form .ProseMirror[contenteditable=true]").click()
        page.keyboard.type("The Rhine is expected to peak on Thursday.")
        shoot(page, "admin-live-story-post.png", clip=down_to(page, page.locator(".live-newest")), full_page=True)

        # Crossed edits: the reporter saves a new headline while the editor has the form open
        # with another one typed in.
        reporter = logged_in(browser, REPORTER)
        reporter.goto(f"{admin}/articles/article/{changed}/change/")
        page.goto(f"{admin}/articles/article/{changed}/change/")
        page.get_by_label("Headline").fill("Record €4bn of bids in wind farm auction")
        page.get_by_label("Summary").fill("Seven groups bid for two sites off the northern coast, a record.")
        reporter.get_by_label("Headline").fill("Wind farm auction draws €4bn in bids, a record")
        reporter.get_by_role("button", name="Send for review").click()
        reporter.wait_for_url(f"{admin}/articles/article/")
        page.get_by_role("button", name="Save draft and continue editing").click()
        page.wait_for_selector(".conflicts")
        shoot(page, "admin-article-conflict.png", clip=down_to(page, page.locator(".conflicts")))
        browser.close()


def logged_in(browser, username):
    """A tab of its own (its own cookies) logged in as ``username``."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"http://{ADDRESS}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"http://{ADDRESS}/admin/")
    return page


def shoot(page, name, **options):
    page.screenshot(path=IMAGES / name, **options)
    print(IMAGES / name)


def page_box(locator):
    """Where ``locator`` is on the page (not in the window): x, y, width, height."""
    box = locator.bounding_box()
    return {**box, "y": box["y"] + locator.page.evaluate("window.scrollY")}


def down_to(page, locator, margin=16):
    """The page from its top down to just below ``locator``, the window's width."""
    box = page_box(locator)
    return {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": box["y"] + box["height"] + margin}


def around(locator, margin=12):
    """``locator`` with a margin above and below, the window's width."""
    box = page_box(locator)
    width = locator.page.viewport_size["width"]
    return {"x": 0, "y": box["y"] - margin, "width": width, "height": box["height"] + 2 * margin}


def stack(path, *shots, gap=24):
    """Screenshots one above the other, with a dashed rule where a part of the page is left out."""
    images = [Image.open(io.BytesIO(shot)) for shot in shots]
    width = max(image.width for image in images)
    whole = Image.new("RGB", (width, sum(image.height for image in images) + gap * (len(images) - 1)), "white")
    draw = ImageDraw.Draw(whole)
    top = 0
    for image in images:
        if top:
            for x in range(0, width, 16):
                draw.line([(x, top - gap // 2), (x + 8, top - gap // 2)], fill="#999999", width=2)
        whole.paste(image, (0, top))
        top += image.height + gap
    whole.save(path, optimize=True)
    print(path)


if __name__ == "__main__":
    main()
