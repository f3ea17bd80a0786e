"""The articles tests' clients logged in as each newsroom role."""

from articles.tests.conftest import login  # noqa: F401
