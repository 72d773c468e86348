"""The per-IP limit's group for public lead forms, shared by every page that takes a prospect's
submission (the leads app's forms and other apps' capture pages), so together they count as one.
The pipeline is `pinnacle.public_forms`."""

LEAD_INTAKE = "lead-intake"
