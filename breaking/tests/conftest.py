"""The articles tests' clients logged in as each role, and the scratch databases of the site's
own tests, serve here too."""

from articles.tests.conftest import editor_client, login, reporter_client  # noqa: F401
from newsroom.tests.conftest import scratch_database  # noqa: F401
