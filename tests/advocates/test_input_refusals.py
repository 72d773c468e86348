"""Bad input on contacts, interactions and experiments: each answered with a clear refusal,
never a server error, and nothing stored."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from advocates.models import Contact, Experiment, Interaction
from advocates.services import AdvocatesRefused
from advocates.services.contacts import create_contact, record_interaction
from advocates.services.experiments import start_experiment
from tests.advocates.factories import ContactFactory

pytestmark = pytest.mark.django_db

# 268 characters: a valid address by its form, too long for the varchar(254) column.
LONG_EMAIL = f"{'a' * 60}@{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 20}.org"


def test_an_email_too_long_to_store_is_refused_on_the_contact_form(member, member_client):
    response = member_client.post(
        reverse("advocates_contact_new"),
        {"name": "Long Address", "segment": "advocates", "email": LONG_EMAIL},
    )

    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_an_email_too_long_to_store_is_refused_when_editing(member, member_client):
    contact = ContactFactory(owner=member, email="short@example.net")

    response = member_client.post(
        reverse("advocates_contact_edit", args=[contact.pk]),
        {"name": contact.name, "email": LONG_EMAIL},
    )

    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.email == "short@example.net"


def test_an_email_too_long_to_store_is_a_row_error_in_the_import_preview(member, member_client):
    data = f"name,email\nLong Address,{LONG_EMAIL}\n".encode()

    response = member_client.post(
        reverse("advocates_import"),
        {"file": SimpleUploadedFile("circle.csv", data, content_type="text/csv")},
    )

    body = response.content.decode()
    assert 'name="token"' not in body  # nothing to confirm
    assert "too long" in body
    assert not Contact.objects.exists()


def test_the_service_refuses_an_email_too_long_to_store(member):
    with pytest.raises(AdvocatesRefused, match="too long"):
        create_contact(owner=member, name="Long Address", email=LONG_EMAIL)


@pytest.mark.parametrize("zone", ["Pacific/Pago_Pago", "Pacific/Kiritimati", "America/Chicago"])
def test_an_interaction_in_year_one_is_refused_and_the_page_still_opens(
    member, member_client, partnership, zone
):
    # Year 1 in a zone whose old offset is ahead of UTC is a timestamp before year 1, which
    # PostgreSQL stores and Python cannot read back: the contact's page would fail for good.
    partnership.timezone = zone
    partnership.save(update_fields=["timezone"])
    contact = ContactFactory(owner=member)

    response = member_client.post(
        reverse("advocates_contact_log", args=[contact.pk]),
        {"kind": "call", "occurred_at": "0001-01-01 00:00"},
    )

    assert response.status_code == 400
    assert "2000" in response.content.decode()
    assert not Interaction.objects.exists()
    assert member_client.get(reverse("advocates_contact", args=[contact.pk])).status_code == 200


def test_the_service_refuses_an_interaction_before_2000(member):
    contact = ContactFactory(owner=member)
    long_ago = datetime.datetime(1999, 12, 31, 12, tzinfo=datetime.UTC)

    with pytest.raises(AdvocatesRefused, match="2000"):
        record_interaction(contact=contact, kind="call", occurred_at=long_ago)
    assert not Interaction.objects.exists()


def _experiment_form(**fields):
    return {
        "name": "Late experiment",
        "fixed_reward": "250",
        "variable_rate": "0.10",
        "segments": ["advocates"],
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_on": "9999-12-01"},
        {"starts_on": "9999-11-30", "ends_on": "9999-12-31"},
        {"starts_on": "0001-01-01"},
    ],
)
def test_an_experiment_at_the_end_of_the_calendar_is_a_form_error(member, member_client, fields):
    for _n in range(4):
        ContactFactory(owner=member, segment="advocates")

    response = member_client.post(reverse("advocates_experiment_new"), _experiment_form(**fields))

    assert response.status_code == 400
    assert re.search(r"2000.*2100", response.content.decode())
    assert not Experiment.objects.exists()


def test_the_service_refuses_an_experiment_near_the_end_of_the_calendar(member):
    for _n in range(4):
        ContactFactory(owner=member, segment="advocates")

    with pytest.raises(AdvocatesRefused, match="2100"):
        start_experiment(
            actor=member,
            name="Late",
            starts_on=datetime.date(9999, 12, 1),
            fixed_reward=250,
            variable_rate="0.10",
            segments=["advocates"],
        )
    assert not Experiment.objects.exists()
