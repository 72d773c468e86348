"""The RFC 8058 one-click opt-out: POST opts out at once (no login, cookie or CSRF token);
GET only shows a page with one button, so link scanners never opt anyone out."""

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pinnacle.mail.models import Suppression
from pinnacle.mail.services import is_suppressed, opt_out
from pinnacle.mail.tokens import read_unsubscribe_token


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        link = read_unsubscribe_token(token)
    except signing.BadSignature as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    if request.partnership is None or request.partnership.pk != link.partnership_id:
        raise Http404("This unsubscribe link is not valid.")

    if request.method == "POST":
        # RFC 8058: a mail client's one-click POST carries exactly this body; our page's button
        # does not.
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        opt_out(
            partnership=request.partnership,
            email=link.email,
            source=Suppression.Source.ONE_CLICK if one_click else Suppression.Source.LINK,
            message_id=link.message_id,
        )
        return render(request, "mail/unsubscribed.html", {"email": link.email})
    already = is_suppressed(partnership=request.partnership, email=link.email)
    return render(request, "mail/unsubscribe.html", {"email": link.email, "already": already})
