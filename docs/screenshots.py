"""Take the admin screenshots the editing guide shows, from a throwaway site with sample stories.

    .venv/bin/python docs/screenshots.py

It migrates a temporary SQLite database, fills it with a few sections, authors and articles
(live, scheduled, in review, a draft and an expired one), serves it with ``runserver`` on
127.0.0.1:8765, logs in with headless Chromium and writes ``docs/images/admin-*.png``. Nothing
outside the temporary folder and ``docs/images`` is touched.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
IMAGES = BASE_DIR / "docs" / "images"
sys.path.insert(0, str(BASE_DIR))
from newsroom.tests.browser.chromium import launch_chromium  # noqa: E402

ADDRESS = "127.0.0.1:8765"
USERNAME, PASSWORD = "editor", "screenshots-only-password"

SAMPLE_SITE = f"""
from datetime import timedelta

import django
django.setup()

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Correction, Section, Ticker, TickerItem
from authors.models import Author

now = timezone.now().replace(second=0, microsecond=0)
get_user_model().objects.create_superuser({USERNAME!r}, password={PASSWORD!r})
energy = Section.objects.create(name="Energy", slug="energy", order=1)
world = Section.objects.create(name="World", slug="world", order=2)
irina = Author.objects.create(name="Irina Slav", job_title="Energy correspondent")
tom = Author.objects.create(name="Tom Kool", job_title="Markets editor")
ana = Author.objects.create(name="Ana Petrova", job_title="Photographer")

def story(headline, section, authors=(), **fields):
    fields.setdefault("body", "<p>Brent crude rose for a third day as traders weighed supply.</p>"
                              "<h2>What changed</h2><p>Output targets were left unchanged.</p>")
    fields.setdefault("dek", "Traders weigh supply against a slowing economy.")
    article = Article.objects.create(headline=headline, section=section, **fields)
    for order, (author, role) in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, role=role, order=order)
    return article

live = story("Oil prices climb as OPEC+ holds output steady", energy,
             [(irina, "writer"), (ana, "photos")], status="published",
             published_at=now - timedelta(hours=2))
story("Gas storage reaches record levels ahead of winter", energy, [(tom, "writer")],
      status="published", published_at=now + timedelta(hours=5))
story("Ceasefire talks resume in Geneva", world, credit_line="Reuters", status="published",
      published_at=now - timedelta(days=1))
story("Refinery strike enters second week", energy, [(irina, "writer")], status="review")
story("Draft: what the new tariffs mean for drivers", energy, [(tom, "writer")])
story("Heatwave warning for the weekend", world, credit_line="AP", status="published",
      published_at=now - timedelta(days=3), expires_at=now - timedelta(days=2))
Correction.objects.create(article=live, text="An earlier version gave the wrong date for the meeting.")
ticker = Ticker.objects.get(slug="breaking-news")
TickerItem.objects.create(ticker=ticker, text="OPEC+ keeps output unchanged", article=live,
                          priority=TickerItem.Priority.URGENT, expires_at=now + timedelta(hours=3))
print(live.pk)
"""


def main():
    with sample_site_served(SAMPLE_SITE, "newsroom.settings.dev", DEBUG="1") as (output, _):
        take_screenshots(output.split()[-1])


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


def take_screenshots(article_id):
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"http://{ADDRESS}/admin/login/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"http://{ADDRESS}/admin/")

        page.goto(f"http://{ADDRESS}/admin/articles/article/")
        page.screenshot(path=IMAGES / "admin-article-list.png", full_page=True)

        page.goto(f"http://{ADDRESS}/admin/articles/article/{article_id}/change/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=IMAGES / "admin-article-form.png", full_page=True)
        browser.close()
    for name in ["admin-article-list.png", "admin-article-form.png"]:
        print(IMAGES / name)


if __name__ == "__main__":
    main()
