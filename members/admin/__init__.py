"""Admin for members, companies, invitations and users, scoped to the leadership's partnership.

Invitations created here go through `invite_member` like everywhere else, so the email is queued
with the invitation. Users are shared between partnerships, so leadership only sees the users who
are members of their own partnership and may not change anything that reaches beyond it
(email, password, active/staff/superuser flags); superusers can do everything.
"""

from members.admin import directory, invitations, users

# Importing the modules registers their admins; Django's autodiscovery imports this package.
__all__ = ["directory", "invitations", "users"]
