"""Live coverage under load: readers' open live pages polling one story's updates endpoint while
an editor posts an update every 10 seconds.

    .venv/bin/python bench/live_poll.py             # SQLite, 60 s of load: about 3 minutes
    .venv/bin/python bench/live_poll.py --quick     # a smoke run: 20 s of load
    .venv/bin/python bench/live_poll.py --postgres  # on a private PostgreSQL cluster instead
    .venv/bin/python bench/live_poll.py --edge      # behind Varnish, as in production

The site is served by gunicorn (2 sync workers, newsroom.settings.prod, page cache on, a private
redis-server as the shared cache) on loopback, over a database made for the run (a SQLite file,
or a private cluster made with initdb), with one live story of 200 updates. Then, at once:

- wrk at 16 connections polls /live/<slug>/updates.json as fast as it is answered, each request
  after the first carrying the ETag of the newest answer (If-None-Match), as the page's script
  does through the browser's cache (bench/live_poll.lua): the load of about a thousand readers
  polling every ten seconds, many times over;
- an editor process posts an update through the ORM (breaking.services.post_update) every 10 s;
- POLLERS simulated readers, each polling every POLL_SECONDS at its own phase, note when each
  posted update first appears in their answer.

With ``--edge``, Varnish with the shipped configuration (deploy/varnish/newsroom.vcl, xkey) stands
in front of gunicorn as docs/deploy.md sets it up (EDGE_CACHE_SECONDS a day, VARNISH_PURGE_URLS
pointing at it): the polls and the simulated readers go through it, and each post's purge
reaches it from the editor's process.

Then /ticker.json alone for 15 s the same way, for comparison: how fast the machine serves a
small cached page at that moment. Goals: p99 of the polls under 10 ms; every post seen by every
simulated reader within one poll interval plus 2 s of being posted. Every response must be a 200
or a 304 with no socket error. The report is printed as markdown and written to
bench/out/live-poll-<date>.md. Exit status 0 when every check passed, whether or not the goals
were met (the report says), 1 when a check failed, 2 when the benchmark could not run.
Everything it starts is stopped on exit.
"""

import argparse
import contextlib
import json
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from proof import PYTHON, Failure, Postgres, Redis, Server, Varnish, fetch, run, served_environment

BASE_DIR = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
WORKERS = 2
POST_EVERY_SECONDS = 10
POLL_SECONDS = 10  # breaking.views.POLL_SECONDS
POLLERS = 10
P99_GOAL_MS = 10.0
VISIBLE_GOAL_SECONDS = POLL_SECONDS + 2
UPDATES = 200
# /ticker.json, a small cached JSON page, measured the same way right after: how fast this
# machine serves any cached page at the moment, for comparison.
REFERENCE = "/ticker.json"
REFERENCE_SECONDS = 15

SET_UP = """
from datetime import timedelta
from django.utils import timezone
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from breaking.models import LiveStory, LiveUpdate
story = LiveStory.objects.create(headline="Storm hits the coast", slug="storm", status="live",
                                 starts_at=timezone.now() - timedelta(hours=5))
start = timezone.now() - timedelta(hours=4)
LiveUpdate.objects.bulk_create(
    LiveUpdate(story=story, title=f"Update {{number}}", body="<p>" + "Winds and rain. " * 20 + "</p>",
               posted_at=start + timedelta(minutes=number))
    for number in range({updates})
)
get_user_model().objects.create_user("editor", is_staff=True).groups.add(Group.objects.get(name="Editor"))
"""

