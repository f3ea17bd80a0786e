from django import template
from django.template.loader import render_to_string

from newsroom.renditions import responsive_image

from .. import views

register = template.Library()


@register.simple_tag
def update_version(update):
    return views.update_version(update)


@register.simple_tag
def update_image(update):
    """The update's image at the sizes the page needs, if it has one that can be shown."""
    image = responsive_image(update.image, update.image_width, update.image_height)
    if image is None:
        return ""
    return render_to_string("breaking/includes/update_image.html", {"image": image, "update": update})
