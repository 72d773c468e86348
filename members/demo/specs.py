"""The shape of the demo's data: a partnership, its companies and its members, as seeds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from members.models import Member

Category = Member.ServiceCategory
KIND_BY_CATEGORY = {Category.REAL_ESTATE: Member.Kind.AGENT, Category.MORTGAGE: Member.Kind.LENDER}

# License-number formats by service category ("{n}" is a stable number derived from the name);
# agents' formats depend on the state and are set per partnership.
LICENSE_FORMATS = {
    Category.MORTGAGE: "NMLS #{n:07d}",
    Category.INSPECTION: "Inspector #{n:05d}",
    Category.APPRAISAL: "Certified Residential #{n:07d}",
    Category.INSURANCE: "Agent License #{n:07d}",
    Category.ATTORNEY: "State Bar #{n:08d}",
    Category.TITLE: "Escrow Officer #{n:06d}",
    Category.MOVING: "USDOT {n:07d}",
}


@dataclass(frozen=True)
class CompanySeed:
    name: str
    website: str
    phone: str
    street: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True)
class MemberSeed:
    name: str
    company: str
    category: str
    title: str
    specialization: str
    bio: str
    areas: tuple[str, ...]
    languages: tuple[str, ...] = ("English",)
    email: str = ""  # demo logins; everyone else is firstname.lastname@example.com
    leadership: bool = False
    listed: bool = True
    complete: bool = True  # False leaves MLS id, license and office phone blank (a new member)


@dataclass(frozen=True)
class PartnershipSeed:
    slug: str
    name: str
    website: str
    seal: dict
    timezone: str
    mls_market: str
    area_code: str
    agent_license: str
    companies: tuple[CompanySeed, ...]
    members: tuple[MemberSeed, ...]
    first_joined: datetime.date = datetime.date(2021, 3, 1)
