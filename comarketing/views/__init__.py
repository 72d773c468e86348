"""Co-marketing pages: `connections` (the partners menu, inviting, a connection's page, editing
the partner, sharing a lead), `joining` (the invitee's registration and acceptance), `media`
(co-branded media, the flyer and the public property and capture pages), `invitation_login`
(an invitee logging in with an account from another partnership)."""
