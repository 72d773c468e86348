"""A URLconf for tests of pages that link to the transaction pages: the site's own, plus
stand-ins for whichever of those pages the site does not route, so the links can be checked.
Where the site routes a page, its own route is used and the stand-in is left out."""

from django.http import HttpResponse
from django.urls import get_resolver, path

from pinnacle.urls import urlpatterns as site_urlpatterns


def stand_in(request, **kwargs):
    return HttpResponse("Transaction page stand-in")


STAND_INS = [
    path("transactions/", stand_in, name="transaction_list"),
    path("transactions/<int:pk>/", stand_in, name="transaction_detail"),
    path("leads/<int:pk>/transactions/new/", stand_in, name="transaction_open"),
]

_routed = get_resolver("pinnacle.urls").reverse_dict
urlpatterns = [*site_urlpatterns, *(p for p in STAND_INS if p.name not in _routed)]
