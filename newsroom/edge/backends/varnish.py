"""Varnish with the xkey module (deploy/varnish/newsroom.vcl): a PURGE request to each server
naming the tags in an ``xkey-purge`` header; ``*`` bans every object."""

from newsroom.cache import EVERYTHING

from .base import EdgeBackend, EdgePurgeError, http_url, required


class VarnishBackend(EdgeBackend):
    """Options: ``SERVERS``, the base URLs of the Varnish servers (``http://10.0.0.5:6081``),
    whose ACL lets this app server purge."""

    def __init__(self, options):
        super().__init__(options)
        self.servers = [http_url(server, "VARNISH_PURGE_URLS") for server in required(options, "SERVERS", self)]

    def purge_tags(self, tags):
        self._purge_on_every_server(" ".join(tags))

    def purge_everything(self):
        self._purge_on_every_server(EVERYTHING)

    def _purge_on_every_server(self, keys):
        errors = []
        for server in self.servers:
            try:
                self.send("PURGE", f"{server}/", headers={"xkey-purge": keys})
            except EdgePurgeError as error:
                errors.append(str(error))
        if errors:
            raise EdgePurgeError("; ".join(errors))
