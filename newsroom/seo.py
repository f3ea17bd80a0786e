"""What crawlers and social sites read: robots.txt, pointing them at the sitemaps, and each public
page's canonical address, OpenGraph and Twitter card tags (``page_meta``), with the site's own
card image where a page has none of its own (static/brand, made by docs/brand_images.py)."""

from functools import lru_cache
from urllib.parse import urljoin

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import TemplateView

from .renditions import SHAPES, Crop

# The site's card in each of the shapes of renditions.SHAPES: (static path, width, height).
DEFAULT_IMAGES = {
    "16x9": ("brand/card-16x9.png", 1200, 675),
    "4x3": ("brand/card-4x3.png", 1200, 900),
    "1x1": ("brand/card-1x1.png", 1200, 1200),
}
LOGO = ("brand/logo.png", 512, 512)


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        context["news_sitemap_url"] = self.request.build_absolute_uri(reverse("news-sitemap"))
        return context


@lru_cache
def default_images():
    """``{shape: Crop}`` of the site's card, for pages and articles without an image (the same
    for every page of a process; not to be changed by callers)."""
    return {shape: Crop(static(path), width, height) for shape, (path, width, height) in DEFAULT_IMAGES.items()}


def default_image_alt():
    return f"The {settings.SITE_NAME} logo"


def in_order(images):
    """``{shape: Crop}`` as a list, the shapes in the order of renditions.SHAPES (widest first)."""
    return [images[shape] for shape in SHAPES if shape in images]


def publisher(request):
    """The newsroom as schema.org's ``Organization``, with its logo, for structured data."""
    return _publisher(request.build_absolute_uri("/"), settings.SITE_NAME)


@lru_cache(maxsize=16)
def _publisher(root, name):
    """The same for every page served under the address ``root``: worked out once for each."""
    path, width, height = LOGO
    return {
        "@type": "Organization",
        "name": name,
        "url": urljoin(root, reverse("home")),
        "logo": {"@type": "ImageObject", "url": urljoin(root, static(path)), "width": width, "height": height},
    }


def canonical_url(request, *, page_number=1, narrowed=False):
    """The page's own address: its path, with the page number of a list past its first page. A
    list narrowed by filters (the archive's) names the whole list instead. Built from what the
    view read, never from the query string as it came: pages are cached by the parameters they
    read, and a parameter they do not read must not reach the copy others are served."""
    if page_number > 1 and not narrowed:
        return request.build_absolute_uri(f"{request.path}?page={page_number}")
    return request.build_absolute_uri(request.path)


def page_meta(request, *, title, description, canonical, kind="website", images=None, image_alt="", indexed=True):
    """What ``includes/page_meta.html`` writes into a page's head: its ``canonical`` address
    (left out of a page not to be indexed, which says so instead), OpenGraph and Twitter card
    tags with the page's first image (``images``: {shape: Crop}) or the site's card, its size
    and its text."""
    if not images:
        images, image_alt = default_images(), default_image_alt()
    image = in_order(images)[0]
    description = description or f"The latest news, corrections and breaking updates from {settings.SITE_NAME}."
    return {
        "canonical": canonical if indexed else None,
        "indexed": indexed,
        "kind": kind,
        "title": title,
        "description": description,
        "site_name": settings.SITE_NAME,
        "image_url": request.build_absolute_uri(image.url),
        "image_width": image.width,
        "image_height": image.height,
        "image_alt": image_alt,
    }


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "STATIC_URL", "STORAGES"):
        default_images.cache_clear()
        _publisher.cache_clear()
