"""WSGI entry point: ``gunicorn pocketcouncil.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pocketcouncil.settings")
application = get_wsgi_application()
