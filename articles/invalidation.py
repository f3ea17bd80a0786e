"""What each change makes stale in the page cache (newsroom/cache.py), named as tags:

- ``article:<pk>``: the article's own page;
- ``card:<pk>``: what lists and neighbouring articles show of it (headline, summary, address,
  times, section, authors, image); ``cards``: any card at all, and the start of a body that has
  no summary (the feeds and sitemaps);
- ``list:latest``, ``list:section:<pk>``, ``list:author:<pk>``: which articles a list holds and
  in what order (home, archive, feeds, sitemaps, "more top reads"; a section's; an author's);
- ``list:authors``, ``list:corrections``: the authors index and the corrections log;
- ``author:<pk>``: the author's page and author box; ``byline:<pk>``: their name in bylines;
  ``sections``: the navigation;
- ``ticker``: the breaking-news bar and /ticker.json, which link to articles
  (breaking/invalidation.py purges it for the tickers' own changes).

Saving a draft of changes saves no article, so it makes nothing stale. Time-driven changes (a
scheduled article appearing, an expiry) are purged by ``due()`` at the first request after
they happen.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from authors.models import Author
from newsroom import cache

from .models import Article, ArticleAuthor, Correction, Section, SlugRedirect

CARD_FIELDS = (
    "headline",
    "slug",
    "dek",
    "section_id",
    "lead_image",
    "lead_image_alt",
    "lead_image_width",
    "lead_image_height",
    "credit_line",
    "status",
    "published_at",
    "expires_at",
)
# Fields whose change moves the article into, out of or within lists.
PLACE_FIELDS = ("status", "published_at", "expires_at", "section_id")


def _public(values, at):
    return (
        values["status"] == Article.Status.PUBLISHED
        and values["published_at"] is not None
        and values["published_at"] <= at
        and (values["expires_at"] is None or values["expires_at"] > at)
    )


def _neighbours(published_at, pk):
    """The public articles just before and after a place in the publication order."""
    if published_at is None:
        return []
    public = Article.objects.published()
    before = public.filter(Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk))
    after = public.filter(Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk))
    return [
        pk
        for pk in (
            before.order_by("-published_at", "-pk").values_list("pk", flat=True).first(),
            after.order_by("published_at", "pk").values_list("pk", flat=True).first(),
        )
        if pk is not None
    ]


def place_tags(article_pk, values, author_pks, *, corrected=False):
    """Everything that lists an article at its place: when it comes, goes or moves. The
    corrections log lists the corrections of public articles only."""
    tags = {f"article:{article_pk}", f"card:{article_pk}", "cards", "list:latest", "list:authors", "ticker"}
    if corrected:
        tags.add("list:corrections")
    if values.get("section_id"):
        tags.add(f"list:section:{values['section_id']}")
    tags.update(f"list:author:{pk}" for pk in author_pks)
    tags.update(f"article:{pk}" for pk in _neighbours(values.get("published_at"), article_pk))
    return tags


# More articles than this appearing or going at once (a big import seen by a new process) purge
# everything: working out each one's lists and neighbours would cost more than rendering again.
DUE_AT_ONCE = 20


def _article_values(pk):
    return Article.objects.filter(pk=pk).values(*CARD_FIELDS, "body").first()


def remember_article(sender, instance, raw=False, **kwargs):
    instance._stored = None if raw or instance._state.adding else _article_values(instance.pk)


def article_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_stored", None)
    after = {name: getattr(instance, name if name != "lead_image" else "lead_image") for name in CARD_FIELDS}
    after["lead_image"] = instance.lead_image.name or ""
    tags = {f"article:{instance.pk}"}
    if before is None or any(before[name] != after[name] for name in CARD_FIELDS):
        tags |= {f"card:{instance.pk}", "cards"}
    elif not instance.dek and before["body"] != instance.body:
        tags.add("cards")  # feeds show the start of the body when there is no summary
    now = timezone.now()
    moved = before is None or any(before[name] != after[name] for name in PLACE_FIELDS)
    if moved or (before is not None and _public(before, now) != _public(after, now)):
        authors = list(ArticleAuthor.objects.filter(article=instance.pk).values_list("author_id", flat=True))
        corrected = not created and Correction.objects.filter(article=instance.pk).exists()
        tags |= place_tags(instance.pk, after, authors, corrected=corrected)
        if before is not None:
            tags |= place_tags(instance.pk, before, authors, corrected=corrected)
    cache.purge(*tags)


def article_deleted(sender, instance, **kwargs):
    values = {name: getattr(instance, name) for name in CARD_FIELDS}
    cache.purge(*place_tags(instance.pk, values, []), "list:corrections")


def byline_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pk = instance.article_id
    cache.purge(f"article:{pk}", f"card:{pk}", "cards", f"list:author:{instance.author_id}", "list:authors")


def correction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.purge(f"article:{instance.article_id}", "list:corrections")


def remember_author(sender, instance, raw=False, **kwargs):
    stored = None if raw or instance._state.adding else Author.objects.filter(pk=instance.pk)
    instance._stored = stored.values("name", "slug").first() if stored is not None else None


def author_changed(sender, instance, raw=False, **kwargs):
    """The author's page and box; their name in every byline only when it changed."""
    if raw:
        return
    tags = {f"author:{instance.pk}", f"list:author:{instance.pk}", "list:authors"}
    stored = getattr(instance, "_stored", None)
    if stored is None or (stored["name"], stored["slug"]) != (instance.name, instance.slug):
        # "cards": the feeds and sitemaps, which name authors and link their pages.
        tags |= {f"byline:{instance.pk}", "cards"}
    cache.purge(*tags)


