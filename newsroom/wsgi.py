import os

from django.core.wsgi import get_wsgi_application

from newsroom.checks import require_secrets_to_serve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

require_secrets_to_serve()
