"""Users, their verified addresses, companies, members (agents, lenders, allied resources, a few
leaders) and each member's circle settings; then the directory's search documents.

Member 0 of the first partnership is the bench agent and member 1 its bench leader (fixed logins);
every member shares the one password hash.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from advocates.models import CircleSettings
from bench.seed.sql import Tenant, execute, reserve, text_array, u, word
from bench.seed.words import (
    AGENT_SPECIALIZATIONS,
    AREA_CODES,
    CITIES,
    COMPANY_SUFFIXES,
    FIRST_NAMES,
    SURNAMES,
)
from members.models import Company, Member, User
from members.search import refresh_search_document

BENCH_AGENT_EMAIL = "bench-agent@bench.example.com"
BENCH_LEADER_EMAIL = "bench-leader@bench.example.com"
BENCH_PASSWORD = "bench-password"

CITY_NAMES = [city for city, _ in CITIES]
STATES = [state for _, state in CITIES]

# Member i: kind by i mod 10 (six agents, two lenders, two allied in ten), leadership for
# i = 1 (the bench leader) and every five hundredth from 2; a few unlisted or inactive.
KIND = (
    "(CASE WHEN i < 2 OR mod(i, 10) < 6 THEN 'agent' WHEN mod(i, 10) < 8 THEN 'lender' "
    "ELSE 'allied' END)"
)
ROLE = "(CASE WHEN i = 1 OR mod(i, 500) = 2 THEN 'leadership' ELSE 'member' END)"
ALLIED_CATEGORIES = ["inspection", "attorney", "title", "insurance", "appraisal", "contractor"]


def email_sql(tenant: Tenant) -> str:
    domain = f"{tenant.partnership.slug}.bench.example.com"
    if tenant.number == 0:
        return (
            f"(CASE i WHEN 0 THEN '{BENCH_AGENT_EMAIL}' WHEN 1 THEN '{BENCH_LEADER_EMAIL}' "
            f"ELSE 'member' || i || '@{domain}' END)"
        )
    return f"('member' || i || '@{domain}')"


def seed_people(tenant: Tenant) -> int:
    n = tenant.counts["members"]
    tenant.base["users"] = reserve(User, n)
    tenant.base["members"] = reserve(Member, n)
    tenant.base["companies"] = reserve(Company, companies_count(tenant))
    params = tenant.params(hash=tenant.password_hash, n_companies=companies_count(tenant))
    _companies(params)
    # The two partnerships' members have different names (the hash sees the partnership).
    who = "(i + 1000000 * %(pnum)s)"
    first, last = word(FIRST_NAMES, who, 11), word(SURNAMES, who, 12)
    joined = f"(%(now)s::timestamptz - interval '1 day' * (30 + 1065 * {u('i', 13)}))"
    execute(
        f"""
        INSERT INTO {User._meta.db_table} (id, password, last_login, is_superuser, first_name,
            last_name, is_staff, is_active, date_joined, email)
        SELECT %(b_users)s + i, %(hash)s, NULL, false, first, last, {ROLE} = 'leadership', true,
               {joined}, {email_sql(tenant)}
        FROM generate_series(0, %(n_members)s - 1) AS i,
             LATERAL (SELECT {first} AS first, {last} AS last) AS name
        """,
        params,
    )
    execute(
        f"""
        INSERT INTO {EmailAddress._meta.db_table} (email, verified, "primary", user_id)
        SELECT email, true, true, id FROM {User._meta.db_table}
        WHERE id BETWEEN %(b_users)s AND %(b_users)s + %(n_members)s - 1
        """,
        params,
    )
    _members(tenant, params)
    execute(
        f"""
        INSERT INTO {CircleSettings._meta.db_table} (partnership_id, member_id, frequency_weight,
            reciprocal_weight, appreciation_weight, next_digest_at, updated_at)
        SELECT %(p)s, %(b_members)s + i, 0.40, 0.40, 0.20, NULL, %(now)s
        FROM generate_series(0, %(n_members)s - 1) AS i
        """,
        params,
    )
    refresh_search_document(range(tenant.base["members"], tenant.base["members"] + n))
    _pools(tenant)
    return n


def companies_count(tenant: Tenant) -> int:
    return max(3, tenant.counts["members"] // 8)


def _companies(params: dict) -> None:
    execute(
        f"""
        INSERT INTO {Company._meta.db_table} (id, partnership_id, name, website_url, logo,
            allows_profile_updates, allows_registration_prefill, created_at)
        SELECT %(b_companies)s + j, %(p)s,
               ({text_array(SURNAMES)})[1 + mod(j, {len(SURNAMES)})]
               || ' ' || ({text_array(COMPANY_SUFFIXES)})
                  [1 + mod(j / {len(SURNAMES)}, {len(COMPANY_SUFFIXES)})],
               'https://company' || j || '.example.com', '', mod(j, 3) = 0, mod(j, 4) = 0,
               %(now)s - interval '1100 days'
        FROM generate_series(0, %(n_companies)s - 1) AS j
        """,
        params,
    )


def _members(tenant: Tenant, params: dict) -> None:
    """One statement for every member's directory profile."""
    city = f"(1 + floor({u('i', 21)} * {len(CITIES)})::int)"
    cities, states = text_array(CITY_NAMES), text_array(STATES)
    category = (
        f"(CASE {KIND} WHEN 'agent' THEN 'real_estate' WHEN 'lender' THEN 'mortgage' "
        f"ELSE {word(ALLIED_CATEGORIES, 'i', 22)} END)"
    )
    phone = (
        f"'(' || {word(AREA_CODES, 'i', 23)} || ') 555-' || lpad(mod(i * 37, 10000)::text, 4, '0')"
    )
    execute(
        f"""
        INSERT INTO {Member._meta.db_table} (id, partnership_id, user_id, company_id, slug, kind,
            service_category, role, is_listed, is_active, display_name, job_title, bio,
            specialization, photo, photo_thumbnail, company_logo, company_logo_thumbnail,
            cell_phone, office_phone, street_address, city, state, postal_code, timezone,
            mls_market, mls_agent_id, employer, license_number, service_areas, languages,
            allows_profile_updates, search_document, joined_at, updated_at)
        SELECT %(b_members)s + i, %(p)s, u.id, %(b_companies)s + mod(i, %(n_companies)s),
               lower(u.first_name || '-' || u.last_name) || '-' || i, {KIND}, {category}, {ROLE},
               i < 2 OR mod(i, 20) <> 19, i < 2 OR mod(i, 50) <> 49,
               u.first_name || ' ' || u.last_name,
               (CASE {KIND} WHEN 'agent' THEN 'Realtor' WHEN 'lender' THEN 'Loan Officer'
                     ELSE 'Owner' END),
               u.first_name || ' has served ' || c.city || ' families for '
                   || (3 + mod(i, 20)) || ' years.',
               {word(AGENT_SPECIALIZATIONS, "i", 24)}, '', '', '', '',
               {phone}, '', (100 + mod(i * 13, 9000)) || ' Main Street', c.city, c.state,
               (78600 + mod(i, 300))::text, '',
               (CASE WHEN {KIND} = 'agent' THEN 'Austin Board of Realtors' ELSE '' END),
               (CASE WHEN {KIND} = 'agent' THEN 'ABR' || (10000 + i) ELSE '' END), '',
               (CASE WHEN {KIND} = 'agent' THEN 'TX' || (600000 + i) ELSE '' END),
               ARRAY[c.city, c.next_city], (CASE WHEN mod(i, 4) = 0
                   THEN ARRAY['English', 'Spanish'] ELSE ARRAY['English'] END),
               false, NULL, u.date_joined, %(now)s
        FROM generate_series(0, %(n_members)s - 1) AS i
        JOIN {User._meta.db_table} u ON u.id = %(b_users)s + i,
        LATERAL (SELECT ({cities})[{city}] AS city, ({states})[{city}] AS state,
                        ({cities})[1 + mod({city}, {len(CITIES)})] AS next_city) AS c
        """,
        params,
    )


def _pools(tenant: Tenant) -> None:
    """The member ids later steps draw from, by what a member may be drawn for."""
    rows = Member.objects.filter(partnership_id=tenant.pk).order_by("pk")
    rows_list = list(rows.values_list("pk", "kind", "role", "is_listed", "is_active"))
    bench = tenant.base["members"]
    live = [r for r in rows_list if r[4]]
    listed = [r for r in live if r[3]]
    tenant.members = {
        "referrers": [r[0] for r in listed if r[0] != bench],
        "agents": [r[0] for r in listed if r[1] == "agent" and r[0] != bench],
        "lenders": [r[0] for r in listed if r[1] == "lender"],
        "active": [r[0] for r in live],
        "owners": [r[0] for r in live if r[0] != bench],
        "leaders": [r[0] for r in live if r[2] == "leadership"],
    }
