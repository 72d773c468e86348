import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")

application = get_wsgi_application()
# Refuse to start without a real key: reading an empty SECRET_KEY raises ImproperlyConfigured.
settings.SECRET_KEY.encode()
