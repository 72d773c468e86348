"""Helpers shared by the referral tests (test_referrals_*.py): recording a referral received."""

from advocates.services import referrals as services


def receive(contact, **extra):
    fields = {"person_name": "Dan Buyer", "person_email": "Dan@Example.org"}
    return services.record_referral_received(contact=contact, **{**fields, **extra})
