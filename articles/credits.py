"""Who an article is credited to, as feeds and structured data name them: each author on the
byline, in order, with their page; or, for wire and imported copy without a byline, the credit
line as an organisation, with its site where the article says what it is."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class Credit:
    name: str
    # A path on this site (an author's page, the home page) or another site's address; None
    # when not known. Either way ``request.build_absolute_uri()`` or ``urljoin()`` makes it whole.
    url: str | None
    is_person: bool


def credits(article):
    """The article's credits (its bylines with their authors prefetched), in byline order."""
    people = [Credit(byline.author.name, byline.author.get_absolute_url(), True) for byline in article.bylines.all()]
    if people or not article.credit_line:
        return people
    return [Credit(article.credit_line, organisation_url(article), False)]


def organisation_url(article):
    """The site of the organisation in the credit line, where known: this newsroom's home page
    when it is credited by name, the source publication's site when the credit line names it."""
    name = article.credit_line.casefold()
    if name == settings.SITE_NAME.casefold():
        return reverse("home")
    if article.source_url and name == article.source_name.casefold():
        source = urlsplit(article.source_url)
        return f"{source.scheme}://{source.netloc}/"
    return None
