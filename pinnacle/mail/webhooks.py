"""The guard in front of anymail's webhook views (`/anymail/<esp>/tracking/`).

Without a webhook secret anymail would accept any POST, so an unset secret is a refusal (403),
never trust; `check --deploy` fails on it too. Wrong or missing credentials are a 403 as well
(anymail itself answers 400). A body the ESP's parser cannot read, or an event that could not be
stored (a NUL, which PostgreSQL refuses; a field of the wrong type), is a 400 before any event of
the request is handled, so nothing of it is stored. An event that arrives before its sender
recorded the ESP message id (receivers.EventTooEarly) answers 503, which ESPs retry. The
webhooks of an ESP this site is not set up for (no API key or signing secret of its own, or its
package not installed: Amazon SES without boto3) answer 404: anymail cannot build their view,
and every POST to them was a 500.
"""

import logging

from anymail.exceptions import AnymailConfigurationError, AnymailWebhookValidationFailure
from anymail.utils import get_anymail_setting
from django.core import checks
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound

from pinnacle.mail.receivers import EventTooEarly

log = logging.getLogger(__name__)

WEBHOOK_PREFIX = "/anymail/"


def webhook_secret_is_set() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=None))


class GuardedWebhookView:
    """Put in front of each anymail webhook view (webhook_urls): anymail's own flow, with
    refused credentials answered 403 and an unreadable body or event 400."""

    not_set_up: AnymailConfigurationError | None = None

    def __init__(self, **kwargs):
        try:
            super().__init__(**kwargs)
        except AnymailConfigurationError as exc:
            # An ESP's view reads its own settings (and Amazon SES's imports boto3) when built.
            self.not_set_up = exc

    def dispatch(self, request, *args, **kwargs):
        try:
            if self.not_set_up is not None:
                raise self.not_set_up
            return super().dispatch(request, *args, **kwargs)
        except AnymailConfigurationError:
            # Mandrill's view reads its webhook key only when it checks a request.
            return HttpResponseNotFound(f"{self.esp_name} webhooks are not set up here.")

    def run_validators(self, request):
        try:
            super().run_validators(request)
        except AnymailWebhookValidationFailure as exc:
            raise PermissionDenied("Missing or wrong webhook credentials.") from exc

    def parse_events(self, request):
        try:
            events = list(super().parse_events(request))
        except AnymailWebhookValidationFailure as exc:
            raise PermissionDenied("Missing or wrong webhook credentials.") from exc
        except Exception as exc:
            # The parser is a function of the body alone: whatever it trips on is the body's.
            log.warning("Unreadable %s webhook body refused: %r", self.esp_name, exc)
            raise BadRequest(f"The {self.esp_name} webhook's body could not be read.") from exc
        for event in events:
            if problem := unstorable(event):
                log.warning("%s webhook refused: %s", self.esp_name, problem)
                raise BadRequest(f"The {self.esp_name} webhook's event {problem}.")
        return events


# What the tracking receiver reads from an event as text.
TEXT_FIELDS = ("description", "mta_response", "recipient", "reject_reason", "event_type")


def unstorable(event) -> str | None:
    """Why an authenticated event cannot be stored as it is (None: it can)."""
    for name in TEXT_FIELDS:
        if not isinstance(getattr(event, name, None), str | None):
            return f"has a {name} that is not text"
    if not isinstance(getattr(event, "metadata", None), dict | None):
        return "has metadata that is not a mapping"
    if not getattr(event, "message_id", None) and not getattr(event, "recipient", None):
        return "names neither a message nor a recipient"
    if len(getattr(event, "recipient", None) or "") > 254:
        return "names a recipient longer than an email address can be"
    fields = (*TEXT_FIELDS, "message_id", "event_id", "metadata", "esp_event")
    if any(_has_nul(getattr(event, name, None)) for name in fields):
        return "contains a NUL character"
    return None


def _has_nul(value) -> bool:
    """Whether a NUL hides anywhere in a parsed payload (walked without recursion, however deep
    the ESP's JSON nests)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            pending += item
    return False


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
