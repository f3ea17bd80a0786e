import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article, make_author
from breaking.tests.factories import make_ticker_item
from newsroom.tests.uploads import image_upload

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def listed_authors(page):
    return re.findall(
        r'<li><a href="/authors/([\w-]+)/">([^<]+)</a> <span class="count">(\d+) articles?</span></li>', page
    )


def card_headlines(page):
    return re.findall(r'<h3 class="card-title"><a href="/articles/[\w-]+/">([^<]+)</a></h3>', page)


# The list of authors


def test_author_list_shows_authors_with_public_articles_by_name_with_how_many(client):
    ann, bo = make_author(name="Ann Lee"), make_author(name="Bo Chan")
    make_author(name="Cy Nobody")
    drafter = make_author(name="Di Drafter")
    make_article(authors=[ann, bo])
    make_article(authors=[ann])
    make_article(authors=[ann, drafter], status=Article.Status.DRAFT)
    make_article(authors=[drafter], published_at=timezone.now() + timedelta(hours=1))

    response = client.get("/authors/")

    assert response.status_code == 200
    assert listed_authors(response.text) == [("ann-lee", "Ann Lee", "2"), ("bo-chan", "Bo Chan", "1")]


def test_author_list_is_paginated_fifty_to_a_page(client):
    article = make_article()
    for number in range(55):
        article.bylines.create(author=make_author(name=f"Author {number:02}"), order=number)

    first = client.get("/authors/").text
    second = client.get("/authors/?page=2").text

    assert [name for _, name, _ in listed_authors(first)] == [f"Author {number:02}" for number in range(50)]
    assert [name for _, name, _ in listed_authors(second)] == [f"Author {number:02}" for number in range(50, 55)]
    assert client.get("/authors/?page=3").status_code == 404


@pytest.mark.parametrize("authors", [1, 50])
def test_author_list_queries_do_not_grow_with_authors(client, django_assert_num_queries, authors):
    for _ in range(authors):
        make_article(authors=[make_author(), make_author()])
        make_ticker_item()

    # The count, the page of authors, their articles counted, and the ticker.
    with django_assert_num_queries(4):
        response = client.get("/authors/")

    assert len(listed_authors(response.text)) == min(2 * authors, 50)


# An author's page


def test_author_page_shows_photo_bio_links_and_public_articles_newest_first(client, media_root):
    ann = make_author(
        name="Ann Lee",
        job_title="Energy correspondent",
        bio="Ann covers oil markets from Houston.",
        photo=image_upload("photo.jpg", named="ann.jpg"),
        website="https://annlee.example/",
        social_url="https://mastodon.example/@ann",
        email="ann@newsroom.example",
    )
    make_article(headline="Older story", authors=[ann], published_at=hours_ago(5))
    make_article(headline="Newer story", authors=[make_author(), ann], published_at=hours_ago(1))
    make_article(headline="Her draft", authors=[ann], status=Article.Status.DRAFT)
    make_article(headline="Someone else's story")

    response = client.get("/authors/ann-lee/")

    assert response.status_code == 200
    page = response.text
    assert f'<img class="profile-photo" src="/media/{ann.photo.name}" alt="Ann Lee"' in page
    assert "<h1>Ann Lee</h1>" in page
    assert '<p class="job-title">Energy correspondent</p>' in page
    assert "<p>Ann covers oil markets from Houston.</p>" in page
    assert '<a href="https://annlee.example/" rel="me noopener">Website</a>' in page
    assert '<a href="https://mastodon.example/@ann" rel="me noopener">Social profile</a>' in page
    assert "ann@newsroom.example" not in page
    assert card_headlines(page) == ["Newer story", "Older story"]


def test_author_page_articles_are_paginated_twenty_to_a_page(client):
    ann = make_author(name="Ann Lee")
    for number in range(25):
        make_article(headline=f"Story {number:02}", authors=[ann], published_at=hours_ago(100 - number))

    first = client.get("/authors/ann-lee/").text
    second = client.get("/authors/ann-lee/?page=2").text

    assert card_headlines(first) == [f"Story {number:02}" for number in range(24, 4, -1)]
    assert card_headlines(second) == [f"Story {number:02}" for number in range(4, -1, -1)]
    assert '<a rel="next" href="?page=2">Older</a>' in first


def test_author_without_public_articles_has_a_page_that_says_so(client):
    drafter = make_author(name="Di Drafter")
    make_article(headline="Not out yet", authors=[drafter], status=Article.Status.DRAFT)

    response = client.get("/authors/di-drafter/")

    assert response.status_code == 200
    assert "No published articles yet." in response.text
    assert "Not out yet" not in response.text


@pytest.mark.parametrize("url", ["/authors/nobody/", "/authors/ann-lee/?page=2", "/authors/ann-lee/?page=abc"])
def test_unknown_author_or_page_is_a_404(client, url):
    make_article(authors=[make_author(name="Ann Lee")])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("articles", [1, 50])
def test_author_page_queries_do_not_grow_with_articles(client, django_assert_num_queries, articles):
    ann = make_author(name="Ann Lee")
    for _ in range(articles):
        make_article(authors=[ann, make_author()])
        make_ticker_item()

    with django_assert_num_queries(5):
        response = client.get("/authors/ann-lee/")

    assert len(card_headlines(response.text)) == min(articles, 20)
