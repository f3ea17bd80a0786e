"""Fastly: purge by surrogate key through the API, up to 256 keys a request
(https://www.fastly.com/documentation/reference/api/purging/)."""

from .base import EdgeBackend, required

API_URL = "https://api.fastly.com"


class FastlyBackend(EdgeBackend):
    """Options: ``SERVICE_ID``; ``API_TOKEN``, a token with the purge_select scope (and
    purge_all, for purging everything); ``SOFT_PURGE``: mark pages stale instead of removing
    them, so that Fastly may still serve them while the origin fails."""

    tags_per_request = 256

    def __init__(self, options):
        super().__init__(options)
        service = required(options, "SERVICE_ID", self)
        self.token = required(options, "API_TOKEN", self)
        self.soft = bool(options.get("SOFT_PURGE", False))
        self.service_url = f"{options.get('API_URL', API_URL).rstrip('/')}/service/{service}"

    def purge_tags(self, tags):
        headers = {"Fastly-Key": self.token, "Surrogate-Key": " ".join(tags), "Accept": "application/json"}
        if self.soft:
            headers["Fastly-Soft-Purge"] = "1"
        self.send("POST", f"{self.service_url}/purge", headers=headers)

    def purge_everything(self):
        # Fastly has no soft purge of everything.
        self.send(
            "POST", f"{self.service_url}/purge_all", headers={"Fastly-Key": self.token, "Accept": "application/json"}
        )
