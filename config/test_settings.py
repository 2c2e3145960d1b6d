"""Settings for the test suite: the real settings with the testing switch on."""

import os

os.environ.setdefault("CAUNOI_TESTING", "1")

from config.settings import *  # noqa: F403
