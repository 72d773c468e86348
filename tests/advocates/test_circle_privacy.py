"""Privacy of a member's inner circle: what leadership could read of it outside the
advocates pages (the admin's outbox and suppression list) and on a leadership experiment."""

import pytest
from django.urls import reverse

from advocates.services.emails import send_contact_email
from advocates.services.experiments import note_feedback
from advocates.services.surveys import send_survey
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import opt_out, queue_email
from tests.advocates.factories import (
    AssignmentFactory,
    ContactFactory,
    ExperimentFactory,
    ReferralFactory,
    RewardFactory,
    RewardRuleFactory,
)
from tests.conftest import client_for
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

NONCE = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def carol(member):
    return ContactFactory(owner=member, name="Carol Advocate", email="carol@example.net")


def test_leadership_does_not_read_a_members_inner_circle_mail_in_the_admin(
    member, carol, leader_client
):
    send_contact_email(
        member=member, contact=carol, subject="Lunch with Carol?", body="Hi Carol", nonce=NONCE
    )
    send_survey(owner=member, name="Carol Advocate", email="carol@example.net", contact=carol)
    # The partnership's other mail stays in leadership's outbox.
    queue_email(
        partnership=member.partnership,
        key="notice:1",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hello there", "body": "Body"},
    )
    private = OutboxMessage.objects.filter(template__startswith="advocates/")
    assert private.count() == 2

    listing = leader_client.get("/admin/mail/outboxmessage/")

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1 and "Hello there" in listing.text
    assert "carol@example.net" not in listing.text and "Lunch with Carol" not in listing.text
    searched = leader_client.get("/admin/mail/outboxmessage/", {"q": "carol@example.net"})
    assert searched.context["cl"].result_count == 0
    for message in private:
        page = leader_client.get(f"/admin/mail/outboxmessage/{message.pk}/change/")
        assert page.status_code == 302  # as for a row that is not there


def test_an_opt_out_from_a_members_email_does_not_show_its_subject_to_leadership(
    member, carol, leader_client
):
    interaction = send_contact_email(
        member=member, contact=carol, subject="Lunch with Carol?", body="Hi Carol", nonce=NONCE
    )
    suppression = opt_out(
        partnership=member.partnership,
        email=carol.email,
        source="link",
        message_id=interaction.message_id,
    )

    page = leader_client.get(f"/admin/mail/suppression/{suppression.pk}/change/")

    assert page.status_code == 200
    assert "Lunch with Carol" not in page.text
    assert "A member&#x27;s own message to a contact" in page.text


def test_leadership_reads_only_counts_of_the_feedback_in_its_experiment(
    partnership, member, leader
):
    experiment = ExperimentFactory(owner=None, partnership=partnership)
    carol = ContactFactory(owner=member, name="Carol Advocate")
    AssignmentFactory(experiment=experiment, contact=carol, group="A")
    note_feedback(
        actor=member,
        experiment=experiment,
        contact=carol,
        text="Carol would rather have a spa day than cash",
    )

    page = client_for(partnership, leader).get(
        reverse("advocates_experiment", args=[experiment.pk])
    )

    assert page.status_code == 200
    assert "spa day" not in page.text and "Carol" not in page.text
    assert "1 note from group A" in page.text


def test_a_member_still_reads_the_feedback_in_their_own_experiment(member, member_client):
    experiment = ExperimentFactory(owner=member)
    carol = ContactFactory(owner=member, name="Carol Advocate")
    AssignmentFactory(experiment=experiment, contact=carol, group="B")
    note_feedback(actor=member, experiment=experiment, contact=carol, text="Prefers a percentage")

    page = member_client.get(reverse("advocates_experiment", args=[experiment.pk]))

    assert "Prefers a percentage" in page.text and "Carol Advocate" in page.text


def test_the_member_reads_what_they_noted_for_a_leadership_experiment_on_the_contact(
    partnership, member, member_client
):
    experiment = ExperimentFactory(owner=None, partnership=partnership)
    carol = ContactFactory(owner=member, name="Carol Advocate")
    AssignmentFactory(experiment=experiment, contact=carol, group="A")
    note_feedback(actor=member, experiment=experiment, contact=carol, text="Would rather a spa day")

    page = member_client.get(reverse("advocates_contact", args=[carol.pk]))

    assert "Would rather a spa day" in page.text
    assert "Leadership sees only how many notes" in page.text


