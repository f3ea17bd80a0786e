"""Editing articles as a newsroom does: the article form's content as one value (fields,
bylines, corrections), drafts of published articles that readers do not see until they are
published, reverting to a revision's content, recovering a deleted article, and merging two
people's edits of the same article field by field.

Content is a plain JSON-safe dict, so a draft, a revision, what a form holds and a merge of
two of them are all the same kind of value and compare with ``==``."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from authors.models import Author
from newsroom.dates import when_exactly

from .html import sanitize_html
from .models import Article, ArticleAuthor, ArticleDraft, Correction

# The article's own fields in a content, in the form's order.
FIELDS = [
    "headline",
    "slug",
    "dek",
    "body",
    "section",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "credit_line",
    "source_name",
    "source_url",
    "status",
    "published_at",
    "expires_at",
]
STATE_FIELDS = ["status", "published_at", "expires_at"]
# What a revert puts back: the story, never its address, state or times.
REVERTED_FIELDS = [name for name in FIELDS if name not in ("slug", *STATE_FIELDS)]
# Kept beside the image they measure, and merged with it.
IMAGE_SIZE = ["lead_image_width", "lead_image_height"]
DATETIMES = {"published_at", "expires_at"}


def as_json(content):
    """``content`` with every value as JSON has it (times as ISO strings, to the second)."""

    def default(value):
        if isinstance(value, datetime):
            value = value.replace(microsecond=0)
            if timezone.is_aware(value):
                value = value.astimezone(UTC)
        return DjangoJSONEncoder().default(value)

    return json.loads(json.dumps(content, default=default))


def _field_value(article, name):
    if name == "section":
        return article.section_id
    if name == "lead_image":
        return article.lead_image.name or ""
    return getattr(article, name)


def saved_content(article):
    """What ``article`` holds in the database now: its fields, bylines and corrections."""
    content = {name: _field_value(article, name) for name in [*FIELDS, *IMAGE_SIZE]}
    content["bylines"] = [
        {"author": byline.author_id, "role": byline.role, "order": byline.order}
        for byline in ArticleAuthor.objects.filter(article=article.pk).order_by("order", "pk")
    ]
    content["corrections"] = [
        {"kind": correction.kind, "text": correction.text, "published_at": correction.published_at}
        for correction in Correction.objects.filter(article=article.pk).order_by("published_at", "pk")
    ]
    return as_json(content)


def apply_fields(article, content, names):
    """Set ``names`` of ``article`` (in memory) from ``content``."""
    for name in names:
        if name not in content:
            continue
        value = content[name]
        if name == "section":
            article.section_id = value
        elif name in DATETIMES:
            setattr(article, name, parse_datetime(value) if value else None)
        elif name == "lead_image":
            article.lead_image = value or ""
        else:
            setattr(article, name, "" if value is None and name not in IMAGE_SIZE else value)


def load_working_copy(article, *, content=None):
    """Put into ``article``, in memory, the content an editor works on: ``content`` when given
    (a revision to revert to, a merge to resolve), else the draft of changes if there is one,
    else what is saved. ``saved_status`` keeps the status in the database, which is what
    decides who may do what."""
    article.saved_status = article.status
    article.pending_draft = ArticleDraft.objects.filter(article=article.pk).select_related("saved_by").first()
    article.base_content = article.pending_draft.content if article.pending_draft else saved_content(article)
    article.working_content = content or article.base_content
    apply_fields(article, article.working_content, [*FIELDS, *IMAGE_SIZE])
    return article


def content_from_form(form, formsets, *, keep):
    """The content of a valid article form and its inlines; bylines or corrections with no
    formset among ``formsets`` (the editor may not change them) are kept from ``keep``. An
    uploaded lead image is stored now (under a name of ours), so that a draft, a preview or a
    merge can refer to it."""
    article = form.instance
    image = article.lead_image
    if image and not image._committed:
        image.save(image.name, image.file, save=False)
        article.lead_image_width = None
    article._measure_lead_image()
    article.body = sanitize_html(article.body)
    content = {name: _field_value(article, name) for name in [*FIELDS, *IMAGE_SIZE]}
    content["bylines"], content["corrections"] = keep.get("bylines", []), keep.get("corrections", [])
    for formset in formsets:
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if formset.model is ArticleAuthor:
            rows = sorted((row for row in rows if row.get("author")), key=lambda row: row.get("order") or 0)
            content["bylines"] = [
                {"author": row["author"].pk, "role": row["role"], "order": row.get("order") or 0} for row in rows
            ]
        elif formset.model is Correction:
            content["corrections"] = [
                {"kind": row["kind"], "text": row["text"], "published_at": row["published_at"]} for row in rows
            ]
    return as_json(content)


def revision_content(article, version):
    """The content ``article`` had in ``version`` (one of its reversion versions): its fields
    and its own bylines and corrections. Rows of other articles saved in the same revision
    are never part of it."""
    data = version.field_dict
    content = {name: data.get("section_id") if name == "section" else data.get(name) for name in [*FIELDS, *IMAGE_SIZE]}
    if content["lead_image"] is not None:
        content["lead_image"] = str(content["lead_image"] or "")
    related = version.revision.version_set.select_related("content_type")
    by_model = {}
    for other in related.filter(
        content_type__in=ContentType.objects.get_for_models(ArticleAuthor, Correction).values()
    ):
        fields = other.field_dict
        if fields.get("article_id") == article.pk:
            by_model.setdefault(other.content_type.model_class(), []).append(fields)
    bylines = sorted(by_model.get(ArticleAuthor, []), key=lambda row: row["order"])
    existing = set(Author.objects.filter(pk__in=[row["author_id"] for row in bylines]).values_list("pk", flat=True))
    content["bylines"] = [
        {"author": row["author_id"], "role": row["role"], "order": row["order"]}
        for row in bylines
        if row["author_id"] in existing
    ]
    content["corrections"] = [
        {"kind": row["kind"], "text": row["text"], "published_at": row["published_at"]}
        for row in sorted(by_model.get(Correction, []), key=lambda row: row["published_at"])
    ]
    return as_json(content)


def reverted(current, old):
    """``current`` content with the story (fields and bylines) of ``old`` put back; its
    address, state, times and corrections stay as they are."""
    return {**current, **{name: old.get(name) for name in [*REVERTED_FIELDS, *IMAGE_SIZE, "bylines"]}}


def last_saved(article):
    """(who, when) of the latest save of ``article`` or of its draft of changes, as loaded by
    ``load_working_copy``."""
    draft = article.pending_draft
    if draft is not None and draft.saved_at >= article.updated_at:
        return draft.saved_by, draft.saved_at
    return article.updated_by, article.updated_at


def moment(at):
    """A time as editors read it, in the site's one format to the second (newsroom.dates): two
    saves of one article are often less than a minute apart."""
    return when_exactly(at)


@dataclass(frozen=True)
class Merge:
    content: dict
    conflicts: list  # names both sides changed to different values: the editor chooses
    theirs: list  # names only the other side changed: taken from them


MERGED_ONE_BY_ONE = [*FIELDS, "bylines"]
ROW_KEYS = {"bylines": {"author", "role", "order"}, "corrections": {"kind", "text", "published_at"}}


def well_formed(content):
    """``content`` as a form sent it back (the content it was loaded with), keeping only what
    has the shape content has: anything else counts as unknown, so a merge asks about it."""
    if not isinstance(content, dict):
        return {}
    content = {name: value for name, value in content.items() if name in MERGED_ONE_BY_ONE or name in ROW_KEYS}
    for name, keys in ROW_KEYS.items():
        rows = content.get(name)
        if rows is not None and not (
            isinstance(rows, list) and all(isinstance(row, dict) and keys <= row.keys() for row in rows)
        ):
            del content[name]
    return content


def merge(base, mine, theirs):
    """Three-way merge of two edits of the same ``base``: what only one side changed is
    taken from that side; what both changed alike is kept; what both changed differently is a
    conflict, kept as ``mine`` until the editor chooses. Corrections are a ledger: one added
    on either side is kept, one removed on either side goes."""
    content, conflicts, taken = dict(mine), [], []
    for name in MERGED_ONE_BY_ONE:
        b, m, t = base.get(name), mine.get(name), theirs.get(name)
        if m == t or t == b:
            continue
        if m == b:
            content[name] = t
            taken.append(name)
            if name == "lead_image":
                content.update({size: theirs.get(size) for size in IMAGE_SIZE})
        else:
            conflicts.append(name)

    def key(row):
        return (row["kind"], row["text"], row["published_at"])

    base_keys = {key(row) for row in base.get("corrections", [])}
    mine_keys = {key(row) for row in mine.get("corrections", [])}
    their_keys = {key(row) for row in theirs.get("corrections", [])}
    corrections = [row for row in theirs.get("corrections", []) if key(row) in mine_keys or key(row) not in base_keys]
    corrections += [row for row in mine.get("corrections", []) if key(row) not in base_keys | their_keys]
    if their_keys != base_keys:
        taken.append("corrections")
    content["corrections"] = sorted(corrections, key=lambda row: row["published_at"] or "")
    return Merge(content=content, conflicts=conflicts, theirs=taken)


class CrossedEdits(Exception):
    """Someone else saved the article while it was being edited, and both changed the same
    fields differently: the editor must choose."""

    def __init__(self, merge, theirs, saved_by, saved_at):
        self.merge, self.theirs, self.saved_by, self.saved_at = merge, theirs, saved_by, saved_at
        super().__init__(f"Crossed edits of {', '.join(merge.conflicts)}")


class Unpublishable(Exception):
    """A save that was to publish ``content``, which took changes from another editor's save
    (merged in, or chosen after crossed edits) and with them fails the publishing gates."""

    def __init__(self, content, problems, saved_by, saved_at):
        self.content, self.problems, self.saved_by, self.saved_at = content, problems, saved_by, saved_at
        super().__init__(" ".join(problems.values()))


def publication_problems(content):
    """The publishing gates' objections to ``content`` (``Article.publication_problems``)."""
    article = Article()
    apply_fields(article, content, FIELDS)
    return article.publication_problems(has_authors=bool(content.get("bylines")))


