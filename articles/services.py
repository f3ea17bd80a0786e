"""Writes that span several models. The importer's pages become rows here and nowhere else."""

import sqlite3
from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.encoding import is_protected_type
from django.utils.text import slugify
from reversion.models import Revision, Version
from reversion.revisions import _get_options as reversion_options  # the fields reversion records

from api.events import record_import
from articles.seed_files import story_fingerprint
from articles.seed_parser import SeedPage
from authors.models import Author
from breaking.models import Ticker, TickerItem
from newsroom.cache import purge_everything
from newsroom.slugs import unique_slug

from .html import paragraphs_to_html
from .models import Article, ArticleAuthor, SourceFile
from .search import words_given
from .vocabulary import indexed_words

BREAKING_NEWS = "breaking-news"
# Vocabulary words an import remembers having added, at most (a few MB): past that it forgets
# them, and the database skips those it holds already.
WORDS_REMEMBERED = 200_000
# What the importer writes to an article; the body is sanitised HTML built from plain text.
IMPORTED_FIELDS = {"headline", "credit_line", "source_name", "previous_headline", "next_headline", "status"}


@dataclass(frozen=True)
class SeedFile:
    """A parsed page and the file it came from; ``name`` is the file's path relative to the
    folder it was imported from, which identifies it from one import to the next.
    ``body_html`` is the page's body as sanitised HTML and ``fingerprint`` the story's identity
    (story_fingerprint): the worker that reads the files makes them beside the process that
    writes (articles.seed_files); they are made here if not given. So are ``words``, the
    vocabulary words of the new article's texts (articles.vocabulary)."""

    name: str
    sha256: str
    page: SeedPage
    body_html: str | None = None
    fingerprint: str | None = None
    words: str | None = None

    def __post_init__(self):
        if self.body_html is None:
            object.__setattr__(self, "body_html", paragraphs_to_html(self.page.body))
        if self.fingerprint is None:
            object.__setattr__(self, "fingerprint", story_fingerprint(self.page.headline, self.page.byline))


@dataclass
class ImportOutcome:
    """What importing one file did."""

    source_name: str
    result: str  # "created", "updated" or "unchanged"
    article: Article
    authors_created: int = 0
    ticker_items_created: int = 0
    held_for_review: str = ""  # why a page that would have been published went to review instead

    @property
    def status(self):
        return self.article.status


