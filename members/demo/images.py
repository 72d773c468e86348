"""Demo artwork drawn with Pillow: partnership seals, member portraits and company logos.

Everything is deterministic: colors come from a hash of the name, so re-running the demo seed
draws the same pictures. Shapes are drawn oversized and scaled down for smooth edges. Only
fonts already on the machine are used (Debian's DejaVu when present, else Pillow's own font).
"""

from __future__ import annotations

import hashlib
import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"

# Muted, professional colors that keep white text readable.
PALETTE = (
    "#1F4E79",
    "#2E6B5E",
    "#7A3B69",
    "#9C4A1A",
    "#3D5A80",
    "#5B3F8C",
    "#2F6690",
    "#8C2F39",
    "#386641",
    "#6D4C41",
    "#00707A",
    "#4A4E69",
)

SMALL_WORDS = {"&", "and", "of", "the", "co", "co.", "inc", "inc.", "llc", "pllc"}

Color = tuple[int, int, int]


def _rgb(hex_color: str) -> Color:
    value = hex_color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(a: Color, b: Color, t: float) -> Color:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _digest(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest()


def color_for(name: str) -> Color:
    """A stable palette color for a name (Python's hash() is salted per process; sha256 is not)."""
    return _rgb(PALETTE[_digest(name)[0] % len(PALETTE)])


def initials(name: str, limit: int = 2) -> str:
    words = [w for w in name.replace("-", " ").split() if w.lower() not in SMALL_WORDS]
    if limit == 2 and len(words) > 2:
        words = [words[0], words[-1]]  # first and last name
    return "".join(w[0] for w in words[:limit] if w[0].isalnum()).upper() or "?"


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = True) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    filename = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(FONT_DIR + filename, size)
    except OSError:
        return ImageFont.load_default(size=size)


def _fit_font(draw: ImageDraw.ImageDraw, text: str, size: int, max_width: float, bold=True):
    """The largest font up to `size` whose rendering of `text` fits in `max_width`."""
    while size > 8:
        font = _font(size, bold)
        if draw.textlength(text, font=font) <= max_width:
            return font
        size = int(size * 0.9)
    return _font(8, bold)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=88, optimize=True)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def seal_png(
    letters: str,
    *,
    field: str = "#1B2A4A",
    metal: str = "#C9A227",
    motif: str = "peak",
    size: int = 256,
) -> bytes:
    """A round seal on a transparent background: rim, dotted ring, a peak (or waves), a star
    and the partnership's initials."""
    scale = 4
    s = size * scale
    base, gold = _rgb(field), _rgb(metal)
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(margin: float) -> tuple[float, float, float, float]:
        return (s * margin, s * margin, s * (1 - margin), s * (1 - margin))

    draw.ellipse(box(0.01), fill=gold)
    draw.ellipse(box(0.045), fill=base)
    draw.ellipse(box(0.09), outline=gold, width=round(s * 0.012))
    for i in range(36):  # a ring of small studs between the rim and the inner ring
        angle = i * 2 * math.pi / 36
        r, dot = s * 0.435, s * 0.009
        x, y = s / 2 + r * math.cos(angle), s / 2 + r * math.sin(angle)
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=gold)

    if motif == "wave":
        for row in range(3):
            y0 = s * (0.47 + row * 0.07)
            points = [
                (s * x / 100, y0 + s * 0.025 * math.sin(x / 100 * 6 * math.pi))
                for x in range(24, 77)
            ]
            draw.line(points, fill=gold, width=round(s * 0.022), joint="curve")
    else:
        draw.polygon(
            [(s * 0.24, s * 0.62), (s * 0.40, s * 0.44), (s * 0.50, s * 0.62)],
            fill=_mix(gold, base, 0.35),
        )
        draw.polygon([(s * 0.30, s * 0.62), (s * 0.52, s * 0.33), (s * 0.76, s * 0.62)], fill=gold)
        # snow line on the main peak
        draw.polygon(
            [
                (s * 0.45, s * 0.42),
                (s * 0.52, s * 0.33),
                (s * 0.59, s * 0.42),
                (s * 0.52, s * 0.39),
            ],
            fill=_mix(gold, (255, 255, 255), 0.6),
        )
        draw.line([(s * 0.22, s * 0.625), (s * 0.78, s * 0.625)], fill=gold, width=round(s * 0.01))

    draw.polygon(_star(s * 0.5, s * 0.235, s * 0.06, s * 0.025), fill=gold)
    font = _fit_font(draw, letters, round(s * 0.15), s * 0.4)
    draw.text((s * 0.5, s * 0.745), letters, font=font, fill=gold, anchor="mm")
    return _encode(image.reduce(scale), "PNG")


