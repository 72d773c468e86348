"""The members app's part of `seed_demo`: two partnerships with members of every kind.

- `specs`: the shape of the seeds (partnership, company, member).
- `austin`, `harbor`: the two partnerships' companies and members.
- `images`: the seals, portraits and logos, drawn with Pillow.
- `seed`: `seed_demo`, which writes them and lets the other apps add theirs.
"""

from members.demo.seed import DEMO_PASSWORD, SUPERUSER_EMAIL, DemoSeeded, seed_demo

__all__ = ["DEMO_PASSWORD", "SUPERUSER_EMAIL", "DemoSeeded", "seed_demo"]
