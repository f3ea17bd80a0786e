"""Stored and reflected XSS, in a real browser. The payloads in ``files/xss_payloads.txt`` go in
through every text field an editor can write, by the admin's forms and by the importer, then
the public and admin pages that show them are opened in Chromium. Nothing may run or be
injected: no dialog opens, ``window.__xss`` stays unset, no Content Security Policy violation
is reported, and no page carries an event handler, a script URL or an embedding element. Every
plain-text value must still be on the page as text, so nothing passes by being dropped.

Short fields take the payloads a few at a time (``packed``), over as many rows as it takes for
each field to see every payload; text areas take them all at once. Every row's public page is
opened, and every article's admin form (the newsroom's own, with the prose editor). The other
admin forms are Django's stock ones, which the article forms already put every payload
through: their lists and choices, which show every row, are opened, and one form of each."""

import html
import io
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, ArticleAuthor, Correction, Section
from articles.seed_parser import SeedAuthor, SeedPage, render_seed
from articles.tests.admin_forms import form_data
from articles.tests.factories import make_user
from authors.models import Author
from breaking.models import Ticker, TickerItem
from breaking.tests.factories import breaking_news
from breaking.views import TICKER_LENGTH, ticker_items
from newsroom.tests.uploads import image_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# split("\n"), not splitlines(): some payloads hold U+2028 and U+2029, line breaks to Python.
PAYLOADS = [
    line for line in (Path(__file__).parents[1] / "files" / "xss_payloads.txt").read_text("utf-8").split("\n") if line
]
ALL = "\n".join(PAYLOADS)
# The payloads the importer's byline rule takes for names ("By Jane ..."); it leaves any other
# "By" line in the body.
BYLINES = [payload for payload in PAYLOADS if payload.startswith("Jane ")]

