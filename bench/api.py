"""The content API's figures: its throughput against the framework floor, and how long a webhook
takes from an editor's save to its receivers.

    .venv/bin/python bench/api.py              # SQLite: about 5 minutes
    .venv/bin/python bench/api.py --postgres   # a private PostgreSQL cluster instead
    .venv/bin/python bench/api.py --quick      # a smoke run: about 2 minutes

bench/make_corpus.py's articles are imported with import_seeds on a scratch database (SQLite, or
a PostgreSQL cluster made with initdb), with a private redis-server as the shared cache; all of it
on loopback, stopped and deleted on exit whatever the outcome. The machine's own PostgreSQL and
Redis are never touched.

1. Throughput, in one run: gunicorn (2 sync workers, newsroom.settings.prod) serves
   /api/v1/articles/ (the first page of 20) and /api/v1/articles/<id>/ (the median body among the
   101 latest articles), with an API key as a partner sends it (requests without one are limited
   to API_RATE_LIMIT_PER_MINUTE per address), beside the floor: a bare Django view returning the
   same bytes as JSON with no query, through the same middleware and workers (bench/floor_urls.py).
   wrk measures each right after its floor, once with the page cache off (PAGE_CACHE_SECONDS=0)
   and once on (300).
2. Webhook latency: 100 subscriptions to article.published, each at its own address on one
   receiver on loopback that verifies every signature with the Standard Webhooks reference
   library; the real worker processes (`manage.py worker`, 2 of them, as `make run` starts one);
   this process publishes one article at a time by an ORM save (signals and all, as an editor's
   save does), and waits until all 100 receivers have it before the next. The latency of a
   delivery is from the end of the save (its commit) to the receiver reading the request.

The report is printed as markdown and written to bench/out/api-<date>.md, wrk's output beside it.
Exit status 0 when every check passed (only 200s, no socket error, every delivery verified and
received), 1 when one failed, 2 when the benchmark could not run.
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from proof import PYTHON, Failure, Postgres, Redis, Server, run, served_environment

BASE_DIR = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 16
TASK_WORKERS = 2
SUBSCRIBERS = 100
DELIVERY_TIMEOUT_SECONDS = 120
ENDPOINTS = {"list": "/api/v1/articles/", "detail": "/api/v1/articles/{id}/"}


@dataclass(frozen=True)
class Mode:
    pages: int
    seconds: int  # each wrk measurement
    events: int  # articles published one after another for the webhook figures


FULL = Mode(pages=2000, seconds=10, events=30)
QUICK = Mode(pages=400, seconds=3, events=5)

PICKS = """
import json

from django.db.models.functions import Length

from api.keys import issue_key
from articles.models import Article

