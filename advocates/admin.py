"""Leadership's admin for the advocate CRM: the partnership's plan templates. Members' contacts
are theirs alone and have no admin pages (leadership sees the circle only in aggregate)."""
