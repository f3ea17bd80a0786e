"""Settings every environment shares. Deployment-specific values come from the environment."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "django_filters",
    "django_prose_editor",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "newsroom",
    "authors",
    "articles",
    "breaking",
    "frontpage",
    "api",
]

# The first two see every response last, the redirects and errors other middleware make
# included; HEAD bodies go once every header is final (newsroom/http.py). Compression sits inside
# ConditionalGetMiddleware, so that its 304s carry the compressed response's ETag and Vary
# (newsroom/compression.py).
MIDDLEWARE = [
    "newsroom.http.HeadMiddleware",
    "newsroom.http.CacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.http.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "newsroom.compression.CompressionMiddleware",
    # Outside the session middleware: sees the session cookie it sets (newsroom/cache.py).
    "newsroom.cache.StaffCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsroom.admin.RefuseNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "newsroom.http.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

# django-ninja's docs page templates and assets (the API's /api/v1/docs/), found without importing
# ninja: as an installed app it would be imported, with pydantic, by every management command
# (`import_seeds` included), which have no use for it. The API's own modules import it.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file beside manage.py. SQLite runs in WAL mode with
# immediate transactions so that a reader never blocks a writer and two writers queue for the
# lock instead of failing with "database is locked".
DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
    ),
}


def database_from_url(url):
    config = dj_database_url.parse(url)
    # Connections are kept from one request to the next: opening one costs more than a page's
    # queries (for SQLite, the file and its four PRAGMAs).
    config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # Behind pgbouncer in transaction mode, where a cursor cannot outlive its transaction.
        config["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS", False)
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
        # The pages' own statements are prepared on the server, planned once per connection
        # (newsroom/postgresql/base.py says which and why); "off" behind a pooler that cannot
        # keep prepared statements.
        config["ENGINE"] = "newsroom.postgresql"
        config["OPTIONS"]["server_side_binding"] = env_bool("DATABASE_PREPARED_STATEMENTS", True)
    return config


DATABASES = {"default": database_from_url(env_str("DATABASE_URL") or DEFAULT_SQLITE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise this process's memory. A Redis outage is a
# cache miss, never an error page.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "newsroom.redis"  # throttled in LOGGING
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login brute force: after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is refused (429, templates/axes_lockout.html) until the cool-off passes. Locking the pair
# rather than the username alone keeps a stranger from locking an editor out by typing their name.
# The admin is the only login; a rejected or missing ``next`` lands on its index.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_VERBOSE = False  # no banner on every start
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_address"
# Proxies in front of the app that append to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# How dates and times are written for people, here and in the admin: newsroom/formats/en/formats.py.
FORMAT_MODULE_PATH = ["newsroom.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsroom.staticfiles.StaticStorage"},
}
# collectstatic writes a brotli (.br) and a gzip (.gz) copy of each static file, which WhiteNoise
# serves by Accept-Encoding. Not of source maps: only browsers' developer tools fetch them, and
# brotli's slowest quality would spend half of collectstatic's time on them.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# The feeds' XSLT (static/feeds/feed.xsl): browsers apply a stylesheet served as XSLT only.
WHITENOISE_MIMETYPES = {".xsl": "text/xsl"}
# Files served at the site's root, where browsers and phones look for them without being told:
# favicon.ico and apple-touch-icon.png (made by docs/brand_images.py).
WHITENOISE_ROOT = BASE_DIR / "public"

# Uploads and their renditions go to an S3-compatible bucket instead when AWS_STORAGE_BUCKET_NAME
# is set (newsroom/storage.py). The keys are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
# without them boto3's own chain (an instance or task role). The bucket is private: readers get
# every image from the app at MEDIA_URL (newsroom/media.py), which serves an article's images
# only while it is public, wherever they are stored.
MEDIA_BUCKET = env_str("AWS_STORAGE_BUCKET_NAME")
if MEDIA_BUCKET:
    S3_OPTIONS = {
        "bucket_name": MEDIA_BUCKET,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "location": env_str("AWS_LOCATION", ""),  # a key prefix, for a bucket shared with others
    }
    STORAGES["default"] = {"BACKEND": "newsroom.storage.MediaStorage", "OPTIONS": S3_OPTIONS}
# Variables that let readers reach media some other way than through the app, which would serve
# a draft's images to anyone with their address: refused rather than ignored, so that a
# deployment still set up for them (a proxy serving MEDIA_ROOT, a public bucket behind a CDN)
# is changed (docs/deploy.md, "Uploaded media").
for retired in ("SERVE_MEDIA", "AWS_S3_CUSTOM_DOMAIN", "AWS_QUERYSTRING_AUTH"):
    if env_str(retired):
        raise ImproperlyConfigured(
            f'{retired} is no longer read: the app serves every image itself (docs/deploy.md, "Uploaded media").'
        )

# Content Security Policy on every response (django-csp). Nothing inline runs or styles a page:
# scripts and stylesheets are files under STATIC_URL. JSON-LD is data, which CSP leaves alone.
# Uploads are served from this origin (MEDIA_URL), wherever they are stored.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SITE_NAME = env_str("SITE_NAME", "Newsroom")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.logs.JSONFormatter"}},
    "filters": {"throttle": {"()": "newsroom.logs.Throttle", "seconds": 10}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        # A Redis outage fails every cache call: one traceback per 10 s says so.
        "newsroom.redis": {"filters": ["throttle"]},
        "newsroom.cache": {"filters": ["throttle"]},
        # So does an edge cache that refuses or cannot be reached, for every purge.
        "newsroom.edge": {"filters": ["throttle"]},
    },
}

# Uploaded images: the size is checked before decoding, then the pixel count and the shape (the
# long side at most IMAGE_MAX_ASPECT_RATIO times the short one: thinner strips scale to nothing).
# Renditions are made only of images within IMAGE_MAX_PIXELS.
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_MAX_ASPECT_RATIO = env_int("IMAGE_MAX_ASPECT_RATIO", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# import_seeds: larger files are refused unread, and the ticker items it creates expire after
# this many hours unless an editor clears or moves their expiry time.
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 2 * 1024 * 1024)
IMPORT_TICKER_LIFETIME = timedelta(hours=env_float("IMPORT_TICKER_HOURS", 24))

# Rendered public pages are cached this long at most (0 turns the page cache off); see
# newsroom/cache.py for how they are invalidated.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# How often each process asks the shared cache whether content changed elsewhere (0: always).
PAGE_CACHE_RECHECK_SECONDS = env_float("PAGE_CACHE_RECHECK_SECONDS", 1.0)
# How far apart the clocks of the app servers may be. A page rendered by one process after a
# change was purged (by its time) is served by the others too instead of rendered again by each.
PAGE_CACHE_CLOCK_SKEW_SECONDS = env_float("PAGE_CACHE_CLOCK_SKEW_SECONDS", 0.1)
# How long the blocks pages share (the breaking-news bar, "more top reads") are cached, made stale
# like pages; unset: as long as pages. Set it with the page cache off (PAGE_CACHE_SECONDS=0) to
# render every page but not the blocks it shares (as a page the cache misses is rendered).
BLOCK_CACHE_SECONDS = env_int("BLOCK_CACHE_SECONDS", None)
# Pages each process keeps in its own memory, in bytes (the shared cache holds the rest).
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)

# Edge caches in front of the app (Varnish, Fastly, Cloudflare): docs/deploy.md, "Edge caches".
# How long an edge may keep a public page (its s-maxage; browsers still revalidate every time).
# Changes are purged at the edges below, so with one this may be long; 0: edges revalidate too.
EDGE_CACHE_SECONDS = env_int("EDGE_CACHE_SECONDS", 0)
# Send the blocks pages share (the breaking-news bar, "more top reads") as Edge Side Includes when
# the request says "Surrogate-Capability: …=ESI/1.0". Only behind an edge that joins them and sets
# that header on every request it forwards (deploy/varnish/newsroom.vcl does).
EDGE_INCLUDES = env_bool("EDGE_INCLUDES", False)
# Seconds each purge request to an edge may take.
EDGE_PURGE_TIMEOUT = env_float("EDGE_PURGE_TIMEOUT", 2.0)


def env_together(*names):
    """The values of variables that are set all together or not at all."""
    values = [env_str(name, "").strip() for name in names]
    if any(values) and not all(values):
        missing = ", ".join(name for name, value in zip(names, values, strict=True) if not value)
        raise ImproperlyConfigured(f"{' and '.join(names)} go together: {missing} is not set.")
    return values if all(values) else None


def edge_purge_backends():
    """The edge caches to send purges to, one for each set of variables set."""
    backends = []
    if servers := env_list("VARNISH_PURGE_URLS"):
        backends.append({"BACKEND": "newsroom.edge.backends.VarnishBackend", "SERVERS": servers})
    if fastly := env_together("FASTLY_SERVICE_ID", "FASTLY_API_TOKEN"):
        service, token = fastly
        soft = env_bool("FASTLY_SOFT_PURGE", False)
        backends.append(
            {
                "BACKEND": "newsroom.edge.backends.FastlyBackend",
                "SERVICE_ID": service,
                "API_TOKEN": token,
                "SOFT_PURGE": soft,
            }
        )
    if cloudflare := env_together("CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN"):
        zone, token = cloudflare
        backends.append({"BACKEND": "newsroom.edge.backends.CloudflareBackend", "ZONE_ID": zone, "API_TOKEN": token})
    return [{**backend, "TIMEOUT": EDGE_PURGE_TIMEOUT} for backend in backends]


EDGE_PURGE_BACKENDS = edge_purge_backends()


# The read API (api/): requests a client address may make per minute without a key (keys lift
# the limit; 0 turns the limit off).
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
# Where webhook payloads say the site is (API responses use the request's own host).
SITE_URL = env_str("SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "http://127.0.0.1:8000").rstrip("/")

# Background tasks (django-tasks): webhook deliveries, never in an editor's request. The default
# keeps the queue in the database and `python manage.py worker` runs it (make run starts one);
# TASKS_BACKEND chooses another backend of django-tasks' (docs/deploy.md, "Workers").
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Webhooks: each POST may take this long; failures are retried with exponential backoff and
# jitter, starting after WEBHOOK_FIRST_RETRY_SECONDS, for WEBHOOK_RETRY_HOURS, and then the
# subscription is marked failing. A worker puts back what a killed worker left every
# WEBHOOK_SWEEP_SECONDS.
WEBHOOK_TIMEOUT_SECONDS = env_float("WEBHOOK_TIMEOUT_SECONDS", 10.0)
WEBHOOK_FIRST_RETRY_SECONDS = env_float("WEBHOOK_FIRST_RETRY_SECONDS", 5.0)
WEBHOOK_RETRY_HOURS = env_float("WEBHOOK_RETRY_HOURS", 24.0)
WEBHOOK_SWEEP_SECONDS = env_float("WEBHOOK_SWEEP_SECONDS", 30.0)
