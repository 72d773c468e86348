"""The advocate CRM's forms: `contacts` (the circle, the log, import, weights), `plans`,
`referrals` (referrals and rewards), `insights` (experiments and surveys)."""
