"""A small, realistic public site with every public page type filled in: the article page with a
lead image, several authors and corrections; sections; authors with and without photos; cards
with and without images; a story pinned to the home page; breaking news and a live story with
pinned, key, edited and removed updates. The browser, accessibility and HTML-validity tests run
on it, and docs/site_screenshots.py photographs it for the README."""

import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, ArticleAuthor, Correction
from articles.tests.factories import make_article, make_author, make_correction, make_section
from breaking.models import TickerItem
from breaking.tests.factories import make_live_story, make_ticker_item, make_update
from frontpage.models import Placement

BODY = (
    "<p>Brent crude rose for a third day on Tuesday after the producer group left its output targets "
    "unchanged, as traders weighed tight supply against signs of a slowing economy.</p>"
    "<h2>What changed</h2>"
    "<p>Ministers agreed to keep the current quotas until the end of the year and to meet again in "
    "December. Analysts had expected a small increase.</p>"
    "<blockquote><p>The market was braced for more barrels, and they did not come.</p></blockquote>"
    "<h2>What it means for drivers</h2>"
    "<ul><li>Pump prices usually follow crude within two to three weeks.</li>"
    "<li>Diesel is tighter than petrol because of refinery outages.</li></ul>"
    '<p>Read the <a href="https://example.org/statement">full statement</a> from the group.</p>'
)


@dataclass(frozen=True)
class SampleSite:
    lead: Article
    pages: dict  # page type → path, in the order the README shows them


def build_sample_site():
    """Create the sample site's rows and images (in the default storage) and return it."""
    now = timezone.now().replace(second=0, microsecond=0)
    energy = make_section(name="Energy", slug="energy", order=1, description="Oil, gas, power and the climate.")
    world = make_section(name="World", slug="world", order=2)
    markets = make_section(name="Markets", slug="markets", order=3)

    irina = make_author(
        name="Irina Slav",
        job_title="Energy correspondent",
        bio="Irina has covered oil and gas markets for twelve years, from Sofia and London.",
        website="https://example.org/irina",
    )
    irina.photo.save("irina-slav.jpg", ContentFile(_portrait()))
    tom = make_author(name="Tom Kool", job_title="Markets editor", bio="Tom edits the markets desk.")
    ana = make_author(name="Ana Petrova", job_title="Photographer")
    marta = make_author(name="Marta López", job_title="Europe correspondent")

    lead = make_article(
        headline="Oil prices climb as OPEC+ holds output steady",
        dek="Traders weigh tight supply against signs of a slowing economy.",
        body=BODY,
        section=energy,
        published_at=now - timedelta(minutes=40),
        lead_image_alt="An offshore oil platform at dusk, seen from a supply boat",
        lead_image_caption="A production platform in the North Sea.",
        lead_image_credit="Ana Petrova",
    )
    lead.lead_image.save("platform.jpg", ContentFile(_landscape()))
    for order, (author, role) in enumerate([(irina, "writer"), (tom, "reporting"), (ana, "photos")]):
        ArticleAuthor.objects.create(article=lead, author=author, role=role, order=order)
    make_correction(lead, text="An earlier version gave the wrong date for the next meeting.")
    make_correction(lead, kind=Correction.Kind.UPDATE, text="Adds the reaction of European refiners.")

    stories = [
        ("Gas storage reaches record levels ahead of winter", energy, [tom], {"hours": 3}),
        ("Ceasefire talks resume in Geneva", world, [], {"hours": 5}),
        ("Wind farm auction draws record bids", energy, [irina], {"days": 1}),
        ("Heatwave grips southern Europe as tourists stay away", world, [marta], {"days": 2}),
        ("Central bank holds rates as inflation eases", markets, [tom], {"days": 3}),
        ("Oil tanker traffic returns to the Red Sea", world, [irina, marta], {"days": 4}),
    ]
    pictured = {
        "Gas storage reaches record levels ahead of winter": "Storage tanks at a gas terminal at dusk",
        "Central bank holds rates as inflation eases": "The platform of an offshore terminal at dusk",
    }
    for headline, section, authors, age in stories:
        article = make_article(
            headline=headline,
            dek="A short summary of the story, as it appears in listings.",
            section=section,
            authors=authors,
            credit_line="" if authors else "Reuters",
            published_at=now - timedelta(**age),
            lead_image_alt=pictured.get(headline, ""),
        )
        if headline in pictured:
            article.lead_image.save(f"{article.slug}.jpg", ContentFile(_landscape(800, 450)))
    # The editors pinned the central bank's decision to the home page for the day.
    banks = Article.objects.get(headline__startswith="Central bank")
    Placement.objects.create(place=Placement.Place.PINNED, article=banks, expires_at=now + timedelta(hours=12))
    oil_cargo = Article.objects.get(headline__startswith="Oil tanker")
    make_correction(oil_cargo, kind=Correction.Kind.CLARIFICATION, text="Clarifies which ports reopened.")

    make_ticker_item(
        text="OPEC+ keeps output unchanged",
        article=lead,
        priority=TickerItem.Priority.URGENT,
        expires_at=now + timedelta(hours=3),
    )
    make_ticker_item(text="Storm warning for the North Sea coast", url="https://example.org/weather")
    storm = make_live_story(
        headline="Storm Ellis reaches the North Sea coast",
        summary="Gales, flooding and closed ports: the latest as the storm moves inland.",
        section=world,
        starts_at=now - timedelta(hours=4),
    )
    storm.authors.set([marta, tom])
    make_update(
        storm,
        title="Where to find shelter",
        body="<p>Councils have opened halls in every coastal town; the list is on their websites.</p>",
        pinned=True,
        posted_at=now - timedelta(hours=3, minutes=30),
        authors=[marta],
    )
    make_update(
        storm,
        title="Ports close",
        body="<p>Rotterdam and Antwerp stop taking ships until the wind drops.</p>",
        key_event=True,
        posted_at=now - timedelta(hours=2),
        authors=[tom],
    )
    make_update(storm, body="<p>A figure in this update was wrong.</p>", posted_at=now - timedelta(hours=1),
                deleted_at=now - timedelta(minutes=50))  # fmt: skip
    make_update(
        storm,
        title="Landfall",
        body="<p>The eye of the storm crossed the coast near Den Helder at 14:05, with gusts of "
        "<strong>150 km/h</strong>.</p>",
        key_event=True,
        posted_at=now - timedelta(minutes=20),
        edited_at=now - timedelta(minutes=10),
        authors=[marta],
    )

    archive = reverse("articles:archive")
    pages = {
        "home": reverse("home"),
        "article": lead.get_absolute_url(),
        "section": energy.get_absolute_url(),
        "authors": reverse("authors:list"),
        "author": irina.get_absolute_url(),
        "archive": f"{archive}?author={irina.slug}&section={energy.slug}",
        "archive-error": f"{archive}?published_after=last+week",
        "search": f"{reverse('articles:search')}?q=oil+prices",
        "search-help": reverse("articles:search"),
        "search-suggestion": f"{reverse('articles:search')}?q=oil+pricse",
        "corrections": reverse("articles:corrections"),
        "live": storm.get_absolute_url(),
        "not-found": "/no-such-page/",
    }
    return SampleSite(lead=lead, pages=pages)


