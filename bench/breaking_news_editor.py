"""The editor of bench/breaking_news.py: saves a published article once in each second, and
after each save measures how long its page takes to show the edit from every gunicorn worker.

    DJANGO_SETTINGS_MODULE=… DATABASE_URL=… REDIS_URL=… \\
        .venv/bin/python bench/breaking_news_editor.py --port 8123 --workers 101,102 \\
        --articles articles.json --seconds 60 --out edits.jsonl

It runs in a process of its own with the server's environment, as a second app process or an
editor's shell would: each edit is an ORM save with its signals (so the page cache is told
through the purge log, as for any save), alternately a new headline and a new first paragraph,
each carrying a unique marker, to an article whose previous edit has been seen. Then, in a
thread of its own so that the next save is still on time, it requests the article's page every
POLL_SECONDS (the server names the worker that answered in X-Served-By, bench/worker_wsgi.py)
until every worker has answered with the marker twice in a row, for at most GIVE_UP_SECONDS. An
edit's delay is, for the slowest worker, the time from the end of the save to the first answer
showing it after which that worker never showed the old page again.

It prints "ready" once Django is set up, starts on a line from its standard input, and writes
one JSON object per edit to --out.
"""

import argparse
import itertools
import json
import random
import re
import secrets
import sys
import threading
import time
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from proof import fetch  # noqa: E402

POLL_SECONDS = 0.025
GIVE_UP_SECONDS = 10
FRESH_ANSWERS = 2  # answers in a row showing the edit, from each worker
HEADLINE_MARK = re.compile(r" \(update [0-9a-f]{8}\)$")
BODY_MARK = re.compile(r"^<p>Update [0-9a-f]{8}:[^<]*</p>")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--workers", required=True, help="the gunicorn workers' process ids, comma-separated")
    parser.add_argument("--articles", type=Path, required=True, help="JSON list of [pk, path] of articles to edit")
    parser.add_argument("--seconds", type=float, required=True, help="how many seconds to edit for, one save a second")
    parser.add_argument("--out", type=Path, required=True, help="where to write one JSON line per edit")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def edit(article_pk, number):
    """Save article ``article_pk`` with a new headline (even ``number``) or first paragraph
    (odd); returns (kind, marker, seconds the save took)."""
    from articles.models import Article

    marker = secrets.token_hex(4)
    started = time.perf_counter()
    article = Article.objects.get(pk=article_pk)
    if number % 2 == 0:
        kind = "headline"
        article.headline = HEADLINE_MARK.sub("", article.headline) + f" (update {marker})"
    else:
        kind = "body"
        article.body = f"<p>Update {marker}: talks resumed at {time.strftime('%H:%M:%S')}.</p>" + BODY_MARK.sub(
            "", article.body
        )
    article.save()
    return kind, marker, time.perf_counter() - started


def watch(port, path, marker, workers, saved):
    """Request ``path`` until every worker has shown ``marker`` FRESH_ANSWERS times in a row;
    times are counted from ``saved`` (time.monotonic())."""
    fresh_since = dict.fromkeys(workers)  # worker -> seconds after the save it began showing the edit
    in_a_row = dict.fromkeys(workers, 0)
    answers, stale, regressions, errors, strangers = 0, 0, 0, [], set()
    while time.monotonic() - saved < GIVE_UP_SECONDS:
        try:
            response = fetch(port, path)
        except OSError as error:
            errors.append(type(error).__name__)
            time.sleep(POLL_SECONDS)
            continue
        at = time.monotonic() - saved
        answers += 1
        worker = response.headers.get("X-Served-By", "")
        if response.status != 200:
            errors.append(str(response.status))
        elif worker not in fresh_since:
            strangers.add(worker)
        elif marker in response.body:
            if fresh_since[worker] is None:
                fresh_since[worker] = at
            in_a_row[worker] += 1
        else:
            stale += 1
            if fresh_since[worker] is not None:
                regressions += 1  # this worker showed the edit, then the old page again
            fresh_since[worker], in_a_row[worker] = None, 0
        if all(count >= FRESH_ANSWERS for count in in_a_row.values()):
            break
        time.sleep(POLL_SECONDS)
    shown = all(count >= FRESH_ANSWERS for count in in_a_row.values())
    return {
        "visible_after": max(fresh_since.values()) if shown else None,
        "first_worker_after": min((at for at in fresh_since.values() if at is not None), default=None),
        "answers": answers,
        "stale_answers": stale,
        "regressions": regressions,
        "errors": errors,
        "unknown_workers": sorted(strangers),
    }


def main():
    args = parse_args()
    django.setup()
    articles = json.loads(args.articles.read_text())
    workers = args.workers.split(",")
    rng = random.Random(args.seed)
    watched = set()  # articles whose last edit is still being looked for: not edited again until seen
    lock = threading.Lock()
    records, watchers = [], []

    def follow(record, path, marker, saved):
        record.update(watch(args.port, path, marker, workers, saved))
        with lock:
            watched.discard(record["pk"])

    print("ready", flush=True)
    sys.stdin.readline()  # "go", once the readers have started
    started = time.monotonic()
    for number in itertools.count():
        # Once in each second, whatever the looking for earlier edits is doing, at a random moment
        # within it: saves on the second would keep step with the workers' reading of the purge
        # log (about once a second too), and every edit would wait about as long.
        time.sleep(max(0, started + number + rng.uniform(0, 0.8) - time.monotonic()))
        if number >= args.seconds:
            break
        with lock:
            pk, path = rng.choice([article for article in articles if article[0] not in watched])
            watched.add(pk)
        at = time.monotonic() - started
        kind, marker, save_seconds = edit(pk, number)
        saved = time.monotonic()
        record = {"number": number, "at": at, "pk": pk, "path": path, "kind": kind, "save_seconds": save_seconds}
        records.append(record)
        watcher = threading.Thread(target=follow, args=(record, path, marker, saved))
        watcher.start()
        watchers.append(watcher)
    for watcher in watchers:
        watcher.join()
    args.out.write_text("".join(json.dumps(record) + "\n" for record in records))


if __name__ == "__main__":
    main()
