"""Make the site's icons and default images from its name and colours:

    .venv/bin/python docs/brand_images.py

- ``public/favicon.ico`` (16, 32 and 48 px) and ``public/apple-touch-icon.png`` (180 px, and the
  same as ``apple-touch-icon-precomposed.png``), served at the site's root, where browsers and
  phones ask for them;
- ``static/brand/logo.png`` (512 px), the publisher's logo in structured data;
- ``static/brand/card-16x9.png``, ``card-4x3.png`` and ``card-1x1.png`` (1200 px wide), the image of
  an article without one of its own, in the three shapes Google asks for, and of list pages.

Pillow draws them with its own font, so they come out the same on any machine.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BASE_DIR = Path(__file__).resolve().parents[1]
NAME = "Newsroom"
INK = "#1a1a1a"
PAPER = "#ffffff"
ACCENT = "#b00020"


def icon(size):
    """An "N" in white on the accent red, square."""
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=round(size * 0.72))
    draw.text((size / 2, size / 2), "N", fill=PAPER, font=font, anchor="mm")
    return image


def card(width, height):
    """The site's name on white over a red rule, the icon beside it."""
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    mark = round(width * 0.16)
    font = ImageFont.load_default(size=round(width * 0.11))
    words = draw.textlength(NAME, font=font)
    left = round((width - mark - width * 0.04 - words) / 2)
    image.paste(icon(mark), (left, round(height / 2 - mark / 2)))
    draw.text((left + mark + width * 0.04, height / 2), NAME, fill=INK, font=font, anchor="lm")
    rule = max(8, round(height * 0.03))
    draw.rectangle((0, height - rule, width, height), fill=ACCENT)
    return image


def main():
    public, brand = BASE_DIR / "public", BASE_DIR / "static" / "brand"
    public.mkdir(exist_ok=True)
    brand.mkdir(parents=True, exist_ok=True)
    icon(48).save(public / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    for name in ("apple-touch-icon.png", "apple-touch-icon-precomposed.png"):
        icon(180).save(public / name, optimize=True)
    icon(512).save(brand / "logo.png", optimize=True)
    for name, (width, height) in {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}.items():
        card(width, height).save(brand / f"card-{name}.png", optimize=True)


if __name__ == "__main__":
    main()