def choose(content, theirs, choices):
    """``content`` with the conflicting fields the editor chose to take from ``theirs``."""
    content = dict(content)
    for name in choices:
        content[name] = theirs.get(name)
        if name == "lead_image":
            content.update({size: theirs.get(size) for size in IMAGE_SIZE})
    return content


def save_draft(*, article, content, user, status=ArticleDraft.Status.DRAFT):
    """Keep ``content`` as the draft of changes of the published ``article``. Nothing public
    changes: the article's row is not saved, only its version counted, so that a form loaded
    before this draft is recognised as out of date."""
    with transaction.atomic():
        draft, _ = ArticleDraft.objects.update_or_create(
            article_id=article.pk,
            defaults={
                "content": content,
                "status": status,
                "saved_by": user,
                "saved_at": timezone.now(),
                "sent_back_at": None,
                "sent_back_by": None,
                "sent_back_to": None,
            },
        )
        Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    return draft


def save_content(*, article, content, user):
    """Make ``content`` what ``article`` holds (and readers see, if it is public): its fields,
    bylines and corrections, in one revision; any draft of changes is done with. ``article``
    carries the version its editor started from, as every save does."""
    with transaction.atomic():
        apply_fields(article, content, [*FIELDS, *IMAGE_SIZE])
        _keep_stored_times(article)
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = timezone.now()
        if article._state.adding:
            article.created_by = user
        article.updated_by = user
        if article.status != Article.Status.DRAFT:
            article.sent_back_at = article.sent_back_by = article.sent_back_to = None
        article.save()
        _replace_bylines(article, content["bylines"])
        _keep_corrections(article, content["corrections"])
        ArticleDraft.objects.filter(article=article).delete()
    return article


