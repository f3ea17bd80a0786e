from django import template

from articles import presence

register = template.Library()


@register.simple_tag(takes_context=True)
def article_presence(context, article):
    """Rendering an article's change form counts its user as present there; gives what the
    notice shows: the others present, and what its script needs to keep it current."""
    user = context["request"].user
    now = presence.record(article=article, user=user)
    return {
        "others": [other.as_json(now) for other in presence.others(article=article, user=user, now=now)],
        "seen": now.isoformat(),
        "poll_seconds": presence.POLL_SECONDS,
    }