def test_a_referral_shows_on_the_lead_as_the_members_without_naming_the_contact(
    partnership, member, leader
):
    """The lead is the partnership's (every member reads the intake), so its page says which
    member entered the referral; who in their circle referred the person, and the member's
    note, stay in the circle."""
    from advocates.services.referrals import record_referral_received
    from leads.models import Lead

    carol = ContactFactory(owner=member, name="Carol Advocate", email="carol@example.net")
    record_referral_received(
        contact=carol,
        person_name="Dan Buyer",
        person_email="dan@example.org",
        note="Carol's neighbour, recently divorced",
    )
    lead = Lead.objects.get()
    colleague = MemberFactory(partnership=partnership)

    for viewer in (colleague, leader):
        client = client_for(partnership, viewer)
        for url in (reverse("lead_detail", args=[lead.pk]), reverse("lead_list")):
            page = client.get(url)
            assert page.status_code == 200
            assert "Carol" not in page.text and "divorced" not in page.text
            assert "carol@example.net" not in page.text
        detail = client.get(reverse("lead_detail", args=[lead.pk])).text
        assert "Entered by" in detail and member.display_name in detail
    export = client_for(partnership, leader).get(reverse("lead_export"))
    exported = b"".join(export.streaming_content).decode()
    assert "dan@example.org" in exported and "Carol" not in exported
    assert "divorced" not in exported


# Every advocates URL that names an object, built for one member of this very partnership.
def _contact(partnership):
    return ContactFactory(owner=MemberFactory(partnership=partnership))


def _enrollment(partnership):
    from advocates.services.plans import enroll

    return enroll(
        contact=_contact(partnership), kind="eight_by_eight", starts_on=partnership.today()
    )


def _same_partnership_objects():
    contact = lambda p: {"pk": _contact(p).pk}  # noqa: E731 - builders, one line each
    referral = lambda p: {"pk": ReferralFactory(contact=_contact(p)).pk}  # noqa: E731
    rule = lambda p: {"pk": RewardRuleFactory(owner=MemberFactory(partnership=p)).pk}  # noqa: E731
    touch = lambda p: {"pk": _enrollment(p).touches.filter(is_email=True).first().pk}  # noqa: E731
    # A member's own experiment is nobody else's (leadership's are leadership's to open).
    experiment = lambda p: {  # noqa: E731
        "pk": ExperimentFactory(owner=MemberFactory(partnership=p)).pk
    }
    return {
        **dict.fromkeys(
            (
                "referral_detail",
                "referral_stage",
                "referral_email",
                "referral_progress_note",
                "referral_dismiss_note",
                "referral_give_reward",
            ),
            referral,
        ),
        "reward_rule_edit": rule,
        "reward_rule_deactivate": rule,
        "reward_redeemed": lambda p: {"pk": RewardFactory(contact=_contact(p)).pk},
        **dict.fromkeys(
            (
                "advocates_contact",
                "advocates_contact_edit",
                "advocates_contact_delete",
                "advocates_contact_move",
                "advocates_contact_log",
                "advocates_contact_history",
                "advocates_contact_email",
                "advocates_contact_survey",
            ),
            contact,
        ),
        **dict.fromkeys(
            ("advocates_touch_done", "advocates_touch_email", "advocates_touch_acknowledge"),
            touch,
        ),
        "advocates_enrollment_cancel": lambda p: {"pk": _enrollment(p).pk},
        "advocates_enroll": lambda p: {"contact_pk": _contact(p).pk},
        **dict.fromkeys(
            ("advocates_experiment", "advocates_experiment_feedback", "advocates_experiment_end"),
            experiment,
        ),
    }


@pytest.mark.parametrize("name", sorted(_same_partnership_objects()))
def test_another_member_and_leadership_get_404_for_a_members_objects(
    name, partnership, member, leader
):
    url = reverse(name, kwargs=_same_partnership_objects()[name](partnership))
    for viewer in (member, leader):
        client = client_for(partnership, viewer)
        responses = {m: getattr(client, m)(url).status_code for m in ("get", "post")}
        assert set(responses.values()) <= {404, 405}, (viewer, responses)
        assert 404 in responses.values(), (viewer, responses)
