"""The extension points a higher app plugs into: what it registers shows on members' and leads'
pages, receives the viewer, and can hide itself from a viewer who may not see it."""

import pytest
from django.db.models import Value
from django.utils.html import format_html

from leads import extensions as lead_extensions
from leads.extensions import ColumnRead, LeadColumn, TimelineEntry
from members import extensions as member_extensions
from pinnacle.extensions import ExtensionPoint
from tests.conftest import client_for
from tests.leads.factories import LeadFactory

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "ext/panel.html": "<section>Panel for {{ member.display_name }}: {{ note }}</section>",
    "ext/menu.html": "<li>Outreach menu</li>",
    "ext/section.html": "<section>Co-marketing section for {{ member.display_name }}</section>",
    "ext/action.html": "<b>Log a call with {{ lead.name }} as {{ viewer.display_name }}</b>",
    "ext/entry.html": "<p>{{ item }}</p>",
}


@pytest.fixture
def extension_templates(settings, tmp_path):
    for name, text in TEMPLATES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], tmp_path]} for engine in settings.TEMPLATES
    ]


@pytest.fixture
def registered(extension_templates):
    """A make-believe higher app registering at every point; unregistered afterwards."""

    def panel(request, member):
        # Leadership only: anyone else sees nothing.
        return {"note": "leaders only"} if member.is_leadership else None

    def column_read(viewer):
        seen = Value(f"seen by {viewer.display_name}")
        return ColumnRead({"seen": seen}, lambda row, lead: row["seen"])

    def timeline(lead, viewer, sealing, *, newest):
        if viewer.is_leadership:  # confidential: hidden from other members
            yield TimelineEntry(
                at=lead.created_at,
                kind="outreach",
                label="Call",
                title="Confidential call",
                template="ext/entry.html",
                item="notes",
            )

    points = [
        (member_extensions.dashboard_panels, "ext/panel.html", panel),
        (member_extensions.site_menu, "ext/menu.html", None),
        (member_extensions.profile_edit_sections, "ext/section.html", None),
        (lead_extensions.lead_actions, "ext/action.html", None),
    ]
    for point, template, context in points:
        point.register(template, context) if context else point.register(template)

    def cell(value):
        return format_html("<i>{}</i>", value or "none")

    column = LeadColumn("Outreach", cell, column_read)
    lead_extensions.register_lead_column(column)
    lead_extensions.register_timeline_source(timeline)
    yield
    for point, template, _ in points:
        point._extensions = [e for e in point._extensions if e.template != template]
    lead_extensions.lead_columns.remove(column)
    lead_extensions.timeline_sources.remove(timeline)


def test_members_pages_show_what_is_registered(registered, member, leader):
    dashboard = client_for(leader.partnership, leader).get("/dashboard/").text
    assert "Panel for Lee Leadership: leaders only" in dashboard
    assert "<li>Outreach menu</li>" in dashboard
    member_page = client_for(member.partnership, member).get("/dashboard/").text
    assert "Panel for" not in member_page  # the context function hid it from this viewer
    edit = client_for(member.partnership, member).get("/dashboard/profile/").text
    assert "Co-marketing section for Alice Agent" in edit


def test_leads_pages_show_columns_actions_and_timeline_per_viewer(registered, member, leader):
    lead = LeadFactory(partnership=member.partnership, name="Dana Prospect")
    listing = client_for(member.partnership, member).get("/leads/").text
    assert '<th scope="col">Outreach</th>' in listing
    assert '<td data-label="Outreach"><i>seen by Alice Agent</i></td>' in listing

    as_member = client_for(member.partnership, member).get(f"/leads/{lead.pk}/").text
    assert "Log a call with Dana Prospect as Alice Agent" in as_member
    assert "seen by Alice Agent" in as_member
    assert "Confidential call" not in as_member
    as_leader = client_for(leader.partnership, leader).get(f"/leads/{lead.pk}/").text
    assert "Confidential call" in as_leader and "seen by Lee Leadership" in as_leader


def test_an_app_registers_once_however_often_ready_runs(extension_templates):
    point = member_extensions.site_menu
    before = list(point.templates)
    point.register("ext/menu.html")
    point.register("ext/menu.html")
    assert point.templates == [*before, "ext/menu.html"]
    point._extensions = [e for e in point._extensions if e.template != "ext/menu.html"]


PROCESSOR_CALLS: list[str] = []


def counting_processor(request) -> dict:
    """A context processor that notes each time a template context is filled for a request."""
    PROCESSOR_CALLS.append(request.path)
    return {}


def test_a_point_fills_the_template_context_once_for_all_its_extensions(
    extension_templates, settings, rf, member
):
    # Each fill runs every context processor of the project (auth, messages, the menu's
    # membership, CSRF...): a point renders all its templates in one context, as an include
    # renders in its page's, so their cost does not grow with the apps registered.
    processors = [f"{__name__}.counting_processor"]
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}
        for engine in settings.TEMPLATES
    ]
    point = ExtensionPoint("test_point", "request, member")
    point.register("ext/panel.html", lambda request, member: {"note": "first"})
    point.register("ext/section.html")
    point.register("ext/menu.html", lambda request, member: None)
    request = rf.get("/dashboard/")
    request.user = member.user
    PROCESSOR_CALLS.clear()
    html = point.render(request, member=member)
    assert html == [
        "<section>Panel for Alice Agent: first</section>",
        "<section>Co-marketing section for Alice Agent</section>",
    ]
    assert PROCESSOR_CALLS == ["/dashboard/"]
