# Varnish in front of the newsroom's gunicorn (docs/deploy.md, "Varnish").
#
# Readers without a session get pages from here for as long as the app allows
# (EDGE_CACHE_SECONDS, sent as s-maxage); an edit purges the pages that show it by the tags the
# app names in the xkey header (VARNISH_PURGE_URLS points the app here); the blocks pages share
# are joined here from Edge Side Includes (EDGE_INCLUDES=1), so a new breaking item refreshes
# one small object, not every page; and while the app fails, what is held is served for a day
# (but for images, which are held only while their article is public).
#
# Needs Debian's varnish (7.x) and varnish-modules (xkey). Set the backend and the purgers below.
vcl 4.1;

import std;
import xkey;

# The app server. With several, declare one backend each and share requests among them with
# a directors.round_robin() in vcl_init.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 35s; # a little over gunicorn's --timeout
    .between_bytes_timeout = 10s;
}

# Who may purge: the app servers, and nobody else.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        if (req.http.xkey-purge == "*") {
            ban("obj.status != 0");
            return (synth(200, "Purged everything"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }

    # Tell the app that blocks may be left to us as includes. Set on every request, whatever the
    # client sent, so that nobody can have the app send includes to a cache that would keep them.
    set req.http.Surrogate-Capability = "varnish=ESI/1.0";

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin (article previews too), the health check, and editors signed in: never cached.
    # A signed-in editor carries the staff cookie beside the session cookie; a session cookie
    # alone, which anyone can make up, is served from the cache like any reader.
    if (req.url ~ "^/admin(/|\?|$)" || req.url ~ "^/healthz"
            || req.http.Cookie ~ "(^|;)\s*newsroom_staff=" || req.http.Authorization) {
        return (pass);
    }
    # Other cookies (analytics, consent) change nothing the app sends to readers.
    unset req.http.Cookie;
    # Nor do tracking parameters: drop them and sort the rest, as the app's own cache key does,
    # so that a shared link hits the page already held.
    set req.url = regsuball(req.url,
        "(?<=[?&])(utm_[^=&]*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|mc_cid|mc_eid)(=[^&]*)?(&|$)", "");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
    # One copy of each page: Varnish fetches it compressed and unzips it for clients that
    # cannot take gzip.
    if (req.http.Accept-Encoding ~ "gzip") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    return (hash);
}

sub vcl_backend_response {
    # A page whose blocks the app left to us as includes.
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
        set beresp.http.X-Newsroom-Includes = "1";
    }
    # Keep only what the app says may be kept: not search results, redirects or errors, which
    # come without Cache-Control (Varnish would otherwise keep them two minutes).
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 0s;
    }
    # Past its time an object is kept a day (the app's stale-if-error): the first request after
    # it is answered with it while a fresh copy is fetched, and while the app fails it is
    # served as long as the failure lasts, up to that day.
    set beresp.grace = 24h;
    # But not an uploaded image: it is public only while an article showing it is, and when the
    # last of them expires no purge comes; the app's s-maxage ends then. No copy past it, not even
    # while the app fails.
    if (bereq.url ~ "^/media/") {
        set beresp.grace = 0s;
    }
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    # A page joined from includes: its ETag named the page without its blocks, and Varnish would
    # answer a browser holding it with 304 however the breaking-news bar had changed since.
    # (Marked at fetch: Varnish 7.1 reads resp.do_esi as true for every object.) Every other
    # response keeps its validators, and Varnish answers a browser's revalidation with a 304.
    if (resp.http.X-Newsroom-Includes) {
        unset resp.http.X-Newsroom-Includes;
        unset resp.http.ETag;
        unset resp.http.Last-Modified;
    }
}
