import pytest

from articles.models import Article, SlugRedirect

from .factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def rename(article, slug):
    article.slug = slug
    article.save()


def test_old_address_of_a_published_article_redirects_permanently(client):
    article = make_article(slug="oil-falls")
    rename(article, "oil-prices-fall")

    response = client.get("/articles/oil-falls/")

    assert response.status_code == 301
    assert response["Location"] == "/articles/oil-prices-fall/"
    assert client.get("/articles/oil-prices-fall/").status_code == 200


def test_every_earlier_address_leads_to_the_current_one(client):
    article = make_article(slug="first")
    rename(article, "second")
    rename(article, "third")

    for old in ["first", "second"]:
        response = client.get(f"/articles/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/articles/third/")


def test_renaming_a_draft_leaves_no_redirect(client):
    article = make_article(slug="working-title", status=Article.Status.DRAFT)
    rename(article, "final-title")
    article.status = Article.Status.PUBLISHED
    article.save()

    assert not SlugRedirect.objects.exists()
    assert client.get("/articles/working-title/").status_code == 404
    assert client.get("/articles/final-title/").status_code == 200


def test_an_article_that_takes_an_old_address_is_shown_there(client):
    moved = make_article(slug="budget", headline="Last year's budget")
    rename(moved, "budget-2029")
    make_article(slug="budget", headline="This year's budget")

    response = client.get("/articles/budget/")

    assert response.status_code == 200
    assert "This year&#x27;s budget" in response.content.decode()


def test_an_article_going_back_to_its_old_address_drops_the_redirect(client):
    article = make_article(slug="original")
    rename(article, "renamed")
    rename(article, "original")

    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["renamed"]
    assert client.get("/articles/original/").status_code == 200
    assert client.get("/articles/renamed/")["Location"] == "/articles/original/"


def test_an_old_address_does_not_redirect_to_an_article_readers_cannot_see(client):
    article = make_article(slug="old")
    rename(article, "new")
    article.status = Article.Status.DRAFT
    article.save()

    assert client.get("/articles/old/").status_code == 404


def test_the_archive_shows_each_filter_in_force_with_a_way_to_clear_it(client):
    energy = make_section(name="Energy", slug="energy")
    ann = make_author(name="Ann Lee")
    make_article(headline="Oil falls", section=energy, authors=[ann])

    response = client.get(
        "/archive/",
        {"q": "oil", "author": "ann-lee", "section": "energy", "published_after": "2000-01-02", "page": "1"},
    )

    text = response.content.decode()
    assert [(active.label, active.value) for active in response.context["active_filters"]] == [
        ("Words", "oil"),
        ("Author", "Ann Lee"),
        ("Section", "Energy"),
        ("Published from", "2 January 2000"),
    ]
    assert 'href="/archive/?author=ann-lee&amp;section=energy&amp;published_after=2000-01-02"' in text
    assert 'href="/archive/?q=oil&amp;section=energy&amp;published_after=2000-01-02"' in text
    assert 'href="/archive/?q=oil&amp;author=ann-lee&amp;published_after=2000-01-02"' in text
    assert 'href="/archive/?q=oil&amp;author=ann-lee&amp;section=energy"' in text
    assert '<a href="/archive/">Clear all filters</a>' in text


def test_the_date_fields_keep_their_values(client):
    make_article(headline="Oil falls")

    text = client.get("/archive/", {"published_after": "2000-01-02", "published_before": "2100-12-31"}).content.decode()

    assert 'type="date" name="published_after" value="2000-01-02"' in text
    assert 'type="date" name="published_before" value="2100-12-31"' in text
    assert 'aria-label="Clear published from: 2 January 2000"' in text


def test_a_refused_filter_is_not_shown_as_in_force(client):
    make_article(headline="Oil falls")

    response = client.get("/archive/", {"published_after": "not a date", "author": "nobody"})

    assert response.context["active_filters"] == []
    assert "Clear all filters" not in response.content.decode()


def test_the_archive_without_filters_has_none_in_force(client):
    make_article(headline="Oil falls")

    response = client.get("/archive/")

    assert response.status_code == 200
    assert response.context["active_filters"] == []
