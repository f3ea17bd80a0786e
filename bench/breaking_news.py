"""Breaking news: what readers get while a newsroom edits live stories, and what requests made
to miss the page cache cost.

    .venv/bin/python bench/breaking_news.py            # SQLite, then PostgreSQL: about 15 minutes
    .venv/bin/python bench/breaking_news.py --quick    # a smoke run: about 3 minutes
    .venv/bin/python bench/breaking_news.py --postgres # one database only (or --sqlite)

For each database: bench/make_corpus.py's articles imported with import_seeds, served by gunicorn
(2 sync workers, newsroom.settings.prod, page cache on, a private redis-server as the shared
cache) on loopback; for PostgreSQL, a private cluster made with initdb. All of it is stopped and
deleted on exit, whatever the outcome; the machine's own PostgreSQL and Redis are never touched.

1. Breaking news, in one run against one server: wrk at 16 connections as readers (one request
   in five the home page, the others one of the latest articles at random, bench/breaking_news.lua)
   for D seconds, then for D seconds more while bench/breaking_news_editor.py saves a published
   article among those read once a second, alternately a new headline and a new first paragraph,
   and measures after each save how long its page takes to show the edit from every worker; then
   readers only once more, as a check on the machine's drift. Goals: with edits, at least 0.8× the
   readers-only throughput (the mean of the runs before and after); every edit visible on its
   page within 2 s.
2. Cache busting: an article page and /sitemap.xml, each requested the same way every time, with
   a new query string every time, with a new made-up session cookie every time, and the same way
   again. Goal: each at least 0.5× the plain throughput of the same URL (the mean of the two).

Every response must be a 200 and no socket error may occur; the gunicorn workers must be the same
processes at the end. The report is printed as markdown and written to
bench/out/breaking-news-<date>.md; wrk's output, the edits and the server logs go beside it.
Exit status 0 when every check passed, whether or not the goals were met (the report says), 1
when a check failed, 2 when the benchmark could not run.
"""

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from proof import GUNICORN, PYTHON, Failure, Postgres, Redis, Server, run, served_environment

BASE_DIR = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
WORKERS = 2
READERS_GOAL = 0.8
VISIBLE_GOAL_SECONDS = 2.0
BUSTING_GOAL = 0.5
FIRST_PAGE_SECONDS = 300
DELAY_BUCKETS = (0.25, 0.5, 1.0, 1.5, 2.0)
DATABASES = ("sqlite", "postgres")
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


@dataclass(frozen=True)
class Mode:
    pages: int  # articles generated (about 1% are malformed and refused)
    read: int  # the latest articles readers request
    seconds: int  # each breaking-news wrk run
    busting_seconds: int  # each cache-busting wrk run
    warm_seconds: int


FULL = Mode(pages=2000, read=300, seconds=60, busting_seconds=15, warm_seconds=5)
QUICK = Mode(pages=400, read=100, seconds=8, busting_seconds=3, warm_seconds=2)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 400 articles, 8 s per run")
    parser.add_argument("--sqlite", action="store_true", help="SQLite only")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL only")
    parser.add_argument("--pages", type=int, help="articles to generate and import (2,000; 400 with --quick)")
    parser.add_argument("--read", type=int, help="latest articles the readers request (300; 100 with --quick)")
    parser.add_argument("--duration", type=whole_seconds, help="seconds of each breaking-news run (60; 8 with --quick)")
    parser.add_argument(
        "--busting-duration", type=whole_seconds, help="seconds of each cache-busting run (15; 3 with --quick)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (databases, corpus)")
    return parser.parse_args()


def whole_seconds(value):
    """60 or 60s, as bench/pages.sh takes it."""
    return int(value.removesuffix("s"))


