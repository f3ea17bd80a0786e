"""Benchmark ``import_seeds``: first import, unchanged re-import, and peak memory.

    python bench/import_bench.py --pages 10000                      # SQLite (a fresh file)
    python bench/import_bench.py --pages 10000 --database-url postgres://postgres@127.0.0.1:5432/postgres
    python bench/import_bench.py --pages 100000 --memory-only       # peak memory of a big first import

Each import runs as its own ``manage.py`` process, so the time includes start-up; the memory
figure is the peak resident set of that process and its parsing worker together. For PostgreSQL the script creates
(and afterwards drops) a scratch database next to the one named in the URL.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run_measured(command, env):
    """Run ``command``; return (seconds, peak RSS in MB of it and its worker processes
    together, sampled every 20 ms, and its stdout)."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=stdout, stderr=stderr)
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, tree_rss_kb(process.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode not in (0, 1):  # 1: some pages were refused, as the corpus intends
            sys.exit(f"{' '.join(command)} failed:\n{stderr.read().decode()}")
        return elapsed, peak_kb / 1024, stdout.read().decode()


def tree_rss_kb(pid):
    """Resident memory of ``pid`` and all its descendants, in kB (0 once it has gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as status:
            total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(tree_rss_kb(int(child)) for child in children.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def scratch_postgres(url):
    """A fresh database on the server in ``url``; returns (its URL, a function that drops it)."""
    import psycopg

    parts = urlsplit(url)
    name = f"newsroom_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: a fresh SQLite file)")
    parser.add_argument("--memory-only", action="store_true", help="only the first import's peak memory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        scratch = Path(scratch)
        corpus = scratch / "corpus"
        started = time.perf_counter()
        generate = [PYTHON, "bench/make_corpus.py", str(args.pages), str(corpus)]
        subprocess.run(generate, cwd=BASE_DIR, check=True)
        print(f"corpus: {args.pages} pages written in {time.perf_counter() - started:.1f} s")

        drop = None
        if args.database_url:
            database_url, drop = scratch_postgres(args.database_url)
        else:
            database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
            "DEBUG": "0",
            "DATABASE_URL": database_url,
        }
        env.pop("REDIS_URL", None)
        try:
            subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
            engine = "PostgreSQL" if args.database_url else "SQLite"
            command = [PYTHON, "manage.py", "import_seeds", str(corpus), "--verbosity", "1"]
            runs = ["first import"] if args.memory_only else ["first import", "re-import"]
            for label in runs:
                seconds, peak, out = run_measured(command, env)
                rate = args.pages / seconds
                print(f"{engine} {label}: {seconds:.1f} s, {rate:,.0f} pages/s, peak {peak:.0f} MB")
                print(f"  {out.strip().splitlines()[-1]}")
        finally:
            if drop:
                drop()


if __name__ == "__main__":
    main()
