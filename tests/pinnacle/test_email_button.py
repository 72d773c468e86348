"""The emails' call-to-action link: one tag, so every email's button looks the same."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

from pinnacle.templatetags.pinnacle import EMAIL_BUTTON_STYLES


def render(source: str, **context) -> str:
    return Template("{% load pinnacle %}" + source).render(Context(context))


def test_the_button_links_with_the_label_escaped():
    html = render(
        "{% email_button url %}Open {{ name }}{% end_email_button %}",
        url="https://pinnacle.example/leads/7/?a=1&b=2",
        name="<Ann & Bo>",
    )
    assert html == (
        '<a href="https://pinnacle.example/leads/7/?a=1&amp;b=2" '
        f'style="{EMAIL_BUTTON_STYLES[""]}">Open &lt;Ann &amp; Bo&gt;</a>'
    )


def test_url_parts_are_joined_and_main_is_the_larger_button():
    html = render(
        "{% email_button base path main %}See it{% end_email_button %}",
        base="https://pinnacle.example",
        path="/leads/7/",
    )
    assert 'href="https://pinnacle.example/leads/7/"' in html
    assert "font-weight:bold" in html


def test_a_button_without_a_url_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        render("{% email_button %}See it{% end_email_button %}")
