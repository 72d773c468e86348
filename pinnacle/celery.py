import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")

app = Celery("pinnacle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["pinnacle.mail"])


@setup_logging.connect
def use_django_logging(**kwargs):
    """Worker and beat write their lines as the web does (settings.LOGGING: JSON in production,
    with the task's name, id, request id and partnership), not with Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
