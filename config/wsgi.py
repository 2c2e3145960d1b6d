import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The WSGI server runs no system checks: refuse to serve with a missing, malformed or
# wrong key (or, in production, without explicit key locations) here.
from core.keys import refuse_to_start  # noqa: E402

# Exit status 3 is gunicorn's "worker failed to boot": the master stops the whole server
# (status 3 too) instead of restarting, forever, workers that each refuse.
WORKER_BOOT_ERROR = 3

try:
    refuse_to_start()
except SystemExit as refusal:
    print(refusal, file=sys.stderr, flush=True)
    raise SystemExit(WORKER_BOOT_ERROR) from None