def section_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.purge("sections", f"list:section:{instance.pk}")


def redirect_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.purge(f"article:{instance.article_id}")


def due(since, until):
    """(tags, instant) for what time alone changed between ``since`` and ``until``: articles
    that appeared or expired."""
    appeared = Q(published_at__gt=since, published_at__lte=until)
    expired = Q(expires_at__gt=since, expires_at__lte=until)
    changes = []
    articles = list(
        Article.objects.filter(appeared | expired, status=Article.Status.PUBLISHED).values(*CARD_FIELDS, "pk")[
            : DUE_AT_ONCE + 1
        ]
    )
    if len(articles) > DUE_AT_ONCE:
        return [({cache.EVERYTHING}, until)]
    for values in articles:
        authors = list(ArticleAuthor.objects.filter(article=values["pk"]).values_list("author_id", flat=True))
        corrected = Correction.objects.filter(article=values["pk"]).exists()
        instant = values["expires_at"] if since < (values["expires_at"] or since) <= until else values["published_at"]
        changes.append((place_tags(values["pk"], values, authors, corrected=corrected), instant))
    return changes


def next_due():
    """The next instant at which time alone changes what readers see, as a Unix time."""
    now = timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    # Each the first entry of an index after now, rather than a pass over every article (a
    # compound of ordered and limited queries is not possible on SQLite).
    firsts = [
        published.filter(published_at__gt=now).order_by("published_at").values_list("published_at"),
        published.filter(expires_at__gt=now).order_by("expires_at").values_list("expires_at"),
    ]
    instants = [instant for first in firsts if (instant := first.first()) is not None]
    return min((instant.timestamp() for (instant,) in instants), default=None)


def connect():
    pre_save.connect(remember_article, sender=Article, dispatch_uid="pages-article-before")
    post_save.connect(article_saved, sender=Article, dispatch_uid="pages-article-saved")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="pages-article-deleted")
    pre_save.connect(remember_author, sender=Author, dispatch_uid="pages-author-before")
    for model, receiver in (
        (ArticleAuthor, byline_changed),
        (Correction, correction_changed),
        (Author, author_changed),
        (Section, section_changed),
        (SlugRedirect, redirect_changed),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"pages-{model.__name__}-saved")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"pages-{model.__name__}-deleted")
    cache.DUE.append(due)
    cache.NEXT_DUE.append(next_due)
