"""Proof under load and faults: the reader site under gunicorn with PostgreSQL and Redis, loaded
with wrk, then with Redis killed, PostgreSQL stopped and PostgreSQL frozen underneath it.

    .venv/bin/python bench/proof.py            # 10,000 articles, 60 s of load: about 3 minutes
    .venv/bin/python bench/proof.py --quick    # 800 articles, 8 s of load: the CI run, about 1 minute

Everything is private and on loopback, each on a free port: a PostgreSQL cluster made with
initdb in a scratch directory, a redis-server and gunicorn (production settings, page cache on,
one sync worker per core). All of it is stopped and deleted on exit, whatever the outcome; the
machine's own PostgreSQL and Redis are never touched.

The checks (exit status 0 only when every one passes):

- load: wrk at 32 connections on home, the latest articles, search and /ticker.json in turn:
  nothing but 2xx responses, no socket error;
- Redis killed under load: no 5xx and no socket error; an edit made elsewhere (written to the
  database, then its purge to the purge log, which lives in the database) shows in every
  response 1.5 s after it; an editor can log in to the admin; once Redis is back, pages are
  cached in it again;
- PostgreSQL stopped: pages that need it answer 503 with one generic page (Retry-After, no
  traceback, no detail); /healthz answers 503 within 2 s; once the database is back, pages and
  /healthz answer 200 within 30 s, from the same gunicorn processes;
- PostgreSQL frozen (SIGSTOP: it accepts connections and never answers): /healthz answers 503
  within 2 s; once thawed, pages and /healthz answer 200 within 30 s, from the same processes.

The summary is printed as markdown and written to bench/out/proof-<date>.md, wrk's output beside it.
"""

import argparse
import contextlib
import http.client
import itertools
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import quote_plus, urlencode

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(sys.executable).with_name("gunicorn")
CONNECTIONS = 32
HOT_ARTICLES = 10
SEARCHES = ("pipeline delays", "supply glut", "price war", "tanker shortage")
# Asked only while the database is down: search is never page-cached, but a fresh query makes sure.
OUTAGE_SEARCH = "windfall taxes"
# Without Redis, a worker keeps its own copy of a page for PAGE_CACHE_RECHECK_SECONDS (1 s) at most.
FRESH_AFTER_SECONDS = 1.5
HEALTHZ_SECONDS = 2
RECOVERY_SECONDS = 30
MARKS = {True: "pass", False: "FAIL", None: "note"}
# Signs of an error's details in a page shown to readers.
LEAKS = ("Traceback", 'File "', "OperationalError", "InterfaceError", "psycopg", "postgres")


@dataclass(frozen=True)
class Mode:
    pages: int
    load_seconds: int
    redis_seconds: int  # the wrk run during which Redis is killed
    redis_kill_after: int
    outage_seconds: int  # how long PostgreSQL stays down


FULL = Mode(pages=10_000, load_seconds=60, redis_seconds=30, redis_kill_after=10, outage_seconds=10)
QUICK = Mode(pages=800, load_seconds=8, redis_seconds=10, redis_kill_after=3, outage_seconds=3)


