from django import template

register = template.Library()


@register.filter
def absolute(path: str, partnership) -> str:
    """`{{ member.photo.url|absolute:partnership }}`: emails need absolute URLs."""
    return partnership.absolute_url(path) if path else ""


@register.filter
def get_item(mapping, key):
    """`{{ values|get_item:lead.pk }}`: a dict's value by a key the template computes."""
    return mapping.get(key) if mapping else None


@register.filter
def intro_statement(partnership, specialization: str) -> str:
    """`{{ partnership|intro_statement:member.specialization_statement }}`: the partnership's
    required introductory statement in a member's words (see emails/leads/_member_intro.*)."""
    return partnership.render_intro_statement(specialization)
