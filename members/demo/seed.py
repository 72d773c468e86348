"""`seed_demo`: the demo partnerships, their companies, members, portraits and logos, and the
demo logins, written through the same models every page reads.

Idempotent: rows are keyed on slugs and emails and saved only when a value differs; images are
drawn only when their file is missing. No email is sent (members are created directly, not
invited) and nothing is downloaded. Apps built on members add their own demo data from the
`demo_seeded` signal (policy/demo/seed.py, leads/demo/).
"""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify

from members.demo import images as demo_images
from members.demo.austin import AUSTIN
from members.demo.harbor import HARBOR
from members.demo.specs import (
    KIND_BY_CATEGORY,
    LICENSE_FORMATS,
    Category,
    CompanySeed,
    MemberSeed,
    PartnershipSeed,
)
from members.models import Company, Member, User
from members.search import refresh_search_document
from members.signals import demo_seeded
from pinnacle.models import Partnership
from pinnacle.public_pages import public_pages_changed
from pinnacle.services import create_partnership

DEMO_PASSWORD = "pinnacle-demo"  # nosec B105: the demo accounts' published password (README), seed_demo only
SUPERUSER_EMAIL = "admin@pinnacle.localhost"
PHOTO_SIZE, PHOTO_THUMB_SIZE, LOGO_SIZE, LOGO_THUMB_SIZE = 512, 256, 512, 256  # as uploads

# The demo's partnerships, in the order they are seeded.
PARTNERSHIPS = (AUSTIN, HARBOR)


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
        public_pages_changed(partnership)
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
