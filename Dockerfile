# Production image: one image, three processes (web, worker, beat) chosen by the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 pinnacle
WORKDIR /app

COPY requirements.lock .
RUN pip install -r requirements.lock

COPY --chown=pinnacle:pinnacle . .
# collectstatic needs settings but no services and no secret.
RUN python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown pinnacle:pinnacle /app/media

USER pinnacle
EXPOSE 8000
CMD ["gunicorn", "pinnacle.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