@dataclass
class Load:
    """What one wrk run measured."""

    statuses: dict
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    bytes: int
    worker_cpu: float = 0.0  # CPU seconds the gunicorn workers used during the run

    def failures(self):
        """Responses that were not 200, and socket errors, described; empty when there were none."""
        bad = {status: count for status, count in self.statuses.items() if status != 200}
        return ", ".join(
            [f"{count:,} × {status}" for status, count in sorted(bad.items())]
            + ([f"{self.socket_errors} socket errors"] if self.socket_errors else [])
        )


def wrk(port, seconds, script_args, log, title, connections=CONNECTIONS):
    """Run wrk through bench/breaking_news.lua in the background; ``.result()`` waits for it."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", "bench/breaking_news.lua", f"http://127.0.0.1:{port}", "--", *map(str, script_args)]
    process = subprocess.Popen(command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True)

    class Running:
        def stop(self):
            if process.poll() is None:
                process.kill()
                process.wait()

        def result(self):
            output, _ = process.communicate()
            with open(log, "a") as file:
                file.write(f"### {title}\n$ {shlex.join(command)}\n{output}\n")
            lines = {label: re.search(rf"^{label}(.*)$", output, re.M) for label in ("STATUS", "RESULT")}
            if process.returncode or not all(lines.values()):
                raise Failure(f"wrk failed ({process.returncode}):\n{output}")
            statuses, fields = (dict(pair.split("=") for pair in line[1].split()) for line in lines.values())
            wait_idle(port)
            return Load(
                statuses={int(status): int(count) for status, count in statuses.items()},
                requests=int(fields["requests"]),
                rps=float(fields["rps"]),
                p50_ms=float(fields["p50_ms"]),
                p99_ms=float(fields["p99_ms"]),
                max_ms=float(fields["max_ms"]),
                socket_errors=sum(int(fields[kind]) for kind in ("connect", "read", "write", "timeout")),
                bytes=int(fields["bytes"]),
            )

    return Running()


def cpu_seconds(pid):
    """User and system CPU time process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(port, seconds=120):
    """wrk stops without waiting for the requests it still has open, and the sync workers serve
    them all the same: wait until the server holds no client connection, so that the next
    measurement starts on an idle server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connections = run(["ss", "-Htn", "state", "established", "state", "close-wait", f"( sport = :{port} )"])
        if not connections.strip():
            return
        time.sleep(0.1)
    raise Failure(f"gunicorn on port {port} was still busy {seconds} s after wrk stopped")


# The articles readers request (the latest, as readers of breaking news do) and, for the cache
# busting runs, the one pages.sh measures: the median body length among the 101 latest.
PICKS = """
import json

from django.db.models.functions import Length

from articles.models import Article

