from django import template

register = template.Library()


@register.filter
def absolute(path: str, partnership) -> str:
    """`{{ member.photo.url|absolute:partnership }}`: emails need absolute URLs."""
    return partnership.absolute_url(path) if path else ""
