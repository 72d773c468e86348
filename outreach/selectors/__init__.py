"""Outreach reads (reads only, never writes), one module per family:

- `policy`: the engagement policy's state for a page of leads in a few queries (`pair_states`)
  and its one `decide(channel)`, used alike by the leads list, the lead's page and the services;
- `lead_outreach`: a lead's stage as a viewer may see it, the member's templates, "my outreach",
  and the outreach entries of a lead's timeline;
- `scripts`: what a member says on a call, a voicemail or a text;
- `compliance`: outreach in leadership's compliance report.
"""