published = Article.objects.published().order_by("-published_at", "-pk")
latest = list(published.annotate(size=Length("body")).only("pk")[:101])
measured = sorted(latest, key=lambda article: article.size)[len(latest) // 2]
to_publish = list(published.exclude(pk=measured.pk).reverse().values_list("pk", flat=True)[:{events}])
print(json.dumps({{"detail": measured.pk, "to_publish": to_publish, "key": issue_key(name="bench")[1]}}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 400 articles, 3 s per measurement")
    parser.add_argument("--postgres", action="store_true", help="a private PostgreSQL cluster rather than SQLite")
    parser.add_argument("--pages", type=int, help="articles to generate and import (2,000; 400 with --quick)")
    parser.add_argument("--duration", type=int, help="seconds of each wrk measurement (10; 3 with --quick)")
    parser.add_argument("--events", type=int, help="articles published for the webhook figures (30; 5 with --quick)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (database, corpus, logs)")
    return parser.parse_args()


def wrk(port, path, seconds, headers, log, title):
    """One wrk run through bench/report.lua; returns its RESULT fields."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "20s", "--latency"]
    command += ["-s", "bench/report.lua", *(part for header in headers for part in ("-H", header))]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = run(command, cwd=BASE_DIR)
    with open(log, "a") as file:
        file.write(f"### {title} ({path})\n{output}\n")
    line = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise Failure(f"wrk printed no result for {path}:\n{output}")
    fields = dict(pair.split("=") for pair in line.split()[1:])
    wait_idle(port)
    return {name: float(value) for name, value in fields.items()}


def wait_idle(port, seconds=120):
    """Wait until gunicorn holds no client connection (wrk leaves requests open as it stops)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not run(["ss", "-Htn", "state", "established", "state", "close-wait", f"( sport = :{port} )"]).strip():
            return
        time.sleep(0.1)
    raise Failure(f"gunicorn on port {port} was still busy {seconds} s after wrk stopped")


def worker_cpu(server):
    """User and system CPU seconds gunicorn's workers have used so far."""
    total = 0
    for pid in server.pids()[1:]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Receiver:
    """``count`` webhook endpoints (/hook/<n>) on one loopback server, each verifying signatures
    with its subscription's secret; records when each verified delivery arrived."""

    def __init__(self):
        self.verifiers = {}  # path -> Webhook
        self.arrivals = {}  # (path, webhook-id) -> (article id, monotonic time)
        self.duplicates = 0
        self.refused = 0
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                arrived = time.monotonic()
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    message = receiver.verifiers[self.path].verify(body, dict(self.headers))
                except Exception:  # an unknown path or a bad signature: refused either way
                    message = None
                with receiver.changed:
                    key = (self.path, self.headers.get("webhook-id"))
                    if message is None:
                        receiver.refused += 1
                    elif key in receiver.arrivals:
                        receiver.duplicates += 1
                    else:
                        receiver.arrivals[key] = (message["data"]["id"], arrived)
                    receiver.changed.notify_all()
                self.send_response(400 if message is None else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/hook/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path, secret):
        from standardwebhooks.webhooks import Webhook

        self.verifiers[path] = Webhook(secret)

    def wait_for(self, article_id, count, seconds):
        """The arrival times of ``article_id``'s deliveries, once ``count`` arrived or time is up."""
        deadline = time.monotonic() + seconds
        with self.changed:
            while True:
                times = [at for (got, at) in self.arrivals.values() if got == article_id]
                if len(times) >= count or time.monotonic() >= deadline:
                    return times
                self.changed.wait(max(0.0, deadline - time.monotonic()))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Bench:
    def __init__(self, args, scratch, out):
        self.mode = QUICK if args.quick else FULL
        self.mode = Mode(
            pages=args.pages or self.mode.pages,
            seconds=args.duration or self.mode.seconds,
            events=args.events or self.mode.events,
        )
        self.postgres = args.postgres
        self.scratch = scratch
        self.out = out
        self.log = Path(f"{out}.log")
        self.failures = []
        self.results = {}  # (config, name) -> wrk fields
        self.sizes = {}

    def fail(self, what):
        self.failures.append(what)
        print(f"  FAIL  {what}", flush=True)

    def set_up(self, stack):
        redis = Redis(self.scratch)
        stack.callback(redis.kill)
        redis.start()
        self.redis = redis
        if self.postgres:
            (self.scratch / "postgres").mkdir()
            postgres = Postgres(self.scratch / "postgres")
            stack.callback(postgres.discard)
            postgres.create()
            database_url, self.database = postgres.url, postgres.version()
        else:
            database_url = f"sqlite:///{self.scratch / 'bench.sqlite3'}"
            sqlite = run([PYTHON, "-c", "import sqlite3; print(sqlite3.sqlite_version)"]).strip()
            self.database = f"SQLite {sqlite}"
        self.floors = self.scratch / "floors"
        self.floors.mkdir()
        self.env = served_environment(
            database_url=database_url,
            redis_url=redis.url,
            static_root=self.scratch / "static",
            media_root=self.scratch / "media",
            LOG_LEVEL="WARNING",
        )
        print(f"== {self.mode.pages:,} articles on {self.database}", flush=True)
        corpus = self.scratch / "corpus"
        run([PYTHON, "bench/make_corpus.py", str(self.mode.pages), str(corpus)], cwd=BASE_DIR)
        manage = [PYTHON, "manage.py"]
        run([*manage, "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=self.env)
        imported = subprocess.run(
            [*manage, "import_seeds", corpus, "-v0"], cwd=BASE_DIR, env=self.env, capture_output=True, text=True
        )
        # Exit status 1: some pages were refused, as the corpus intends (about 1% are malformed).
        if imported.returncode > 1:
            raise Failure(f"import_seeds failed:\n{imported.stderr}")
        picks = json.loads(
            run(
                [*manage, "shell", "--no-imports", "-c", PICKS.format(events=self.mode.events)],
                cwd=BASE_DIR,
                env=self.env,
            )
        )
        self.paths = {"list": ENDPOINTS["list"], "detail": ENDPOINTS["detail"].format(id=picks["detail"])}
        self.to_publish = picks["to_publish"]
        self.headers = [f"Authorization: Bearer {picks['key']}"]

    def start_server(self, page_cache_seconds, name):
        env = {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PAGE_CACHE_SECONDS": str(page_cache_seconds),
            "BENCH_FLOOR_FILE": str(self.scratch / "floor.html"),
            "BENCH_FLOOR_JSON_DIR": str(self.floors),
        }
        server = Server(env, self.scratch / f"gunicorn-{name}.log", workers=WORKERS)
        server.start()
        return server

    def throughput(self, stack):
        # The floors serve what the endpoints answer, byte for byte.
        (self.scratch / "floor.html").write_text("<!doctype html><title>unused</title>\n")
        server = self.start_server(0, "check")
        try:
            for name, path in self.paths.items():
                response = server.get(path, headers=dict(h.split(": ", 1) for h in self.headers))
                if response.status != 200:
                    raise Failure(f"{path} answered {response.status}")
                body = response.body.encode()
                (self.floors / f"{name}.json").write_bytes(body)
                self.sizes[name] = len(body)
        finally:
            server.stop()
        for config, seconds in (("uncached", 0), ("cached", 300)):
            print(f"== {config} (PAGE_CACHE_SECONDS={seconds}): wrk -t1 -c{CONNECTIONS} -d{self.mode.seconds}s")
            self.redis.client().flushall()
            server = self.start_server(seconds, config)
            try:
                for name, path in self.paths.items():
                    # Each endpoint right after its floor: on a shared machine the load changes
                    # from one minute to the next.
                    for measured, url in ((f"{name} floor", f"/__floor__/{name}.json"), (name, path)):
                        wrk(server.port, url, 2, self.headers, self.log, "warm-up")
                        cpu = worker_cpu(server)
                        result = wrk(
                            server.port, url, self.mode.seconds, self.headers, self.log, f"{config} {measured}"
                        )
                        result["cpu_ms"] = 1000 * (worker_cpu(server) - cpu) / result["requests"]
                        errors = sum(result[kind] for kind in ("non2xx3xx", "connect", "read", "write", "timeout"))
                        if errors:
                            self.fail(f"{config} {url}: {errors:.0f} errors or non-2xx responses (see {self.log})")
                        self.results[config, measured] = result
                        print(
                            f"  {config:<8} {measured:<13} {result['rps']:8.0f} req/s"
                            f"   p50 {result['p50_ms']:6.2f} ms   p99 {result['p99_ms']:6.2f} ms"
                            f"   CPU {result['cpu_ms']:5.2f} ms a request",
                            flush=True,
                        )
            finally:
                server.stop()

    def webhooks(self, stack):
        print(f"== webhooks: {SUBSCRIBERS} subscribers, {TASK_WORKERS} workers, {self.mode.events} saves", flush=True)
        os.environ.update({**self.env, "PAGE_CACHE_SECONDS": "300"})
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        from django.db import transaction
        from django.utils import timezone

        from api.models import Event, WebhookDelivery
        from api.models import WebhookSubscription as Subscription
        from articles.models import Article

        receiver = Receiver()
        stack.callback(receiver.close)
        for number in range(SUBSCRIBERS):
            subscription = Subscription.objects.create(
                url=f"{receiver.base_url}{number}", events=[Event.ARTICLE_PUBLISHED]
            )
            receiver.add(f"/hook/{number}", subscription.secret)
        # The articles to publish, unpublished behind the signals' back: no event, no subscriber.
        Article.objects.filter(pk__in=self.to_publish).update(status=Article.Status.DRAFT, published_at=None)
        workers = []
        for number in range(TASK_WORKERS):
            with open(self.scratch / f"worker-{number}.log", "ab") as log:
                workers.append(
                    subprocess.Popen(
                        [PYTHON, "manage.py", "worker", "--no-reload", "-v0"],
                        cwd=BASE_DIR,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        for worker in workers:
            stack.callback(lambda worker=worker: (worker.kill(), worker.wait()))
        time.sleep(3)  # the workers' start
        self.latencies, self.last_latencies, self.save_ms = [], [], []
        for pk in self.to_publish:
            article = Article.objects.get(pk=pk)
            started = time.monotonic()
            with transaction.atomic():
                article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
                article.save()
            saved = time.monotonic()
            self.save_ms.append(1000 * (saved - started))
            arrivals = receiver.wait_for(pk, SUBSCRIBERS, DELIVERY_TIMEOUT_SECONDS)
            if len(arrivals) < SUBSCRIBERS:
                self.fail(f"article {pk}: {len(arrivals)} of {SUBSCRIBERS} deliveries in {DELIVERY_TIMEOUT_SECONDS} s")
            latencies = [1000 * (at - saved) for at in arrivals]
            self.latencies += latencies
            if latencies:
                self.last_latencies.append(max(latencies))
                print(
                    f"  article {pk}: saved in {self.save_ms[-1]:.0f} ms; first delivery after {min(latencies):.0f} ms,"
                    f" last after {max(latencies):.0f} ms",
                    flush=True,
                )
            time.sleep(0.5)
        if receiver.refused or receiver.duplicates:
            self.fail(f"the receiver refused {receiver.refused} deliveries and saw {receiver.duplicates} again")
        undelivered = WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.DELIVERED).count()
        if undelivered:
            self.fail(f"{undelivered} deliveries are not marked delivered")

    def report(self):
        def rps(value):
            return f"{value:,.0f}"

        lines = [
            f"# Content API, {datetime.now():%Y-%m-%d %H:%M}",
            "",
            f"{self.mode.pages:,} imported articles on {self.database}; a private redis-server as the cache."
            f" gunicorn, {WORKERS} sync workers, newsroom.settings.prod; wrk -t1 -c{CONNECTIONS}"
            f" -d{self.mode.seconds}s on loopback, with an API key.",
            f"Machine: {os.cpu_count()} cores, shared with other work; load average at the end"
            f" {' '.join(f'{load:.2f}' for load in os.getloadavg())}.",
            "",
            "| endpoint | uncached req/s | % of floor | cached req/s | % of floor"
            " | p99 (ms) uncached / cached | CPU ms a request uncached / cached | size |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, path in self.paths.items():
            row = [f"`{path}`"]
            for config in ("uncached", "cached"):
                got, floor = self.results[config, name]["rps"], self.results[config, f"{name} floor"]["rps"]
                row += [rps(got), f"{100 * got / floor:.0f}%"]
            row.append(f"{self.results['uncached', name]['p99_ms']:.1f} / {self.results['cached', name]['p99_ms']:.1f}")
            row.append(f"{self.results['uncached', name]['cpu_ms']:.1f} / {self.results['cached', name]['cpu_ms']:.1f}")
            row.append(f"{self.sizes[name] / 1024:.0f} KB")
            lines.append("| " + " | ".join(row) + " |")
            floors = [self.results[config, f"{name} floor"] for config in ("uncached", "cached")]
            lines.append(
                f"| floor (same bytes) | {rps(floors[0]['rps'])} | | {rps(floors[1]['rps'])} | |"
                f" {floors[0]['p99_ms']:.1f} / {floors[1]['p99_ms']:.1f}"
                f" | {floors[0]['cpu_ms']:.1f} / {floors[1]['cpu_ms']:.1f} | |"
            )
        lines += [
            "",
            "Each endpoint is compared with its floor measured just before it. The gunicorn workers' CPU time"
            " per response depends much less on what else the shared machine runs than requests per second do.",
            "",
            f"Webhooks: {SUBSCRIBERS} subscriptions to article.published on one loopback receiver,"
            f" {TASK_WORKERS} `manage.py worker` processes (default 1 s poll), {len(self.save_ms)} articles"
            f" published one at a time by an ORM save.",
            "",
            "| from the save's commit to the receiver | p50 | p99 | max |",
            "| --- | ---: | ---: | ---: |",
        ]
        if self.latencies:
            for label, values in (
                (f"each delivery ({len(self.latencies):,})", self.latencies),
                (f"the last of an event's {SUBSCRIBERS}", self.last_latencies),
            ):
                lines.append(
                    f"| {label} | {percentile(values, 0.5):.0f} ms | {percentile(values, 0.99):.0f} ms"
                    f" | {max(values):.0f} ms |"
                )
            lines.append(
                f"| (the save itself) | {statistics.median(self.save_ms):.0f} ms | | {max(self.save_ms):.0f} ms |"
            )
        lines += ["", "Checks: " + ("all passed." if not self.failures else "FAILED: " + "; ".join(self.failures))]
        return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    for program in ("wrk", "ss", "redis-server"):
        if not subprocess.run(["sh", "-c", f"command -v {program}"], capture_output=True).stdout:
            print(f"api.py: {program} is missing (apt-get install wrk iproute2 redis-server)", file=sys.stderr)
            return 2
    (BASE_DIR / "bench" / "out").mkdir(exist_ok=True)
    out = BASE_DIR / "bench" / "out" / f"api-{datetime.now():%Y-%m-%d-%H%M%S}"
    scratch = Path(tempfile.mkdtemp(prefix="newsroom-api."))
    scratch.chmod(0o711)  # as root, the PostgreSQL cluster in it belongs to the postgres user
    bench = Bench(args, scratch, out)
    try:
        with contextlib.ExitStack() as stack:
            bench.set_up(stack)
            bench.throughput(stack)
            bench.webhooks(stack)
    except Failure as error:
        print(f"api.py: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"Scratch directory kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    report = bench.report()
    Path(f"{out}.md").write_text(report)
    print("\n" + report + f"\nWritten to {out}.md (wrk's output: {bench.log})")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
