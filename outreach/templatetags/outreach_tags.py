"""Template helpers for outreach's pages and the places it shows on others' pages."""

from __future__ import annotations

from django import template

from outreach import cells

register = template.Library()

# `{% outreach_state state %}`: the member's policy state with a lead (outreach.cells).
register.simple_tag(cells.state_cell, name="outreach_state")
