"""Which emails the seeded rows sent, one SELECT per kind, in the columns `insert_emails` reads:
key, template, category, to_email, from_email, reply_to, subject, body, ct, object_id,
created_at. Keys and templates are the services' own (leads.services.intake, inquiries,
outreach.services.messages, comarketing.services.invitations, transactions.services.team and
thank_you, advocates.services.touches and emails)."""

from __future__ import annotations

from advocates.models import Contact, Touch
from comarketing.models import Connection
from leads.models import Inquiry, InquiryResponse, Lead, Submission
from members.models import Member, User
from outreach.models import Attempt
from pinnacle.mail.categories import category_for
from transactions.models import TeamMember, ThankYouLetter, Transaction

LEADS, SUBS = Lead._meta.db_table, Submission._meta.db_table
MEMBERS, USERS = Member._meta.db_table, User._meta.db_table
FIRST = "split_part(l.name, ' ', 1)"


def _select(template: str, **columns: str) -> str:
    """`SELECT … AS key, …` for one kind; `rest` is the FROM/WHERE that follows."""
    rest = columns.pop("rest")
    category = category_for(template)
    values = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    return f"SELECT '{template}' AS template, '{category}' AS category, {values} {rest}"


def member_from(alias: str) -> str:
    return f"{alias}.display_name || ' <' || %(pemail)s || '>'"


def fixed() -> list[str]:
    """Every kind whose count the rows decide (all but the contact emails that fill up)."""
    return [
        _welcome(),
        _referrer_notice(),
        _referrer_thanks(),
        *_inquiries(),
        _outreach(),
        _invitations(),
        _team_added(),
        _thank_you(),
    ]


def _welcome() -> str:
    return _select(
        "leads/welcome",
        key="'welcome:submission:' || s.id",
        to_email="l.email",
        from_email="%(pfrom)s",
        reply_to="''",
        subject="'Welcome to ' || %(pname)s",
        body=f"'Hi ' || {FIRST} || E',\\n\\nThank you for visiting ' || %(pname)s || '. "
        "Browse the partner directory any time; a member will be in touch.'",
        ct="%(ct_lead)s",
        object_id="l.id",
        created_at="s.created_at",
        rest=f"FROM {SUBS} s JOIN {LEADS} l ON l.id = s.lead_id WHERE s.partnership_id = %(p)s",
    )


def _referrer_notice() -> str:
    """To the member the prospect named (else the lead's), unless their inquiry told them."""
    return _select(
        "leads/referrer_notice",
        key="'referrer-notice:submission:' || s.id",
        to_email="mu.email",
        from_email="%(pfrom)s",
        reply_to="''",
        subject="'New lead: ' || l.name",
        body="'Hi ' || m.display_name || E',\\n\\n' || l.name || ' named you on the form.'",
        ct="%(ct_lead)s",
        object_id="l.id",
        created_at="s.created_at",
        rest=f"""FROM {SUBS} s JOIN {LEADS} l ON l.id = s.lead_id
        JOIN {MEMBERS} m ON m.id = coalesce(s.named_referrer_id, l.referring_member_id)
        JOIN {USERS} mu ON mu.id = m.user_id
        WHERE s.partnership_id = %(p)s AND NOT EXISTS (SELECT 1 FROM {Inquiry._meta.db_table} q
            WHERE q.submission_id = s.id AND q.member_id = m.id)""",
    )


def _referrer_thanks() -> str:
    return _select(
        "leads/referrer_thanks",
        key="'referrer-thanks:lead:' || l.id || ':member:' || m.id",
        to_email="l.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject=f"{FIRST} || ', thank you for choosing ' || m.display_name",
        body=f"'Hi ' || {FIRST} || E',\\n\\nThank you for reaching out. I will call you soon.'",
        ct="%(ct_lead)s",
        object_id="l.id",
        created_at="l.created_at",
        rest=f"""FROM {LEADS} l JOIN {MEMBERS} m ON m.id = l.referring_member_id
        JOIN {USERS} mu ON mu.id = m.user_id WHERE l.partnership_id = %(p)s""",
    )


def _inquiries() -> list[str]:
    """The notice to whoever must answer (the member, or every active leader), and the
    answer the lead got."""
    notice = _select(
        "leads/inquiry_notice",
        key="'inquiry:' || q.id || ':notice:' || r.id",
        to_email="ru.email",
        from_email="%(pfrom)s",
        reply_to="''",
        subject="'New inquiry from ' || l.name",
        body="l.name || E' wrote:\\n\\n' || q.message",
        ct="%(ct_lead)s",
        object_id="l.id",
        created_at="q.created_at",
        rest=f"""FROM {Inquiry._meta.db_table} q JOIN {LEADS} l ON l.id = q.lead_id
        JOIN {MEMBERS} r ON r.id = q.member_id OR (q.member_id IS NULL
            AND r.id = ANY(%(ids_leaders)s::bigint[]))
        JOIN {USERS} ru ON ru.id = r.user_id WHERE q.partnership_id = %(p)s""",
    )
    answer = _select(
        "leads/inquiry_response",
        key="'inquiry-response:' || a.id",
        to_email="l.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject="'Re: your message to ' || m.display_name",
        body="a.body",
        ct="%(ct_lead)s",
        object_id="l.id",
        created_at="a.created_at",
        rest=f"""FROM {InquiryResponse._meta.db_table} a
        JOIN {Inquiry._meta.db_table} q ON q.id = a.inquiry_id JOIN {LEADS} l ON l.id = q.lead_id
        JOIN {MEMBERS} m ON m.id = a.member_id JOIN {USERS} mu ON mu.id = m.user_id
        WHERE a.partnership_id = %(p)s""",
    )
    return [notice, answer]


