"""Addresses worked out once per process: the remembered ones are those ``reverse()`` gives, for
the URLconf and script prefix in force."""

import json

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from articles.models import Article, Section
from authors.models import Author
from newsroom.context_processors import SITE_URLS, site_urls
from newsroom.slugs import slug_url
from newsroom.staticfiles import StaticStorage


def test_article_section_and_author_addresses_are_those_reverse_gives():
    assert Article(slug="oil-rises").get_absolute_url() == reverse("articles:detail", kwargs={"slug": "oil-rises"})
    assert Section(slug="energy").get_absolute_url() == reverse("articles:section", kwargs={"slug": "energy"})
    assert Author(slug="ann-lee").get_absolute_url() == reverse("authors:detail", kwargs={"slug": "ann-lee"})


def test_remembered_addresses_follow_the_script_prefix():
    assert slug_url("articles:detail", "oil-rises") == "/articles/oil-rises/"
    set_script_prefix("/news/")
    try:
        assert slug_url("articles:detail", "oil-rises") == "/news/articles/oil-rises/"
        assert site_urls("/news/")["archive"] == "/news/archive/"
    finally:
        clear_script_prefix()
    assert slug_url("articles:detail", "oil-rises") == "/articles/oil-rises/"


def test_remembered_addresses_are_forgotten_when_the_urlconf_changes():
    slug_url("articles:detail", "oil-rises")
    with override_settings(ROOT_URLCONF="newsroom.tests.urls_moved"):
        assert slug_url("articles:detail", "oil-rises") == "/moved/articles/oil-rises/"
    assert slug_url("articles:detail", "oil-rises") == "/articles/oil-rises/"


def test_site_links_name_every_page_the_header_and_footer_link_to():
    assert site_urls("/") == {name: reverse(view) for name, view in SITE_URLS.items()}


def test_static_addresses_are_the_manifests(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}, "hash": "x"})
    )
    storage = StaticStorage(location=tmp_path)
    expected = ManifestStaticFilesStorage(location=tmp_path).url("css/site.css")
    assert expected.endswith("css/site.0123abcd.css")
    assert storage.url("css/site.css") == storage.url("css/site.css") == expected
