"""Harbor Point Alliance, the demo's second partnership: Tampa Bay, Florida."""

from __future__ import annotations

import datetime

from members.demo.specs import Category, CompanySeed, MemberSeed, PartnershipSeed

TAMPA_COMPANIES = (
    CompanySeed("Bayshore Realty Partners", "https://bayshorerealty.example.com",
                "(813) 555-0100", "2202 N Westshore Blvd, Suite 200", "Tampa", "FL", "33607"),
    CompanySeed("Gulf Gate Mortgage", "https://gulfgatemortgage.example.com", "(727) 555-0101",
                "100 2nd Ave S, Suite 400", "St. Petersburg", "FL", "33701"),
    CompanySeed("Sunshine Coast Title", "https://sunshinecoasttitle.example.com",
                "(727) 555-0102", "600 Cleveland St", "Clearwater", "FL", "33755"),
    CompanySeed("Seawall Home Inspections", "https://seawallinspections.example.com",
                "(813) 555-0103", "420 W Brandon Blvd", "Brandon", "FL", "33511"),
)  # fmt: skip

TAMPA_MEMBERS = (
    MemberSeed(
        "Dana Whitmore", "Bayshore Realty Partners", Category.REAL_ESTATE, "Broker/Owner",
        "waterfront and South Tampa homes for buyers who want to be near the bay.",
        "Dana founded Bayshore Realty Partners in 2010 and chairs Harbor Point Alliance's "
        "leadership group. She sails out of Davis Island on weekends.",
        ("Tampa", "St. Petersburg", "Clearwater"),
        email="leader@harbor.localhost", leadership=True,
    ),
    MemberSeed(
        "Carlos Ibarra", "Bayshore Realty Partners", Category.REAL_ESTATE, "REALTOR\u00ae",
        "first-time buyers in the fast-growing suburbs east and north of Tampa.",
        "Carlos knows every new community between Brandon and Wesley Chapel. He helps buyers "
        "compare CDD fees, flood zones and commute times before they fall for a model home.",
        ("Brandon", "Riverview", "Wesley Chapel", "Tampa"), ("English", "Spanish"),
    ),
    MemberSeed(
        "Kayla Brennan", "Bayshore Realty Partners", Category.REAL_ESTATE, "Waterfront Specialist",
        "canal-front and beach-area homes in Pinellas County, including seawalls and docks.",
        "Kayla grew up in Palm Harbor and has sold waterfront homes for nine years. She "
        "arranges seawall and dock inspections before her buyers' option period begins.",
        ("St. Petersburg", "Clearwater", "Palm Harbor", "Largo"),
    ),
    MemberSeed(
        "Omar Haddad", "Gulf Gate Mortgage", Category.MORTGAGE, "Loan Officer",
        "condo financing and second-home loans across Tampa Bay.",
        "Omar knows which condo associations meet lender requirements after Florida's new "
        "reserve rules. He closes most loans in under 30 days.",
        ("Tampa", "St. Petersburg", "Clearwater"), ("English", "Arabic"),
    ),
    MemberSeed(
        "Patricia Nolan", "Sunshine Coast Title", Category.TITLE, "Closing Agent",
        "seller-side closings and out-of-state buyers who sign remotely.",
        "Patricia has closed transactions in Pinellas and Hillsborough counties since 2005. "
        "Her office handles mail-away and remote online closings every week.",
        ("Clearwater", "Largo", "St. Petersburg", "Tampa"),
    ),
    MemberSeed(
        "Hector Alvarez", "Seawall Home Inspections", Category.INSPECTION, "Home Inspector",
        "full home, wind-mitigation and four-point inspections that insurers accept.",
        "Hector's wind-mitigation reports regularly lower his clients' insurance premiums. He "
        "inspects homes across Hillsborough and Pasco counties.",
        ("Brandon", "Riverview", "Tampa", "Wesley Chapel"), ("English", "Spanish"),
    ),
)  # fmt: skip

HARBOR = PartnershipSeed(
    slug="harbor",
    name="Harbor Point Alliance",
    website="https://www.harborpointalliance.com",
    seal={"letters": "HP", "field": "#0F5E6B", "metal": "#F2C078", "motif": "wave"},
    timezone="America/New_York",
    mls_market="Stellar MLS",
    area_code="813",
    agent_license="SL{n:07d}",
    companies=TAMPA_COMPANIES,
    members=TAMPA_MEMBERS,
    first_joined=datetime.date(2022, 6, 1),
)
