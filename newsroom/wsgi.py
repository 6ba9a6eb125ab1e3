import os

from django.core.wsgi import get_wsgi_application

from newsroom.checks import require_secrets_to_serve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

# A reader's cached page is answered at the door, before Django's handler
# (imported once the apps are loaded: the door reads the cache's models).
from newsroom.page_door import PageDoor  # noqa: E402

application = PageDoor(django_application)

require_secrets_to_serve()