# Chromium puts a banner of its own (<xslt-warning-banner>, styled inline, with an inline
# handler) on pages made by XSLT, the feeds', announcing XSLT's removal; the CSP refuses its
# styles and handler. Those violations, whose target is the banner, are the browser's.
RECORD_VIOLATIONS = """
window.cspViolations = [];
window.bannerViolations = 0;
document.addEventListener("securitypolicyviolation", (event) => {
  if (event.target && event.target.localName === "xslt-warning-banner") {
    window.bannerViolations += 1;
    return;
  }
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
# What only a payload could have put in the page, and all the text the page shows. Scripts that
# run must be the site's own files; the others are data.
INSPECT = r"""
() => {
  const found = window.cspViolations.map((violation) => `CSP: ${violation}`);
  if (window.__xss !== undefined) found.push("window.__xss was set");
  const urlAttributes = ["href", "src", "action", "formaction", "data", "srcdoc", "background", "poster", "xlink:href"];
  const shown = [document.title];
  for (const element of document.querySelectorAll("*")) {
    for (const {name, value} of element.attributes) {
      const where = `<${element.localName} ${name}="${value.slice(0, 80)}">`;
      const compact = value.replace(/[\s\u0000-\u001f]+/g, "");
      if (name.startsWith("on")) found.push(`event handler ${where}`);
      if (urlAttributes.includes(name) && /^(javascript|vbscript|data):/i.test(compact)) {
        found.push(`script URL ${where}`);
      }
      if (name === "style" && /expression|javascript:|url\(/i.test(compact)) found.push(`style ${where}`);
      if (["alt", "title", "content", "aria-label"].includes(name)) shown.push(value);
    }
  }
  const embedding = "iframe, frame, frameset, object, embed, applet, base, meta[http-equiv]";
  for (const element of document.querySelectorAll(embedding)) found.push(`element ${element.outerHTML.slice(0, 80)}`);
  for (const script of document.scripts) {
    const data = ["application/ld+json", "application/json", "importmap"].includes(script.type);
    const url = new URL(script.src || "about:blank");
    const ours = url.origin === location.origin && /^\/(static\/|admin\/jsi18n\/$)/.test(url.pathname);
    if (!data && !ours) found.push(`script ${script.outerHTML.slice(0, 80)}`);
  }
  for (const field of document.querySelectorAll("input, textarea")) shown.push(field.value);
  shown.push(document.body.textContent);
  return {found, shown: shown.join("\n"), bannerViolations: window.bannerViolations};
}
"""


def packed(limit):
    """The payloads joined by spaces into values of at most ``limit`` characters, each payload
    whole, longest first into the first value with room: few values, so few rows and pages."""
    values = []
    for payload in sorted(PAYLOADS, key=len, reverse=True):
        room = next((number for number, value in enumerate(values) if len(value) + 1 + len(payload) <= limit), None)
        if room is None:
            values.append(payload)
        else:
            values[room] += f" {payload}"
    return values


def words(text):
    """Text as a browser shows it: any run of white space is one space."""
    return " ".join(text.split())


def cycled(values, number):
    return values[number % len(values)]


def accepted(field):
    """The payloads a form field accepts, as it cleans them."""
    values = []
    for payload in PAYLOADS:
        with suppress(ValidationError):
            values.append(field.clean(payload))
    return values


class Browser:
    """A tab that notices script running, or markup a payload put there, on every page it opens."""

    def __init__(self, page):
        self.page = page
        self.dialogs, self.console = [], []
        # On the context, so that the admin's popup windows are watched too.
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.context.on("dialog", self._on_dialog)
        page.context.on("console", lambda message: self.console.append(message.text))

    def _on_dialog(self, dialog):
        """Leaving a form with unsaved changes asks first (beforeunload): say yes. Any other
        dialog is a payload that ran."""
        if dialog.type == "beforeunload":
            dialog.accept()
        else:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

    def open(self, path, shows=(), ready=None):
        """Open ``path`` and check it; ``ready`` is a selector to wait for first, for pages a
        second document replaces after loading (a feed, once its XSLT has made the page)."""
        response = self.page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        if ready:
            self.page.locator(ready).first.wait_for()
        self.check(path, shows)

    def check(self, where, shows=()):
        """Fail if anything ran or was injected, or if the page does not show each of ``shows``."""
        report = self.page.evaluate(INSPECT)
        found = [*report["found"], *(f"dialog: {message}" for message in self.dialogs)]
        if report["bannerViolations"]:
            # The console reports the browser's banner's violations too (RECORD_VIOLATIONS), with
            # nothing to tell them apart: this page's are known from their events only.
            self.console.clear()
        found += [text for text in self.console if "Content Security Policy" in text]
        assert found == [], where
        shown = words(report["shown"])
        missing = [text for text in shows if words(text) not in shown]
        assert missing == [], f"{where} does not show {missing}"


class Editor:
    """An editor at the admin through Django's test client: each form is loaded, filled in and
    posted as a browser would, so its validation and the model's ``save()`` run as for people."""

    def __init__(self):
        self.user = make_user("Editor")
        self.client = Client()
        self.client.force_login(self.user)
        self._blank_forms = {}

    def add(self, model, /, **fields):
        """Post the model's add form with ``fields``; returns the new object's pk. The blank form
        is loaded once per model: it is the same every time."""
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        if url not in self._blank_forms:
            self._blank_forms[url] = form_data(self.client.get(url))
        return self._saved(self.client.post(url, {**self._blank_forms[url], **fields, "_continue": "1"}))

    def change(self, url, /, **fields):
        """Post the change form at ``url`` with ``fields`` changed."""
        # Published articles keep changes as a draft until they are published: publish them, so
        # that readers' pages show what was written.
        data = {**form_data(self.client.get(url)), **fields, "_continue": "1", "_publish": "1"}
        self._saved(self.client.post(url, data))

    def form_field(self, model, name):
        request = RequestFactory().get("/admin/")
        request.user = self.user
        return admin.site.get_model_admin(model).get_form(request).base_fields[name]

    def session_cookie(self, live_server):
        return {
            "name": settings.SESSION_COOKIE_NAME,
            "value": self.client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }

    def _saved(self, response):
        assert response.status_code == 302, [str(error) for error in response.context["errors"]]
        return int(resolve(response.url).kwargs["object_id"])


@dataclass
class Written:
    """What the editor wrote in the admin, by primary key, and the ticker texts held back."""

    sections: list
    authors: list
    articles: list
    compared: int  # the article with two revisions
    correction: int  # written in the corrections' own form, not inline
    tickers: list
    ticker_items: list
    on_refresh: list  # ticker texts written once the bar is full, to appear as it refreshes


def in_a_sentence(payload):
    return f"The statement read {payload} in full, officials said on Tuesday."


def write_through_importer(folder):
    """Import pages in the scraped format that hold the payloads, in files named after them;
    returns ``{file name: page}``."""
    # Headlines within the 110 characters the publishing gate allows, so that every page goes live.
    headlines, names, publishers = packed(110), packed(190), packed(200)
    bios, ticker_lines = packed(1000), packed(280)
    in_names = [payload for payload in PAYLOADS if "/" not in payload]
    file_names = [f"{number:02} {cycled(in_names, number)}.txt" for number in range(len(headlines))]
    pages = {}
    for number, headline in enumerate(headlines):
        page = SeedPage(
            headline=headline,
            # Each payload inside a sentence: a body of bare short lines is refused as navigation.
            body=tuple(map(in_a_sentence, PAYLOADS)),
            ticker=tuple(ticker_lines[number :: len(headlines)]),
            byline=cycled(BYLINES, number),
            publisher=cycled(publishers, number),
            previous=headlines[number - 1] if number else None,
            author=SeedAuthor(name=f"{cycled(names, number)} {number}", bio=cycled(bios, number)),
        )
        pages[file_names[number]] = page
        (folder / file_names[number]).write_text(render_seed(page), encoding="utf-8")
    out = io.StringIO()
    call_command("import_seeds", str(folder), stdout=out, stderr=io.StringIO())
    assert f"Articles created: {len(pages)}, updated: 0, unchanged: 0. Authors created: {len(pages)}." in out.getvalue()
    assert "Files refused: 0." in out.getvalue()
    return pages


def imported_rows(page):
    """The article and the author the importer made of ``page``."""
    article = Article.objects.get(headline=words(page.headline), fingerprint__isnull=False)
    # "By NAME for PUBLISHER" credits NAME; the footer's publisher, which every page here has, wins.
    credit = words(page.byline).split(" for ")[0]
    assert (article.credit_line, article.source_name) == (credit, words(page.publisher))
    return article, Author.objects.get(name=words(page.author.name), bio=words(page.author.bio))


def write_through_admin(editor):
    # Slugs are refused unless they are slugs, addresses unless they are web or e-mail
    # addresses; the payloads that are addresses are written.
    for model in [Article, Author, Section, Ticker]:
        assert accepted(editor.form_field(model, "slug")) == [], model
    addresses = {
        name: accepted(editor.form_field(model, name))
        for model, name in [
            (Article, "source_url"),
            (Author, "website"),
            (Author, "social_url"),
            (Author, "email"),
            (TickerItem, "url"),
        ]
    }
    assert all(addresses.values())
    web_addresses = [*addresses["source_url"], *addresses["website"], *addresses["social_url"], *addresses["url"]]
    assert all(url.startswith("https://") for url in web_addresses), web_addresses

    earlier = timezone.localtime() - timedelta(minutes=5)
    when = {"0": earlier.date().isoformat(), "1": earlier.strftime("%H:%M:%S")}
    sections = [
        editor.add(Section, name=name, slug=f"xss-{number}", description=ALL, order=number)
        for number, name in enumerate(packed(100))
    ]
    job_titles = packed(200)
    authors = [
        editor.add(
            Author,
            name=name,
            job_title=job_titles[number],
            bio=ALL,
            website=cycled(addresses["website"], number),
            social_url=cycled(addresses["social_url"], number),
            email=cycled(addresses["email"], number),
        )
        for number, name in enumerate(packed(200))
    ]
    headlines = packed(110)  # the longest a published headline may be
    short_fields = {
        "lead_image_alt": packed(300),
        "lead_image_caption": packed(500),
        "lead_image_credit": packed(200),
        "credit_line": packed(200),
        "source_name": packed(200),
    }
    escaped_body = "".join(f"<p>{html.escape(payload)}</p>" for payload in PAYLOADS)
    articles = []
    for number, headline in enumerate(headlines):
        byline_and_correction = {
            "bylines-0-author": cycled(authors, number),
            "bylines-0-role": cycled(ArticleAuthor.Role.values, number),
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": Correction.Kind.CORRECTION,
            "corrections-0-text": headline,
            **{f"corrections-0-published_at_{part}": value for part, value in when.items()},
        }
        article = editor.add(
            Article,
            headline=headline,
            slug=f"xss-{number}",
            dek=ALL,
            # The payloads as text, as typing them in the editor makes them, and each in one
            # article as markup, as a crafted request could send it: the sanitiser decides.
            body=escaped_body + " ".join(PAYLOADS[number :: len(headlines)]),
            section=cycled(sections, number),
            status=Article.Status.PUBLISHED,
            lead_image=image_upload("photo.jpg"),
            source_url=cycled(addresses["source_url"], number),
            **{name: cycled(values, number) for name, values in short_fields.items()},
            **byline_and_correction,
        )
        articles.append(article)
    correction = editor.add(
        Correction,
        article=articles[0],
        kind=Correction.Kind.CLARIFICATION,
        text=ALL,
        **{f"published_at_{part}": value for part, value in when.items()},
    )
    # A second revision of the first article, for the history and compare pages; the new slug
    # leaves a redirect behind.
    first = Article.objects.get(pk=articles[0])
    editor.change(
        reverse("admin:articles_article_change", args=[first.pk]),
        headline=" ".join(reversed(first.headline.split(" "))),
        slug="xss-compared",
        dek="\n".join(reversed(PAYLOADS)),
    )
    tickers = [editor.add(Ticker, name=name, slug=f"xss-{number}") for number, name in enumerate(packed(100))]
    ticker_texts = packed(280)
    items = [
        editor.add(
            TickerItem,
            ticker=breaking_news().pk,
            text=text,
            priority=TickerItem.Priority.HIGH,
            lasts="",
            **({"article": cycled(articles, number)} if number % 2 else {"url": cycled(addresses["url"], number)}),
        )
        for number, text in enumerate(ticker_texts[:TICKER_LENGTH])
    ]
    return Written(
        sections=sections,
        authors=authors,
        articles=articles,
        compared=first.pk,
        correction=correction,
        tickers=tickers,
        ticker_items=items,
        on_refresh=ticker_texts[TICKER_LENGTH:],
    )


def article_texts(article):
    """The plain text of an article written in the admin, as its page and its form show it."""
    return [
        article.headline,
        article.dek,
        article.lead_image_alt,
        article.lead_image_caption,
        article.lead_image_credit,
        article.credit_line,
        article.source_name,
        article.section.name,
        article.bylines.get().author.name,
        *(correction.text for correction in article.corrections.all()),
    ]


def check_article_page(browser, article, shows, paragraphs):
    browser.open(article.get_absolute_url(), shows=shows)
    body = browser.page.locator(".article-body > p").all_text_contents()
    assert [words(text) for text in body[: len(paragraphs)]] == [words(text) for text in paragraphs]
    structured_data = browser.page.locator('script[type="application/ld+json"]').text_content()
    assert browser.page.evaluate("text => JSON.parse(text).headline", structured_data) == article.headline


def check_public_pages(reader, written, imported):
    """Every page that shows what was written, as a reader (not logged in) sees it: the sections
    and authors with a public article (no other is shown)."""
    sections = Section.objects.published().filter(pk__in=written.sections)
    authors = [*Author.objects.published().filter(pk__in=written.authors)]
    reader.open("/", shows=[item.text for item in TickerItem.objects.filter(pk__in=written.ticker_items)])
    for number in range(1, -(-Article.objects.published().count() // 20) + 1):
        reader.open(f"/archive/?page={number}", shows=[section.name for section in sections])
    for query in packed(200)[:3]:  # the archive's words filter takes 200 characters
        reader.open(f"/archive/?{urlencode({'q': query})}", shows=[query])
    for query in packed(500):
        reader.open(f"/search/?{urlencode({'q': query})}", shows=[query])
    for article in Article.objects.filter(pk__in=written.articles).select_related("section"):
        author = article.bylines.get().author
        check_article_page(reader, article, [*article_texts(article), author.job_title, author.bio], PAYLOADS)
    for page in imported.values():
        article, author = imported_rows(page)
        authors.append(author)
        shows = [page.headline, page.byline, page.publisher, page.author.name, page.author.bio]
        check_article_page(reader, article, shows, page.body)
    for section in sections:
        reader.open(section.get_absolute_url(), shows=[section.name, section.description])
    reader.open("/authors/", shows=[author.name for author in authors])
    for author in authors:
        reader.open(author.get_absolute_url(), shows=[author.name, author.job_title, author.bio])
    reader.open("/corrections/", shows=[correction.text for correction in Correction.objects.all()])
    # Feeds carry headlines, summaries and names too, and Chromium shows them as a page their
    # XSLT makes, of text only. Their content is checked by articles/tests/test_feeds.py; here,
    # that opening them runs nothing. (The news sitemap is left out: Chromium's own XML viewer styles it inline,
    # which the site's CSP reports as a violation, whatever the sitemap holds.)
    section, author = sections.first(), authors[0]
    for path in [
        "/feeds/latest/",
        "/feeds/latest/atom/",
        f"/feeds/sections/{section.slug}/",
        f"/feeds/authors/{author.slug}/atom/",
    ]:
        reader.open(path, ready="h1")


def check_ticker_refresh(reader, editor, written):
    """The last items are added in the Breaking News ticker's form, pushing older ones off the
    bar; the page's script draws the new list from /ticker.json, then the server does."""
    reader.open("/")
    existing = breaking_news().items.count()
    now = timezone.localtime()
    rows = {"items-TOTAL_FORMS": str(existing + len(written.on_refresh))}
    for number, text in enumerate(written.on_refresh, start=existing):
        rows |= {
            f"items-{number}-text": text,
            f"items-{number}-priority": TickerItem.Priority.URGENT,
            f"items-{number}-starts_at_0": now.date().isoformat(),
            f"items-{number}-starts_at_1": now.strftime("%H:%M:%S"),
        }
    editor.change(reverse("admin:breaking_ticker_change", args=[breaking_news().pk]), **rows)
    on_the_bar = [words(item.text) for item in ticker_items()]
    assert {words(text) for text in written.on_refresh} <= set(on_the_bar)
    reader.page.evaluate("window.newsroomTicker.refresh()")
    expect(reader.page.locator(".ticker-items li")).to_have_text(on_the_bar)
    reader.check("/ after the ticker's refresh")
    reader.open("/", shows=on_the_bar)


def check_admin_pages(browser, written, imported):
    """The admin's pages that show what was written, as the editor who wrote it sees them."""
    sections = Section.objects.filter(pk__in=written.sections)
    authors = Author.objects.filter(pk__in=written.authors)
    articles = Article.objects.filter(pk__in=written.articles).select_related("section")
    first_file, first_page = next(iter(imported.items()))
    imported_article, imported_author = imported_rows(first_page)
    browser.open(reverse("admin:index"))

    changelist = reverse("admin:articles_article_changelist")
    browser.open(changelist, shows=[*(section.name for section in sections), *(author.name for author in authors)])
    for number in range(2, -(-Article.objects.count() // 50) + 1):
        browser.open(f"{changelist}?p={number}")
    for query in packed(100)[:2]:
        browser.open(f"{changelist}?{urlencode({'q': query})}", shows=[query])
    for article, paragraphs in [*((article, PAYLOADS) for article in articles), (imported_article, first_page.body)]:
        browser.open(reverse("admin:articles_article_change", args=[article.pk]))
        check_prose_editor(browser.page, paragraphs)
        shows = article_texts(article) if article.section else [article.headline, article.credit_line]
        browser.check(f"the prose editor of {article.slug}", shows=shows)

    compared = Article.objects.get(pk=written.compared)
    first_version = Version.objects.get_for_object(compared).last()
    browser.open(reverse("admin:articles_article_history", args=[compared.pk]), shows=[compared.headline])
    browser.open(reverse("admin:articles_article_compare", args=[compared.pk]) + f"?a={first_version.pk}&b=current")
    expect(browser.page.locator(".revision-compare tbody th")).to_have_text(
        ["Headline", "Slug", "Summary", "Corrections"]
    )
    diff = " ".join(browser.page.locator(".revision-compare td").all_inner_texts()).split()
    assert set(ALL.split()) <= set(diff)  # a word diff: every word of the payloads, escaped
    browser.open(
        reverse("admin:articles_article_revision", args=[compared.pk, first_version.pk]),
        shows=[first_version.field_dict["headline"]],
    )
    browser.open(reverse("admin:articles_article_preview", args=[compared.pk]), shows=article_texts(compared))
    browser.open(reverse("admin:articles_article_delete", args=[compared.pk]), shows=[compared.headline])

    # The other forms are Django's own: the lists and choices show every value, one form each.
    browser.open(reverse("admin:authors_author_changelist"), shows=[author.name for author in authors])
    for author in [authors.get(pk=written.authors[0]), imported_author]:
        shows = [author.name, author.job_title, author.bio, author.email]
        browser.open(reverse("admin:authors_author_change", args=[author.pk]), shows=shows)
    section = sections.get(pk=written.sections[0])
    browser.open(reverse("admin:articles_section_changelist"), shows=[section.name for section in sections])
    browser.open(reverse("admin:articles_section_change", args=[section.pk]), shows=[section.name, section.description])
    names = [ticker.name for ticker in Ticker.objects.filter(pk__in=written.tickers)]
    texts = [item.text for item in TickerItem.objects.all()]
    ticker = Ticker.objects.get(pk=written.tickers[0])
    browser.open(reverse("admin:breaking_ticker_changelist"), shows=names)
    browser.open(reverse("admin:breaking_ticker_change", args=[ticker.pk]), shows=[ticker.name])
    browser.open(reverse("admin:breaking_ticker_change", args=[breaking_news().pk]), shows=texts)
    item = TickerItem.objects.get(pk=written.ticker_items[0])
    browser.open(reverse("admin:breaking_tickeritem_changelist"), shows=[*texts, *names])
    browser.open(reverse("admin:breaking_tickeritem_add"), shows=names)
    browser.open(reverse("admin:breaking_tickeritem_change", args=[item.pk]), shows=[item.text])
    browser.open(reverse("admin:articles_correction_changelist"), shows=[article.headline for article in articles])
    browser.open(reverse("admin:articles_correction_change", args=[written.correction]), shows=[ALL])
    browser.open(reverse("admin:articles_slugredirect_changelist"), shows=["xss-0", compared.headline])
    headlines = [imported_rows(page)[0].headline for page in imported.values()]
    browser.open(reverse("admin:articles_sourcefile_changelist"), shows=[*imported, *headlines])
    history = reverse("admin:articles_article_history", args=[imported_article.pk])
    browser.open(history, shows=[f"Imported from {first_file}"])


def check_prose_editor(page, expected):
    """The editor shows the body's payloads as the paragraphs of text they are."""
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    paragraphs = [words(text) for text in editor.locator("> p").all_text_contents()]
    assert paragraphs[: len(expected)] == [words(paragraph) for paragraph in expected]


def check_admin_scripts(browser, written):
    """What the admin's scripts draw from what was written: the byline autocomplete, an author
    added in a popup window, a form sent back with errors, and a save from the prose editor."""
    page = browser.page
    change = reverse("admin:articles_article_change", args=[written.compared])
    browser.open(change)
    page.locator("#bylines-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("alert")
    options = page.locator(".select2-results__option[aria-selected]")
    expect(options.first).to_be_visible()
    assert set(options.all_text_contents()) <= set(Author.objects.values_list("name", flat=True))
    browser.check("the byline autocomplete", shows=options.all_text_contents())

    browser.open(change)
    name = packed(200)[-1]
    with page.expect_popup() as opened:
        page.locator("#add_id_bylines-1-author").click()
    popup = opened.value
    popup.locator("#id_name").fill(name)
    popup.locator("#id_slug").fill("xss-popup")  # the slug made of the name is another author's
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#bylines-1 .select2-selection__rendered")).to_have_text(words(name))
    browser.check("the article form after adding an author in a popup", shows=[name])

    browser.open(reverse("admin:articles_article_add"))
    headline, slug = packed(110)[1], PAYLOADS[1]
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Source url").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    browser.check("the article form sent back with errors", shows=[headline, slug, "javascript:alert(1)"])

    browser.open(change)
    page.get_by_role("button", name="Publish changes").click()
    expect(page.locator(".messagelist")).to_contain_text("readers see them now")
    browser.open(change)
    browser.check("the article saved from the prose editor", shows=[Article.objects.get(pk=written.compared).headline])
    check_prose_editor(page, PAYLOADS)


def test_no_payload_runs_or_is_injected_on_any_page_that_shows_it(new_page, live_server, media_root, tmp_path):
    editor = Editor()
    # The importer first: given an author's name the admin has written, it would use that author.
    imported = write_through_importer(tmp_path)
    written = write_through_admin(editor)

    reader = Browser(new_page())
    check_public_pages(reader, written, imported)
    check_ticker_refresh(reader, editor, written)

    admin_tab = new_page()
    admin_tab.context.add_cookies([editor.session_cookie(live_server)])
    browser = Browser(admin_tab)
    check_admin_pages(browser, written, imported)
    check_admin_scripts(browser, written)