class SeedImporter:
    """Turns parsed seed pages into articles, authors, bylines, ticker items and source-file
    records.

    ``import_files`` writes a group of files in one transaction, with one query per kind of
    row rather than per file, so that a large import runs at database speed. Every file is
    atomic either way: if anything in the group fails, none of it is written, and the caller
    retries the files one by one to find and refuse the bad one.
    """

    def __init__(self, *, status=Article.Status.PUBLISHED, ticker_lifetime=None):
        self.status = status
        self.ticker_lifetime = ticker_lifetime  # how long an imported ticker item stays live; None: for ever
        self._forget()

    def _forget(self):
        """Drop what this run has learnt from the database (after a rollback it may be wrong)."""
        self._authors = {}  # name -> Author
        self._ticker = None
        self._ticker_texts = None
        self._by_file_name = None  # whether any record predates paths
        self._words_added = set()  # vocabulary words this run has added (search.words_given)

    def known_hashes(self, names):
        """``{path: sha256}`` of the files among ``names`` (paths relative to the import
        folder) imported before. A file below a subfolder that was recorded by its file name
        alone, before paths were, counts as imported when its content is what was recorded."""
        known = dict(SourceFile.objects.filter(name__in=names).values_list("name", "sha256"))
        if self._by_file_name is None:
            self._by_file_name = SourceFile.objects.filter(by_file_name=True).exists()
        nested = {name: name.rpartition("/")[2] for name in names if name not in known and "/" in name}
        if self._by_file_name and nested:
            recorded = dict(
                SourceFile.objects.filter(by_file_name=True, name__in=set(nested.values())).values_list(
                    "name", "sha256"
                )
            )
            known.update({name: recorded[file_name] for name, file_name in nested.items() if file_name in recorded})
        return known

    def import_files(self, files, *, now=None):
        """Import ``files`` (SeedFile) in one transaction; returns one ImportOutcome each.
        No files (a group that is all unchanged) write nothing and purge nothing."""
        if not files:
            return []
        now = now or timezone.now()
        try:
            with transaction.atomic():
                return self._write(files, now)
        except BaseException:
            self._forget()
            raise

    def _write(self, files, now):
        outcomes = self._write_articles(files, now)
        created = [outcome for outcome in outcomes if outcome.result == "created"]
        bylines = self._write_bylines(files, outcomes)
        ticker_items = self._write_ticker_items(files, outcomes, now)
        self._write_source_files(files, outcomes, now)
        new_articles = {outcome.article.pk for outcome in created}
        record_first_revisions(
            [outcome.article for outcome in created],
            bylines=[byline for byline in bylines if byline.article_id in new_articles],
            comments=[f"Imported from {outcome.source_name}" for outcome in created],
            at=now,
        )
        link_navigation([outcome.article for outcome in outcomes])
        # Bulk writes send no signals: the webhook events and the purge are made here.
        record_import(
            created=[outcome.article for outcome in created],
            updated=[outcome.article for outcome in outcomes if outcome.result == "updated"],
            ticker_items=ticker_items,
        )
        purge_everything()
        return outcomes

    def _write_articles(self, files, now):
        fingerprints = [file.fingerprint for file in files]
        by_fingerprint = Article.objects.in_bulk(fingerprints, field_name="fingerprint")
        by_source = {
            source.name: source.article
            for source in SourceFile.objects.filter(name__in=[file.name for file in files]).select_related("article")
        }
        outcomes, new_articles, words = [], [], {}
        for file, fingerprint in zip(files, fingerprints, strict=True):
            content = {
                "headline": file.page.headline,
                "body": file.body_html,
                "credit_line": file.page.byline or "",
                "source_name": file.page.publisher or "",
                "previous_headline": file.page.previous or "",
                "next_headline": file.page.next or "",
            }
            article = by_fingerprint.get(fingerprint)
            if article is None and file.name in by_source:
                # The file was imported before and its headline or byline has changed since.
                article = by_source[file.name]
                by_fingerprint[fingerprint] = article
                content["fingerprint"] = fingerprint
            if article is None:
                article = Article(fingerprint=fingerprint, status=self.status, version=1, **content)
                held = ""
                if self.status == Article.Status.PUBLISHED:
                    held = publishing_gate(article, page=file.page)
                    article.published_at = None if held else now
                _validate(article, IMPORTED_FIELDS)
                new_articles.append(article)
                texts = article.headline, article.dek, article.body
                words[texts] = file.words if file.words is not None else indexed_words(*texts)
                by_fingerprint[fingerprint] = article
                outcomes.append(ImportOutcome(file.name, "created", article, held_for_review=held))
            elif article.pk is None:  # the same story twice in this group
                outcomes.append(ImportOutcome(file.name, "unchanged", article))
            else:
                with reversion.create_revision():
                    reversion.set_comment(f"Imported from {file.name}")
                    outcomes.append(ImportOutcome(file.name, _update(article, content), article))
        _assign_slugs(new_articles, [article.headline for article in new_articles], fallback="article")
        if len(self._words_added) > WORDS_REMEMBERED:
            self._words_added.clear()
        with words_given(words, router.db_for_write(Article), added=self._words_added):
            insert_objects(new_articles)
        return outcomes

    def _write_bylines(self, files, outcomes):
        """Authors are matched by name; an imported bio fills an empty one and never replaces
        one an editor wrote. Returns the bylines created."""
        named = [(file.page.author, outcome) for file, outcome in zip(files, outcomes, strict=True) if file.page.author]
        unknown = {author.name for author, _ in named} - self._authors.keys()
        for known in Author.objects.filter(name__in=unknown).order_by("-pk"):
            self._authors[known.name] = known  # the oldest of namesakes wins
        new_authors = {}
        for author, outcome in named:
            if author.name not in self._authors and author.name not in new_authors:
                new_authors[author.name] = Author(name=author.name, bio=author.bio)
                outcome.authors_created += 1
        _assign_slugs(list(new_authors.values()), list(new_authors), fallback="author")
        for author in new_authors.values():
            _validate(author)
        insert_objects(list(new_authors.values()))
        self._authors.update(new_authors)

        existing = set(
            ArticleAuthor.objects.filter(
                article__in=[o.article for _, o in named if o.result != "created"]
            ).values_list("article_id", "author_id")
        )
        bylines = []
        for author, outcome in named:
            known = self._authors[author.name]
            if author.bio and not known.bio:
                Author.objects.filter(pk=known.pk, bio="").update(bio=author.bio)
                known.bio = author.bio
            if (outcome.article.pk, known.pk) not in existing:
                existing.add((outcome.article.pk, known.pk))
                bylines.append(ArticleAuthor(article=outcome.article, author=known, role=ArticleAuthor.Role.WRITER))
        return insert_objects(bylines)

    def _write_ticker_items(self, files, outcomes, now):
        """One live "Breaking News" item per distinct text, expiring after ``ticker_lifetime``
        unless an editor clears or moves its expiry time."""
        if self._ticker is None:
            self._ticker, _ = Ticker.objects.get_or_create(slug=BREAKING_NEWS, defaults={"name": "Breaking News"})
            self._ticker_texts = set(self._ticker.items.values_list("text", flat=True))
        items = []
        for file, outcome in zip(files, outcomes, strict=True):
            for text in file.page.ticker:
                if text not in self._ticker_texts:
                    expires_at = now + self.ticker_lifetime if self.ticker_lifetime else None
                    item = TickerItem(ticker=self._ticker, text=text, starts_at=now, expires_at=expires_at)
                    _validate(item, {"text", "expires_at"})
                    items.append(item)
                    self._ticker_texts.add(text)
                    outcome.ticker_items_created += 1
        return insert_objects(items)

    def _write_source_files(self, files, outcomes, now):
        """Record which file each article came from. A file whose article was created has no
        record yet (had it one, its article would have been updated), so only the others are
        looked up; new records are written as rows."""
        imported = {file.name: (file.sha256, outcome) for file, outcome in zip(files, outcomes, strict=True)}
        existing = SourceFile.objects.filter(
            name__in=[name for name, (_, outcome) in imported.items() if outcome.result != "created"]
        ).in_bulk(field_name="name")
        for name, record in existing.items():
            record.sha256, outcome = imported[name]
            record.article, record.imported_at, record.by_file_name = outcome.article, now, False
        SourceFile.objects.bulk_update(existing.values(), ["sha256", "article", "imported_at", "by_file_name"])
        connection = connections[router.db_for_write(SourceFile)]
        imported_at = SourceFile._meta.get_field("imported_at").get_db_prep_save(now, connection)
        insert_rows(
            SourceFile,
            ["name", "sha256", "article", "imported_at", "by_file_name"],
            [
                [name, sha256, outcome.article.pk, imported_at, False]
                for name, (sha256, outcome) in imported.items()
                if name not in existing
            ],
        )


