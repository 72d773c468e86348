# Production image: one image, three processes (web, worker, beat) chosen by the command.
# Runtime packages only (requirements.lock; the tools of `make run` / `make test` are in
# requirements-dev.lock, which the image never sees), run as the unprivileged user `pinnacle`.
# One stage: every runtime package installs from a binary wheel (no compiler to leave behind in a
# builder stage) straight into the base image's Python, whose pip and setuptools are already
# there; a copied virtualenv would only add its own. docs/dependencies.md has the sizes.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 pinnacle
WORKDIR /app

COPY requirements.lock .
RUN pip install --only-binary=:all: -r requirements.lock

# The code belongs to root: the app's user reads it and writes only where the portal keeps files
# (MEDIA_ROOT and PRIVATE_MEDIA_ROOT, volumes in docker-compose.yml). .dockerignore keeps the
# local virtualenv, data, secrets, tests and the benchmarks out.
COPY . .
# collectstatic needs settings but no services and no secret.
RUN python manage.py collectstatic --no-input \
    && mkdir -p /app/media /app/private \
    && chown pinnacle:pinnacle /app/media /app/private

ENV MEDIA_ROOT=/app/media \
    PRIVATE_MEDIA_ROOT=/app/private
USER pinnacle
EXPOSE 8000
CMD ["gunicorn", "pinnacle.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
