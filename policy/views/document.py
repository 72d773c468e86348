"""The engagement policy as members read it: the current version, its history, and the
dashboard's call to vote."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from members.auth import member_required
from policy import document, selectors
from policy.services.versions import current_policy


def vote_panel(request, member) -> dict | None:
    """The dashboard's "a policy revision is open for your vote" panel; nothing otherwise."""
    open_revisions = selectors.votable_revisions(member, timezone.now())
    return {"revisions": open_revisions} if open_revisions else None


# --- The policy ----------------------------------------------------------------------------------


def _policypage_of(request, version, *, current):
    partnership = request.partnership
    settings = document.complete(version.settings)
    rows = document.setting_rows(settings, text=version.text)
    return render(
        request,
        "policy/policy.html",
        {
            "member": request.member,
            "version": version,
            "current": current,
            "is_current": version.pk == current.pk,
            "policy_html": document.render_html(version.text, settings, partnership),
            "rows": rows,
            "has_unvoted": any(row.is_not_yet_voted for row in rows),
            "intro_statement": document.statement_in_text(settings["intro_statement"], partnership),
            "versions": selectors.policy_versions(partnership),
            "votable": selectors.votable_revisions(request.member, timezone.now()),
        },
    )


@member_required
def policy(request):
    current = current_policy(request.partnership)
    return _policypage_of(request, current, current=current)


@member_required
def policy_version(request, number):
    version = selectors.version_for(request.member, number)
    return _policypage_of(request, version, current=current_policy(request.partnership))
