"""Every public page type is valid HTML by the Nu HTML Checker: ``vnu.jar`` from the vnu-jar npm
package (``make test`` installs it), run on the machine's Java. All the pages go through one run
of the checker, which takes most of the test's time."""

import json
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from articles.models import Article

from .sample_site import build_sample_site

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_every_public_page_type_is_valid_html(client, media_root, tmp_path):
    assert VNU.is_file(), "vnu-jar is not installed: run `npm ci` (make test does)"
    site = build_sample_site()
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, path in site.pages.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), path
        (folder / f"{name}.html").write_bytes(response.content)
    (folder / "server-error.html").write_text(render_to_string("500.html"))

    files = sorted(folder.iterdir())
    checker = subprocess.run(
        ["java", "-jar", VNU, "--errors-only", "--exit-zero-always", "--stdout", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checker.returncode == 0, checker.stderr
    errors = [
        f"{Path(message.get('url', '')).stem}:{message.get('lastLine', '?')}: {message['message']}"
        f"\n    {message.get('extract', '').strip()}"
        for message in json.loads(checker.stdout)["messages"]
    ]
    assert not errors, "\n".join(errors)


def nu_errors(files):
    """The Nu HTML Checker's errors in ``files``, one line each with its extract."""
    assert VNU.is_file(), "vnu-jar is not installed: run `npm ci` (make test does)"
    checker = subprocess.run(
        ["java", "-jar", VNU, "--errors-only", "--exit-zero-always", "--stdout", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checker.returncode == 0, checker.stderr
    return [
        f"{Path(message.get('url', '')).stem}:{message.get('lastLine', '?')}: {message['message']}"
        f"\n    {message.get('extract', '').strip()}"
        for message in json.loads(checker.stdout)["messages"]
    ]


def test_the_admin_article_form_and_list_are_valid_html(admin_client, media_root, tmp_path):
    site = build_sample_site()
    article = Article.objects.get(slug=site.pages["article"].strip("/").split("/")[-1])
    pages = {
        "article-list": "/admin/articles/article/",
        "article-list-filtered": "/admin/articles/article/?status__exact=published&q=the",
        "article-add": "/admin/articles/article/add/",
        "article-change": f"/admin/articles/article/{article.pk}/change/",
    }
    folder = tmp_path / "admin"
    folder.mkdir()
    for name, path in pages.items():
        response = admin_client.get(path)
        assert response.status_code == 200, path
        (folder / f"{name}.html").write_bytes(response.content)

    errors = nu_errors(sorted(folder.iterdir()))

    assert not errors, "\n".join(errors)
