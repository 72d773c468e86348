"""Places inside the advocates app's own pages that its parts fill (see pinnacle.extensions).

- `contact_sections(request, contact)`: sections of a contact's page below the contact's own
  details (plans and touches, referrals and rewards, surveys), each with its own queries.
"""

from pinnacle.extensions import ExtensionPoint

contact_sections = ExtensionPoint("contact_sections", "request, contact")
