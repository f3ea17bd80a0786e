"""Edge caches in front of the app (Varnish, Fastly, Cloudflare), told what the page cache
(newsroom/cache.py) knows: responses name what they show, and every purge of the page cache is
sent to them (``purging``) through one small backend per kind of edge (``backends``), chosen in
EDGE_PURGE_BACKENDS."""
