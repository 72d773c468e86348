"""The policy's use cases, each rule once, for every caller (pages, admin, the beat sweep, the
shell).

Modules:
- `participation`: who takes part, and `PolicyRefused`, the refusal every use case raises.
- `versions`: version 1 from the partnership's first moment; the current version.
- `revisions`: revisions put to the membership's vote, votes, and the count that adopts one.
- `feedback`: critique and suggestions, and breach reports confidential to leadership.
"""
