"""Remember how a visitor arrived (UTM parameters, a member's ?ref= link) for their later form."""

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
SESSION_UTM = "campaign_utm"
SESSION_REF = "campaign_ref"


def campaign_utm(request) -> dict:
    """The UTM parameters a form posted (carried from its page's address), else the visit's."""
    posted = {key: request.POST[key][:200] for key in UTM_KEYS if request.POST.get(key)}
    return posted or request.session.get(SESSION_UTM, {})


class CampaignMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and hasattr(request, "session"):
            utm = {key: request.GET[key][:200] for key in UTM_KEYS if request.GET.get(key)}
            if utm:
                request.session[SESSION_UTM] = utm
            if ref := request.GET.get("ref"):
                request.session[SESSION_REF] = ref[:80]
        return self.get_response(request)