def publishing_gate(article, *, page):
    """The newsroom's publishing gates for an imported page, and the parser's doubts about it:
    what stops it from going live, or "". A page that fails them is set to review, never
    published. Writes nothing, so a dry run gives the same answer as an import."""
    problems = list(article.publication_problems(has_authors=bool(page.author)).values())
    if page.doubts:
        problems.append("The parser doubts the page (see its warnings).")
    if not problems:
        return ""
    article.status = Article.Status.REVIEW
    return " ".join(problems)


def import_decision(page, body_html, *, status=Article.Status.PUBLISHED):
    """(status, why it is held for review or "") that importing ``page``, its body rendered as
    ``body_html``, as a new article would give, without writing anything: what a dry run
    reports."""
    article = Article(headline=page.headline, body=body_html, credit_line=page.byline or "", status=status)
    held = publishing_gate(article, page=page) if status == Article.Status.PUBLISHED else ""
    return article.status, held


def record_first_revisions(articles, *, bylines, comments, at):
    """The first revision of each new article, with its ``bylines`` (every byline of those
    articles, their authors loaded), as django-reversion would record it (one revision per
    article, so that reverting one never touches another), written with one query per table:
    reversion records one object at a time, which for a large import costs more than the
    import itself. The revisions and versions are written as rows, never made model instances."""
    if not articles:
        return
    connection = connections[router.db_for_write(Revision)]
    created = Revision._meta.get_field("date_created").get_db_prep_save(at, connection)
    revisions = insert_rows(Revision, ["date_created", "comment"], [[created, comment[:1000]] for comment in comments])
    revision_of = {article.pk: revision for article, revision in zip(articles, revisions, strict=True)}
    versions = []
    for model, objects in ((Article, articles), (ArticleAuthor, bylines)):
        content_type = ContentType.objects.get_for_model(model)
        format = reversion_options(model).format
        for obj, data in zip(objects, serialized_for_revision(model, objects), strict=True):
            versions.append(
                [
                    revision_of[obj.pk if model is Article else obj.article_id],
                    str(obj.pk),
                    content_type.pk,
                    obj._state.db,
                    format,
                    data,
                    str(obj),
                ]
            )
    columns = ["revision", "object_id", "content_type", "db", "format", "serialized_data", "object_repr"]
    insert_rows(Version, columns, versions)


