from django import template

from articles.editing import review_queue as queue_for

register = template.Library()


@register.inclusion_tag("admin/articles/review_queue.html", takes_context=True)
def review_queue(context):
    """The review queue on the admin's front page, for whoever is logged in."""
    user = context["request"].user
    if not user.has_perm("articles.change_article"):
        return {}
    return {"queue": queue_for(user), "request": context["request"]}
