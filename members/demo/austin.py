"""Pinnacle Partnerships, the demo's main partnership: Austin, Texas."""

from __future__ import annotations

from django.conf import settings

from members.demo.specs import Category, CompanySeed, MemberSeed, PartnershipSeed

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

AUSTIN = PartnershipSeed(
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
)
