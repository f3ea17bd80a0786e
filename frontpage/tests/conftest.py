"""The articles tests' clients logged in as each newsroom role, and the scratch databases of the
site's own tests."""

from articles.tests.conftest import login  # noqa: F401
from newsroom.tests.conftest import scratch_database  # noqa: F401
