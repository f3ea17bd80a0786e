"""Scale benchmark: every public URL type, uncached, on a database of many articles.

    .venv/bin/python bench/scale.py                      # 100,000 articles on PostgreSQL and SQLite
    .venv/bin/python bench/scale.py --quick              # 2,000 articles, 3 requests each: a smoke run
    .venv/bin/python bench/scale.py --articles 10000 --database sqlite

For each database the script makes a scratch database (PostgreSQL: created next to the one named
by --postgres-url and dropped at the end; SQLite: a file in a scratch directory), migrates it and
fills it directly with bulk inserts: sections, a few hundred authors, N articles (headlines and
sentences from bench/make_corpus.py, bodies of 1 to 40 paragraphs, one to three bylines each,
publication times spread back from now, some drafts, scheduled and expired articles), corrections,
ticker items and live stories with their updates (the newest with 5,000). Then, in a process of
its own running production settings with the page cache off (PAGE_CACHE_SECONDS=0) and the cache
emptied before every request, it requests each URL type
through Django's test client (the whole middleware stack, no network) a few times and prints a
markdown table of the median, p99 and fastest time and the median processor time per URL type,
with the status, the number of queries and the size of the response. The table is also written
to bench/out/scale-<date>.md.
"""

import argparse
import json
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import quote_plus, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SECTIONS = ("Energy", "Markets", "Politics", "Climate", "Technology", "Business", "World", "Opinion")
ARTICLES_PER_DAY = 60
GOAL_MS = 100
BATCH = 2_000
# Updates of the newest live story: one followed for three days, an update every minute or so.
LONG_STORY_UPDATES = 5_000
SEARCHES = {
    "search": "pipeline delays",
    "search, a word in most articles": "oil",
    "search, the start of a word": "pipel",
    "search, misspelt (a suggestion)": "pipline delsys",
}
# A request that runs longer is stopped and reported as failed, not waited for.
REQUEST_TIMEOUT_SECONDS = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, help="articles to generate (default 100,000; 2,000 with --quick)")
    parser.add_argument("--repeat", type=int, help="timed requests per URL type (default 20; 3 with --quick)")
    parser.add_argument(
        "--database", choices=["postgresql", "sqlite", "both"], default="both", help="which databases (default both)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help=f"a PostgreSQL server to make the scratch database on (default {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 articles, 3 requests per URL type")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same rows")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch databases and print where they are, for --reuse"
    )
    parser.add_argument(
        "--reuse",
        metavar="DATABASE_URL",
        help="measure a database an earlier --keep run filled (migrating it first) instead of making one",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.articles = args.articles or (2_000 if args.quick else 100_000)
    args.repeat = args.repeat or (3 if args.quick else 20)
    return args


# The parent process: scratch databases, one worker process per database, the report.


def scratch_postgres(url):
    """A fresh database on the server in ``url``: (its URL, a function that drops it)."""
    import psycopg

    name = f"newsroom_scale_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), drop


def worker_environment(database_url, scratch):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "DATABASE_URL": database_url,
        "SECRET_KEY": f"bench-{secrets.token_hex(16)}",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DEBUG": "0",
        "PAGE_CACHE_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(BASE_DIR),
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
    }
    environment.pop("REDIS_URL", None)  # each worker's own memory: emptied before every request
    return environment


def run_worker(args, database_url, scratch, fill, measure=True):
    task = {"articles": args.articles, "repeat": args.repeat, "seed": args.seed, "fill": fill, "measure": measure}
    # As a module from the project folder: run as a file, bench/ would come first on the path,
    # and bench/api.py would hide the api app.
    command = [PYTHON, "-m", "bench.scale", "--worker", json.dumps(task)]
    result = subprocess.run(
        command, cwd=BASE_DIR, env=worker_environment(database_url, scratch), stdout=subprocess.PIPE, text=True
    )
    if result.returncode:
        sys.exit(f"the benchmark worker failed ({result.returncode}); its output is above")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_database(args, engine, scratch):
    if args.reuse:
        print(f"== {engine}: measuring {args.reuse}", file=sys.stderr)
        return run_worker(args, args.reuse, scratch, fill=False)
    drop = None
    if engine == "PostgreSQL":
        database_url, drop = scratch_postgres(args.postgres_url)
    else:
        database_url = f"sqlite:///{scratch / 'scale.sqlite3'}"
    print(f"== {engine}: {args.articles:,} articles in {database_url}", file=sys.stderr)
    try:
        # Filled by one process and measured by another, which starts as an app server does: a
        # measuring process that had filled the database kept the fill's objects, and a full
        # garbage collection over them stalled a request of the twenty now and then (500 ms).
        filled = run_worker(args, database_url, scratch, fill=True, measure=False)
        return {**run_worker(args, database_url, scratch, fill=False), "fill_seconds": filled["fill_seconds"]}
    finally:
        if args.keep:
            print(f"kept: {database_url}", file=sys.stderr)
        elif drop:
            drop()


def milliseconds(value):
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def percentile(times, fraction):
    """The nearest-rank percentile: with fewer than 100 times, p99 is the slowest."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def report(args, results):
    engines = list(results)
    names = list(dict.fromkeys(name for result in results.values() for name in result["pages"]))
    lines = [
        f"# Public pages at scale, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{args.articles:,} articles; each URL type requested {args.repeat} times after one untimed request, "
        "uncached (PAGE_CACHE_SECONDS=0, cache emptied before each request), in-process through Django's test "
        "client with production settings.",
        f"Machine: {os.cpu_count()} cores; load average at the end {' '.join(f'{n:.2f}' for n in os.getloadavg())}.",
        f"p99 is the nearest rank of {args.repeat} times (the slowest below 100). CPU is the median processor "
        "time of a request, of the Django process and, for PostgreSQL, of its server process (without the workers "
        "of a parallel query): unlike the clock, it hardly changes when the machine is busy.",
        "",
        "| URL type | "
        + " | ".join(f"{engine} median ms | p99 | fastest | CPU" for engine in engines)
        + " | queries | status | size |",
        "| --- | " + " | ".join("---: | ---: | ---: | ---:" for _ in engines) + " | ---: | ---: | ---: |",
    ]
    for name in names:
        cells, queries, statuses, sizes = [], [], [], []
        for engine in engines:
            page = results[engine]["pages"].get(name)
            if page is None:
                cells += ["", "", "", ""]
                continue
            times, cpu = page["times"], page["cpu"]
            if times:
                figures = statistics.median(times), percentile(times, 0.99), min(times), statistics.median(cpu)
                cells += [milliseconds(figure) for figure in figures]
            else:
                cells += [f"failed after {page['first']:,.0f}", "", "", ""]
            queries.append(str(page["queries"]))
            statuses.append(str(page["status"]))
            sizes.append(f"{page['bytes'] / 1024:,.0f} KB" if page["bytes"] >= 1024 else f"{page['bytes']} B")
        distinct = lambda values: " / ".join(dict.fromkeys(values))  # noqa: E731
        lines.append(
            f"| {name} | {' | '.join(cells)} | {distinct(queries)} | {distinct(statuses)} | {distinct(sizes)} |"
        )
    over = [
        f"{name} ({engine} {milliseconds(statistics.median(page['times']))} ms)"
        for engine in engines
        for name, page in results[engine]["pages"].items()
        if page["times"] and statistics.median(page["times"]) > GOAL_MS
    ]
    lines += ["", f"Median over the {GOAL_MS} ms goal: {'; '.join(over) or 'none'}."]
    first = results[engines[0]]
    paths = "; ".join(f"{name}: `{page['path']}`" for name, page in first["pages"].items())
    filled = ", ".join(f"{engine} {result['fill_seconds']:,.0f} s" for engine, result in results.items())
    lines += ["", f"Paths (the article page takes 20 articles in turn): {paths}.", "", f"Set-up time: {filled}."]
    return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    if args.worker:
        return worker(json.loads(args.worker))
    engines = {"postgresql": ["PostgreSQL"], "sqlite": ["SQLite"], "both": ["PostgreSQL", "SQLite"]}[args.database]
    if args.reuse:
        engines = ["PostgreSQL" if args.reuse.startswith("postgres") else "SQLite"]
    with tempfile.TemporaryDirectory(prefix="newsroom-scale-") as scratch:
        scratch = Path(scratch)
        if args.keep and not args.reuse and "SQLite" in engines:
            scratch = Path(tempfile.mkdtemp(prefix="newsroom-scale-kept-"))
        results = {engine: measure_database(args, engine, scratch) for engine in engines}
    text = report(args, results)
    out = BASE_DIR / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"scale-{datetime.now():%Y-%m-%d-%H%M%S}.md"
    path.write_text(text)
    print(text)
    print(f"Written to {path.relative_to(BASE_DIR)}")
    return 0


# The worker process: Django set up on one database.


# When the request being measured must stop (SQLite; PostgreSQL has statement_timeout).
deadline = [float("inf")]


def worker(task):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.backends.signals import connection_created

    def limit_requests(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = '{REQUEST_TIMEOUT_SECONDS}s'")
        else:  # SQLite interrupts a statement when its progress handler answers true
            connection.connection.set_progress_handler(lambda: time.monotonic() > deadline[0], 10_000)

    connection_created.connect(limit_requests, weak=False)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if task["fill"]:
        fill(task["articles"], random.Random(task["seed"]))
    analyse()
    fill_seconds = time.perf_counter() - started
    print(f"filled and analysed in {fill_seconds:.0f} s", file=sys.stderr)
    pages = measure(task["repeat"], random.Random(task["seed"])) if task["measure"] else {}
    print(json.dumps({"fill_seconds": fill_seconds, "pages": pages}))
    return 0


@contextmanager
def timestamps_as_given(*models):
    """Let bulk inserts write created_at and updated_at as given instead of now."""
    fields = [field for model in models for field in model._meta.fields if getattr(field, "auto_now_add", False)]
    fields += [field for model in models for field in model._meta.fields if getattr(field, "auto_now", False)]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def fill(count, rng):
    """Sections, authors, ``count`` articles with bylines, corrections and ticker items."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from articles.models import Article, ArticleAuthor, Correction, Section
    from authors.models import Author
    from bench.make_corpus import Corpus
    from breaking.models import Ticker, TickerItem

    corpus = Corpus(rng.randrange(1 << 30), count)
    now = timezone.now().replace(microsecond=0)
    span = timedelta(days=count / ARTICLES_PER_DAY)
    with transaction.atomic():
        sections = Section.objects.bulk_create(
            Section(name=name, slug=slugify(name), order=order) for order, name in enumerate(SECTIONS)
        )
        authors = Author.objects.bulk_create(
            Author(name=name, slug=slugify(name), bio=bio, job_title="Correspondent") for name, bio in corpus.authors
        )
    slugs = set()
    public = []
    with timestamps_as_given(Article):
        for start in range(0, count, BATCH):
            articles = []
            for number in range(start, min(count, start + BATCH)):
                headline = corpus.headline(number)
                slug = slugify(headline)[:240] or "article"
                while slug in slugs:
                    slug = f"{slug}-{number}"
                slugs.add(slug)
                # Oldest first, so that ids grow with publication time, as they do in a newsroom.
                published_at = now - span * (1 - number / count) - timedelta(minutes=rng.randrange(5, 60))
                state = rng.random()
                status, expires_at = Article.Status.PUBLISHED, None
                if state < 0.015:
                    status, published_at = Article.Status.DRAFT, None
                elif state < 0.025:
                    status, published_at = Article.Status.REVIEW, None
                elif state < 0.028:
                    published_at = now + timedelta(hours=rng.randrange(1, 200))
                elif state < 0.031 and published_at < now - timedelta(days=2):
                    expires_at = published_at + timedelta(days=1)
                updated_at = published_at or now
                if published_at and rng.random() < 0.2:
                    updated_at = min(now, published_at + timedelta(minutes=rng.randrange(10, 3000)))
                paragraphs = min(40, 1 + int(rng.expovariate(1 / 9)))
                body = "".join(
                    f"<p>{escape(' '.join(rng.choices(corpus.sentences, k=rng.randint(1, 4))))}</p>"
                    for _ in range(paragraphs)
                )
                articles.append(
                    Article(
                        headline=headline,
                        slug=slug,
                        dek=rng.choice(corpus.sentences) if rng.random() < 0.7 else "",
                        body=body,
                        section=rng.choice(sections) if rng.random() < 0.95 else None,
                        credit_line="Reuters" if rng.random() < 0.05 else "",
                        status=status,
                        published_at=published_at,
                        expires_at=expires_at,
                        created_at=(published_at or now) - timedelta(hours=2),
                        updated_at=updated_at,
                    )
                )
            with transaction.atomic():
                Article.objects.bulk_create(articles)
                bylines, corrections = [], []
                for article in articles:
                    people = rng.choices((1, 2, 3), weights=(80, 17, 3))[0]
                    for order, author in enumerate(rng.sample(authors, people)):
                        role = ArticleAuthor.Role.WRITER if order == 0 else ArticleAuthor.Role.ADDITIONAL_REPORTING
                        bylines.append(ArticleAuthor(article=article, author=author, role=role, order=order))
                    if article.published_at and article.published_at < now and rng.random() < 0.01:
                        corrections.append(
                            Correction(
                                article=article,
                                text="An earlier version of this article misstated a figure.",
                                published_at=article.published_at + timedelta(hours=rng.randrange(1, 48)),
                            )
                        )
                    if article.status == Article.Status.PUBLISHED and article.published_at < now:
                        public.append(article)
                ArticleAuthor.objects.bulk_create(bylines)
                Correction.objects.bulk_create(corrections)
            print(f"  {min(count, start + BATCH):,} articles", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    ticker = Ticker.objects.get(slug="breaking-news")
    TickerItem.objects.bulk_create(
        TickerItem(ticker=ticker, text=article.headline, article=article, starts_at=now - timedelta(minutes=number))
        for number, article in enumerate(public[-15:])
    )
    fill_live_coverage(corpus, rng, now, sections, authors, ticker, stories=max(5, count // 1000))


def fill_live_coverage(corpus, rng, now, sections, authors, ticker, *, stories):
    """``stories`` live stories (one for about every thousand articles): the oldest ended,
    the newest three still live; the newest has LONG_STORY_UPDATES updates over three days (a
    story followed for days), the others 20 to 300; a few updates pinned or key events, a few
    removed. Bylines on a tenth of the updates, and a ticker item linking to the newest story."""
    from django.db import transaction
    from django.utils.html import escape

    from breaking.models import LiveStory, LiveUpdate, TickerItem

    count = stories
    with transaction.atomic():
        stories = LiveStory.objects.bulk_create(
            LiveStory(
                headline=f"Live: {corpus.headline(number)}"[:255],
                slug=f"live-{number}",
                summary=rng.choice(corpus.sentences),
                section=rng.choice(sections),
                status=LiveStory.Status.LIVE if number >= count - 3 else LiveStory.Status.ENDED,
                starts_at=now - timedelta(days=3 * (count - number)),
                ends_at=None if number >= count - 3 else now - timedelta(days=3 * (count - number) - 2),
            )
            for number in range(count)
        )
    for story in stories:
        total = LONG_STORY_UPDATES if story is stories[-1] else rng.randint(20, 300)
        ends = story.ends_at or now
        step = (ends - story.starts_at) / total
        with transaction.atomic():
            updates = LiveUpdate.objects.bulk_create(
                LiveUpdate(
                    story=story,
                    posted_at=story.starts_at + step * number,
                    title=rng.choice(corpus.sentences)[:120] if rng.random() < 0.3 else "",
                    body="".join(f"<p>{escape(rng.choice(corpus.sentences))}</p>" for _ in range(rng.randint(1, 3))),
                    pinned=number == total // 2,
                    key_event=rng.random() < 0.02,
                    deleted_at=story.starts_at + step * number + timedelta(minutes=5) if rng.random() < 0.005 else None,
                )
                for number in range(total)
            )
            LiveUpdate.authors.through.objects.bulk_create(
                LiveUpdate.authors.through(liveupdate=update, author=rng.choice(authors))
                for update in updates
                if rng.random() < 0.1
            )
            LiveStory.objects.filter(pk=story.pk).update(last_posted_at=updates[-1].posted_at)
    TickerItem.objects.create(ticker=ticker, text=stories[-1].headline, live_story=stories[-1], starts_at=now)


def analyse():
    """Statistics current and, on PostgreSQL, the visibility map set, as autovacuum leaves a
    table that has settled (and as after new indexes on a database that --reuse measures)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def pages_to_measure(get, rng):
    """{URL type: [paths]}: one path, or several to take in turn (articles)."""
    import re
    from xml.etree import ElementTree

    from django.db.models import Count

    from articles.models import Article, Section
    from authors.models import Author
    from breaking.models import LiveStory

    public = Article.objects.published()
    total = public.count()
    ids = sorted(rng.sample(list(public.values_list("pk", flat=True)), min(total, 20)))
    article_paths = [a.get_absolute_url() for a in Article.objects.filter(pk__in=ids).only("slug")]
    author = Author.objects.annotate(bylines_count=Count("bylines")).order_by("-bylines_count", "pk").first()
    section = Section.objects.annotate(articles_count=Count("articles")).order_by("-articles_count", "pk").first()

    def last_page(path):
        text = get(path).content.decode()
        found = re.search(r"Page 1 of ([\d,]+)", text)
        number = int(found.group(1).replace(",", "")) if found else 1
        return f"{path}{'&' if '?' in path else '?'}page={number}"

    pages = {
        "home": ["/"],
        "article": article_paths,
        "section": [section.get_absolute_url()],
        "section, last page offered": [last_page(section.get_absolute_url())],
        "authors": ["/authors/"],
        "author": [author.get_absolute_url()],
        "author, last page offered": [last_page(author.get_absolute_url())],
        "archive": ["/archive/"],
        "archive, last page offered": [last_page("/archive/")],
        "archive, page 2,000": ["/archive/?page=2000"],
        "archive by author": [f"/archive/?author={author.slug}"],
        "archive by words": ["/archive/?q=oil+prices"],
    }
    for name, words in {**SEARCHES, "search, an author's name": author.name}.items():
        pages[name] = [f"/search/?q={quote_plus(words)}"]
    pages |= {
        "corrections": ["/corrections/"],
        "feed, latest (RSS)": ["/feeds/latest/"],
        "feed, latest (Atom)": ["/feeds/latest/atom/"],
        "feed, section": [f"/feeds/sections/{section.slug}/"],
        "feed, author (RSS)": [f"/feeds/authors/{author.slug}/"],
        "feed, author (Atom)": [f"/feeds/authors/{author.slug}/atom/"],
        "sitemap index": ["/sitemap.xml"],
    }
    # The parts the index names: the first of each kind and the last one.
    index = get("/sitemap.xml")
    if index.status_code == 200 and b"<sitemapindex" in index.content[:500]:
        namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locations = [loc.text for loc in ElementTree.fromstring(index.content).findall("sm:sitemap/sm:loc", namespace)]
        paths = [urlsplit(location)._replace(scheme="", netloc="").geturl() for location in locations]
        kinds = {}
        for path in paths:
            kinds.setdefault(urlsplit(path).path, []).append(path)
        for kind, parts in kinds.items():
            pages[f"sitemap part {kind}"] = [parts[0]]
            if len(parts) > 1:
                pages[f"sitemap part {kind}, last"] = [parts[-1]]
    pages |= {"news sitemap": ["/sitemap-news.xml"], "ticker.json": ["/ticker.json"]}
    live = LiveStory.objects.published().order_by("-starts_at").first()
    if live is not None:
        path = live.get_absolute_url()
        pages |= {
            "live page (newest story)": [path],
            "live page, last page of older updates": [last_page(path)],
            "live updates poll (updates.json)": [f"{path}updates.json"],
            "live feed (RSS)": [f"{path}feed/"],
            "live feed (Atom)": [f"{path}feed/atom/"],
        }
    return pages


def measure(repeat, rng):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsroom import cache as page_cache
    from newsroom.fragments import local_fragments

    client = Client(raise_request_exception=False)

    def get(path):
        deadline[0] = time.monotonic() + REQUEST_TIMEOUT_SECONDS
        try:
            return client.get(path)
        finally:
            deadline[0] = float("inf")

    def cpu_seconds():
        """This process's CPU time, and that of its PostgreSQL server process when the server
        runs on this machine (the workers of a parallel query are not counted)."""
        seconds = time.process_time()
        if connection.vendor == "postgresql" and connection.connection is not None:
            try:
                with open(f"/proc/{connection.connection.info.backend_pid}/schedstat") as schedstat:
                    seconds += int(schedstat.read().split()[0]) / 1e9
            except OSError:
                pass
        return seconds

    def forget_everything():
        """Nothing kept from one request to the next: the shared cache emptied, and the
        fragments and pages this process keeps in its own memory dropped."""
        cache.clear()
        local_fragments.forget()
        page_cache.forget()

    results = {}
    for name, paths in pages_to_measure(get, rng).items():
        forget_everything()
        started = time.perf_counter()
        response = get(paths[0])
        first = (time.perf_counter() - started) * 1000
        page = {"path": paths[0], "status": response.status_code, "bytes": len(response.content), "first": first}
        page["times"], page["cpu"] = [], []
        if response.status_code < 500:
            for number in range(repeat):
                forget_everything()
                started, cpu = time.perf_counter(), cpu_seconds()
                get(paths[number % len(paths)])
                page["times"].append((time.perf_counter() - started) * 1000)
                page["cpu"].append((cpu_seconds() - cpu) * 1000)
            forget_everything()
            with CaptureQueriesContext(connection) as queries:
                get(paths[0])
            page["queries"] = len(queries)
        else:
            page["queries"] = "?"
        median = statistics.median(page["times"]) if page["times"] else first
        print(f"  {name:40} {page['status']} {median:9.1f} ms  {page['path']}", file=sys.stderr)
        results[name] = page
    return results


if __name__ == "__main__":
    sys.exit(main())
