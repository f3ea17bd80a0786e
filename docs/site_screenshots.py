"""Take the reader-site screenshots the README shows: every public page type at phone (360 px)
and desktop (1280 px) widths.

    .venv/bin/python docs/site_screenshots.py

It builds the sample site the browser tests use (newsroom/tests/sample_site.py) in a temporary
SQLite database, serves it with ``runserver`` on 127.0.0.1:8765 under the test settings (DEBUG
off, so the 404 page is the site's own; static files straight from the app folders) and writes
``docs/images/site-<page>-<phone|desktop>.png``. With DEBUG off Django serves no uploads, so the
browser reads them from the temporary media folder itself. Nothing outside the temporary folder
and ``docs/images`` is touched.
"""

import json
from urllib.parse import unquote, urlsplit

from playwright.sync_api import sync_playwright
from screenshots import ADDRESS, BASE_DIR, IMAGES, launch_chromium, sample_site_served

WIDTHS = {"phone": 360, "desktop": 1280}

SAMPLE_SITE = """
import json

import django
django.setup()

from newsroom.tests.sample_site import build_sample_site

print(json.dumps(build_sample_site().pages))
"""


def main():
    with sample_site_served(SAMPLE_SITE, "newsroom.settings.test") as (output, media_root):
        take_screenshots(json.loads(output.splitlines()[-1]), media_root)


def take_screenshots(pages, media_root):
    IMAGES.mkdir(parents=True, exist_ok=True)

    def serve_upload(route):
        file = media_root / unquote(urlsplit(route.request.url).path).removeprefix("/media/")
        if file.is_file():
            route.fulfill(path=file)
        else:
            route.fulfill(status=404)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for device, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.route("**/media/**", serve_upload)
            for name, path in pages.items():
                page.goto(f"http://{ADDRESS}{path}")
                page.wait_for_load_state("networkidle")
                target = IMAGES / f"site-{name}-{device}.png"
                page.screenshot(path=target, full_page=True)
                print(target.relative_to(BASE_DIR))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
