"""Telemetry: what an operator reads without a dashboard (docs/telemetry.md).

- `context`: who and what a log line or an error is about (request id, partnership, user id,
  Celery task), in context variables set by the middleware, `tenant_scope` and the task signals.
- `logs`: the filter that puts them on every record, and the JSON and text formatters.
- `middleware`: the request id (taken or made, echoed), and the request metrics.
- `tasks`: the request id carried into Celery tasks, and each sweep's run recorded.
- `sweeps`: each beat sweep's last run, kept in Redis for /healthz and /metrics.
- `metrics` and `views`: the Prometheus metrics and `/metrics` behind a bearer token.
- `health`: /healthz's checks. `sentry`: errors to Sentry without personal data.
"""
