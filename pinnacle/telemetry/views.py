"""`/metrics`, for Prometheus: only with the bearer token METRICS_TOKEN names.

Unset, the endpoint does not exist (404), so a deployment that has not chosen a token exposes
nothing. A request without the token is a 401 (with the scheme to use), a wrong one a 403; the
token is compared in constant time.
"""

import hmac

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pinnacle.telemetry.metrics import exposition

SCHEME = "Bearer "


@never_cache
@require_GET
def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponseNotFound("Not found.")
    offered = request.headers.get("Authorization", "")
    if not offered.startswith(SCHEME):
        response = HttpResponse("A bearer token is required.", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(offered.removeprefix(SCHEME).encode(), token.encode()):
        return HttpResponseForbidden("Wrong token.")
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
