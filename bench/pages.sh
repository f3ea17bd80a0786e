#!/usr/bin/env bash
# Benchmark the reader pages under gunicorn against the framework floor, uncached and cached.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/pages.sh [options]

Serves the reader site under gunicorn (2 sync workers, production settings) on 127.0.0.1 with
imported articles from bench/make_corpus.py, and measures requests/s and latency with wrk for the
home page, an article, its section, the author with the most articles, the archive filtered by
that author, search and /ticker.json, beside the framework floor: /__floor__/, a bare Django view
returning the article page's bytes with no query and no template, served by the same workers
through the same middleware (bench/floor_urls.py).
It runs once with the page cache off (PAGE_CACHE_SECONDS=0: every page rendered, as a page the
cache misses is, with the blocks pages share cached as they are then) and once with it on (300),
prints a markdown table and writes it to bench/out/pages-<date>.md (wrk's own output goes beside it).

Options:
  --pages N          articles to generate and import (default 10000)
  --duration D       wrk duration of each measurement (default 10s)
  --connections N    wrk connections (default 16)
  --threads N        wrk threads (default 1: wrk shares the machine's cores with gunicorn)
  --query WORDS      the search query (default "pipeline delays")
  --postgres         use a scratch database on PostgreSQL (BENCH_POSTGRES_URL, default
                     postgres://postgres@127.0.0.1:5432/postgres), created and dropped
  --no-redis         keep the cache in each worker's memory even when Redis answers
  --no-block-cache   uncached, render the blocks pages share (the breaking-news bar, "more top
                     reads") on every page too (BLOCK_CACHE_SECONDS=0)
  --quick            a smoke run: 1000 pages, 3s per measurement
  --keep             keep the scratch directory (corpus, database, logs)
  -h, --help         this text

The cache is Redis database 9 on 127.0.0.1:6379 when it answers (only that database is flushed),
otherwise each worker's local memory. Everything listens on loopback and stops on exit.
EOF
}

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
REDIS_BENCH_URL="redis://127.0.0.1:6379/9"
# Every request names the host without the port, so each server renders the same bytes
# (pages show absolute URLs) and the floor serves exactly what the article page does.
HOST_HEADER="Host: 127.0.0.1"

pages=10000
duration=10s
connections=16
threads=1
query="pipeline delays"
postgres=0
use_redis=1
block_seconds=300
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --pages) pages="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --query) query="$2"; shift 2 ;;
        --postgres) postgres=1; shift ;;
        --no-redis) use_redis=0; shift ;;
        --no-block-cache) block_seconds=0; shift ;;
        --quick) pages=1000; duration=3s; shift ;;
        --keep) keep=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "pages.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

die() {
    echo "pages.sh: $*" >&2
    exit 1
}

[ -x "$PY" ] && [ -x "$GUNICORN" ] || die "no $ROOT/.venv with gunicorn: run 'make test' (or 'make bench') first."
command -v ss >/dev/null || die "ss is missing: install iproute2 (apt-get install iproute2)."
if ! command -v wrk >/dev/null; then
    echo "wrk is not installed: installing Debian's package (apt-get install -y wrk)..."
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } ||
        die "could not install wrk; install it (apt-get install wrk) and run again."
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/newsroom-pages.XXXXXX")"
server_pid=""
blocks=""  # BLOCK_CACHE_SECONDS of the next server (empty: as long as pages)
drop_database=""
server_url=""

stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

