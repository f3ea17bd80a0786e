import json

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsroom import cache, dates, seo
from newsroom.fragments import render_fragment
from newsroom.renditions import responsive_image

register = template.Library()


@register.simple_tag
def breaking_news():
    """The ticker bar, server-rendered so it works without JavaScript; a block of its own,
    so that a cached page is served with the ticker as it is now."""
    return cache.block("ticker")


@register.simple_tag
def more_top_reads(article):
    """The newest other articles, a block of its own shared by every article page."""
    return cache.block("more-top-reads", article.pk or 0)


@register.simple_tag(takes_context=True)
def story(context):
    """The article itself, from its header to the previous and next links, rendered once for
    what it shows: every field of it the page shows, its section, bylines and corrections."""
    article = context["article"]
    section = article.section
    shown = (
        *(article.pk, article.slug, article.headline, article.dek, article.body, article.credit_line),
        *(article.source_name, article.source_url, article.published_at),
        *(article.lead_image_alt, article.lead_image_caption, article.lead_image_credit),
        (section.slug, section.name) if section else None,
        [
            (byline.role, author.slug, author.name, author.job_title, author.bio)
            for byline in article.bylines.all()
            for author in [byline.author]
        ],
        [(correction.kind, correction.text, correction.published_at) for correction in article.corrections.all()],
        *(context.get(name) for name in STORY_CONTEXT),
    )
    values = {"article": article, **{name: context.get(name) for name in STORY_CONTEXT}}
    return render_fragment(STORY_TEMPLATES, values, shown)


STORY_TEMPLATES = ("articles/includes/story.html",)
# What the story shows beyond the article: the update time worth showing, the lead image's
# renditions (a ResponsiveImage) and the (address, headline) of the previous and next links.
STORY_CONTEXT = ("updated_at", "image", "previous_link", "next_link")


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, title, description="", kind="website", images=None, image_alt="", indexed=True):
    """The page's canonical address, OpenGraph and Twitter card tags (newsroom/seo.py): a list's
    page number and filters as its view read them."""
    page, filters = context.get("page_obj"), context.get("filter")
    narrowed = filters is not None and any(filters.form.data.get(name) for name in filters.form.fields)
    canonical = seo.canonical_url(context["request"], page_number=page.number if page else 1, narrowed=narrowed)
    return seo.page_meta(
        context["request"],
        title=title,
        canonical=canonical,
        description=description,
        kind=kind,
        images=images,
        image_alt=image_alt,
        indexed=indexed,
    )


@register.simple_tag
def lead_image(article):
    return responsive_image(article.lead_image, article.lead_image_width, article.lead_image_height)


@register.simple_tag
def select(field, choices):
    """A <select> for the form ``field`` with its ``choices`` written out (Django's widget renders
    each option through a template of its own), rendered once for what it shows: a few hundred
    authors' options take longer to render than the rest of the archive page."""
    shown = (field.html_name, field.auto_id, bool(field.errors), field.value(), tuple(choices))
    return render_fragment(SELECT_TEMPLATES, {"field": field, "choices": choices}, shown)


SELECT_TEMPLATES = ("articles/includes/choices.html",)


@register.simple_tag(takes_context=True)
def archive_filters(context):
    """The archive's filter form, rendered once for what it shows: each field's value as
    submitted, the form's errors and the author and section choices. Django renders each label
    and widget through a template of its own."""
    form = context["filter"].form
    author_choices, section_choices = context["author_choices"], context["section_choices"]
    shown = (
        [(name, form.data.getlist(name)) for name in form.fields],
        form.errors.get_json_data(),
        tuple(author_choices),
        tuple(section_choices),
    )
    values = {"filter": context["filter"], "author_choices": author_choices, "section_choices": section_choices}
    return render_fragment(ARCHIVE_FILTERS_TEMPLATES, values, shown)


ARCHIVE_FILTERS_TEMPLATES = ("articles/includes/archive_filters.html",)


@register.filter
def json_ld(data):
    """``data`` as JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@register.filter
def machine_time(value):
    """A ``<time datetime>`` value: ISO 8601 to the second with the offset, as HTML requires."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def when_exactly(value):
    """A time editors must tell apart from another a few seconds away (newsroom.dates)."""
    return dates.when_exactly(value) if value else ""