def serialized_for_revision(model, objects):
    """Each of ``objects`` (instances of ``model``) as django-reversion stores it in a version:
    the JSON that Django's serializer writes for the fields reversion records, byte for byte
    (articles/tests/test_import_revisions.py compares them), without the serializer's
    machinery, which costs a large import more than the rest of its revisions."""
    options = reversion_options(model)
    opts = model._meta.concrete_model._meta
    if (
        options.format != "json"
        or options.use_natural_foreign_keys
        or any(
            field.serialize and field.attname in options.fields and field.remote_field.through._meta.auto_created
            for field in opts.local_many_to_many
        )
    ):
        # What only the serializer knows how to write (many-to-many values are read from the
        # database): as reversion itself calls it.
        return [
            serializers.serialize(
                options.format, (obj,), fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
            )
            for obj in objects
        ]
    fields = [
        (field.name, field)
        for field in opts.local_fields
        if field.serialize and (field.attname if field.remote_field is None else field.attname[:-3]) in options.fields
    ]
    label, pk = str(opts), opts.pk
    encode = DjangoJSONEncoder(ensure_ascii=False).encode
    return [
        encode(
            [
                {
                    "model": label,
                    "pk": _serialized_value(obj, pk),
                    "fields": {name: _serialized_value(obj, field) for name, field in fields},
                }
            ]
        )
        for obj in objects
    ]


def _serialized_value(obj, field):
    """A field's value as Django's serializer writes it (python.Serializer._value_from_field)."""
    value = field.value_from_object(obj)
    return value if is_protected_type(value) else field.value_to_string(obj)


def _update(article, content):
    """Apply changed content to an existing article through ``save()``, which keeps a
    revision; returns "updated" or "unchanged". The publication time never moves."""
    changed = {name: value for name, value in content.items() if getattr(article, name) != value}
    if not changed:
        return "unchanged"
    for name, value in changed.items():
        setattr(article, name, value)
    if "previous_headline" in changed:
        article.previous_article = None
    if "next_headline" in changed:
        article.next_article = None
    _validate(article, IMPORTED_FIELDS)
    article.save()
    return "updated"


