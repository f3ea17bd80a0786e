"""What every response gets right whatever made it: a ``Cache-Control``, no body on HEAD, and
for pages of articles a ``Last-Modified``.

Compression is ``newsroom.compression``; ETags and 304s are Django's ConditionalGetMiddleware.
The Content Security Policy is django-csp's, with the site's own policy built once per process
(``CSPMiddleware``), and the messages' storage is made only for requests that use it
(``MessageMiddleware``).
"""

import http.client
from dataclasses import asdict
from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as BaseMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.cache import cc_delim_re, has_vary_header, patch_cache_control, set_response_etag
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import http_date

from .cache import STALE_IF_ERROR_SECONDS

# A page that does not exist yet may be published any minute.
NOT_FOUND_SECONDS = 60
# An article's old address moves again only if it is renamed again.
PERMANENT_REDIRECT_SECONDS = 3600


def default_cache_control(request, response):
    """The Cache-Control for a response whose view set none.

    - Anything for one visitor (a write, a visitor with a session, a response that sets a cookie
      or depends on one): ``private, no-store``.
    - A page (2xx, and the 304 standing for it): as the page cache sends them, ``public,
      max-age=0, stale-if-error``: revalidated on every use, served stale while the site fails.
    - Not found: public for a minute. A permanent redirect: public for an hour.
    - Anything else (temporary redirects, other errors): ``no-store``.
    """
    if (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or response.cookies
        or has_vary_header(response, "Cookie")
    ):
        return {"private": True, "no_store": True}
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        return {"public": True, "max_age": 0, "stale_if_error": STALE_IF_ERROR_SECONDS}
    if status in (404, 410):
        return {"public": True, "max_age": NOT_FOUND_SECONDS}
    if status in (301, 308):
        return {"public": True, "max_age": PERMANENT_REDIRECT_SECONDS}
    return {"no_store": True}


class CacheControlMiddleware(MiddlewareMixin):
    """A Cache-Control on every response: ``default_cache_control`` where nothing set one. It
    sits near the outside, so it also sees the redirects and errors made by other middleware."""

    def process_response(self, request, response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, **default_cache_control(request, response))
        return response


def needs_etag(response):
    """Whether ConditionalGetMiddleware gives ``response`` an ETag when it has none."""
    return all(part.lower() != "no-store" for part in cc_delim_re.split(response.get("Cache-Control", "")))


class HeadMiddleware(MiddlewareMixin):
    """The answer to HEAD is the GET response's headers (Content-Length and ETag included)
    without its body. Django's development server drops the body itself; gunicorn drops it too
    but logs an error for each one. Outermost, so the headers are final when the body goes."""

    def process_response(self, request, response):
        if request.method != "HEAD":
            return response
        if response.streaming:
            # The original iterator (an open file) is still closed with the response.
            response.streaming_content = ()
        else:
            # ConditionalGetMiddleware leaves HEAD alone; a GET gets the ETag of this body.
            if not response.has_header("ETag") and needs_etag(response):
                set_response_etag(response)
            response.content = b""
        return response


def set_last_modified(response, moment):
    """``Last-Modified: moment``, never later than now."""
    response.headers["Last-Modified"] = http_date(min(moment, timezone.now()).timestamp())


def article_changed_at(article, *, with_parts=False):
    """When what a reader sees of ``article`` last changed: an edit or its publication, and with
    ``with_parts`` its corrections and its authors (which the view must have prefetched)."""
    moments = [article.updated_at, article.published_at]
    if with_parts:
        moments += [correction.published_at for correction in article.corrections.all()]
        moments += [byline.author.updated_at for byline in article.bylines.all()]
    return max(moment for moment in moments if moment is not None)


def changed_at(shown, *, with_parts=False):
    """When what a reader sees of ``shown`` last changed: an article's as ``article_changed_at()``;
    a live story listed among articles says itself (``changed_at()``)."""
    if hasattr(shown, "changed_at"):
        return shown.changed_at()
    return article_changed_at(shown, with_parts=with_parts)


class LastModifiedMixin:
    """For the views of articles: ``Last-Modified`` is when the newest change among the articles
    the page shows was made (an article's own page counts its corrections and authors too). Other
    parts of a page (the ticker, links to other stories) are left out: they have the ETag.

    The shown articles are the view's ``object`` or ``object_list``; views that show others (or
    live stories beside them) override ``shown_articles``. Lists are read after rendering, from what the page loaded."""

    def shown_articles(self, context):
        shown = context.get("object")
        return [shown] if shown is not None else context.get("object_list") or ()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        with_parts = context.get("object") is not None

        def send_last_modified(response):
            changes = [changed_at(shown, with_parts=with_parts) for shown in self.shown_articles(context)]
            if changes:
                set_last_modified(response, max(changes))

        response.add_post_render_callback(send_last_modified)
        return response


# Per-response changes to the policy that django-csp's decorators leave on a response.
CSP_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the site's own policies built once per process.

    Nearly every response (every public page, cached or not) uses the policy of the settings as
    it is, with no nonce and no decorator's change, and django-csp builds both policies from the
    settings again for each one: about a fifth of a cached page's work. Those responses get the
    policies built once; a response that uses a nonce or a decorator (the admin's editors) goes
    through django-csp as before.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in CSP_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND) and settings.DEBUG:
            return response
        for header, exempt, report_only in (
            (HEADER, "_csp_exempt", False),
            (HEADER_REPORT_ONLY, "_csp_exempt_ro", True),
        ):
            policy, excluded_prefixes = site_policy(report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded_prefixes)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CSP_NONCE_TOO_LATE
        return response


@cache
def site_policy(report_only):
    """The policy the settings give (report-only or enforced) and the path prefixes it skips."""
    parts = PolicyParts()  # what get_policy_parts() gives with no decorator and no nonce
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
    return build_policy(**asdict(parts), report_only=report_only), tuple(prefixes)


class _NonceTooLate:
    """``request.csp_nonce`` once the header is written: django-csp raises then, and so do we."""

    def __str__(self):
        BaseCSPMiddleware._csp_nonce_post_response()

    def __bool__(self):
        return False


CSP_NONCE_TOO_LATE = _NonceTooLate()


@receiver(setting_changed)
def _forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class MessageMiddleware(BaseMessageMiddleware):
    """Django's, with the messages' storage made when first used: reading the signed cookie and
    the session for messages is for the admin, and public pages never use it."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response  # never used: nothing added, nothing read, nothing to store
        return super().process_response(request, response)
