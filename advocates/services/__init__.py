"""The advocate CRM's rules, one module per family of use cases:

- `contacts`: the circle itself (add, edit, segments, the communication log, transaction
  history); `emails`: email to a contact through the portal; `io`: CSV import with a preview,
  and export;
- `score`: the relationship strength score, recomputed when its inputs change;
- `plans`: the appreciation plans (33 touches a year, 8 in 8 weeks) and enrolment;
  `plan_calendar`: when each touch falls (the contact's own dates, the holidays);
- `touches`: doing the touches (done, emailed, acknowledged) and the morning digest;
- `referrals`: referrals both ways, their stages, progress notes; `rewards`: reward programs and
  the rewards given;
- `experiments`: the reward A/B test;
- `surveys`: the satisfaction survey and its model;
- `overview`: tells leadership's cached overview of the circles that they changed.
"""

from pinnacle.refusals import Refused


class AdvocatesRefused(Refused):
    """A rule of the inner circle refused what was asked; the message says why."""