def _landscape(width=1200, height=675):
    """A JPEG of a platform on the sea at dusk, drawn so that the pages show a real picture."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=(int(40 + 200 * t), int(60 + 90 * t), int(110 - 30 * t)))
    for y in range(horizon, height):
        t = (y - horizon) / (height - horizon)
        draw.line([(0, y), (width, y)], fill=(int(30 - 20 * t), int(50 - 20 * t), int(80 - 30 * t)))
    ink = (20, 20, 28)
    deck = horizon - 90
    draw.rectangle([520, deck, 820, deck + 30], fill=ink)
    for x in (540, 640, 700, 790):
        draw.rectangle([x, deck + 30, x + 14, horizon + 20], fill=ink)
    draw.polygon([(600, deck), (630, deck - 180), (660, deck)], fill=ink)
    draw.rectangle([720, deck - 60, 800, deck], fill=ink)
    draw.line([(760, deck - 60), (860, deck - 140)], fill=ink, width=6)
    draw.ellipse([300, horizon - 60, 360, horizon], fill=(255, 190, 110))
    return _jpeg(image)


def _portrait(size=240):
    """A JPEG head-and-shoulders silhouette for an author's photo."""
    image = Image.new("RGB", (size, size), (196, 214, 232))
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.18, size * 0.62, size * 0.82, size * 1.3], fill=(52, 73, 94))
    draw.ellipse([size * 0.32, size * 0.18, size * 0.68, size * 0.58], fill=(232, 190, 160))
    return _jpeg(image)


def _jpeg(image):
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return output.getvalue()
