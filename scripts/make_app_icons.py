"""Draw the web app's PNG icons (assets/images/icon-*.png) from the same shapes as icon.svg.

Run once after changing the icon: `.venv/bin/python scripts/make_app_icons.py`. The PNGs are
committed, so building the site does not need this script.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "assets" / "images"
BLACK, WHITE, YELLOW = "#0b0c0c", "#ffffff", "#ffdd00"


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = size / 64
    image = Image.new(
        "RGB" if maskable else "RGBA", (size, size), BLACK if maskable else (0, 0, 0, 0)
    )
    pen = ImageDraw.Draw(image)
    # A maskable icon keeps its drawing inside the middle 80% (the safe zone).
    inset = 0.1 * size if maskable else 0
    s = (size - 2 * inset) / 64 if maskable else scale

    def xy(x, y):
        return (inset + x * s, inset + y * s)

    if not maskable:
        pen.rounded_rectangle([0, 0, size - 1, size - 1], radius=12 * scale, fill=BLACK)
    pen.rounded_rectangle(
        [*xy(18, 8), *xy(46, 56)], radius=5 * s, outline=WHITE, width=round(4 * s)
    )
    pen.line([xy(25, 30), xy(30, 35), xy(40, 24)], fill=YELLOW, width=round(5 * s), joint="curve")
    return image


if __name__ == "__main__":
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
