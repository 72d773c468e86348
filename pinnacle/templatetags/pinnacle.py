from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def absolute(path: str, partnership) -> str:
    """`{{ member.photo.url|absolute:partnership }}`: emails need absolute URLs."""
    return partnership.absolute_url(path) if path else ""


@register.filter
def fixed(value, places: int = 0) -> str:
    """`{{ contact.strength|fixed }}`, `{{ share|fixed:2 }}`: a number with that many decimals,
    rounded half up, as `floatformat` writes it with the portal's settings, about fifteen times
    faster (the circle's page spent a third of its time in a hundred `floatformat`s)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return floatformat(value, places)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            return floatformat(value, places)
        rounded = number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):  # not finite, or too long for the context
        return floatformat(value, places)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"  # never "-0"


@register.filter
def get_item(mapping, key):
    """`{{ values|get_item:lead.pk }}`: a dict's value by a key the template computes."""
    return mapping.get(key) if mapping else None


@register.filter
def intro_statement(partnership, specialization: str) -> str:
    """`{{ partnership|intro_statement:member.specialization_statement }}`: the partnership's
    required introductory statement in a member's words (see emails/leads/_member_intro.*)."""
    return partnership.render_intro_statement(specialization)


# The emails' call-to-action link, styled inline (mail clients drop stylesheets). `main` is
# the larger, bold one of an email whose point is the link (a welcome, a survey, a customer's page).
EMAIL_BUTTON_STYLES = {
    "": "background:#1f3b64;color:#ffffff;padding:10px 18px;border-radius:6px;"
    "text-decoration:none;",
    "main": "background:#1f3b64;color:#ffffff;padding:12px 22px;border-radius:6px;"
    "text-decoration:none;font-weight:bold;",
}


class EmailButtonNode(template.Node):
    def __init__(self, url_parts, size: str, nodelist):
        self.url_parts = url_parts
        self.size = size
        self.nodelist = nodelist

    def render(self, context) -> str:
        url = "".join(str(part.resolve(context)) for part in self.url_parts)
        label = mark_safe(self.nodelist.render(context))  # nosec B308, B703: the tag's body, rendered and escaped by the template
        return format_html(
            '<a href="{}" style="{}">{}</a>', url, EMAIL_BUTTON_STYLES[self.size], label
        )


@register.tag
def email_button(parser, token):
    """`{% email_button lead_url %}See the lead{% end_email_button %}`; several URL parts are
    joined (`{% email_button partnership.base_url lead.get_absolute_url %}`); a last word `main`
    makes it the email's main button."""
    bits = token.split_contents()[1:]
    size = "main" if bits and bits[-1] == "main" else ""
    parts = bits[:-1] if size else bits
    if not parts:
        raise template.TemplateSyntaxError("email_button needs the link's URL")
    nodelist = parser.parse(("end_email_button",))
    parser.delete_first_token()
    return EmailButtonNode([parser.compile_filter(part) for part in parts], size, nodelist)
