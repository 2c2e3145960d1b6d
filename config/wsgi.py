import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The WSGI server runs no system checks: refuse to serve with a missing, malformed or
# wrong key (or, in production, without explicit key locations) here.
from core.keys import refuse_to_start  # noqa: E402

refuse_to_start()
