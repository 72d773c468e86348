from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

# Generational suffixes are not a family name: "Sam Ortiz Jr." is "SO".
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@register.filter
def initials(name: str) -> str:
    """What stands in for a missing photo: "AA" for "Alice Agent", "C" for "Cher".

    The first letter of the first and the last word, skipping punctuation ("(Bob)" is "B") and
    suffixes; a name with no letters at all shows its first character rather than nothing.
    """
    words = [word for word in (name or "").split() if word.strip(".,").lower() not in NAME_SUFFIXES]
    letters = [next((c for c in word if c.isalpha()), "") for word in words]
    letters = [letter for letter in letters if letter]
    if not letters:
        return (name or "").strip()[:1]
    if len(letters) == 1:
        return letters[0].upper()
    return (letters[0] + letters[-1]).upper()


@register.simple_tag
def avatar(m, px) -> str:
    """A member's photo (its thumbnail when there is one), or their initials when there is none,
    `px` wide (72 or 160). A tag rather than an include: the directory shows one per card."""
    if m.photo_thumbnail or m.photo:
        src = m.photo_thumbnail.url if m.photo_thumbnail else m.photo.url
        return format_html(
            '<img class="avatar avatar-{px}" src="{src}" alt="{name}" width="{px}" height="{px}"'
            ' loading="lazy">',
            px=px,
            src=src,
            name=m.display_name,
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-initials" role="img" aria-label="{}">{}</span>',
        px,
        m.display_name,
        initials(m.display_name),
    )


@register.simple_tag(takes_context=True)
def menu_link(context, url_name: str, label: str) -> str:
    """A site-menu entry (`<li><a>`), marked `aria-current="page"` on the page it opens."""
    href = reverse(url_name)
    request = context.get("request")
    current = request is not None and request.path == href
    if current:
        return format_html('<li><a href="{}" aria-current="page">{}</a></li>', href, label)
    return format_html('<li><a href="{}">{}</a></li>', href, label)


@register.inclusion_tag("members/_menu_group.html", takes_context=True)
def menu_group(context, name: str, *links: str) -> dict:
    """A named group of the site menu: `{% menu_group "Leads" "lead_list" "Leads" ... %}`,
    url names and labels in pairs."""
    pairs = list(zip(links[::2], links[1::2], strict=True))
    return {"request": context.get("request"), "name": name, "links": pairs}
