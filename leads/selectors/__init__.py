"""Reads for the leads app, one module per page family:

- `lists`: the partnership's leads list, a lead, the CSV export.
- `timeline`: everything that happened to a lead, from every app that registers a source.
- `compliance`: leadership's response-time report.
- `inquiries`: a member's inquiries and the dashboard panel's data.
"""
