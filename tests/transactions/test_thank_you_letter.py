"""The post-close thank-you letter: the portal's draft, the leader's edits of its personal part,
the paragraphs the policy requires (added from the records), the email in the partnership's
format, the mailing address, and the printable PDF."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from leads.services import LeadRefused
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.services import suppress
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory
from tests.transactions.transaction_builders import Committee
from transactions.letter_pdf import render_letter_pdf
from transactions.letters import draft_letter_text, required_paragraphs
from transactions.models import Disclosure, PostCloseStep, ThankYouLetter, TransactionEvent
from transactions.services.thank_you import (
    draft_letter,
    edit_letter,
    record_letter_mailed,
    send_letter,
    set_mailing_address,
)

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
CLOSED_AT = datetime.datetime(2025, 3, 3, 15, 0, tzinfo=LA)


@pytest.fixture
def people(partnership, time_machine):
    time_machine.move_to(CLOSED_AT, tick=False)
    partnership.timezone = "America/Los_Angeles"
    partnership.save()
    return Committee(partnership)


@pytest.fixture
def closed(people):
    return people.close(property_address="48 Willow Lane, Austin, TX 78704")


def letter_step(transaction) -> PostCloseStep:
    return PostCloseStep.objects.get(
        transaction=transaction, kind=PostCloseStep.Kind.THANK_YOU_LETTER
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_draft_is_the_leaders_personal_part(closed):
    text = draft_letter_text(closed)
    assert text.startswith("Dear Dana Customer,\n\nThank you for trusting me and the Pinnacle ")
    assert "your home purchase of 48 Willow Lane, Austin, TX 78704" in text
    assert text.endswith("congratulations on your closing.")
    # What the policy requires is not the leader's to edit: it is not in the draft.
    assert "transactional or informational" not in text


def test_every_letter_offers_help_and_asks_for_a_referral_from_the_records(people, closed):
    offer, referral = required_paragraphs(closed)
    # policy: help with their next real-estate need "whether transactional or informational".
    assert "your next real-estate need, whether transactional or informational" in offer
    # policy: a referral ask, offering the leader's specialization to someone who needs it.
    assert referral.startswith(
        "As a Pinnacle Partnerships partner member, I specialize in helping first-time buyers "
        "find their footing. If you know someone who could use that help"
    )
    people.alice.specialization = "downsizing after the kids move out"
    people.alice.save()
    closed.refresh_from_db()
    assert "I specialize in downsizing after the kids move out." in required_paragraphs(closed)[1]


def test_an_edit_cannot_take_the_required_paragraphs_out(people, closed):
    edit_letter(transaction=closed, actor=people.alice, body="Dear Dana,\n\nThanks for all!")
    send_letter(transaction=closed, actor=people.alice)
    delivery.deliver(OutboxMessage.objects.get(template="leads/thank_you_letter").pk)
    (sent,) = mail.outbox
    body = " ".join(sent.body.split())
    assert body.index("Thanks for all!") < body.index("whether transactional or informational")
    assert "I specialize in helping first-time buyers find their footing" in body
    assert body.index("I specialize in") < body.index("Warm regards,")
    assert "whether transactional or informational" in sent.alternatives[0][0]
    pdf = " ".join(pdf_text(render_letter_pdf(ThankYouLetter.objects.get())).split())
    assert "Thanks for all!" in pdf
    assert "whether transactional or informational" in pdf
    assert "I specialize in helping first-time buyers find their footing" in pdf


def test_the_leader_edits_the_draft(people, closed):
    letter = draft_letter(transaction=closed)
    assert letter.body == draft_letter_text(closed)
    edit_letter(transaction=closed, actor=people.alice, body="  Dear Dana,\n\nThank you!  ")
    letter.refresh_from_db()
    assert letter.body == "Dear Dana,\n\nThank you!"
    assert letter.edited_by == people.alice
    with pytest.raises(LeadRefused, match="Write the letter before saving it"):
        edit_letter(transaction=closed, actor=people.alice, body=" \n ")


@pytest.mark.parametrize("who", ["larry", "lee", "nora"])
def test_only_the_leader_edits_and_sends_the_letter(people, closed, who):
    actor = getattr(people, who)
    with pytest.raises(LeadRefused, match="Only the transaction's leader, Alice Agent, edits"):
        edit_letter(transaction=closed, actor=actor, body="Hello")
    with pytest.raises(LeadRefused, match="Only the transaction's leader, Alice Agent, sends"):
        send_letter(transaction=closed, actor=actor)
    assert not OutboxMessage.objects.filter(template="leads/thank_you_letter").exists()


def test_a_team_without_a_leader_is_told_who_sends_it(people):
    transaction = people.close(leader=None)
    with pytest.raises(LeadRefused, match="The team has no leader yet"):
        send_letter(transaction=transaction, actor=people.larry)


def test_the_leader_emails_the_letter_once_in_the_partnerships_format(people, closed):
    edit_letter(
        transaction=closed,
        actor=people.alice,
        body=draft_letter_text(closed) + "\n\nEnjoy the new porch!",
    )
    send_letter(transaction=closed, actor=people.alice)

    letter = ThankYouLetter.objects.get()
    assert letter.sent_at == CLOSED_AT and letter.sent_by == people.alice
    step = letter_step(closed)
    assert step.completed_at == CLOSED_AT and step.completed_by == people.alice
    assert TransactionEvent.objects.filter(
        transaction=closed, summary="Thank-you letter emailed to Dana Customer"
    ).exists()

    message = OutboxMessage.objects.get(template="leads/thank_you_letter")
    assert message.idempotency_key == f"thank-you:transaction:{closed.pk}"
    delivery.deliver(message.pk)
    (sent,) = mail.outbox
    assert sent.to == ["dana@example.com"]
    assert sent.from_email.startswith("Alice Agent <")
    assert sent.reply_to == [people.alice.email]
    assert sent.subject == "Thank you, Dana Customer"
    assert "whether transactional or informational" in sent.body
    assert "Enjoy the new porch!" in sent.body
    assert "Cell 512-555-0101" in sent.body  # the leader's signature with contact details
    html = sent.alternatives[0][0]
    partnership = people.partnership
    assert f'src="{partnership.seal_url}"' in html
    assert f'href="{partnership.website_url}"' in html
    # It asks for referrals: it carries the one-click opt-out.
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Opt out of future outreach" in sent.body

    with pytest.raises(LeadRefused, match="already emailed to Dana Customer"):
        send_letter(transaction=closed, actor=people.alice)
    with pytest.raises(LeadRefused, match="can no longer be changed"):
        edit_letter(transaction=closed, actor=people.alice, body="Something else")


def test_a_hard_bounced_address_is_refused_and_the_letter_stays_printable(people, closed):
    suppress(
        partnership=people.partnership,
        email="DANA@example.com",
        reason=Suppression.Reason.BOUNCED,
        source=Suppression.Source.ESP,
    )
    client = client_for(people.partnership, people.alice)
    url = f"/transactions/{closed.pk}/post-close/letter/"
    response = client.post(
        url,
        {"body": "Dear Dana,\n\nThank you.", "mailing_address": "48 Willow Lane", "action": "send"},
    )

    assert response.status_code == 400
    assert "dana@example.com gets no outreach from Pinnacle Partnerships members" in response.text
    assert "Print the letter and mail it instead" in response.text
    letter = ThankYouLetter.objects.get()
    assert letter.body == "Dear Dana,\n\nThank you." and letter.sent_at is None  # edit kept
    assert letter_step(closed).completed_at is None
    pdf = client.get(f"/transactions/{closed.pk}/post-close/letter.pdf")
    assert pdf.status_code == 200
    assert "Thank you." in pdf_text(pdf.content)

    # Mailing the printed letter is the other way the policy allows.
    record_letter_mailed(transaction=closed, actor=people.alice)
    letter.refresh_from_db()
    assert letter.mailed_at == CLOSED_AT
    assert letter_step(closed).completed_at == CLOSED_AT
    with pytest.raises(LeadRefused, match="already recorded as mailed"):
        record_letter_mailed(transaction=closed, actor=people.alice)
    with pytest.raises(LeadRefused, match="can no longer be changed"):
        edit_letter(transaction=closed, actor=people.alice, body="Another text")


def test_only_the_leader_records_the_printed_letter_as_mailed(people, closed):
    response = client_for(people.partnership, people.larry).post(
        f"/transactions/{closed.pk}/post-close/letter/mailed/", follow=True
    )
    assert "Only the transaction&#x27;s leader, Alice Agent" in response.text
    assert letter_step(closed).completed_at is None


def test_the_leader_saves_and_sends_from_the_page(people, closed):
    client = client_for(people.partnership, people.alice)
    url = f"/transactions/{closed.pk}/post-close/letter/"
    page = client.get(f"/transactions/{closed.pk}/post-close/").text
    textarea = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "Thank you for trusting me" in textarea  # the draft, prefilled
    # The required paragraphs are shown read-only, outside what the leader edits.
    assert "whether transactional or informational" not in textarea
    assert "whether transactional or informational" in page
    assert "I specialize in helping first-time buyers find their footing" in page

    assert client.post(url, {"body": "", "action": "save"}).status_code == 400
    assert client.post(url, {"body": "Dear Dana", "action": "publish"}).status_code == 400
    response = client.post(url, {"body": "Dear Dana,\n\nThanks!", "action": "save"}, follow=True)
    assert "Your letter was saved." in response.text
    assert ThankYouLetter.objects.get().sent_at is None

    response = client.post(url, {"body": "Dear Dana,\n\nThanks!", "action": "send"}, follow=True)
    assert "Your letter was emailed to Dana Customer." in response.text
    assert "Emailed to dana@example.com" in response.text
    # The letter is final; only where the printed one goes can still be said.
    assert 'name="body"' not in response.text
    assert 'name="mailing_address"' in response.text


def test_the_pdf_has_the_letterhead_the_customer_the_body_and_the_signature(people, closed):
    letter = draft_letter(transaction=closed)
    text = pdf_text(render_letter_pdf(letter))
    for expected in [
        "Pinnacle Partnerships",
        "https://www.pinnaclepartnerships.example",
        "March 3, 2025",
        "Dana Customer",
        "48 Willow Lane, Austin, TX 78704",
        "Dear Dana Customer,",
        "transactional or informational",
        "Warm regards,",
        "Alice Agent, Realtor",
        "Cell 512-555-0101",
        people.alice.email,
        "Pinnacle Partnerships partner member",
    ]:
        assert expected in " ".join(text.split()), expected
    # The letterhead carries the seal (the default one: none uploaded).
    assert len(PdfReader(io.BytesIO(render_letter_pdf(letter))).pages[0].images) == 1


def test_the_pdf_uses_the_partnerships_own_seal(people, closed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(image, format="PNG")
    people.partnership.seal.save("seal.png", ContentFile(image.getvalue()))
    letter = draft_letter(transaction=closed)
    letter.transaction.partnership = people.partnership
    (seal,) = PdfReader(io.BytesIO(render_letter_pdf(letter))).pages[0].images
    assert seal.image.size == (40, 40)


def test_the_pdf_is_dated_the_day_it_was_emailed(people, closed, time_machine):
    send_letter(transaction=closed, actor=people.alice)
    time_machine.move_to(CLOSED_AT + datetime.timedelta(days=20))
    assert "March 3, 2025" in pdf_text(render_letter_pdf(ThankYouLetter.objects.get()))


def test_text_that_looks_like_markup_is_printed_as_written(people, closed):
    edit_letter(
        transaction=closed, actor=people.alice, body="Dear Dana & Sam <family>,\n\n<b>Thanks</b>"
    )
    text = pdf_text(render_letter_pdf(ThankYouLetter.objects.get()))
    assert "Dear Dana & Sam <family>," in text and "<b>Thanks</b>" in text


@pytest.mark.parametrize("who", ["alice", "larry", "lee"])
def test_the_leader_the_team_and_leadership_get_the_pdf(people, closed, who):
    response = client_for(people.partnership, getattr(people, who)).get(
        f"/transactions/{closed.pk}/post-close/letter.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="thank-you-dana-customer.pdf"'
    assert not ThankYouLetter.objects.exists()  # looking at the draft saves nothing


def test_nobody_else_gets_the_pdf(people, closed, other_partnership):
    url = f"/transactions/{closed.pk}/post-close/letter.pdf"
    assert client_for(people.partnership, people.nora).get(url).status_code == 404
    outsider = LeadershipFactory(partnership=other_partnership)
    assert client_for(other_partnership, outsider).get(url).status_code == 404
    # A customer's written authorization to disclose covers the transaction, not this letter.
    Disclosure.objects.create(
        partnership=people.partnership,
        transaction=closed,
        grantee_name="Nora Outsider",
        grantee_member=people.nora,
        scope="The closing date",
        valid_until=datetime.date(2025, 12, 31),
        signed_document=ContentFile(b"%PDF-1.4", name="authorization.pdf"),
        recorded_by=people.lee,
    )
    assert client_for(people.partnership, people.nora).get(url).status_code == 404


# The mailing address of the printed letter


def test_a_purchases_letter_is_addressed_to_the_new_home(closed):
    assert draft_letter(transaction=closed).mailing_address == "48 Willow Lane, Austin, TX 78704"


@pytest.mark.parametrize("kind", ["sell", "refinance", "other"])
def test_other_letters_wait_for_the_leader_to_give_the_address(people, kind):
    transaction = people.close(kind=kind, property_address="48 Willow Lane, Austin, TX 78704")
    assert draft_letter(transaction=transaction).mailing_address == ""
    page = client_for(people.partnership, people.alice).get(
        f"/transactions/{transaction.pk}/post-close/"
    )
    assert "Save the mailing address to print it on the letter" in page.text
    assert f'action="/transactions/{transaction.pk}/post-close/letter/mailed/"' not in page.text
    with pytest.raises(LeadRefused, match="Add the mailing address before recording"):
        record_letter_mailed(transaction=transaction, actor=people.alice)
    assert letter_step(transaction).completed_at is None


def test_the_pdf_is_addressed_to_the_mailing_address(people):
    transaction = people.close(kind="sell", property_address="48 Willow Lane, Austin, TX 78704")
    edit_letter(
        transaction=transaction,
        actor=people.alice,
        body=draft_letter_text(transaction),
        mailing_address="  1200 Barton Springs Rd, Apt 4 \n\n Austin, TX 78704  ",
    )
    letter = ThankYouLetter.objects.get()
    assert letter.mailing_address == "1200 Barton Springs Rd, Apt 4\nAustin, TX 78704"
    text = pdf_text(render_letter_pdf(letter))
    block = text[text.index("Dana Customer") : text.index("Dear Dana Customer,")]
    assert block.split("\n")[:3] == [
        "Dana Customer",
        "1200 Barton Springs Rd, Apt 4",
        "Austin, TX 78704",
    ]
    record_letter_mailed(transaction=transaction, actor=people.alice)
    assert letter_step(transaction).completed_at == CLOSED_AT


def test_the_address_can_be_given_after_emailing_until_the_letter_is_mailed(people):
    transaction = people.close(kind="refinance")
    send_letter(transaction=transaction, actor=people.alice)
    client = client_for(people.partnership, people.alice)
    url = f"/transactions/{transaction.pk}/post-close/letter/"
    response = client.post(
        url, {"action": "address", "mailing_address": "9 Elm St\nAustin, TX"}, follow=True
    )
    assert "The mailing address was saved." in response.text
    assert ThankYouLetter.objects.get().mailing_address == "9 Elm St\nAustin, TX"
    assert client.post(url, {"action": "address", "mailing_address": "x" * 301}).status_code == 400

    record_letter_mailed(transaction=transaction, actor=people.alice)
    with pytest.raises(LeadRefused, match="already mailed to this address"):
        set_mailing_address(transaction=transaction, actor=people.alice, mailing_address="Else")
    response = client.post(url, {"action": "address", "mailing_address": "Else"})
    assert response.status_code == 400
    assert "already mailed to this address" in response.text
    assert ThankYouLetter.objects.get().mailing_address == "9 Elm St\nAustin, TX"


@pytest.mark.parametrize("who", ["larry", "lee"])
def test_only_the_leader_addresses_the_letter(people, closed, who):
    with pytest.raises(LeadRefused, match="Only the transaction's leader, Alice Agent, addresses"):
        set_mailing_address(transaction=closed, actor=getattr(people, who), mailing_address="X")


def test_the_service_bounds_the_letter_for_any_caller(people, closed):
    draft_letter(transaction=closed)
    with pytest.raises(LeadRefused, match="Keep the letter to 10,000"):
        edit_letter(transaction=closed, actor=people.alice, body="x" * 10_001)
