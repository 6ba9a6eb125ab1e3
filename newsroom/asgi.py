import os

from django.core.asgi import get_asgi_application

from newsroom.checks import require_secrets_to_serve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_asgi_application()

require_secrets_to_serve()