def _keep_stored_times(article):
    """Forms edit times to the second: a time unchanged to the second keeps its stored value."""
    if article._state.adding:
        return
    stored = Article.objects.filter(pk=article.pk).values(*DATETIMES).first() or {}
    for name, value in stored.items():
        new = getattr(article, name)
        if value and new and value.replace(microsecond=0) == new.replace(microsecond=0):
            setattr(article, name, value)


def _replace_bylines(article, bylines):
    wanted = [(row["author"], row["role"], row["order"]) for row in bylines]
    current = list(article.bylines.order_by("order", "pk"))
    if [(b.author_id, b.role, b.order) for b in current] == wanted:
        return
    article.bylines.all().delete()
    for author, role, order in wanted:
        ArticleAuthor.objects.create(article=article, author_id=author, role=role, order=order)


def _keep_corrections(article, corrections):
    """Corrections that stay keep their rows; removed ones go, new ones are added."""
    wanted = [(row["kind"], row["text"], parse_datetime(row["published_at"])) for row in corrections]
    for correction in article.corrections.all():
        key = (correction.kind, correction.text, correction.published_at.replace(microsecond=0))
        if key in wanted:
            wanted.remove(key)
        else:
            correction.delete()
    for kind, text, published_at in wanted:
        Correction.objects.create(article=article, kind=kind, text=text, published_at=published_at)