def _outreach() -> str:
    return _select(
        "outreach/message",
        key="'outreach:message:' || a.lead_id || ':' || a.member_id || ':' || md5(a.id::text)",
        to_email="l.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject=f"'Following up, ' || {FIRST}",
        body=f"'Hi ' || {FIRST} || E',\\n\\nI have your contact details because you filled in "
        "the form on our website. Would you like to see a few homes this weekend?'",
        ct="%(ct_lead)s",
        object_id="l.id",
        created_at="a.made_at",
        rest=f"""FROM {Attempt._meta.db_table} a JOIN {LEADS} l ON l.id = a.lead_id
        JOIN {MEMBERS} m ON m.id = a.member_id JOIN {USERS} mu ON mu.id = m.user_id
        WHERE a.partnership_id = %(p)s AND a.channel = 'portal_email'""",
    )


def _invitations() -> str:
    return _select(
        "comarketing/invitation",
        key="'comarketing:' || c.id || ':invitation'",
        to_email="c.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject="m.display_name || ' invites you to co-market with ' || %(pname)s",
        body="E'Hello,\\n\\n' || m.display_name || ' would like to co-market with you.'",
        ct="%(ct_connection)s",
        object_id="c.id",
        created_at="c.invited_at",
        rest=f"""FROM {Connection._meta.db_table} c JOIN {MEMBERS} m ON m.id = c.lender_id
        JOIN {USERS} mu ON mu.id = m.user_id WHERE c.partnership_id = %(p)s""",
    )


def _team_added() -> str:
    return _select(
        "leads/team_added",
        key="'transaction:' || tm.transaction_id || ':team-added:' || tm.id",
        to_email="mu.email",
        from_email="%(pfrom)s",
        reply_to="''",
        subject="'You joined the team for ' || l.name",
        body="'You are on the team as ' || tm.role",
        ct="%(ct_transaction)s",
        object_id="tm.transaction_id",
        created_at="tm.added_at",
        rest=f"""FROM {TeamMember._meta.db_table} tm
        JOIN {Transaction._meta.db_table} x ON x.id = tm.transaction_id
        JOIN {LEADS} l ON l.id = x.lead_id JOIN {MEMBERS} m ON m.id = tm.member_id
        JOIN {USERS} mu ON mu.id = m.user_id
        WHERE tm.partnership_id = %(p)s AND tm.member_id <> x.opened_by_id""",
    )


def _thank_you() -> str:
    return _select(
        "leads/thank_you_letter",
        key="'thank-you:transaction:' || x.id",
        to_email="l.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject="'Thank you, ' || l.name",
        body="t.body",
        ct="%(ct_transaction)s",
        object_id="x.id",
        created_at="t.sent_at",
        rest=f"""FROM {ThankYouLetter._meta.db_table} t
        JOIN {Transaction._meta.db_table} x ON x.id = t.transaction_id
        JOIN {LEADS} l ON l.id = x.lead_id JOIN {MEMBERS} m ON m.id = t.sent_by_id
        JOIN {USERS} mu ON mu.id = m.user_id
        WHERE t.partnership_id = %(p)s AND t.sent_at IS NOT NULL""",
    )


def touch_emails() -> str:
    """Done email touches, up to `remaining`, each to its contact (who has an address)."""
    return _select(
        "advocates/touch",
        key="'advocates-touch:' || t.id",
        to_email="c.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject="t.title",
        body="E'Hi,\\n\\n' || t.title",
        ct="%(ct_contact)s",
        object_id="c.id",
        created_at="t.done_at",
        rest=f"""FROM {Touch._meta.db_table} t
        JOIN {Contact._meta.db_table} c ON c.id = t.contact_id
        JOIN {MEMBERS} m ON m.id = t.owner_id JOIN {USERS} mu ON mu.id = m.user_id
        WHERE t.partnership_id = %(p)s AND t.is_email AND t.done_at IS NOT NULL AND c.email <> ''
        ORDER BY t.id LIMIT %(remaining)s""",
    )


def contact_emails() -> str:
    """A member's own emails to contacts, `remaining` of them, round the `with_email` contacts
    with an address, over the last three years."""
    return _select(
        "advocates/message",
        key="'advocates:message:' || c.id || ':' || md5(g::text)",
        to_email="c.email",
        from_email=member_from("m"),
        reply_to="mu.email",
        subject="'Checking in, ' || split_part(c.name, ' ', 1)",
        body="E'Hi,\\n\\nIt has been a while; how is the new house?'",
        ct="%(ct_contact)s",
        object_id="c.id",
        created_at="greatest(c.created_at, %(now)s - interval '1 day' * mod(g * 7919, 1095))",
        rest=f"""FROM (SELECT c.*, row_number() OVER (ORDER BY c.id) - 1 AS rn
                      FROM {Contact._meta.db_table} c
                      WHERE c.partnership_id = %(p)s AND c.email <> '') c
        JOIN generate_series(0, %(remaining)s - 1) AS g ON c.rn = mod(g, %(with_email)s)
        JOIN {MEMBERS} m ON m.id = c.owner_id JOIN {USERS} mu ON mu.id = m.user_id""",
    )
