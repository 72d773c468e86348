"""The benchmark's large seed: two partnerships of a real partnership's size, made by SQL.

    DATABASE_URL=... .venv/bin/python -m bench.seed [--scale 1.0] [--fresh]

Per partnership at scale 1.0: 2,000 members, 200,000 leads with their submissions, inquiries,
outreach and emails, 50,000 co-marketing connections, 20,000 transactions with their teams and
post-close rows, 100,000 advocate contacts with their touch plans, 1,000,000 outbox rows.
`bench-a` holds the bench agent and leader (fixed logins); `bench-b` is its twin, there to prove
that one tenant's size costs the other nothing. Each partnership is seeded in one database
transaction; a rerun at the same scale only rewrites the manifest (`.data/bench/manifest.json`).
"""
