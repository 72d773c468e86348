"""Read queries for the policy pages: its versions, revisions with the reader's vote,
suggestions and breach reports, each as its reader may see it."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from members.models import Member
from members.selectors import listed_members
from pinnacle.models import Partnership
from pinnacle.tenancy import get_for_partnership_or_404
from policy.models import BreachReport, PolicyRevision, PolicySuggestion, PolicyVersion, PolicyVote


def policy_versions(partnership: Partnership) -> QuerySet[PolicyVersion]:
    """The policy's history, newest first, without the texts."""
    return (
        PolicyVersion.objects.for_partnership(partnership)
        .select_related("revision")
        .only("number", "effective_at", "partnership_id", "revision__title", "revision__id")
        .order_by("-number")
    )


def version_for(member: Member, number) -> PolicyVersion:
    """One version of the member's partnership's policy by its number, or 404."""
    return get_for_partnership_or_404(PolicyVersion.objects, member.partnership, number=number)


def revisions_for(member: Member) -> QuerySet[PolicyRevision]:
    """The revisions a member may read (drafts are leadership's), with the member's own vote."""
    mine = PolicyVote.objects.filter(revision=OuterRef("pk"), member=member)
    rows = (
        PolicyRevision.objects.for_partnership(member.partnership)
        .select_related("proposed_by")
        .defer("text", "rationale", "settings")
        .annotate(my_vote=Subquery(mine.values("choice")[:1]))
        .order_by("-created_at", "-pk")
    )
    if not member.is_leadership:
        rows = rows.exclude(status=PolicyRevision.Status.DRAFT)
    return rows


def revision_for(member: Member, pk) -> PolicyRevision:
    """One revision the member may read (a draft only to leadership), or 404."""
    rows = PolicyRevision.objects.select_related("proposed_by", "base_version")
    if not member.is_leadership:
        rows = rows.exclude(status=PolicyRevision.Status.DRAFT)
    return get_for_partnership_or_404(rows, member.partnership, pk=pk)


def votable_revisions(member: Member, now) -> list[PolicyRevision]:
    """Revisions open for the member's vote now, soonest to close first, with their vote."""
    if not member.is_active:
        return []
    mine = PolicyVote.objects.filter(revision=OuterRef("pk"), member=member)
    return list(
        PolicyRevision.objects.for_partnership(member.partnership)
        .filter(
            status=PolicyRevision.Status.VOTING,
            voting_opens_at__lte=now,
            voting_closes_at__gt=now,
        )
        .only("title", "voting_closes_at", "voting_opens_at", "status", "partnership_id")
        .annotate(my_vote=Subquery(mine.values("choice")[:1]))
        .order_by("voting_closes_at")
    )


def suggestions_for(member: Member, status: str = "") -> QuerySet[PolicySuggestion]:
    """Leadership reads every suggestion; a member reads their own."""
    rows = (
        PolicySuggestion.objects.for_partnership(member.partnership)
        .select_related("author", "revision")
        .only(
            "kind",
            "body",
            "status",
            "response",
            "created_at",
            "partnership_id",
            "author__display_name",
            "author__slug",
            "revision__title",
            "revision__status",
        )
        .order_by("-created_at", "-pk")
    )
    if not member.is_leadership:
        rows = rows.filter(author=member)
    if status in PolicySuggestion.Status.values:
        rows = rows.filter(status=status)
    return rows


def suggestion_for(leader: Member, pk) -> PolicySuggestion:
    """One suggestion of the leader's partnership, for leadership to answer, or 404."""
    return get_for_partnership_or_404(PolicySuggestion.objects, leader.partnership, pk=pk)


def breach_reports_for(leader: Member, status: str = "") -> QuerySet[BreachReport]:
    """Leadership's reports, except any that concern the leader reading them."""
    rows = (
        BreachReport.objects.for_partnership(leader.partnership)
        .exclude(subject_member=leader)
        .select_related("subject_member")
        .order_by("-created_at", "-pk")
    )
    if status in BreachReport.Status.values:
        rows = rows.filter(status=status)
    return rows


def report_for(leader: Member, pk) -> BreachReport:
    """One breach report the leader may handle (never one about themselves), or 404."""
    rows = BreachReport.objects.exclude(subject_member=leader).select_related(
        "subject_member", "reporter"
    )
    return get_for_partnership_or_404(rows, leader.partnership, pk=pk)


def breach_reports_by(member: Member) -> QuerySet[BreachReport]:
    """The reports a member sent with their name (anonymous ones are nobody's), newest first."""
    return (
        BreachReport.objects.for_partnership(member.partnership)
        .filter(reporter=member)
        .select_related("subject_member")
        .order_by("-created_at", "-pk")
    )


def reportable_members(partnership: Partnership, *, excluding: Member | None) -> QuerySet[Member]:
    """Whom a breach report may concern: the directory's members, not the reporter."""
    rows = listed_members(partnership=partnership)
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows.only("display_name", "partnership_id").order_by("display_name")
