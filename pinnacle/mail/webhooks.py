"""The guard in front of anymail's webhook views (`/anymail/<esp>/tracking/`).

Without a webhook secret anymail would accept any POST, so an unset secret is a refusal (403),
never trust; `check --deploy` fails on it too. An event that arrives before its sender recorded
the ESP message id (receivers.EventTooEarly) answers 503, which ESPs retry.
"""

from anymail.utils import get_anymail_setting
from django.core import checks
from django.http import HttpResponse, HttpResponseForbidden

from pinnacle.mail.receivers import EventTooEarly

WEBHOOK_PREFIX = "/anymail/"


def webhook_secret_is_set() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=None))


class WebhookGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(WEBHOOK_PREFIX) and not webhook_secret_is_set():
            return HttpResponseForbidden("Webhooks are refused: no webhook secret is configured.")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, EventTooEarly):
            return HttpResponse(
                "Not ready; retry later.", status=503, headers={"Retry-After": "60"}
            )
        return None


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_secret(app_configs, **kwargs):
    if webhook_secret_is_set():
        return []
    return [
        checks.Error(
            "ANYMAIL_WEBHOOK_SECRET is not set: ESP tracking webhooks would be refused.",
            hint="Set ANYMAIL_WEBHOOK_SECRET=user:password and give the ESP the same credentials.",
            id="pinnacle.E001",
        )
    ]
