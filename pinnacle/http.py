"""Where "back" is: the `next` a form carries, when it is a path on this site."""

from __future__ import annotations

import re

# Browsers read "\" as "/" and drop tabs and line breaks, so "/\evil" and "/\t/evil" lead off-site.
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


def local_path(target: object, default: str) -> str:
    """`target` when it is a path on this site: one leading "/", no scheme, host, backslash or
    control character. Anything else (a bare word, "//evil", "https://…") gives `default`."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and not _UNSAFE_IN_PATH.search(target)
    ):
        return target
    return default


def next_path(request, default: str) -> str:
    """Back to where the form came from: its `next` (POST, else the query string) when it is a
    local path, else `default`."""
    return local_path(request.POST.get("next") or request.GET.get("next"), default)
