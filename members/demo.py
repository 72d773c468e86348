"""Demo partnerships for `seed_demo`: two partnerships with members of every kind, their
companies, portraits and logos, and the demo logins.

Idempotent: rows are keyed on slugs and emails and saved only when a value differs; images are
drawn only when their file is missing. No email is sent (members are created directly, not
invited) and nothing is downloaded. Apps built on members add their own demo data from the
`demo_seeded` signal (leads/demo.py).
"""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify

from members import demo_images
from members.models import Company, Member, User
from members.search import refresh_search_document
from members.signals import demo_seeded
from pinnacle.models import Partnership
from pinnacle.services import create_partnership

DEMO_PASSWORD = "pinnacle-demo"
SUPERUSER_EMAIL = "admin@pinnacle.localhost"
PHOTO_SIZE, PHOTO_THUMB_SIZE, LOGO_SIZE, LOGO_THUMB_SIZE = 512, 256, 512, 256  # as uploads

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


# --------------------------------------------------------------------------------------------
# Pinnacle Partnerships: Austin, Texas
# --------------------------------------------------------------------------------------------

AUSTIN_COMPANIES = (
    CompanySeed("Summit Realty Group", "https://summitrealty.example.com", "(512) 555-0100",
                "9600 Great Hills Trail, Suite 150", "Austin", "TX", "78759"),
    CompanySeed("Hill Country Home Partners", "https://hillcountryhome.example.com",
                "(512) 555-0101", "1200 W Whitestone Blvd", "Cedar Park", "TX", "78613"),
    CompanySeed("Lone Star Living Realty", "https://lonestarliving.example.com", "(512) 555-0102",
                "210 E Main St", "Round Rock", "TX", "78664"),
    CompanySeed("Bluebonnet Properties", "https://bluebonnetproperties.example.com",
                "(512) 555-0103", "3010 S Lamar Blvd", "Austin", "TX", "78704"),
    CompanySeed("Avery Brooks Real Estate", "https://averybrooks.example.com", "(512) 555-0104",
                "115 W 8th St", "Georgetown", "TX", "78626"),
    CompanySeed("Keystone Home Loans", "https://keystonehomeloans.example.com", "(512) 555-0105",
                "10900 Stonelake Blvd, Suite 300", "Austin", "TX", "78759"),
    CompanySeed("Capital Bend Mortgage", "https://capitalbend.example.com", "(512) 555-0106",
                "500 W 2nd St, Suite 1900", "Austin", "TX", "78701"),
    CompanySeed("Live Oak Community Lending", "https://liveoaklending.example.com",
                "(512) 555-0107", "1601 S MoPac Expy", "Austin", "TX", "78746"),
    CompanySeed("Clearview Title & Escrow", "https://clearviewtitle.example.com", "(512) 555-0108",
                "2500 Bee Cave Rd, Building 1", "Austin", "TX", "78746"),
    CompanySeed("TrueNorth Home Inspections", "https://truenorthinspect.example.com",
                "(512) 555-0109", "701 Tillery St", "Austin", "TX", "78702"),
    CompanySeed("Barton & Vale Law", "https://bartonvale.example.com", "(512) 555-0110",
                "98 San Jacinto Blvd, Suite 1100", "Austin", "TX", "78701"),
    CompanySeed("Heritage Oak Insurance", "https://heritageoak.example.com", "(512) 555-0111",
                "1890 Ranch Shopping Center", "Lakeway", "TX", "78734"),
    CompanySeed("Precision Valuation Services", "https://precisionvaluation.example.com",
                "(512) 555-0112", "8140 N MoPac Expy", "Austin", "TX", "78759"),
    CompanySeed("Craftline Renovations", "https://craftline.example.com", "(512) 555-0113",
                "1005 E St Elmo Rd", "Austin", "TX", "78745"),
    CompanySeed("Red Oak Moving Co.", "https://redoakmoving.example.com", "(512) 555-0114",
                "13000 N Interstate 35, Building 12", "Austin", "TX", "78753"),
)  # fmt: skip

