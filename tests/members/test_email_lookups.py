"""Addresses are compared in lower case, as `lower(email)`, so the indexes on Lower("email")
answer the lookup (`email__iexact` compiles to UPPER(...), which no index serves)."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from members import services
from members.models import User
from tests.members.factories import InvitationFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def sql_of(queries) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def test_a_member_is_found_by_address_whatever_its_case(partnership):
    MemberFactory(partnership=partnership, user__email="taken@example.com")

    refused = pytest.raises(services.MembershipRefused, match="already a member")
    with CaptureQueriesContext(connection) as queries, refused:
        services.check_can_invite(partnership=partnership, email=" Taken@Example.COM ")

    assert 'LOWER("members_user"."email") = ' in sql_of(queries)
    assert "UPPER" not in sql_of(queries)


def test_a_pending_invitation_is_found_by_address_whatever_its_case(partnership):
    InvitationFactory(partnership=partnership, email="pending@example.com")

    refused = pytest.raises(services.MembershipRefused, match="already has a pending invitation")
    with CaptureQueriesContext(connection) as queries, refused:
        services.check_can_invite(partnership=partnership, email="Pending@Example.com")

    assert 'LOWER("members_invitation"."email") = ' in sql_of(queries)
    assert "UPPER" not in sql_of(queries)


def use_indexes_only():
    # Tiny test tables are cheapest to scan; forbid that so the plan shows which index serves.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def test_the_lower_case_index_serves_the_account_lookup():
    use_indexes_only()
    plan = User.objects.filter(email__lower="taken@example.com").explain()
    assert "unique_user_email_lower" in plan


def test_one_account_per_address_whatever_its_case():
    UserFactory(email="nina@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="Nina@Example.com")