def _gradient(size: int, top: Color, bottom: Color) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, bottom, i / 255) for i in range(256)])
    return column.resize((size, size), Image.Resampling.NEAREST)


def avatar_jpeg(name: str, size: int = 512) -> bytes:
    """A portrait placeholder: gradient backdrop, head-and-shoulders silhouette, initials."""
    scale = 2
    s = size * scale
    digest = _digest(name)
    color = color_for(name)
    image = _gradient(s, _mix(color, (255, 255, 255), 0.25), _mix(color, (0, 0, 0), 0.35))
    draw = ImageDraw.Draw(image)
    figure = _mix(color, (255, 255, 255), 0.72)
    shade = _mix(color, (255, 255, 255), 0.55)

    sway = (digest[1] / 255 - 0.5) * 0.04  # a little variety in pose
    cx = s * (0.5 + sway)
    draw.ellipse((cx - s * 0.33, s * 0.70, cx + s * 0.33, s * 1.30), fill=shade)  # shoulders
    draw.rectangle((cx - s * 0.065, s * 0.52, cx + s * 0.065, s * 0.74), fill=figure)  # neck
    draw.ellipse((cx - s * 0.16, s * 0.22, cx + s * 0.16, s * 0.62), fill=figure)  # head
    draw.polygon(  # collar
        [(cx - s * 0.10, s * 0.71), (cx, s * 0.82), (cx + s * 0.10, s * 0.71)], fill=figure
    )
    font = _font(round(s * 0.085))
    draw.text(
        (cx, s * 0.91), initials(name), font=font, fill=_mix(color, (0, 0, 0), 0.2), anchor="mm"
    )
    return _encode(image.reduce(scale), "JPEG")


def logo_png(company: str, size: int = 512) -> bytes:
    """A company mark on a transparent background: a shape (rounded square, circle or hexagon
    chosen by the name), the company's initials and a one-word wordmark."""
    scale = 2
    s = size * scale
    digest = _digest("logo:" + company)
    color = color_for(company)
    accent = _mix(color, (255, 255, 255), 0.45)
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    shape = digest[2] % 3
    m = s * 0.04
    if shape == 0:
        draw.rounded_rectangle((m, m, s - m, s - m), radius=s * 0.18, fill=color)
    elif shape == 1:
        draw.ellipse((m, m, s - m, s - m), fill=color)
    else:
        draw.regular_polygon((s / 2, s / 2, s / 2 - m), 6, rotation=30, fill=color)
    draw.arc((s * 0.16, s * 0.13, s * 0.84, s * 0.81), 205, 335, fill=accent, width=round(s * 0.03))

    letters = initials(company, limit=3)
    font = _fit_font(draw, letters, round(s * 0.26), s * 0.6)
    draw.text((s / 2, s * 0.47), letters, font=font, fill="white", anchor="mm")
    words = [w for w in company.split() if w.lower() not in SMALL_WORDS]
    words = words or [company]
    wordmark = (words[0] if len(words[0]) >= 5 else " ".join(words[:2])).upper()
    font = _fit_font(draw, wordmark, round(s * 0.07), s * 0.55, bold=False)
    draw.text((s / 2, s * 0.70), wordmark, font=font, fill=accent, anchor="mm")
    return _encode(image.reduce(scale), "PNG")


def thumbnail(data: bytes, size: int) -> bytes:
    """A square thumbnail of an image, in the same format (JPEG or PNG) as the original."""
    with Image.open(io.BytesIO(data)) as original:
        fmt = "PNG" if original.format == "PNG" else "JPEG"
        image = ImageOps.fit(original, (size, size), Image.Resampling.LANCZOS)
    return _encode(image, fmt)
