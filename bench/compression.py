"""What compressing a response costs and saves, per page and per coding (newsroom/compression.py).

    python bench/compression.py                 # 10,000 generated articles, a fresh SQLite file
    python bench/compression.py --pages 2000

Generates a corpus (bench/make_corpus.py), imports it into a scratch database and fetches the
reader pages as they are sent (an article, the home page, the archive, the RSS feed, the
sitemaps and the ticker). Then, in this process:

- each coding on each body: brotli at several qualities and gzip as Django makes it, the size
  and the CPU time per response (the median of repeated runs; CPU time, not wall time, so that
  other work on the machine does not count);
- the article page served from the page cache through the whole middleware stack, plain and
  compressed: what compression adds to a cached page once its compressed body is kept.

Prints markdown tables.
"""

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BROTLI_QUALITIES = (1, 4, 5, 6, 9, 11)


def cpu_ms(function, budget=0.5, at_most=500):
    """(result, median CPU milliseconds) of ``function()`` over runs within ``budget`` CPU seconds."""
    runs, result, started = [], None, time.thread_time()
    while len(runs) < 3 or (time.thread_time() - started < budget and len(runs) < at_most):
        begun = time.thread_time()
        result = function()
        runs.append(time.thread_time() - begun)
    return result, statistics.median(runs) * 1000


def kb(size):
    return f"{size / 1024:,.1f} KB"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="articles to generate and import")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-compression-") as scratch:
        scratch = Path(scratch)
        corpus = scratch / "corpus"
        subprocess.run([sys.executable, "bench/make_corpus.py", str(args.pages), corpus], cwd=BASE_DIR, check=True)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
            DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
            MEDIA_ROOT=str(scratch / "media"),
            PAGE_CACHE_SECONDS="0",
        )
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        measure(corpus)


def measure(corpus):
    import brotli
    from django.conf import settings
    from django.core.handlers.base import BaseHandler
    from django.core.management import call_command
    from django.test import Client, RequestFactory
    from django.utils.text import compress_string

    from articles.models import Article
    from newsroom.compression import BROTLI_QUALITY

    call_command("migrate", verbosity=0)
    try:
        call_command("import_seeds", str(corpus), verbosity=0)
    except SystemExit as exit:  # 1: some pages refused, as the corpus intends
        if exit.code not in (0, 1):
            raise
    article = Article.objects.published().order_by("-published_at").first().get_absolute_url()
    pages = {
        "article": article,
        "home": "/",
        "archive": "/archive/",
        "RSS feed": "/feeds/latest/",
        "news sitemap": "/sitemap-news.xml",
        "sitemap": "/sitemap.xml",
        "ticker.json": "/ticker.json",
    }
    codings = {f"br {quality}": {"quality": quality} for quality in BROTLI_QUALITIES}
    client = Client()

    print(f"{Article.objects.published().count():,} published articles; brotli quality in use: {BROTLI_QUALITY}.")
    print("Each cell: size, CPU milliseconds per response.\n")
    print("| page | plain | " + " | ".join([*codings, "gzip 6"]) + " | sent br | sent gzip |")
    print("| --- | ---: | " + " | ".join("---:" for _ in range(len(codings) + 1)) + " | ---: | ---: |")
    for name, url in pages.items():
        body = client.get(url, headers={"accept-encoding": "identity"}).content
        cells = []
        for options in codings.values():
            compressed, ms = cpu_ms(partial(brotli.compress, body, mode=brotli.MODE_TEXT, **options))
            cells.append(f"{kb(len(compressed))}, {ms:.2f} ms")
        compressed, ms = cpu_ms(partial(compress_string, body))
        cells.append(f"{kb(len(compressed))}, {ms:.2f} ms")
        sent = {}
        for coding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            response = client.get(url, headers={"accept-encoding": coding})
            encoded = response.get("Content-Encoding") == coding
            assert not encoded or decompress(response.content) == body
            sent[coding] = kb(len(response.content)) if encoded else "(plain)"
        print(f"| {name} | {kb(len(body))} | " + " | ".join(cells) + f" | {sent['br']} | {sent['gzip']} |")

    settings.PAGE_CACHE_SECONDS = 300
    handler = BaseHandler()
    handler.load_middleware()
    print("\nThe article page from the page cache, through every middleware (CPU ms per response):\n")
    print("| Accept-Encoding | sent | ms |")
    print("| --- | ---: | ---: |")
    for accept in ("identity", "br", "gzip"):
        request = RequestFactory().get(article, headers={"accept-encoding": accept})
        handler.get_response(request)  # cached, and its compressed body kept
        response, ms = cpu_ms(partial(handler.get_response, request))
        print(f"| {accept} | {kb(len(response.content))} | {ms:.3f} |")


if __name__ == "__main__":
    main()
