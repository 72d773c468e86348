"""A person's data on request (docs/privacy.md): everything a partnership holds about one email
address, exported or erased.

- `registry`: each app declares, in its own `privacy.py`, which of its models hold personal data
  and how each is found and erased (`Provider`); a test walks every model and fails on one with an
  email, name or phone field that no provider covers and no entry excuses.
- `hashing`: the keyed hash an erased opt-out or suppression keeps, so it still holds.
- `services`: `export_personal_data` and `erase_personal_data`, the rules for every caller (the
  admin's pages, `manage.py personal_data`), each audited with the address's hash only.
"""
