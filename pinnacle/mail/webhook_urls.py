"""anymail's webhook URLs (under /anymail/), each view with `GuardedWebhookView` in front."""

import anymail.urls
from django.urls import URLPattern

from pinnacle.mail.webhooks import GuardedWebhookView


def _guarded(pattern: URLPattern) -> URLPattern:
    view = pattern.callback
    guarded_class = type(view.view_class.__name__, (GuardedWebhookView, view.view_class), {})
    callback = guarded_class.as_view(**view.view_initkwargs)
    return URLPattern(pattern.pattern, callback, pattern.default_args, pattern.name)


app_name = anymail.urls.app_name
urlpatterns = [_guarded(pattern) for pattern in anymail.urls.urlpatterns]