def with_content(article, content):
    """``article`` in memory as ``content`` makes it, bylines and corrections included, for a
    preview of what a form holds: nothing is saved and nothing is queried for them later."""
    apply_fields(article, content, [*FIELDS, *IMAGE_SIZE])
    authors = Author.objects.in_bulk([row["author"] for row in content["bylines"]])
    bylines = [
        ArticleAuthor(article=article, author=authors[row["author"]], role=row["role"], order=row["order"])
        for row in content["bylines"]
        if row["author"] in authors
    ]
    corrections = [
        Correction(
            article=article, kind=row["kind"], text=row["text"], published_at=parse_datetime(row["published_at"])
        )
        for row in content["corrections"]
    ]
    article._prefetched_objects_cache = {
        "bylines": _evaluated(ArticleAuthor, bylines),
        "corrections": _evaluated(Correction, corrections),
    }
    return article


def _evaluated(model, objects):
    queryset = model.objects.none()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    return queryset


def changed_names(before, after):
    """The names of the fields, bylines and corrections that differ between two contents."""
    return [name for name in [*FIELDS, "bylines", "corrections"] if before.get(name) != after.get(name)]


def recover(*, version, user):
    """Bring back the deleted article of ``version`` (its latest version) with its own bylines
    and corrections, and no other row of that revision. An article that was published and no
    longer passes the publishing gates comes back as a draft; the problems are returned."""
    article = version._object_version.object
    content = revision_content(article, version)
    problems = {}
    if article.status == Article.Status.PUBLISHED:
        problems = article.publication_problems(has_authors=bool(content["bylines"]))
        if problems:
            article.status = Article.Status.DRAFT
    if Article.objects.filter(slug=article.slug).exists():
        article.slug = ""
    if article.fingerprint and Article.objects.filter(fingerprint=article.fingerprint).exists():
        article.fingerprint = None
    for name in ("previous_article", "next_article", "section", "created_by"):
        related = Article._meta.get_field(name).related_model
        pk = getattr(article, f"{name}_id")
        if pk is not None and not related.objects.filter(pk=pk).exists():
            setattr(article, f"{name}_id", None)
    article.version, article.updated_by = 1, user
    with transaction.atomic():
        article.save(force_insert=True)
        _replace_bylines(article, content["bylines"])
        _keep_corrections(article, content["corrections"])
    return article, problems


@dataclass(frozen=True)
class QueueEntry:
    article: Article
    changes_to_live: bool  # a draft of changes of a published article, not a new article
    at: datetime
    by: object  # the user who saved or sent it, or None


def _queue_entries(articles, drafts, limit):
    entries = [QueueEntry(a, False, a.updated_at, a.updated_by) for a in articles[:limit]]
    entries += [QueueEntry(d.article, True, d.saved_at, d.saved_by) for d in drafts[:limit]]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def review_queue(user, *, limit=10):
    """What waits for ``user`` on the admin's front page, newest first: for those who publish,
    every article and every draft of changes sent to review; for reporters, their own drafts,
    what editors sent back to them and what they are waiting on."""
    articles = Article.objects.select_related("updated_by").order_by("-updated_at")
    drafts = ArticleDraft.objects.filter(article__status=Article.Status.PUBLISHED)
    drafts = drafts.select_related("article", "saved_by").order_by("-saved_at")
    if user.has_perm("articles.publish_article"):
        waiting = articles.filter(status=Article.Status.REVIEW)
        changes = drafts.filter(status=ArticleDraft.Status.REVIEW)
        return {
            "awaiting_review": _queue_entries(waiting, changes, limit),
            "awaiting_counts": (waiting.count(), changes.count()),
        }
    mine = articles.filter(Q(created_by=user) | Q(updated_by=user) | Q(sent_back_to=user))
    my_drafts = drafts.filter(Q(saved_by=user) | Q(sent_back_to=user))
    return {
        "sent_back": _queue_entries(
            mine.filter(status=Article.Status.DRAFT, sent_back_at__isnull=False),
            my_drafts.filter(status=ArticleDraft.Status.DRAFT, sent_back_at__isnull=False),
            limit,
        ),
        "my_drafts": _queue_entries(
            mine.filter(status=Article.Status.DRAFT, sent_back_at__isnull=True),
            my_drafts.filter(status=ArticleDraft.Status.DRAFT, sent_back_at__isnull=True),
            limit,
        ),
        "my_in_review": _queue_entries(
            mine.filter(status=Article.Status.REVIEW), my_drafts.filter(status=ArticleDraft.Status.REVIEW), limit
        ),
    }
