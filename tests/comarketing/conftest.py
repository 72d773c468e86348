"""The two partners most co-marketing tests need, and their active connection. A test module
overrides `lender` or `agent` when it needs other details (opt-ins, consent). The media tests
store uploads under the test's own MEDIA_ROOT (`_media_root`)."""

import pytest
from django.utils import timezone

from comarketing.models import Status
from tests.comarketing.factories import ConnectionFactory
from tests.members.factories import CompanyFactory, MemberFactory


@pytest.fixture
def lender(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Lena Lender",
        kind="lender",
        job_title="Loan Officer",
        cell_phone="(512) 555-0199",
        office_phone="(512) 555-0198",
        company=CompanyFactory(partnership=partnership, name="Summit Mortgage"),
    )


@pytest.fixture
def agent(partnership):
    # Invited partners are not listed in the directory until leadership lists them.
    return MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        kind="agent",
        job_title="Realtor",
        cell_phone="(512) 555-0100",
        office_phone="(512) 555-0111",
        street_address="100 Congress Ave",
        city="Austin",
        state="TX",
        postal_code="78701",
        is_listed=False,
        company=CompanyFactory(partnership=partnership, name="Hill Country Realty"),
    )


@pytest.fixture
def connection(partnership, lender, agent):
    return ConnectionFactory(
        partnership=partnership,
        lender=lender,
        partner=agent,
        email=agent.email,
        status=Status.ACTIVE,
        accepted_at=timezone.now(),
    )


# --- Co-branded media (test_media_*.py) -----------------------------------------------------------


@pytest.fixture
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
