"""The articles tests' clients logged in as each role serve here too."""

from articles.tests.conftest import login  # noqa: F401