class Failure(Exception):
    """The proof could not be set up or run (as opposed to a check that failed)."""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the short run CI makes")
    parser.add_argument("--pages", type=int, help="articles to generate and import (10,000; 800 with --quick)")
    parser.add_argument("--duration", type=int, help="seconds of load (60; 8 with --quick)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs, corpus)")
    return parser.parse_args()


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise Failure(f"{shlex.join(map(str, command))} failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    return result.stdout


# What a caller's own environment may hold that would change what a bench measures.
NOT_INHERITED = (
    "PAGE_CACHE_SECONDS",
    "PAGE_CACHE_RECHECK_SECONDS",
    "PAGE_CACHE_LOCAL_BYTES",
    "CACHE_KEY_PREFIX",
    "CONN_MAX_AGE",
)


def served_environment(*, database_url, redis_url, static_root, media_root, **settings):
    """The environment of the app a bench serves: production settings, made to serve plain HTTP
    on loopback, over the given database and Redis; ``settings`` are added as they are."""
    environment = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        **settings,
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(ready, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, redis.ConnectionError):
            if ready():
                return
        time.sleep(0.1)
    raise Failure(f"{what} was not ready after {seconds} s")


def stop(process):
    """Ask ``process`` (started in a session of its own) to end; kill its group after 15 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Postgres:
    """A private cluster in ``directory``. PostgreSQL refuses to run as root, so as root the
    cluster belongs to the postgres user."""

    def __init__(self, directory):
        debian = Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")
        found = shutil.which("pg_ctl") or max(debian, key=lambda path: float(path.parts[-3]), default=None)
        if not found:
            raise Failure("no PostgreSQL server binaries (pg_ctl): apt-get install postgresql")
        self.bin = Path(found).parent
        self.directory = directory
        self.data = directory / "postgres"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def command(self, program, *args):
        command = [self.bin / program, *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def create(self):
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        run(self.command("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"))
        self.start()

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory}"
        log = self.directory / "postgres.log"
        run(self.command("pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "-t", "60", "start"))

    def stop(self):
        run(self.command("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"))

    def processes(self):
        """The postmaster and every process it started."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(stat.parent.name))
        return [postmaster, *children]

    def discard(self):
        if (self.data / "postmaster.pid").exists():
            stop = self.command("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            subprocess.run(stop, capture_output=True)

    def version(self):
        return "PostgreSQL " + re.search(r"\) (\S+)", run([self.bin / "postgres", "--version"]))[1]


class Redis:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        command += ["--dir", self.directory, "--logfile", self.directory / "redis.log"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
        wait_for(self.client().ping, f"redis-server on port {self.port}")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=1)


class Server:
    """gunicorn serving ``app`` (newsroom.wsgi) with sync workers, one per core unless told."""

    def __init__(self, env, log, *, app="newsroom.wsgi", workers=None):
        self.env = env
        self.log = log
        self.app = app
        self.workers = workers or os.cpu_count() or 2
        self.port = free_port()
        self.process = None

    def start(self):
        command = [GUNICORN, self.app, "--chdir", BASE_DIR, "--workers", str(self.workers)]
        command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self.answers, f"gunicorn on port {self.port} (see {self.log})")

    def answers(self):
        if self.process.poll() is not None:
            raise Failure(f"gunicorn exited with status {self.process.returncode}:\n{self.log.read_text()}")
        return self.get("/healthz").status == 200

    def stop(self):
        stop(self.process)

    def pids(self):
        """The master's and its workers' process ids."""
        with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
            return (self.process.pid, *sorted(int(pid) for pid in children.read().split()))

    def get(self, path, **kwargs):
        return fetch(self.port, path, **kwargs)


class Varnish:
    """varnishd with the shipped configuration (deploy/varnish/newsroom.vcl) in front of a
    gunicorn on ``backend_port``, in a working folder of its own; ``port`` is known before it
    starts, so the app can be told where to send its purges."""

    VCL = BASE_DIR / "deploy" / "varnish" / "newsroom.vcl"
    SHIPPED_BACKEND = '.port = "8000";'

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.process = None

    def start(self, backend_port):
        if shutil.which("varnishd") is None:
            raise Failure("varnishd is missing: apt-get install varnish varnish-modules")
        shipped = self.VCL.read_text()
        if shipped.count(self.SHIPPED_BACKEND) != 1:
            raise Failure(f"the backend port of {self.VCL} is not where this bench expects it")
        vcl = self.directory / "newsroom.vcl"
        vcl.write_text(shipped.replace(self.SHIPPED_BACKEND, f'.port = "{backend_port}";'))
        command = ["varnishd", "-F", "-j", "none", "-n", self.directory / "varnish", "-T", "none"]
        command += ["-a", f"127.0.0.1:{self.port}", "-f", vcl, "-s", "malloc,256m"]
        with open(self.directory / "varnishd.log", "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: fetch(self.port, "/healthz", timeout=2).status == 200, f"varnishd on port {self.port}")

    def counters(self, names=("MAIN.cache_hit", "MAIN.cache_miss", "MAIN.s_pass")):
        """Varnish's own counters (varnishstat), by name."""
        command = ["varnishstat", "-n", self.directory / "varnish", "-1"]
        for name in names:
            command += ["-f", name]
        lines = run(command).splitlines()
        return {name: int(value) for name, value, *_ in (line.split() for line in lines if line.strip())}

    def stop(self):
        stop(self.process)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float


def fetch(port, path, method="GET", headers=None, body=None, timeout=20):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    return Response(response.status, response.headers, content, time.perf_counter() - started)


def admin_login(server, username, password):
    """Log in through the admin's form as a browser does; (passed, detail). The production
    cookies are Secure, which a client keeps off plain HTTP, so they are carried by hand."""
    cookies = {}

    def keep_cookies(response):
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]

    def headers(**extra):
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()), **extra}

    login = server.get("/admin/login/?next=/admin/")
    keep_cookies(login)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.body)
    if login.status != 200 or not token:
        return False, f"login page answered {login.status}" + ("" if token else " without a CSRF token")
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": password, "next": "/admin/"}
    origin = f"http://127.0.0.1:{server.port}"
    posted = server.get(
        "/admin/login/?next=/admin/",
        method="POST",
        body=urlencode(form),
        headers=headers(**{"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}),
    )
    keep_cookies(posted)
    if posted.status != 302:
        return False, f"the login form answered {posted.status}, not a redirect"
    dashboard = server.get(posted.headers["Location"], headers=headers())
    if dashboard.status != 200 or 'id="logout-form"' not in dashboard.body:
        return False, f"{posted.headers['Location']} answered {dashboard.status} without the logged-in dashboard"
    return True, "login form, redirect, dashboard: all answered"


@dataclass
class Load:
    statuses: dict
    per_second: dict  # responses in each second of the Unix clock
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    socket_errors: int

    def count(self, accept):
        return sum(count for status, count in self.statuses.items() if accept(status))

    def whole_seconds(self, after=None, before=None):
        """Responses in each whole second strictly between ``after`` and ``before`` (Unix
        seconds), leaving out wrk's first and last seconds, which it spends only part of."""
        seconds = sorted(self.per_second)[1:-1]
        return [
            self.per_second[second]
            for second in seconds
            if (after is None or second > after) and (before is None or second < before)
        ]

    def describe(self):
        codes = ", ".join(f"{count:,} × {status}" for status, count in sorted(self.statuses.items()))
        return (
            f"{self.rps:,.0f} req/s, p50 {self.p50_ms:.0f} ms, p99 {self.p99_ms:.0f} ms; "
            f"{self.requests:,} responses ({codes}), {self.socket_errors} socket errors"
        )


class Wrk:
    """wrk in the background, requesting ``paths`` in turn through bench/proof.lua."""

    def __init__(self, port, paths, seconds, log):
        self.log = log
        self.command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
        self.command += ["-s", "bench/proof.lua", f"http://127.0.0.1:{port}", "--", *paths]
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True
        )

    def result(self):
        output, _ = self.process.communicate()
        with open(self.log, "a") as log:
            log.write(f"$ {shlex.join(self.command)}\n{output}\n")
        lines = {label: re.search(rf"^{label}(.*)$", output, re.M) for label in ("STATUS", "SECONDS", "RESULT")}
        if self.process.returncode or not all(lines.values()):
            raise Failure(f"wrk failed ({self.process.returncode}):\n{output}")
        statuses, per_second, fields = (dict(pair.split("=") for pair in line[1].split()) for line in lines.values())
        return Load(
            statuses={int(status): int(count) for status, count in statuses.items()},
            per_second={int(second): int(count) for second, count in per_second.items()},
            requests=int(fields["requests"]),
            rps=float(fields["rps"]),
            p50_ms=float(fields["p50_ms"]),
            p99_ms=float(fields["p99_ms"]),
            socket_errors=sum(int(fields[kind]) for kind in ("connect", "read", "write", "timeout")),
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Proof:
    def __init__(self, mode, stack, scratch, log):
        self.mode = mode
        self.stack = stack
        self.scratch = scratch
        self.log = log
        self.checks = []

    def check(self, name, passed, detail):
        """Record a check; ``passed`` None records an observation that is not a requirement."""
        self.checks.append((name, passed, detail))
        print(f"  {MARKS[passed]:4}  {name}: {detail}", flush=True)

    def wrk(self, paths, seconds):
        wrk = Wrk(self.server.port, paths, seconds, self.log)
        self.stack.callback(wrk.stop)
        return wrk

    def set_up(self):
        print(f"== Private PostgreSQL, Redis and {self.mode.pages:,} articles", flush=True)
        self.postgres = Postgres(self.scratch)
        self.stack.callback(self.postgres.discard)
        self.postgres.create()
        self.redis = Redis(self.scratch)
        self.stack.callback(self.redis.kill)
        self.redis.start()
        self.password = secrets.token_urlsafe(16)
        self.env = served_environment(
            database_url=self.postgres.url,
            redis_url=self.redis.url,
            static_root=self.scratch / "static",
            media_root=self.scratch / "media",
            PAGE_CACHE_SECONDS="300",
            DJANGO_SUPERUSER_PASSWORD=self.password,
        )
        manage = [PYTHON, "manage.py"]
        run([PYTHON, "bench/make_corpus.py", str(self.mode.pages), self.scratch / "corpus"], cwd=BASE_DIR)
        run([*manage, "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=self.env)
        started = time.monotonic()
        imported = subprocess.run(
            [*manage, "import_seeds", self.scratch / "corpus", "-v0"], cwd=BASE_DIR, env=self.env, capture_output=True
        )
        # Exit status 1: some pages were refused, as the corpus intends (about 1% are malformed).
        if imported.returncode > 1:
            raise Failure(f"import_seeds failed:\n{imported.stderr.decode()}")
        print(f"imported in {time.monotonic() - started:.0f} s", flush=True)
        run([*manage, "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=self.env)
        run([*manage, "createsuperuser", "--noinput", "--username", "proof", "--email", ""], cwd=BASE_DIR, env=self.env)
        picks = run([*manage, "shell", "--no-imports", "-c", PICKS], cwd=BASE_DIR, env=self.env).split()
        self.hot, self.cold = picks[:-1], picks[-1]
        self.server = Server(self.env, self.scratch / "gunicorn.log")
        self.stack.callback(self.server.stop)
        self.server.start()
        self.pids = self.server.pids()

    def load(self):
        print(f"== Load: {self.mode.load_seconds} s of wrk at {CONNECTIONS} connections", flush=True)
        self.mix = []
        for number, slug in enumerate(self.hot):
            query = SEARCHES[number % len(SEARCHES)]
            self.mix += ["/", f"/articles/{slug}/", f"/search/?q={quote_plus(query)}", "/ticker.json"]
        for path in sorted(set(self.mix)):
            if (status := self.server.get(path).status) != 200:
                raise Failure(f"{path} answered {status} before any load")
        load = self.wrk(self.mix, self.mode.load_seconds).result()
        passed = load.count(lambda status: status // 100 != 2) == 0 and not load.socket_errors
        self.check("load", passed, load.describe())

    def redis_fault(self):
        mode = self.mode
        print(f"== Redis killed {mode.redis_kill_after} s into {mode.redis_seconds} s of load", flush=True)
        path = f"/articles/{self.hot[0]}/"
        marker = f"(edited {secrets.token_hex(4)})"
        # Written straight to the database, as no editor would: the cache is not told, yet.
        with psycopg.connect(self.postgres.url, autocommit=True) as connection:
            connection.execute(
                "UPDATE articles_article SET headline = headline || ' ' || %s WHERE slug = %s", [marker, self.hot[0]]
            )
            article_id = connection.execute(
                "SELECT id FROM articles_article WHERE slug = %s", [self.hot[0]]
            ).fetchone()[0]
        page = self.server.get(path)
        self.check(
            "Redis up: the page cache hides an edit made behind its back",
            page.status == 200 and marker not in page.body,
            f"{path} answered {page.status}, {'with' if marker in page.body else 'without'} the edit",
        )
        wrk = self.wrk(self.mix, mode.redis_seconds)
        time.sleep(mode.redis_kill_after)
        self.redis.kill()
        killed_second = int(time.time())
        # Then told, as a save from another process tells it: through the purge log, which lives
        # in the database and does not need Redis.
        with psycopg.connect(self.postgres.url, autocommit=True) as connection:
            connection.execute(
                "INSERT INTO newsroom_pagepurge (tags, purged_at) VALUES (%s, now())",
                [f"article:{article_id} card:{article_id}"],
            )
        time.sleep(FRESH_AFTER_SECONDS)
        answers = [self.server.get(path) for _ in range(6)]
        fresh = sum(answer.status == 200 and marker in answer.body for answer in answers)
        self.check(
            "Redis down: an edit made elsewhere shows within the recheck interval",
            fresh == len(answers),
            f"{fresh} of {len(answers)} requests made from {FRESH_AFTER_SECONDS} s after the kill showed the edit",
        )
        self.check("Redis down: admin login", *admin_login(self.server, "proof", self.password))
        during = self.server.get("/healthz")
        load = wrk.result()
        before, after = load.whole_seconds(before=killed_second), load.whole_seconds(after=killed_second)
        self.check(
            "Redis down: no 5xx under load",
            load.count(lambda status: status >= 500) == 0 and not load.socket_errors and during.status == 200,
            f"{load.describe()}; {sum(before) / len(before):,.0f} req/s before the kill, "
            f"{sum(after) / len(after):,.0f} after it (slowest second: {min(after)}); /healthz {during.status}",
        )
        self.redis.start()
        restarted = time.monotonic()
        # Pages the workers already hold stay in their own memory; pages they render now go to Redis.
        fresh_pages = itertools.cycle(["/authors/", "/corrections/", "/archive/?page=2", "/archive/?page=3"])
        while not (cached := self.redis.client().keys("*page:*")) and time.monotonic() - restarted < 10:
            self.server.get(next(fresh_pages))
            time.sleep(0.1)
        self.check(
            "Redis back: pages are cached in it again",
            bool(cached),
            f"pages were cached in the new Redis {time.monotonic() - restarted:.1f} s after it started"
            if cached
            else "no page in the new Redis after 10 s",
        )

    def postgres_fault(self):
        print(f"== PostgreSQL stopped for {self.mode.outage_seconds} s", flush=True)
        if (status := self.server.get("/healthz").status) != 200:
            raise Failure(f"/healthz answered {status} before the outage")
        self.postgres.stop()
        stopped = time.monotonic()
        pages = self.database_pages()
        answers = [self.server.get(path) for path in pages]
        leaks = (*LEAKS, str(self.postgres.port), str(self.scratch), self.env["SECRET_KEY"])
        leaked = sorted({leak for answer in answers for leak in leaks if leak.lower() in answer.body.lower()})
        generic = all(answer.body == answers[0].body for answer in answers)
        self.check(
            "PostgreSQL down: pages that need it answer the generic 503",
            all(answer.status == 503 and answer.headers["Retry-After"] for answer in answers)
            and generic
            and not leaked,
            "; ".join(f"{path} {answer.status}" for path, answer in zip(pages, answers, strict=True))
            + f"; Retry-After {answers[0].headers['Retry-After']}; "
            + ("the same page for both" if generic else "different pages")
            + (f"; shows {', '.join(leaked)}" if leaked else "; no detail shown"),
        )
        self.check_health_fails("PostgreSQL down: /healthz")
        home = self.server.get("/")
        served = "served from the cache" if home.status == 200 else "not served"
        self.check("PostgreSQL down: the cached home page", None, f"{home.status}, {served}")
        time.sleep(max(0, stopped + self.mode.outage_seconds - time.monotonic()))
        self.postgres.start()
        self.check_recovery("PostgreSQL back: recovery without a restart", pages)

    def postgres_frozen(self):
        """A server that accepts connections and never answers: what a frozen host or a network
        dropping packets looks like from the app. Pages that need the database wait for it (up
        to gunicorn's worker timeout); /healthz must still answer at once."""
        print(f"== PostgreSQL frozen (SIGSTOP) for {self.mode.outage_seconds} s", flush=True)
        processes = self.postgres.processes()
        for pid in processes:
            os.kill(pid, signal.SIGSTOP)
        frozen = time.monotonic()
        try:
            self.check_health_fails("PostgreSQL frozen: /healthz")
            time.sleep(max(0, frozen + self.mode.outage_seconds - time.monotonic()))
        finally:
            for pid in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        self.check_recovery("PostgreSQL thawed: recovery without a restart", self.database_pages())

    def database_pages(self):
        """A search and an article the load never requests: until asked for, only the database has them."""
        return [f"/search/?q={quote_plus(OUTAGE_SEARCH)}", f"/articles/{self.cold}/"]

    def check_health_fails(self, name):
        health = [self.server.get("/healthz") for _ in range(6)]
        statuses = ", ".join(sorted({str(answer.status) for answer in health}))
        slowest = max(answer.seconds for answer in health)
        self.check(
            name,
            all(answer.status == 503 for answer in health) and slowest < HEALTHZ_SECONDS,
            f"{statuses} in {slowest * 1000:,.0f} ms at most ({len(health)} requests)",
        )

    def check_recovery(self, name, pages):
        back = time.monotonic()
        recovered = None
        while recovered is None and time.monotonic() - back < RECOVERY_SECONDS:
            if all(self.server.get(path).status == 200 for path in ("/healthz", *pages)):
                recovered = time.monotonic() - back
            else:
                time.sleep(0.2)
        stable = all(self.server.get(path).status == 200 for _ in range(10) for path in ("/healthz", *pages))
        pids = self.server.pids()
        self.check(
            name,
            recovered is not None and stable and pids == self.pids,
            ("not recovered" if recovered is None else f"every page 200 {recovered:.1f} s after the database answered")
            + f" (within {RECOVERY_SECONDS} s)"
            + ("" if stable else ", then errors again")
            + (
                f"; the same gunicorn processes ({len(pids) - 1} workers)"
                if pids == self.pids
                else f"; gunicorn processes changed: {self.pids} → {pids}"
            ),
        )

    def report(self):
        mode = self.mode
        cpu = re.search(r"^model name\s*: (.*)$", Path("/proc/cpuinfo").read_text(), re.M)
        lines = [
            f"# Proof under load and faults, {datetime.now():%Y-%m-%d %H:%M}",
            "",
            f"{mode.pages:,} generated articles on a private {self.postgres.version()} cluster; a private "
            f"{run(['redis-server', '--version']).split()[2].removeprefix('v=')} Redis as the cache; gunicorn with "
            f"{len(self.pids) - 1} sync workers and newsroom.settings.prod, page cache on; wrk -t1 -c{CONNECTIONS} on "
            f"loopback, requesting in turn the home page, one of the {HOT_ARTICLES} latest articles, a search "
            f"({len(SEARCHES)} queries) and /ticker.json. Load: {mode.load_seconds} s; Redis killed "
            f"{mode.redis_kill_after} s into {mode.redis_seconds} s of load; PostgreSQL stopped "
            f"(pg_ctl stop -m fast) for {mode.outage_seconds} s, then frozen (SIGSTOP) for as long.",
            f"Machine: {os.cpu_count()} cores, {cpu[1] if cpu else 'unknown CPU'}; load average at the end "
            f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}.",
            "",
            "| check | result | |",
            "| --- | --- | --- |",
        ]
        lines += [f"| {name} | {detail} | {MARKS[passed]} |" for name, passed, detail in self.checks]
        return "\n".join(lines) + "\n"


# The articles the load requests (the latest, as readers do) and one old one nobody requests
# before the database goes down, so that it is not cached. Slugs are printed one a line.
PICKS = f"""
from articles.models import Article

published = Article.objects.published().order_by("-published_at", "-pk").values_list("slug", flat=True)
print(*published[:{HOT_ARTICLES}], published.last(), sep="\\n")
"""


def main():
    args = parse_args()
    mode = QUICK if args.quick else FULL
    mode = replace(mode, pages=args.pages or mode.pages, load_seconds=args.duration or mode.load_seconds)
    if not shutil.which("wrk") or not shutil.which("redis-server"):
        sys.exit("proof.py: wrk and redis-server are needed: apt-get install wrk redis-server")
    if not GUNICORN.exists():
        sys.exit(f"proof.py: no {GUNICORN}: run with the project's .venv/bin/python after 'make test'")
    # SIGTERM unwinds like Ctrl-C, so everything started is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    out = BASE_DIR / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    report, log = out / f"proof-{stamp}.md", out / f"proof-{stamp}.log"
    with contextlib.ExitStack() as stack:
        scratch = Path(tempfile.mkdtemp(prefix="newsroom-proof."))
        if args.keep:
            stack.callback(print, f"Scratch directory kept: {scratch}")
        else:
            stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        proof = Proof(mode, stack, scratch, log)
        try:
            proof.set_up()
            proof.load()
            proof.redis_fault()
            proof.postgres_fault()
            proof.postgres_frozen()
        except Failure as error:
            sys.exit(f"proof.py: {error}")
        summary = proof.report()
    report.write_text(summary)
    print(f"\n{summary}\nWritten to {report.relative_to(BASE_DIR)} (wrk's output: {log.relative_to(BASE_DIR)})")
    return 0 if all(passed is not False for _, passed, _ in proof.checks) else 1


if __name__ == "__main__":
    sys.exit(main())