def _assign_slugs(objects, texts, *, fallback):
    """Unique slugs made from ``texts`` for ``objects``, new instances of one model, with one
    query for the usual case (no collision), where ``unique_slug`` makes one for each."""
    if not objects:
        return
    model = type(objects[0])
    max_length = model._meta.get_field("slug").max_length
    bases = [slugify(text)[: max_length - 8].strip("-") or fallback for text in texts]
    taken = set(model._default_manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    for obj, text, base in zip(objects, texts, bases, strict=True):
        slug = base if base not in taken else unique_slug(obj, text, fallback=fallback)
        number = 1
        while slug in taken:  # collides with another object of this group
            number += 1
            slug = f"{base}-{number}"
        obj.slug = slug
        taken.add(slug)


def link_navigation(articles):
    """Turn previous/next headlines into links between articles, in both directions: the
    given articles' own, and those of other articles that named one of them before it
    existed. One UPDATE for both directions, of the rows that gain a link and no others: on
    PostgreSQL an updated row is written again, search vector and every index included.
    Links are derived data, written without a revision."""
    pks = [article.pk for article in articles]
    headlines = {article.headline for article in articles}
    links, gains_a_link = {}, Q()
    for field in ("previous", "next"):
        named, link = f"{field}_headline", f"{field}_article"
        others_with_headline = Article.objects.filter(headline=OuterRef(named)).exclude(pk=OuterRef("pk"))
        # MIN rather than ORDER BY ... LIMIT 1: PostgreSQL would walk the primary key looking
        # for the headline instead of using the headline index, once per row updated.
        first = others_with_headline.values("headline").annotate(first=Min("pk")).values("first")
        links[link] = Coalesce(link, Subquery(first))
        gains_a_link |= (
            (Q(pk__in=pks) | Q(**{f"{named}__in": headlines}))
            & Q(**{link: None})
            & ~Q(**{named: ""})
            & Exists(others_with_headline)
        )
    Article.objects.filter(gains_a_link).update(**links)


def insert_objects(objs):
    """Insert ``objs``, new instances of one model, and give them their primary keys: what
    ``bulk_create`` does, for the thousands of rows of an import. Returns ``objs``."""
    if not objs:
        return objs
    meta = objs[0]._meta
    connection = connections[router.db_for_write(meta.model)]
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    # Values the rows share (defaults, the import's time) are the same object row after row,
    # and are prepared for the database once. Kept by the field's position, not in a dict keyed
    # by the field, whose hash is computed in Python for every value.
    last = [(object(), None)] * len(fields)
    numbered = list(enumerate(fields))
    rows = []
    for obj in objs:
        row = []
        for number, field in numbered:
            value = field.pre_save(obj, True)
            previous, prepared = last[number]
            if value is not previous:
                prepared = field.get_db_prep_save(value, connection)
                last[number] = value, prepared
            row.append(prepared)
        rows.append(row)
    for obj, pk in zip(objs, insert_rows(meta.model, [field.name for field in fields], rows), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def insert_rows(model, names, rows):
    """Insert ``rows`` into ``model``'s table, each a list of values ready for the database,
    one for each field in ``names``; returns their primary keys. ``bulk_create`` builds each
    statement value by value and sends SQLite 999 parameters at a time (33 articles); this
    sends SQLite up to 64 rows a statement, and PostgreSQL the rows by COPY, their keys drawn
    from the table's sequence first."""
    if not rows:
        return []
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            pks = [pk for (pk,) in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY {table} ({key}, {columns}) FROM STDIN") as copy:
                for pk, row in zip(pks, rows, strict=True):
                    copy.write_row([pk, *row])
            return pks
        # 64 rows at most: each statement SQLite keeps prepared grows with its rows.
        most = min(64, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(names))
        placeholders = f"({', '.join(['%s'] * len(names))})"
        pks = []
        for chunk in _power_of_two_chunks(rows, most):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} RETURNING {key}",
                [value for row in chunk for value in row],
            )
            pks += [pk for (pk,) in cursor.fetchall()]
        return pks


def refresh_planner_statistics(using="default"):
    """Let the database's query planner see the tables as a bulk write left them. SQLite has no
    statistics until ANALYZE runs, and until then plans by the indexes' shape alone: an archive
    page of one author's articles read every public article to find theirs, where starting from
    the author's bylines is about 16 times cheaper. PostgreSQL's autovacuum gathers them within
    minutes; this saves the pages served in the meantime."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def _power_of_two_chunks(rows, most):
    """``rows`` in chunks of at most ``most`` rows, each a power of two long: statements of a
    few lengths, which the sqlite3 module prepares once and keeps (128 of them, each with the
    values it was last given), where a statement of every length would fill its cache."""
    start = 0
    while start < len(rows):
        size = 1 << (min(most, len(rows) - start).bit_length() - 1)
        yield rows[start : start + size]
        start += size


def _validate(instance, fields=None):
    """Field-level checks (lengths, choices, URLs) of ``fields`` (default: all) so that bad
    input is refused with a clear message on every database; uniqueness is left to the
    database's constraints."""
    exclude = None if fields is None else [f.name for f in instance._meta.fields if f.name not in fields]
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