published = Article.objects.published().order_by("-published_at", "-pk")
read = [[article.pk, article.get_absolute_url()] for article in published.only("slug")[:{read}]]
latest = list(published.annotate(size=Length("body")).only("slug")[:101])
measured = sorted(latest, key=lambda article: article.size)[len(latest) // 2]
print(json.dumps({{"read": read, "measured": measured.get_absolute_url()}}))
"""


class Bench:
    """Both benchmarks on one database."""

    def __init__(self, database, mode, scratch, redis, out):
        self.database = database
        self.name = DATABASE_NAMES[database]
        self.mode = mode
        self.directory = scratch / database
        self.directory.mkdir()
        self.corpus = scratch / "corpus"
        self.redis = redis
        self.out = out  # path prefix of this run's files in bench/out
        self.log = Path(f"{out}-wrk.log")
        self.checks = []  # (what, passed, detail)
        self.loads = {}
        self.edits = []

    def check(self, what, passed, detail):
        self.checks.append((what, passed, detail))
        if not passed:
            print(f"  FAIL  {what}: {detail}", flush=True)

    def run(self, stack):
        print(f"== {self.name}: {self.mode.pages:,} articles", flush=True)
        self.set_up(stack)
        self.breaking_news()
        self.cache_busting()
        self.server_health()

    def set_up(self, stack):
        if self.database == "postgres":
            postgres = Postgres(self.directory)
            stack.callback(postgres.discard)
            postgres.create()
            database_url = postgres.url
            self.version = postgres.version()
        else:
            database_url = f"sqlite:///{self.directory / 'bench.sqlite3'}"
            self.version = "SQLite " + run([PYTHON, "-c", "import sqlite3; print(sqlite3.sqlite_version)"]).strip()
        self.redis.client().flushall()
        self.env = served_environment(
            database_url=database_url,
            redis_url=self.redis.url,
            static_root=self.directory.parent / "static",
            media_root=self.directory / "media",
            PAGE_CACHE_SECONDS="300",
        )
        manage = [PYTHON, "manage.py"]
        run([*manage, "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=self.env)
        started = time.monotonic()
        imported = subprocess.run(
            [*manage, "import_seeds", self.corpus, "-v0"], cwd=BASE_DIR, env=self.env, capture_output=True, text=True
        )
        # Exit status 1: some pages were refused, as the corpus intends (about 1% are malformed).
        if imported.returncode > 1:
            raise Failure(f"import_seeds failed:\n{imported.stderr}")
        print(f"imported in {time.monotonic() - started:.0f} s", flush=True)
        run([*manage, "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=self.env)
        picks = json.loads(
            run([*manage, "shell", "--no-imports", "-c", PICKS.format(read=self.mode.read)], cwd=BASE_DIR, env=self.env)
        )
        self.read, self.measured = picks["read"], picks["measured"]
        self.paths_file = self.directory / "paths.txt"
        self.paths_file.write_text("".join(f"{path}\n" for _, path in self.read))
        self.articles_file = self.directory / "articles.json"
        self.articles_file.write_text(json.dumps(self.read))
        self.server = Server(self.env, Path(f"{self.out}-gunicorn.log"), app="bench.worker_wsgi", workers=WORKERS)
        stack.callback(self.server.stop)
        self.server.start()
        self.pids = self.server.pids()
        self.first_pages = self.first_page_of_each_worker()
        for path in ["/", "/sitemap.xml", *(path for _, path in self.read)]:
            if (status := self.server.get(path).status) != 200:
                raise Failure(f"{path} answered {status} before any load")

    def first_page_of_each_worker(self):
        """Seconds each new worker took to serve its first page. The first request a process
        serves reads the purge log and purges what time changed in the last PAGE_CACHE_SECONDS
        + 60 s, which just after an import is every imported article."""
        first, started = {}, time.monotonic()
        while len(first) < WORKERS:
            if time.monotonic() - started > FIRST_PAGE_SECONDS:
                raise Failure(f"not every worker had served a page {FIRST_PAGE_SECONDS} s after gunicorn started")
            response = self.server.get("/", timeout=FIRST_PAGE_SECONDS)
            if response.status != 200:
                raise Failure(f"/ answered {response.status} as the first page")
            first.setdefault(response.headers["X-Served-By"], response.seconds)
        print("  a new worker's first page: " + ", ".join(f"{value:.1f} s" for value in first.values()), flush=True)
        return list(first.values())

    def wrk(self, title, script_args, seconds):
        cpu = self.worker_cpu()
        running = wrk(self.server.port, seconds, script_args, self.log, f"{self.name}: {title}")
        try:
            return replace(running.result(), worker_cpu=self.worker_cpu() - cpu)
        finally:
            running.stop()

    def worker_cpu(self):
        return sum(cpu_seconds(pid) for pid in self.pids[1:])

    def breaking_news(self):
        mode = self.mode
        print(f"== {self.name}: breaking news, {mode.seconds} s per run", flush=True)
        readers = ("readers", self.paths_file)
        self.wrk("warming up", readers, mode.warm_seconds)
        self.loads["before"] = self.measure("readers only", readers, mode.seconds)
        self.loads["edits"] = self.with_editor(readers)
        self.loads["after"] = self.measure("readers only, again", readers, mode.seconds)
        ratio = self.loads["edits"].rps / statistics.mean([self.loads["before"].rps, self.loads["after"].rps])
        self.ratio = ratio
        # The same comparison by the workers' CPU time per response, which depends much less on
        # what else the machine runs meanwhile. The editor's own page requests count as responses.
        polls = sum(edit["answers"] for edit in self.edits)
        self.cpu_ms = {
            key: 1000 * load.worker_cpu / (load.requests + (polls if key == "edits" else 0))
            for key, load in self.loads.items()
        }
        self.cpu_ratio = statistics.mean([self.cpu_ms["before"], self.cpu_ms["after"]]) / self.cpu_ms["edits"]
        shown = [edit["visible_after"] for edit in self.edits if edit["visible_after"] is not None]
        print(
            f"  ratio {ratio:.2f} ({self.cpu_ratio:.2f} by CPU per response); {len(self.edits)} edits, "
            f"visible within {VISIBLE_GOAL_SECONDS:g} s: "
            f"{sum(delay <= VISIBLE_GOAL_SECONDS for delay in shown)}, slowest "
            + (f"{max(shown):.2f} s" if shown else "none shown"),
            flush=True,
        )
        late = max((edit["at"] - edit["number"] for edit in self.edits), default=0)
        self.check(
            "one save a second",
            len(self.edits) == self.edit_seconds and late < 1,
            f"{len(self.edits)} saves in {self.edit_seconds} s, the latest started {late:.2f} s after its second",
        )
        for what, key in (("regressions", "regressions"), ("unknown workers", "unknown_workers")):
            found = sum(bool(edit[key]) for edit in self.edits)
            self.check(f"editor's checks: {what}", not found, f"{found} edits")
        errors = [error for edit in self.edits for error in edit["errors"]]
        self.check("editor's checks: every answer a 200", not errors, ", ".join(errors[:10]))

    def measure(self, title, script_args, seconds):
        load = self.wrk(title, script_args, seconds)
        print(f"  {title:38} {load.rps:8,.0f} req/s  p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms", flush=True)
        self.check(f"{title}: every response a 200", not load.failures(), load.failures())
        return load

    def with_editor(self, readers):
        edits_file = Path(f"{self.out}-edits.jsonl")
        command = [PYTHON, "bench/breaking_news_editor.py", "--port", str(self.server.port)]
        command += ["--workers", ",".join(map(str, self.pids[1:])), "--articles", str(self.articles_file)]
        self.edit_seconds = self.mode.seconds - 3  # started a second after the readers, done before them
        command += ["--seconds", str(self.edit_seconds), "--out", str(edits_file)]
        editor = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            if editor.stdout.readline().strip() != "ready":
                raise Failure(f"the editor did not start: {shlex.join(command)}")
            cpu = self.worker_cpu()
            running = wrk(self.server.port, self.mode.seconds, readers, self.log, f"{self.name}: readers + edits")
            time.sleep(1)
            editor.stdin.write("go\n")
            editor.stdin.flush()
            load = replace(running.result(), worker_cpu=self.worker_cpu() - cpu)
            self.editor_cpu = cpu_seconds(editor.pid)
            editor.wait(60)
            if editor.returncode:
                raise Failure(f"the editor exited with status {editor.returncode}")
        finally:
            if editor.poll() is None:
                editor.kill()
                editor.wait()
        print(
            f"  {'readers + one edit a second':38} {load.rps:8,.0f} req/s  p50 {load.p50_ms:6.1f} ms  "
            f"p99 {load.p99_ms:6.1f} ms",
            flush=True,
        )
        self.check("readers + edits: every response a 200", not load.failures(), load.failures())
        self.edits = [json.loads(line) for line in edits_file.read_text().splitlines()]
        return load

    def cache_busting(self):
        seconds = self.mode.busting_seconds
        print(f"== {self.name}: cache busting, {seconds} s per run", flush=True)
        self.busting = {}
        for name, path in (("article", self.measured), ("sitemap", "/sitemap.xml")):
            self.wrk(f"{name}: warming up", ("plain", path), 1)
            loads = {
                kind: self.measure(f"{name} {kind}", (kind, path), seconds) for kind in ("plain", "query", "cookie")
            }
            loads["plain again"] = self.measure(f"{name} plain again", ("plain", path), seconds)
            self.busting[name] = (path, loads)
            plain = statistics.mean([loads["plain"].rps, loads["plain again"].rps])
            for kind in ("query", "cookie"):
                ratio = loads[kind].rps / plain
                print(f"  {name} {kind}: {ratio:.2f}× plain", flush=True)

    def server_health(self):
        pids = self.server.pids()
        self.check("the same gunicorn workers throughout", pids == self.pids, f"{self.pids} → {pids}")
        self.server.stop()
        log = Path(f"{self.out}-gunicorn.log").read_text(errors="replace")
        troubles = [line for line in log.splitlines() if re.search(r"Traceback|WORKER TIMEOUT|\[ERROR\]", line)]
        self.check("no error in the server's log", not troubles, "; ".join(troubles[:5]))

    # The report

    def goals(self):
        """(goal, met, figures) for each goal."""
        shown = [edit["visible_after"] for edit in self.edits if edit["visible_after"] is not None]
        within = sum(delay <= VISIBLE_GOAL_SECONDS for delay in shown)
        goals = [
            (
                f"{self.name}: readers with one edit a second ≥ {READERS_GOAL}× readers only",
                self.ratio >= READERS_GOAL,
                f"{self.ratio:.2f}×",
            ),
            (
                f"{self.name}: every edit visible on its page within {VISIBLE_GOAL_SECONDS:g} s",
                bool(self.edits) and within == len(self.edits),
                f"{within} of {len(self.edits)}",
            ),
        ]
        for name, (_, loads) in self.busting.items():
            plain = statistics.mean([loads["plain"].rps, loads["plain again"].rps])
            for kind, what in (("query", "a new query string"), ("cookie", "a new session cookie")):
                ratio = loads[kind].rps / plain
                goals.append(
                    (
                        f"{self.name}: {name} with {what} each time ≥ {BUSTING_GOAL}× plain",
                        ratio >= BUSTING_GOAL,
                        f"{ratio:.2f}×",
                    )
                )
        return goals


def rps(load):
    return f"{load.rps:,.0f}"


def latencies(load):
    return f"{load.p50_ms:.1f} / {load.p99_ms:.1f}"


def seconds(value):
    return "never" if value is None else f"{value:.2f} s"


def delay_summary(edits):
    delays = sorted(edit["visible_after"] for edit in edits if edit["visible_after"] is not None)
    if not delays:
        return "none shown"
    quartiles = statistics.quantiles(delays, n=100, method="inclusive") if len(delays) > 1 else delays * 99
    return f"{seconds(quartiles[49])} / {seconds(quartiles[89])} / {seconds(delays[-1])}"


def delay_distribution(edits):
    delays = [edit["visible_after"] for edit in edits]
    counts, low = [], 0.0
    for high in DELAY_BUCKETS:
        counts.append(f"≤{high:g} s: {sum(d is not None and low < d <= high for d in delays)}")
        low = high
    counts.append(f">{low:g} s: {sum(d is not None and d > low for d in delays)}")
    if missing := sum(d is None for d in delays):
        counts.append(f"not shown within 10 s: {missing}")
    return ", ".join(counts)


def report(benches, mode, redis_version, started):
    cpu = re.search(r"^model name\s*: (.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR).strip()
    dirty = (
        " (with uncommitted changes)"
        if run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=BASE_DIR)
        else ""
    )
    names = " | ".join(bench.name for bench in benches)
    lines = [
        f"# Breaking news and cache busting, {started:%Y-%m-%d %H:%M}",
        "",
        f"Commit {commit}{dirty}. {mode.pages:,} generated articles imported on "
        + " and ".join(bench.version for bench in benches)
        + f"; Redis {redis_version} as the shared cache; gunicorn, {WORKERS} sync workers, "
        f"newsroom.settings.prod, page cache on; wrk -t1 -c{CONNECTIONS} on loopback. Readers: one request in five "
        f"the home page, the others one of the {mode.read} latest articles at random; {mode.seconds} s per run. "
        f"Cache busting: {mode.busting_seconds} s per run.",
        f"Machine: {os.cpu_count()} cores, {cpu[1] if cpu else 'unknown CPU'}; load average at the end "
        f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}.",
        "",
        "A new worker's first page (/, before any load; it purges what was published in the last "
        "PAGE_CACHE_SECONDS + 60 s, which here is every imported article): "
        + "; ".join(f"{bench.name} " + ", ".join(f"{value:.1f} s" for value in bench.first_pages) for bench in benches)
        + ".",
        "",
        "## Breaking news",
        "",
        f"| | {names} |",
        "| --- |" + " ---: |" * len(benches),
    ]

    def row(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(bench) for bench in benches) + " |")

    row("readers only: req/s", lambda b: rps(b.loads["before"]))
    row("readers + one edit a second: req/s", lambda b: rps(b.loads["edits"]))
    row("readers only, again: req/s", lambda b: rps(b.loads["after"]))
    row(f"**ratio** with edits (goal ≥ {READERS_GOAL})", lambda b: f"**{b.ratio:.2f}×**")
    row(
        "workers' CPU ms per response: readers only / with edits / again",
        lambda b: " / ".join(f"{b.cpu_ms[key]:.2f}" for key in ("before", "edits", "after")),
    )
    row("ratio by CPU per response", lambda b: f"{b.cpu_ratio:.2f}×")
    row("the editor process's CPU", lambda b: f"{100 * b.editor_cpu / b.mode.seconds:.0f}% of a core")
    row("p50 / p99 ms, readers only", lambda b: latencies(b.loads["before"]))
    row("p50 / p99 ms, with edits", lambda b: latencies(b.loads["edits"]))
    row("p50 / p99 ms, readers only again", lambda b: latencies(b.loads["after"]))
    row(
        "edits (headline / first paragraph)",
        lambda b: (
            f"{len(b.edits)} ({sum(e['kind'] == 'headline' for e in b.edits)} / "
            f"{sum(e['kind'] == 'body' for e in b.edits)})"
        ),
    )
    row(
        "save, median / max",
        lambda b: (
            f"{statistics.median(e['save_seconds'] for e in b.edits) * 1000:.0f} / "
            f"{max(e['save_seconds'] for e in b.edits) * 1000:.0f} ms"
            if b.edits
            else "–"
        ),
    )
    row("edit visible from every worker: p50 / p90 / max", lambda b: delay_summary(b.edits))
    row(
        f"**edits visible within {VISIBLE_GOAL_SECONDS:g} s** (goal: all)",
        lambda b: (
            f"**{sum(e['visible_after'] is not None and e['visible_after'] <= VISIBLE_GOAL_SECONDS for e in b.edits)}"
            f" of {len(b.edits)}**"
        ),
    )
    row("first worker to show it: median", lambda b: delay_summary_first(b.edits))
    row("old page after the new one, from a worker", lambda b: str(sum(e["regressions"] for e in b.edits)))
    row(
        "the editor's own page requests (not in req/s)",
        lambda b: f"{sum(e['answers'] for e in b.edits) / b.mode.seconds:.0f}/s",
    )
    lines += [""]
    for bench in benches:
        lines.append(f"- {bench.name}, delays: {delay_distribution(bench.edits)}.")
    lines += [
        "",
        "## Cache busting",
        "",
        "| URL | database | plain req/s | new query string req/s | new session cookie req/s "
        "| p99 ms plain / query / cookie |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name in ("article", "sitemap"):
        for bench in benches:
            path, loads = bench.busting[name]
            plain = statistics.mean([loads["plain"].rps, loads["plain again"].rps])
            cells = [f"{plain:,.0f}"]
            cells += [f"{loads[kind].rps:,.0f} (**{loads[kind].rps / plain:.2f}×**)" for kind in ("query", "cookie")]
            p99 = " / ".join(f"{loads[kind].p99_ms:.1f}" for kind in ("plain", "query", "cookie"))
            lines.append(f"| `{path}` | {bench.name} | " + " | ".join(cells) + f" | {p99} |")
    lines += [
        "",
        "Plain: the mean of the runs before and after the other two. Bytes per response (plain / query / cookie): "
        + "; ".join(
            f"{bench.name} {name} "
            + " / ".join(
                f"{loads[kind].bytes / max(1, loads[kind].requests):,.0f}" for kind in ("plain", "query", "cookie")
            )
            for bench in benches
            for name, (_, loads) in bench.busting.items()
        )
        + ".",
        "",
        "## Goals",
        "",
    ]
    for bench in benches:
        for goal, met, figures in bench.goals():
            lines.append(f"- {goal}: {figures}, {'met' if met else '**NOT met**'}")
    lines += ["", "## Checks", ""]
    for bench in benches:
        for what, passed, detail in bench.checks:
            lines.append(
                f"- {bench.name}, {what}: {'pass' if passed else '**FAIL**'}" + (f" ({detail})" if detail else "")
            )
    return "\n".join(lines) + "\n"


def delay_summary_first(edits):
    firsts = [edit["first_worker_after"] for edit in edits if edit["first_worker_after"] is not None]
    return seconds(statistics.median(firsts)) if firsts else "–"


def main():
    args = parse_args()
    mode = QUICK if args.quick else FULL
    mode = replace(
        mode,
        pages=args.pages or mode.pages,
        read=args.read or mode.read,
        seconds=args.duration or mode.seconds,
        busting_seconds=args.busting_duration or mode.busting_seconds,
    )
    databases = [database for database in DATABASES if getattr(args, database)] or list(DATABASES)
    for program in ("wrk", "redis-server", "ss"):
        if not shutil.which(program):
            sys.exit(f"breaking_news.py: {program} is needed: apt-get install wrk redis-server iproute2")
    if not GUNICORN.exists():
        sys.exit(f"breaking_news.py: no {GUNICORN}: run with the project's .venv/bin/python after 'make test'")
    # SIGTERM unwinds like Ctrl-C, so everything started is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = datetime.now()
    out = BASE_DIR / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / f"breaking-news-{started:%Y-%m-%d-%H%M%S}"
    benches = []
    with contextlib.ExitStack() as stack:
        scratch = Path(tempfile.mkdtemp(prefix="newsroom-breaking-news."))
        scratch.chmod(0o711)  # as root, the PostgreSQL cluster in it belongs to the postgres user
        if args.keep:
            stack.callback(print, f"Scratch directory kept: {scratch}")
        else:
            stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        try:
            print(f"== Corpus: {mode.pages:,} pages", flush=True)
            run([PYTHON, "bench/make_corpus.py", str(mode.pages), scratch / "corpus"], cwd=BASE_DIR)
            redis = Redis(scratch)
            stack.callback(redis.kill)
            redis.start()
            redis_version = run(["redis-server", "--version"]).split()[2].removeprefix("v=")
            for database in databases:
                bench = Bench(database, mode, scratch, redis, f"{prefix}-{database}")
                with contextlib.ExitStack() as database_stack:
                    bench.run(database_stack)
                benches.append(bench)
        except (Failure, OSError) as error:
            print(f"breaking_news.py: {error}", file=sys.stderr)
            return 2
    summary = report(benches, mode, redis_version, started)
    report_file = Path(f"{prefix}.md")
    report_file.write_text(summary)
    print(f"\n{summary}\nWritten to {report_file.relative_to(BASE_DIR)} (wrk, edits, server logs beside it)")
    return 1 if any(not passed for bench in benches for _, passed, _ in bench.checks) else 0


if __name__ == "__main__":
    sys.exit(main())