cleanup() {
    stop_server
    if [ -n "$drop_database" ]; then
        "$PY" - "$server_url" "$drop_database" <<'EOF' || echo "pages.sh: could not drop database $drop_database" >&2
import sys

import psycopg

url, name = sys.argv[1:]
with psycopg.connect(url, autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
EOF
    fi
    if [ "$keep" = 1 ]; then
        echo "Scratch directory kept: $scratch"
    else
        rm -rf "$scratch"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$ROOT"
stamp="$(date +%Y-%m-%d-%H%M%S)"
mkdir -p bench/out
report="bench/out/pages-$stamp.md"
wrk_log="bench/out/pages-$stamp.log"
: >"$wrk_log"

# Production settings, made to serve plain HTTP on loopback.
export DJANGO_SETTINGS_MODULE=newsroom.settings.prod
SECRET_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 DEBUG=0
export STATIC_ROOT="$scratch/static" MEDIA_ROOT="$scratch/media"
export CACHE_KEY_PREFIX=newsroom-bench
unset REDIS_URL PAGE_CACHE_SECONDS BLOCK_CACHE_SECONDS

echo "== Corpus and database"
"$PY" bench/make_corpus.py "$pages" "$scratch/corpus"
if [ "$postgres" = 1 ]; then
    server_url="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    drop_database="newsroom_pages_$$"
    DATABASE_URL="$("$PY" - "$server_url" "$drop_database" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url, name = sys.argv[1:]
with psycopg.connect(url, autocommit=True) as connection:
    connection.execute(f'CREATE DATABASE "{name}"')
print(urlunsplit(urlsplit(url)._replace(path=f"/{name}")))
EOF
    )"
    database="PostgreSQL"
else
    DATABASE_URL="sqlite:///$scratch/bench.sqlite3"
    database="SQLite"
fi
export DATABASE_URL
"$PY" manage.py migrate --noinput -v0
started=$SECONDS
status=0
"$PY" manage.py import_seeds "$scratch/corpus" -v0 >"$scratch/import.log" 2>&1 || status=$?
# Exit status 1 means some pages were refused, as the corpus intends (about 1% are malformed).
[ "$status" -le 1 ] || { cat "$scratch/import.log" >&2; die "import_seeds failed"; }
echo "imported in $((SECONDS - started)) s: $(tail -n 1 "$scratch/import.log")"
"$PY" manage.py collectstatic --noinput -v0

# The measured article: the median body length among the 101 latest, so neither a one-paragraph
# brief nor a forty-paragraph feature; the author with the most articles for the archive.
"$PY" manage.py shell --no-imports -c '
from django.db.models import Count, F
from django.db.models.functions import Length
from django.utils.html import escape

from articles.models import Article, Section
from authors.models import Author

# Scraped pages name no section: six sections share six articles in seven, as on a real site,
# so that section pages and the home page'"'"'s section blocks have something to show.
names = ["Oil", "Gas", "Power", "Renewables", "Metals", "Markets"]
for number, name in enumerate(names):
    section, _ = Section.objects.get_or_create(slug=name.lower(), defaults={"name": name, "order": number})
    Article.objects.alias(part=F("id") % 7).filter(part=number).update(section=section)

latest = Article.objects.published().order_by("-published_at", "-pk").annotate(size=Length("body"))[:101]
article = sorted(latest, key=lambda article: article.size)[len(latest) // 2]
author = Author.objects.annotate(byline_count=Count("bylines")).order_by("-byline_count", "pk").first()
for value in (article.slug, escape(article.headline), author.slug, author.byline_count, article.section.slug):
    print("PICK", value)
' >"$scratch/picks"
if [ "$postgres" = 1 ]; then
    # What autovacuum does within minutes of the import and of the sections given above (this
    # machine's PostgreSQL runs without it): planner statistics, and the visibility map that lets
    # index-only scans skip the table (the import and the sections leave a dead row version per
    # article).
    "$PY" manage.py shell --no-imports -c 'from django.db import connection; connection.cursor().execute("VACUUM ANALYZE")'
fi
mapfile -t picks < <(sed -n 's/^PICK //p' "$scratch/picks")
[ "${#picks[@]}" = 5 ] || die "could not pick an article and an author: $(cat "$scratch/picks")"
article_slug="${picks[0]}"
article_headline="${picks[1]}"
author_slug="${picks[2]}"
section_slug="${picks[4]}"
search_query="$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$query")"

names=(home article section author archive search ticker)
declare -A label=(
    [home]="home \`/\`"
    [article]="article \`/articles/…/\`"
    [section]="section \`/sections/…/\`"
    [author]="author \`/authors/…/\`"
    [archive]="archive by author"
    [search]="search \`?q=$query\`"
    [ticker]="\`/ticker.json\`"
    [floor]="floor (bare view, same bytes)"
)
declare -A url_path=(
    [home]="/"
    [article]="/articles/$article_slug/"
    [section]="/sections/$section_slug/"
    [author]="/authors/$author_slug/"
    [archive]="/archive/?author=$author_slug"
    [search]="/search/?q=$search_query"
    [ticker]="/ticker.json"
    [floor]="/__floor__/"
)
echo "article: ${url_path[article]} (“$article_headline”)"
echo "archive: ${url_path[archive]} (${picks[3]} articles)"

cache_backend="local memory (per worker)"
if [ "$use_redis" = 1 ] && "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_timeout=1).ping()" \
    "$REDIS_BENCH_URL" 2>/dev/null; then
    export REDIS_URL="$REDIS_BENCH_URL"
    cache_backend="Redis ($REDIS_BENCH_URL)"
fi
echo "cache: $cache_backend"

flush_cache() {
    if [ -n "${REDIS_URL:-}" ]; then
        "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
    fi
}

# start_server SETTINGS PAGE_CACHE_SECONDS LOG: gunicorn on a free loopback port; sets $port.
start_server() {
    port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    DJANGO_SETTINGS_MODULE="$1" PAGE_CACHE_SECONDS="$2" BLOCK_CACHE_SECONDS="$blocks" \
        BENCH_FLOOR_FILE="$scratch/floor.html" \
        "$GUNICORN" newsroom.wsgi --chdir "$ROOT" --workers 2 --worker-class sync \
        --bind "127.0.0.1:$port" --error-logfile "$3" >>"$3" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
            return 0
        fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.2
    done
    cat "$3" >&2
    die "gunicorn did not answer on 127.0.0.1:$port (log above)"
}

# fetch NAME FILE: GET the page into FILE; prints the HTTP status.
fetch() {
    curl -sS -H "$HOST_HEADER" -o "$2" -w '%{http_code}' "http://127.0.0.1:$port${url_path[$1]}"
}

# check_pages: every page answers 200 (search may be missing: it is reported and skipped), and
# the article page shows its headline.
declare -A skipped=()
check_pages() {
    local name code
    for name in "${names[@]}"; do
        [ -z "${skipped[$name]:-}" ] || continue
        code="$(fetch "$name" "$scratch/$name.body")"
        if [ "$name" = search ] && [ "$code" = 404 ]; then
            echo "WARNING: /search/ answers 404; it is left out of this run." >&2
            skipped[search]=1
            continue
        fi
        [ "$code" = 200 ] || die "${url_path[$name]} answered $code, not 200."
    done
    grep -qF "<h1>$article_headline</h1>" "$scratch/article.body" ||
        die "${url_path[article]} does not show its headline “$article_headline”."
}

# wait_idle: wrk stops without waiting for the requests it still has open, and the sync workers
# serve those all the same; wait until the server holds no client connection, so that the next
# measurement starts on an idle server.
wait_idle() {
    local tries
    for tries in $(seq 1200); do
        [ "$(ss -Htn state established state close-wait state syn-recv "( sport = :$port )" | wc -l)" = 0 ] && return
        sleep 0.1
    done
    die "gunicorn on 127.0.0.1:$port was still busy $tries tenths of a second after wrk stopped."
}

# measure CONFIG NAME: warm up, then wrk; records rps, p50 and p99 in result[CONFIG:NAME:*].
declare -A result=()
measure() {
    local config="$1" name="$2" url="http://127.0.0.1:$port${url_path[$2]}" out line field
    wrk -t1 -c4 -d"$warmup" --timeout 20s -H "$HOST_HEADER" "$url" >/dev/null
    wait_idle
    out="$(wrk -t"$threads" -c"$connections" -d"$duration" --timeout 20s --latency -s bench/report.lua \
        -H "$HOST_HEADER" "$url")"
    wait_idle
    printf '### %s %s (%s)\n%s\n\n' "$config" "$name" "${url_path[$name]}" "$out" >>"$wrk_log"
    line="$(grep '^RESULT ' <<<"$out")" || die "wrk printed no result for $url:"$'\n'"$out"
    for field in rps p50_ms p99_ms non2xx3xx connect read write timeout; do
        local "$field=$(sed -n "s/.* $field=\([^ ]*\).*/\1/p" <<<"$line")"
    done
    if [ "$non2xx3xx$connect$read$write$timeout" != 00000 ]; then
        echo "$out" >&2
        die "$config ${url_path[$name]}: $non2xx3xx non-2xx/3xx responses, socket errors connect $connect," \
            "read $read, write $write, timeout $timeout (--keep keeps the server log)."
    fi
    result[$config:$name:rps]="$rps"
    result[$config:$name:p50]="$p50_ms"
    result[$config:$name:p99]="$p99_ms"
    printf '  %-8s %-8s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms\n' "$config" "$name" "$rps" "$p50_ms" "$p99_ms"
}

warmup=2s
[ "${duration%s}" -gt 3 ] 2>/dev/null || warmup=1s

echo "== Checking the pages under newsroom.settings.prod"
start_server newsroom.settings.prod 0 "$scratch/gunicorn-check.log"
check_pages
cp "$scratch/article.body" "$scratch/floor.html"
cp "$scratch/article.body" "$scratch/floor.body"
stop_server

for config in uncached cached; do
    seconds=0 blocks=$block_seconds
    [ "$config" = cached ] && seconds=300 blocks=""  # blocks kept as long as pages
    echo "== $config (PAGE_CACHE_SECONDS=$seconds BLOCK_CACHE_SECONDS=${blocks:-$seconds}): wrk -t$threads -c$connections -d$duration"
    flush_cache
    start_server bench.settings "$seconds" "$scratch/gunicorn-$config.log"
    check_pages
    if ! cmp -s "$scratch/article.body" "$scratch/floor.html"; then
        echo "WARNING: the $config article page's bytes differ from the floor's (the difference is in $wrk_log)." >&2
        {
            echo "### $config article page against the floor"
            diff "$scratch/floor.html" "$scratch/article.body" | cut -c1-400 | head -n 40
            echo
        } >>"$wrk_log" || true
    fi
    # Each page is measured right after the floor and compared with that floor measurement: on a
    # shared machine the load changes from one minute to the next.
    floor_sum=0 floor_count=0 floor_p99=0
    for name in "${names[@]}"; do
        [ -z "${skipped[$name]:-}" ] || continue
        measure "$config" floor
        result[$config:$name:floor]="${result[$config:floor:rps]}"
        floor_sum="$(awk -v a="$floor_sum" -v b="${result[$config:floor:rps]}" 'BEGIN { print a + b }')"
        floor_p99="$(awk -v a="$floor_p99" -v b="${result[$config:floor:p99]}" 'BEGIN { print (a > b) ? a : b }')"
        floor_count=$((floor_count + 1))
        measure "$config" "$name"
    done
    result[$config:floor:rps]="$(awk -v a="$floor_sum" -v n="$floor_count" 'BEGIN { print a / n }')"
    result[$config:floor:p99]="$floor_p99"
    result[$config:floor:floor]="${result[$config:floor:rps]}"
    stop_server
done

# A share of the floor: whole percents, with a decimal below 10%.
percent() { awk -v a="$1" -v b="$2" 'BEGIN { p = b > 0 ? 100 * a / b : 0; printf (p < 10 ? "%.1f" : "%.0f"), p }'; }
rps() { printf '%.0f' "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }
ms() { printf '%.1f' "$1"; }
kb() { awk -v bytes="$(stat -c %s "$1")" 'BEGIN { printf "%.0f KB", bytes / 1024 }'; }

{
    echo "# Reader pages, $(date '+%Y-%m-%d %H:%M')"
    echo
    echo "$pages imported articles on $database; cache: $cache_backend. gunicorn, 2 sync workers," \
        "newsroom.settings.prod; wrk -t$threads -c$connections -d$duration on loopback." \
        "Uncached: the page cache off, the blocks pages share $([ "$block_seconds" = 0 ] && echo "rendered on every page too" || echo "cached") (BLOCK_CACHE_SECONDS=$block_seconds)."
    echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1);" \
        "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| page | uncached req/s | % of floor | cached req/s | % of floor | p99 (ms) uncached / cached | size |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for name in "${names[@]}" floor; do
        if [ -n "${skipped[$name]:-}" ]; then
            echo "| ${label[$name]} | not served (404) | | | | | |"
            continue
        fi
        u="${result[uncached:$name:rps]}" c="${result[cached:$name:rps]}"
        echo "| ${label[$name]} | $(rps "$u") | $(percent "$u" "${result[uncached:$name:floor]}")% |" \
            "$(rps "$c") | $(percent "$c" "${result[cached:$name:floor]}")% |" \
            "$(ms "${result[uncached:$name:p99]}") / $(ms "${result[cached:$name:p99]}") |" \
            "$(kb "$scratch/$name.body") |"
    done
    echo
    echo "Each page is compared with a floor measurement taken just before it; the floor row shows their mean" \
        "(and the highest p99)."
    echo "The search page is never cached, so its two columns measure the same thing."
    echo
    echo "Goals:"
    goal() { # name config minimum-percent
        local got
        got="$(percent "${result[$2:$1:rps]}" "${result[$2:$1:floor]}")"
        echo "- ${label[$1]}, $2: $got% of the floor (goal ≥ $3%):" \
            "$(awk -v got="$got" -v goal="$3" 'BEGIN { print (got >= goal) ? "met" : "NOT met" }')"
    }
    goal article uncached 12
    goal home uncached 8
    goal archive uncached 8
    for name in "${names[@]}"; do
        [ "$name" = search ] || [ -n "${skipped[$name]:-}" ] || goal "$name" cached 80
    done
    worst="$(for name in "${names[@]}"; do
        [ "$name" = search ] || [ -n "${skipped[$name]:-}" ] || printf '%s %s\n' "${result[cached:$name:p99]}" "$name"
    done | sort -g | tail -n 1)"
    echo "- cached pages' p99 under 10 ms at $connections connections: worst is ${worst#* } at ${worst%% *} ms:" \
        "$(awk -v p="${worst%% *}" 'BEGIN { print (p < 10) ? "met" : "NOT met" }')"
} >"$report"

echo
cat "$report"
echo
echo "Written to $report (wrk's output: $wrk_log)"
