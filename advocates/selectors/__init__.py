"""The advocate CRM's reads, one module per family (reads only, never writes):

- `circle`: a member's contacts, the circle list and segments, experiments, circle settings, the
  allied scorecard;
- `overview`: leadership's counts of every circle of the partnership, cached per partnership;
- `plans`: touches and enrolments, the touch buckets (the rule `bucket_filter` states once);
- `experiments`: the reward experiment's groups and results, week by week;
- `referrals`: referrals, reward rules and rewards, per-contact totals;
- `contact_sources`: the member's circle offered to other apps' contact pickers.
"""
