"""Extension points for apps built on members (which members itself must not import).

Apps append template names in their AppConfig.ready():
- `profile_actions`: included in each directory profile's action area (context: member).
- `dashboard_panels`: included in the member dashboard (context: member).
"""

profile_actions: list[str] = []
dashboard_panels: list[str] = []


def template_extensions(request) -> dict:
    """Context processor: the registered extension templates, for `{% include %}` loops."""
    return {"profile_actions": profile_actions, "dashboard_panels": dashboard_panels}