EDITOR = """
import json, sys, time
from django.contrib.auth import get_user_model
from breaking import services
from breaking.models import LiveStory
story = LiveStory.objects.get(slug="storm")
editor = get_user_model().objects.get(username="editor")
print("ready", flush=True)
started = time.time()
for number in range({posts}):
    time.sleep(max(0, started + {every} * (number + 1) - time.time()))
    update = services.post_update(story=story, user=editor, title=f"Posted {{number}}", body="<p>News.</p>")
    print(json.dumps({{"id": update.pk, "at": time.time()}}), flush=True)
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20 s of load")
    parser.add_argument("--postgres", action="store_true", help="a private PostgreSQL cluster instead of SQLite")
    parser.add_argument("--duration", type=int, help="seconds of load (60; 20 with --quick)")
    parser.add_argument("--edge", action="store_true", help="behind Varnish with the shipped VCL")
    return parser.parse_args()


class Poller(threading.Thread):
    """A reader's open page: polls every POLL_SECONDS from ``phase`` on, with the ETag, and
    notes when it first saw each update id."""

    def __init__(self, port, path, phase, until):
        super().__init__(daemon=True)
        self.port, self.path, self.phase, self.until = port, path, phase, until
        self.seen = {}
        self.errors = []

    def run(self):
        etag, body = None, None
        next_poll = time.time() + self.phase
        while next_poll < self.until:
            time.sleep(max(0, next_poll - time.time()))
            headers = {"Accept": "application/json", **({"If-None-Match": etag} if etag else {})}
            response = fetch(self.port, self.path, headers=headers)
            now = time.time()
            if response.status == 200:
                etag, body = response.headers["ETag"], json.loads(response.body)
                for update in body["updates"]:
                    self.seen.setdefault(update["id"], now)
            elif response.status != 304:
                self.errors.append(response.status)
            next_poll += POLL_SECONDS


def wrk(port, seconds, path, log):
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", "bench/live_poll.lua", f"http://127.0.0.1:{port}", "--", path]
    output = run(command, cwd=BASE_DIR)
    log.write_text(f"$ {shlex.join(command)}\n{output}\n")
    statuses, fields = (
        dict(pair.split("=") for pair in re.search(rf"^{label}(.*)$", output, re.M)[1].split())
        for label in ("STATUS", "RESULT")
    )
    return {int(status): int(count) for status, count in statuses.items()}, fields


def main():
    args = parse_args()
    seconds = args.duration or (20 if args.quick else 60)
    database_name = "PostgreSQL" if args.postgres else "SQLite"
    if args.edge:
        database_name += ", behind Varnish"
    out = BASE_DIR / "bench" / "out"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    checks = []
    with tempfile.TemporaryDirectory(prefix="live-poll-") as scratch, contextlib.ExitStack() as stack:
        scratch = Path(scratch)
        redis = Redis(scratch)
        redis.start()
        stack.callback(redis.kill)
        if args.postgres:
            postgres = Postgres(scratch)
            stack.callback(postgres.discard)
            postgres.create()
            database_url = postgres.url
        else:
            database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
        edge = {}
        if args.edge:
            varnish = Varnish(scratch)
            stack.callback(varnish.stop)
            # As docs/deploy.md sets up Varnish.
            edge = {
                "EDGE_CACHE_SECONDS": "86400",
                "EDGE_INCLUDES": "1",
                "VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish.port}",
            }
        env = served_environment(
            database_url=database_url,
            redis_url=redis.url,
            static_root=scratch / "static",
            media_root=scratch / "media",
            PAGE_CACHE_SECONDS="300",
            **edge,
        )
        manage = [PYTHON, "manage.py"]
        run([*manage, "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env)
        run([*manage, "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env)
        run([*manage, "shell", "--no-imports", "-c", SET_UP.format(updates=UPDATES)], cwd=BASE_DIR, env=env)
        server = Server(env, out / f"live-poll-{stamp}-gunicorn.log", workers=WORKERS)
        stack.callback(server.stop)
        server.start()
        port = server.port
        if args.edge:
            varnish.start(server.port)
            port = varnish.port
        path = "/live/storm/updates.json"
        if (status := fetch(port, path).status) != 200:
            raise Failure(f"{path} answered {status} before any load")

        posts = max(1, (seconds - 5) // POST_EVERY_SECONDS)
        editor = subprocess.Popen(
            [*manage, "shell", "--no-imports", "-c", EDITOR.format(posts=posts, every=POST_EVERY_SECONDS)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(lambda: editor.poll() is None and editor.kill())
        if editor.stdout.readline().strip() != "ready":
            raise Failure("the editor did not start")
        until = time.time() + seconds + VISIBLE_GOAL_SECONDS
        pollers = [Poller(port, path, POLL_SECONDS * number / POLLERS, until) for number in range(POLLERS)]
        for poller in pollers:
            poller.start()
        print(f"== {database_name}: wrk at {CONNECTIONS} connections on {path} for {seconds} s, "
              f"a post every {POST_EVERY_SECONDS} s", flush=True)  # fmt: skip
        statuses, fields = wrk(port, seconds, path, out / f"live-poll-{stamp}-wrk.log")
        posted = [json.loads(line) for line in editor.stdout]
        editor.wait(60)
        for poller in pollers:
            poller.join(POLL_SECONDS * 3)
        print(f"== reference: {REFERENCE} for {REFERENCE_SECONDS} s", flush=True)
        _, reference = wrk(port, REFERENCE_SECONDS, REFERENCE, out / f"live-poll-{stamp}-reference-wrk.log")
        edge_counts = varnish.counters() if args.edge else None

    delays = [poller.seen.get(post["id"], float("inf")) - post["at"] for post in posted for poller in pollers]
    within = sum(delay <= VISIBLE_GOAL_SECONDS for delay in delays)
    bad = {status: count for status, count in statuses.items() if status not in (200, 304)}
    errors = sum(int(fields[kind]) for kind in ("connect", "read", "write", "timeout"))
    checks.append(("every poll answered 200 or 304, no socket error", not bad and not errors, f"{bad}, {errors}"))
    checks.append(("the editor posted every time", len(posted) == posts, f"{len(posted)} of {posts}"))
    poller_errors = [error for poller in pollers for error in poller.errors]
    checks.append(("the simulated readers got only 200 and 304", not poller_errors, str(poller_errors[:5])))
    p99 = float(fields["p99_ms"])
    finite = sorted(delay for delay in delays if delay != float("inf"))
    report = [
        f"# Live coverage polling, {database_name} ({stamp})",
        "",
        f"gunicorn with {WORKERS} sync workers, production settings, page cache on, Redis"
        f"{'; Varnish in front (deploy/varnish/newsroom.vcl)' if args.edge else ''}; one live story of "
        f"{UPDATES} updates; wrk at {CONNECTIONS} connections for {seconds} s on `{path}` with If-None-Match; "
        f"a post every {POST_EVERY_SECONDS} s; {POLLERS} simulated readers polling every {POLL_SECONDS} s.",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| polls answered | {int(fields['requests']):,} ({float(fields['rps']):,.0f}/s) |",
        f"| of which 304 / 200 | {statuses.get(304, 0):,} / {statuses.get(200, 0):,} |",
        f"| p50 / p90 / p99 / max ms | {float(fields['p50_ms']):.2f} / {float(fields['p90_ms']):.2f} / "
        f"**{p99:.2f}** / {float(fields['max_ms']):.1f} |",
        f"| for comparison, `{REFERENCE}` alone right after: req/s, p50 / p99 ms | "
        f"{float(reference['rps']):,.0f}, {float(reference['p50_ms']):.2f} / {float(reference['p99_ms']):.2f} |",
        *(
            [
                f"| answered by Varnish: hits / misses / passed to the app | {edge_counts['MAIN.cache_hit']:,} / "
                f"{edge_counts['MAIN.cache_miss']:,} / {edge_counts['MAIN.s_pass']:,} |"
            ]
            if edge_counts
            else []
        ),
        f"| posts | {len(posted)} |",
        f"| seen by a simulated reader within {VISIBLE_GOAL_SECONDS} s | **{within} of {len(delays)}** |",
        "| delay post → seen: p50 / max s | "
        + (f"{finite[len(finite) // 2]:.2f} / {finite[-1]:.2f} |" if finite else "none seen |"),
        "",
        "| goal | met | figures |",
        "| --- | --- | ---: |",
        f"| p99 of polls under {P99_GOAL_MS:g} ms | {'yes' if p99 < P99_GOAL_MS else 'no'} | {p99:.2f} ms |",
        f"| every post seen within one poll interval + 2 s | {'yes' if delays and within == len(delays) else 'no'} "
        f"| {within} of {len(delays)} |",
        "",
        "| check | passed | detail |",
        "| --- | --- | --- |",
        *(f"| {what} | {'yes' if passed else 'NO'} | {detail} |" for what, passed, detail in checks),
    ]
    text = "\n".join(report) + "\n"
    suffix = "-edge" if args.edge else ""
    (out / f"live-poll-{stamp}{suffix}.md").write_text(text)
    print(text)
    return 0 if all(passed for _, passed, _ in checks) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as failure:
        print(f"live_poll: {failure}", file=sys.stderr)
        sys.exit(2)
