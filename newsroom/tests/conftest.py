"""Fixtures for tests that run the site in other processes, against databases of their own, and
for tests of media in an S3-compatible bucket."""

import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from articles.tests.conftest import login  # noqa: F401
from newsroom.settings.base import BASE_DIR

from .servers import base_environment, scratch_databases


@pytest.fixture
def scratch_database(tmp_path):
    """Make empty databases of the run's engine for other processes: a new PostgreSQL database
    beside the one in DATABASE_URL, or a SQLite file. Returns a function giving a new
    DATABASE_URL per call; every database is dropped afterwards."""
    with scratch_databases(tmp_path) as make:
        yield make


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Production static files (the manifest storage needs collectstatic, which compresses every
    file and takes a while on a busy machine), made once per test process."""
    root = tmp_path_factory.mktemp("static")
    environment = {**base_environment(), "STATIC_ROOT": str(root), "SECRET_KEY": "x", "ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    # Brotli at its slowest quality for every file: tens of seconds on a busy machine.
    subprocess.run(command, cwd=BASE_DIR, env=environment, check=True, capture_output=True, timeout=300)
    return root


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on loopback, once per test process."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, media_root):
    """A new private bucket, as docs/deploy.md has it (no policy, no public ACL), made the default
    storage with the options the settings give it. ``media_root`` is there to prove nothing
    lands in it."""
    name = f"media-{uuid.uuid4().hex}"
    s3 = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="any", aws_secret_access_key="any"
    )
    s3.create_bucket(Bucket=name)
    options = {"bucket_name": name, "endpoint_url": s3_endpoint, "region_name": "us-east-1", "location": ""}
    options.update(access_key="any", secret_key="any")  # moto takes any keys
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.storage.MediaStorage", "OPTIONS": options},
    }
    return Bucket(s3, name, f"{s3_endpoint}/{name}/")


class Bucket:
    def __init__(self, s3, name, address):
        self.s3, self.name, self.address = s3, name, address

    def keys(self):
        return {item["Key"] for item in self.s3.list_objects_v2(Bucket=self.name).get("Contents", [])}

    def read(self, key):
        """(Content-Type, body) of an object, read with the app's keys."""
        stored = self.s3.get_object(Bucket=self.name, Key=key)
        return stored["ContentType"], stored["Body"].read()

    def anonymous_status(self, key):
        """The status a stranger gets asking the bucket for ``key`` at its own address."""
        try:
            with urllib.request.urlopen(self.address + key, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