AUSTIN_MEMBERS = (
    # Agents
    MemberSeed(
        "Morgan Ellis", "Summit Realty Group", Category.REAL_ESTATE, "Managing Broker",
        "guiding buyers and sellers across Central Texas with a calm, data-driven plan from the "
        "first showing to closing day.",
        "Morgan has sold homes in Central Texas for eighteen years and has led Summit Realty "
        "Group's agents since 2016. Before real estate, Morgan managed commercial construction "
        "projects, which still shows in every walkthrough.",
        ("Austin", "Round Rock", "Cedar Park", "Georgetown"),
        email="leader@pinnacle.localhost", leadership=True,
    ),
    MemberSeed(
        "Jordan Reyes", "Summit Realty Group", Category.REAL_ESTATE, "REALTOR\u00ae",
        "helping first-time buyers navigate the Austin suburbs, from Pflugerville to Kyle.",
        "Jordan bought a first home in Pflugerville at 26 and has helped more than 120 families "
        "do the same since. Expect plain-language explanations, Saturday showings and honest "
        "advice about commute times.",
        ("Austin", "Pflugerville", "Kyle", "Buda"), ("English", "Spanish"),
        email="agent@pinnacle.localhost",
    ),
    MemberSeed(
        "Elena Vasquez", "Summit Realty Group", Category.REAL_ESTATE, "Senior Listing Agent",
        "pricing and preparing homes so sellers in South Austin and Buda go under contract in "
        "the first weekend.",
        "Elena's listings average eleven days on market. She brings a stager, a photographer "
        "and a pre-listing inspection to every home, and she negotiates repairs before buyers "
        "ask for them.",
        ("Austin", "Buda", "Kyle"), ("English", "Spanish"),
    ),
    MemberSeed(
        "Marcus Thompson", "Summit Realty Group", Category.REAL_ESTATE, "Relocation Specialist",
        "relocating tech and healthcare professionals to North Austin, Round Rock and "
        "Georgetown on tight timelines.",
        "Marcus moved to Austin from Chicago and remembers how confusing the first month was. "
        "His video tours and neighborhood briefings let clients shortlist homes before they "
        "ever board a plane.",
        ("Austin", "Round Rock", "Georgetown", "Pflugerville"),
    ),
    MemberSeed(
        "Grace Liu", "Summit Realty Group", Category.REAL_ESTATE, "REALTOR\u00ae",
        "new-construction purchases in Leander and Cedar Park, from lot selection through the "
        "builder's final walkthrough.",
        "Grace knows the incentives, upgrade price sheets and warranty terms of most builders "
        "north of the river. She has represented buyers in more than forty new-build contracts.",
        ("Leander", "Cedar Park", "Georgetown"), ("English", "Mandarin"),
    ),
    MemberSeed(
        "Caleb Whitaker", "Hill Country Home Partners", Category.REAL_ESTATE, "Broker Associate",
        "acreage, ranchettes and Hill Country homes west of Austin, from Lakeway to Dripping "
        "Springs.",
        "Caleb grew up on a ranch outside Johnson City and can read a survey, a well report and "
        "a septic permit at a glance. He spends his weekends fly fishing the Pedernales.",
        ("Lakeway", "Dripping Springs", "Bee Cave", "Austin"),
    ),
    MemberSeed(
        "Hannah Kowalski", "Hill Country Home Partners", Category.REAL_ESTATE, "REALTOR\u00ae",
        "move-up buyers trading a starter home for room to grow in Cedar Park and Leander.",
        "Hannah joined the partnership this year after a decade in school administration. She "
        "coordinates sale-and-purchase timelines so families move once, not twice.",
        ("Cedar Park", "Leander", "Round Rock"),
        complete=False,
    ),
    MemberSeed(
        "Thanh Nguyen", "Hill Country Home Partners", Category.REAL_ESTATE, "Buyer's Agent",
        "first-time and multigenerational buyers in Pflugerville, Round Rock and Hutto.",
        "Thanh helps families find homes with a downstairs suite for grandparents, and often "
        "translates for three generations at one closing table. Past clients send most of his "
        "business.",
        ("Pflugerville", "Round Rock", "Hutto", "Austin"), ("English", "Vietnamese"),
    ),
    MemberSeed(
        "Aisha Rahman", "Lone Star Living Realty", Category.REAL_ESTATE, "REALTOR\u00ae",
        "condos and townhomes in downtown Austin and the Domain for first-time buyers and "
        "investors.",
        "Aisha reads HOA budgets and reserve studies so her clients do not have to. A former "
        "financial analyst, she prepares a rent-versus-buy comparison for every buyer.",
        ("Austin", "Round Rock"), ("English", "Hindi", "Urdu"),
    ),
    MemberSeed(
        "Derek Olsen", "Lone Star Living Realty", Category.REAL_ESTATE, "Team Lead",
        "investment properties and small multifamily buildings in Round Rock, Georgetown and "
        "San Marcos.",
        "Derek owns eleven rental doors himself and underwrites every deal the way he would his "
        "own. His team of three agents covers the I-35 corridor from Georgetown to San Marcos.",
        ("Round Rock", "Georgetown", "San Marcos", "Kyle"),
    ),
    MemberSeed(
        "Sof\u00eda Mart\u00ednez", "Lone Star Living Realty", Category.REAL_ESTATE,
        "REALTOR\u00ae",
        "bilingual buyers in Kyle, Buda and San Marcos looking for their first home.",
        "Sof\u00eda is on parental leave until the spring and is not taking new clients; her "
        "current buyers are covered by Derek Olsen's team.",
        ("Kyle", "Buda", "San Marcos"), ("English", "Spanish"),
        listed=False,
    ),
    MemberSeed(
        "Benjamin Cho", "Bluebonnet Properties", Category.REAL_ESTATE, "REALTOR\u00ae",
        "historic and mid-century homes in Central and East Austin neighborhoods.",
        "Benjamin studied architecture at UT and can date a bungalow by its porch columns. He "
        "works with buyers who want character and sellers who want it appreciated.",
        ("Austin",), ("English", "Korean"),
    ),
    MemberSeed(
        "Olivia Grant", "Bluebonnet Properties", Category.REAL_ESTATE, "Luxury Specialist",
        "luxury and lakefront homes in Westlake, Lakeway and Bee Cave, with discreet off-market "
        "marketing.",
        "Olivia has represented sellers of some of Lake Travis's best-known waterfront estates. "
        "Her clients value privacy, and most of her sales never appear on a public portal.",
        ("Lakeway", "Bee Cave", "Austin"),
    ),
    MemberSeed(
        "Avery Brooks", "Avery Brooks Real Estate", Category.REAL_ESTATE, "Broker/Owner",
        "downsizing, 55+ communities and estate sales in Georgetown and Sun City, handled with "
        "patience.",
        "Avery opened a boutique brokerage on the Georgetown square in 2012. She coordinates "
        "movers, estate-sale companies and family members so that a big transition feels "
        "manageable.",
        ("Georgetown", "Round Rock", "Leander"),
    ),
    # Lenders
    MemberSeed(
        "Priya Natarajan", "Keystone Home Loans", Category.MORTGAGE, "Senior Loan Officer",
        "conventional, FHA and VA loans for first-time buyers, with pre-approvals issued within "
        "24 hours.",
        "Priya has closed more than 900 loans in Central Texas. She answers her phone in the "
        "evening, because that is when first-time buyers have questions.",
        ("Austin", "Round Rock", "Cedar Park", "Pflugerville", "Georgetown"),
        ("English", "Hindi", "Tamil"),
        email="lender@pinnacle.localhost",
    ),
    MemberSeed(
        "Robert Haines", "Keystone Home Loans", Category.MORTGAGE, "Branch Manager",
        "jumbo and physician loans for buyers in Westlake, Lakeway and Bee Cave.",
        "Robert has run Keystone's Austin branch since it opened. He structures loans for "
        "buyers with complex income and explains every option on a single page.",
        ("Austin", "Lakeway", "Bee Cave"),
    ),
    MemberSeed(
        "Carmen Delgado", "Keystone Home Loans", Category.MORTGAGE, "Loan Officer",
        "down-payment assistance programs and first-time buyer grants across Travis and Hays "
        "counties.",
        "Carmen teaches a free homebuyer class at the library every other month. She has helped "
        "hundreds of families combine state assistance programs with FHA financing.",
        ("Austin", "Kyle", "Buda", "San Marcos"), ("English", "Spanish"),
    ),
    MemberSeed(
        "Kevin Tran", "Capital Bend Mortgage", Category.MORTGAGE, "Mortgage Advisor",
        "self-employed borrowers, with bank-statement and DSCR loans for owners and investors.",
        "Kevin ran a family restaurant before becoming a loan officer, so he understands "
        "uneven income. He reviews two years of statements before promising anything.",
        ("Austin", "Pflugerville", "Round Rock"), ("English", "Vietnamese"),
    ),
    MemberSeed(
        "Lauren Mitchell", "Capital Bend Mortgage", Category.MORTGAGE, "Loan Officer",
        "construction-to-permanent and renovation loans for buyers who want to build or remodel.",
        "Lauren manages draw schedules with builders so projects do not stall. She previously "
        "worked as a construction lender at a regional bank.",
        ("Austin", "Leander", "Dripping Springs", "Lakeway"),
    ),
    MemberSeed(
        "James Okafor", "Live Oak Community Lending", Category.MORTGAGE,
        "Mortgage Loan Originator",
        "VA and USDA loans for veterans and rural buyers in Williamson and Hays counties.",
        "James served twelve years in the Army and closes most of his loans for fellow "
        "veterans. He knows which rural addresses qualify for USDA financing without looking "
        "them up.",
        ("Georgetown", "Leander", "Kyle", "San Marcos", "Hutto"),
    ),
    # Allied resources
    MemberSeed(
        "Rachel Stein", "Clearview Title & Escrow", Category.TITLE, "Escrow Officer",
        "smooth, on-time closings, including mobile signings and remote online closings.",
        "Rachel has closed transactions in every county around Austin. Her team sends a "
        "closing-day checklist to every party a week ahead.",
        ("Austin", "Round Rock", "Cedar Park", "Lakeway"),
    ),
    MemberSeed(
        "Miguel Herrera", "Clearview Title & Escrow", Category.TITLE, "Closing Coordinator",
        "clearing title issues early so that closing dates never slip.",
        "Miguel tracks down old liens, missing releases and heirship questions in the first "
        "week of a contract. He coordinates Spanish-language closings for the office.",
        ("Austin", "Pflugerville", "Kyle", "Buda"), ("English", "Spanish"),
    ),
    MemberSeed(
        "Tyler Brandt", "TrueNorth Home Inspections", Category.INSPECTION,
        "Professional Inspector",
        "thorough pre-purchase inspections with same-day reports, drone roof imaging and "
        "foundation checks.",
        "Tyler is a licensed professional inspector and a former roofer. His reports lead with "
        "a one-page summary that buyers and agents can act on before the option period ends.",
        ("Austin", "Round Rock", "Cedar Park", "Georgetown", "Leander"),
    ),
    MemberSeed(
        "Mei Lin Chen", "TrueNorth Home Inspections", Category.INSPECTION, "Home Inspector",
        "new-construction phase inspections (pre-pour, pre-drywall and final) and 11-month "
        "builder-warranty inspections.",
        "Mei Lin trained as a civil engineer before joining TrueNorth. Builders in Leander know "
        "her by name, which tends to get items fixed quickly.",
        ("Leander", "Cedar Park", "Georgetown", "Kyle"), ("English", "Mandarin"),
    ),
    MemberSeed(
        "Daniel Vale", "Barton & Vale Law", Category.ATTORNEY, "Partner, Real Estate Attorney",
        "contract review, title curative work and probate sales.",
        "Daniel has practiced real estate law in Austin for twenty years. He explains legal "
        "risk in plain English and returns calls the same day.",
        ("Austin", "Round Rock", "Georgetown", "San Marcos"),
    ),
    MemberSeed(
        "Sarah Whitfield", "Heritage Oak Insurance", Category.INSURANCE, "Agency Owner",
        "homeowners, flood and umbrella coverage quoted before the option period ends.",
        "Sarah compares a dozen carriers for every quote. She has guided clients through "
        "hail and flood claims since opening the agency in 2009.",
        ("Lakeway", "Austin", "Bee Cave", "Cedar Park"),
    ),
    MemberSeed(
        "Anthony Russo", "Heritage Oak Insurance", Category.INSURANCE, "Insurance Advisor",
        "bundled home and auto policies for growing families.",
        "Anthony joined Heritage Oak last year and is completing his commercial lines license. "
        "He is currently supporting Sarah's existing clients only.",
        ("Lakeway", "Austin"),
        listed=False,
    ),
    MemberSeed(
        "Nina Patel", "Precision Valuation Services", Category.APPRAISAL,
        "Certified Residential Appraiser",
        "pre-listing appraisals and valuations for estates, divorces and tax protests.",
        "Nina has appraised more than 4,000 homes in Travis and Williamson counties. Her "
        "pre-listing reports help sellers price right the first time.",
        ("Austin", "Round Rock", "Pflugerville", "Georgetown"), ("English", "Gujarati", "Hindi"),
    ),
    MemberSeed(
        "Luis Romero", "Craftline Renovations", Category.CONTRACTOR, "Owner & General Contractor",
        "inspection repairs before closing and move-in-ready renovations.",
        "Luis and his crew fix inspection items quickly and send photos and invoices the lender "
        "will accept. He also handles kitchen and bath updates for new owners.",
        ("Austin", "Buda", "Kyle", "Pflugerville"), ("English", "Spanish"),
    ),
    MemberSeed(
        "Brianna Foster", "Red Oak Moving Co.", Category.MOVING, "Relocation Coordinator",
        "local and long-distance moves with packing, storage and white-glove service for "
        "seniors.",
        "Brianna schedules moves around closing dates, down to the hour the keys change hands. "
        "Her crews are background-checked, uniformed and fully insured.",
        ("Austin", "Round Rock", "Georgetown", "San Marcos", "Lakeway"),
    ),
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Harbor Point Alliance: Tampa Bay, Florida
# --------------------------------------------------------------------------------------------

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

PARTNERSHIPS = (
    PartnershipSeed(
        slug=settings.DEFAULT_PARTNERSHIP,
        name="Pinnacle Partnerships",
        website="https://www.pinnaclepartnerships.com",
        seal={"letters": "PP", "field": "#1B2A4A", "metal": "#C9A227", "motif": "peak"},
        timezone="America/Chicago",
        mls_market="Austin Board of REALTORS\u00ae (ABoR)",
        area_code="512",
        agent_license="0{n:06d}",
        companies=AUSTIN_COMPANIES,
        members=AUSTIN_MEMBERS,
    ),
    PartnershipSeed(
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
    ),
)


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------


@dataclass
class DemoSeeded:
    """What a run did: each partnership with its demo logins, and how many rows it created."""

    partnerships: list[tuple[Partnership, list[User]]]
    created: dict[str, int] = field(default_factory=dict)


def seed_demo(*, reset_passwords: bool = False, stdout=None) -> DemoSeeded:
    """Create or refresh the demo partnerships, companies, members and logins in one transaction,
    then let the apps built on members add theirs (`demo_seeded`, writing to `stdout`).

    Demo logins get DEMO_PASSWORD when created, or again with `reset_passwords`."""
    seeder = _Seeder(reset_passwords=reset_passwords)
    with transaction.atomic():
        seeder.ensure_user(SUPERUSER_EMAIL, "Site", "Admin", login=True, superuser=True)
        seeded = [seeder.seed_partnership(spec) for spec in PARTNERSHIPS]
        demo_seeded.send(sender=Member, partnerships=[p for p, *_ in seeded], stdout=stdout)
    return DemoSeeded(partnerships=seeded, created=seeder.created)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def stable_number(text: str, digits: int) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % 10**digits


def ascii_words(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().split()


def default_email(name: str) -> str:
    words = ascii_words(name)
    return f"{words[0]}.{words[-1]}@example.com"


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Create the row, or update it only where a value differs (a rerun writes nothing)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False


def ensure_image(file: FieldFile, filename: str, render: Callable[[], bytes]) -> bool:
    """Point `file` at `filename` under its upload_to, drawing the image only if it is missing.
    Returns whether the field changed (the caller saves the row)."""
    storage = file.storage
    if file.name and storage.exists(file.name):
        return False
    target = file.field.generate_filename(file.instance, filename)
    if storage.exists(target):
        setattr(file.instance, file.field.attname, target)
    else:
        file.save(filename, ContentFile(render()), save=False)
    return True


def read_file(file: FieldFile) -> bytes:
    with file.open("rb") as handle:
        return handle.read()


class _Seeder:
    def __init__(self, *, reset_passwords: bool):
        self.reset_passwords = reset_passwords
        self._password_hash: str | None = None
        self.created = {"member": 0, "company": 0, "user": 0, "image": 0}

    # Users ------------------------------------------------------------------------------------

    def demo_password_hash(self) -> str:
        # Hashed once per run: the demo logins share a published password, and hashing is slow.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def ensure_user(
        self, email: str, first: str, last: str, *, login: bool, staff=False, superuser=False
    ) -> User:
        """Demo logins get DEMO_PASSWORD when created (or with --reset-passwords); everyone
        else gets an unusable password."""
        flags = {
            "first_name": first,
            "last_name": last,
            "is_staff": staff or superuser,
            "is_superuser": superuser,
        }
        user, created = upsert(User, {"email": email}, flags)
        if created or (login and self.reset_passwords):
            if login:
                user.password = self.demo_password_hash()
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
        self.created["user"] += created
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    # Partnerships -----------------------------------------------------------------------------

    def seed_partnership(self, spec: PartnershipSeed) -> tuple[Partnership, list[User]]:
        values = {"name": spec.name, "website_url": spec.website, "timezone": spec.timezone}
        if not Partnership.objects.filter(slug=spec.slug).exists():
            create_partnership(partnership=Partnership(slug=spec.slug, **values))
        partnership, _ = upsert(Partnership, {"slug": spec.slug}, values)
        if ensure_image(
            partnership.seal, f"{spec.slug}-seal.png", lambda: demo_images.seal_png(**spec.seal)
        ):
            partnership.save(update_fields=["seal"])
            self.created["image"] += 1

        companies = {c.name: self.seed_company(partnership, c) for c in spec.companies}
        logins, member_ids = [], []
        for index, member_spec in enumerate(spec.members):
            member = self.seed_member(partnership, spec, companies, index, member_spec)
            member_ids.append(member.pk)
            if member_spec.email:
                logins.append(member.user)
        refresh_search_document(member_ids)
        return partnership, logins

    def seed_company(self, partnership: Partnership, spec: CompanySeed) -> Company:
        company, created = upsert(
            Company,
            {"partnership": partnership, "name": spec.name},
            {"website_url": spec.website},
        )
        self.created["company"] += created
        filename = f"{partnership.slug}-{slugify(spec.name)}.png"
        if ensure_image(company.logo, filename, lambda: demo_images.logo_png(spec.name, LOGO_SIZE)):
            company.save(update_fields=["logo"])
            self.created["image"] += 1
        return company

    # Members ----------------------------------------------------------------------------------

    def seed_member(
        self,
        partnership: Partnership,
        spec: PartnershipSeed,
        companies: dict[str, Company],
        index: int,
        m: MemberSeed,
    ) -> Member:
        words = m.name.split()
        user = self.ensure_user(
            m.email or default_email(m.name),
            words[0],
            words[-1],
            login=bool(m.email),
            staff=m.leadership,
        )
        slug = slugify(m.name)
        member, created = upsert(
            Member,
            {"partnership": partnership, "slug": slug},
            self.member_values(spec, companies[m.company], index, m, user),
        )
        self.created["member"] += created
        self.ensure_member_images(partnership, member, companies[m.company])
        return member

    def member_values(
        self, spec: PartnershipSeed, company: Company, index: int, m: MemberSeed, user: User
    ) -> dict:
        office = next(c for c in spec.companies if c.name == m.company)
        is_agent = m.category == Category.REAL_ESTATE
        license_format = spec.agent_license if is_agent else LICENSE_FORMATS.get(m.category, "")
        joined = spec.first_joined + datetime.timedelta(days=47 * index)
        return {
            "user_id": user.pk,
            "company_id": company.pk,
            "kind": KIND_BY_CATEGORY.get(m.category, Member.Kind.ALLIED),
            "service_category": m.category,
            "role": Member.Role.LEADERSHIP if m.leadership else Member.Role.MEMBER,
            "is_listed": m.listed,
            "is_active": True,
            "display_name": m.name,
            "job_title": m.title,
            "bio": m.bio,
            "specialization": m.specialization,
            "cell_phone": f"({spec.area_code}) 555-{130 + index:04d}",
            "office_phone": office.phone if m.complete else "",
            "street_address": office.street,
            "city": office.city,
            "state": office.state,
            "postal_code": office.postal_code,
            "timezone": spec.timezone,
            "mls_market": spec.mls_market if is_agent else "",
            "mls_agent_id": str(stable_number("mls:" + m.name, 6))
            if is_agent and m.complete
            else "",
            "employer": m.company,
            "license_number": license_format.format(n=stable_number("lic:" + m.name, 7))
            if license_format and m.complete
            else "",
            "service_areas": list(m.areas),
            "languages": list(m.languages),
            "joined_at": datetime.datetime.combine(joined, datetime.time(9), datetime.UTC),
        }

    def ensure_member_images(self, partnership: Partnership, member: Member, company: Company):
        base = f"{partnership.slug}-{member.slug}"
        images = (
            (
                "photo",
                f"{base}.jpg",
                lambda: demo_images.avatar_jpeg(member.display_name, PHOTO_SIZE),
            ),
            (
                "photo_thumbnail",
                f"{base}.jpg",
                lambda: demo_images.thumbnail(read_file(member.photo), PHOTO_THUMB_SIZE),
            ),
            ("company_logo", f"{base}.png", lambda: read_file(company.logo)),
            (
                "company_logo_thumbnail",
                f"{base}-logo.png",
                lambda: demo_images.thumbnail(read_file(member.company_logo), LOGO_THUMB_SIZE),
            ),
        )
        changed = []
        for name, filename, render in images:
            if ensure_image(getattr(member, name), filename, render):
                changed.append(name)
        if changed:
            member.save(update_fields=changed)
            self.created["image"] += len(changed)
