"""Extension points of the members app (which must not import the apps that use them).

Apps register from their AppConfig.ready(); see pinnacle.extensions for how a point works.

- `site_menu(request)`: entries in the header's main menu (each template renders `<li>` items).
- `dashboard_panels(request, member)`: panels on the member's dashboard.
- `profile_actions(request, member)`: buttons in a directory profile's action area.
- `profile_edit_sections(request, member)`: sections below the profile-edit form (each posts to
  its own app's URL).
"""

from django.utils.functional import SimpleLazyObject

from pinnacle.extensions import ExtensionPoint

site_menu = ExtensionPoint("site_menu", "request")
dashboard_panels = ExtensionPoint("dashboard_panels", "request, member")
profile_actions = ExtensionPoint("profile_actions", "request, member")
profile_edit_sections = ExtensionPoint("profile_edit_sections", "request, member")


def template_extensions(request) -> dict:
    """Context processor: the site menu's extension entries, rendered only if a page uses them."""
    return {"site_menu_items": SimpleLazyObject(lambda: site_menu.render(request))}
