"""How a higher app shows itself on a lower app's pages without the lower app importing it.

An extension point is a list of (template, context function). The lower app's view calls
`point.render(request, **about)`: each registered context function runs there (so its queries
are the view's own, counted by the view's query tests) and returns the template's context, or
None to show nothing this time (e.g. to a viewer who may not see it). Higher apps register from
their AppConfig.ready(): `members.extensions.dashboard_panels.register("outreach/_panel.html",
panel_context)`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import cast

from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.context import make_context
from django.utils.safestring import SafeString

ContextFunction = Callable[..., dict | None]


def no_context(request, **about) -> dict:
    return {}


@dataclass(frozen=True)
class Extension:
    template: str
    context: ContextFunction
    order: int = 100


class ExtensionPoint:
    """A named place in a page where other apps add a template with its own context."""

    def __init__(self, name: str, receives: str):
        self.name = name
        self.receives = receives  # what `render` passes to each context function, for the README
        self._extensions: list[Extension] = []

    def register(self, template: str, context: ContextFunction = no_context, order: int = 100):
        if any(e.template == template for e in self._extensions):
            return  # ready() can run twice (tests, autoreload): register once
        self._extensions.append(Extension(template, context, order))
        self._extensions.sort(key=lambda e: e.order)

    @property
    def templates(self) -> list[str]:
        return [e.template for e in self._extensions]

    def render(self, request, **about) -> list[SafeString]:
        """Each extension's HTML, in order; those whose context function answers None are left
        out. The template sees `about` (e.g. member=…) and what its context function returned."""
        html: list[SafeString] = []
        # One template context for all of them, its context processors run once (as an
        # `{% include %}` renders in its page's context), rather than one per extension.
        engine = cast(DjangoTemplates, engines["django"]).engine  # HTML ("text" is for email)
        with ExitStack() as bound:
            page = None
            for extension in self._extensions:
                extra = extension.context(request, **about)
                if extra is None:
                    continue
                template = engine.get_template(extension.template)
                if page is None:
                    page = make_context(about, request, autoescape=engine.autoescape)
                    bound.enter_context(page.bind_template(template))
                with page.push(extra):
                    html.append(SafeString(template.render(page)))  # nosec B703: an autoescaping template's output
        return html
