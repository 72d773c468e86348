"""Control characters are refused at the edge: a NUL in a query string or form field is a 400.

PostgreSQL cannot store NUL in text or JSON, so one that got as far as a session or a row would
answer 500 on every later request of the visit; no person types one. Tab, CR and LF stay allowed.
"""

import re

from django.http import HttpResponseBadRequest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(values) -> bool:
    return any(CONTROL_CHARACTERS.search(value) for value in values)


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [request.path, *request.GET.keys(), *_values(request.GET)]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields += [*request.POST.keys(), *_values(request.POST)]
        if has_control_characters(fields):
            return HttpResponseBadRequest(
                "The request contains control characters (such as NUL) that no form accepts."
            )
        return self.get_response(request)


def _values(query_dict) -> list[str]:
    return [value for _, values in query_dict.lists() for value in values]
