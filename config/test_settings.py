"""Settings for the test suite: the real settings with the testing switch on, and keys
of its own (created here, in a temporary directory, never in .local/: tests must not
create or use a developer's keys). Subprocesses started by tests inherit them."""

import atexit
import base64
import os
import secrets
import shutil
import tempfile

os.environ.setdefault("CAUNOI_TESTING", "1")


def _test_keys() -> None:
    if os.environ.get("CAUNOI_TEST_KEY_DIR"):
        return  # the parent process (pytest-xdist's controller, say) made them
    key_dir = tempfile.mkdtemp(prefix="caunoi-test-keys-")
    atexit.register(shutil.rmtree, key_dir, True)
    os.environ["CAUNOI_TEST_KEY_DIR"] = key_dir

    def write(name: str, text: str) -> str:
        path = os.path.join(key_dir, name)
        with open(path, "w") as handle:
            handle.write(text)
        return path

    def key() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    os.environ.setdefault("CAUNOI_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CAUNOI_MASTER_KEY_FILE", write("master.key", f"1:{key()}\n"))
    os.environ.setdefault("CAUNOI_BLIND_INDEX_KEY_FILE", write("blind_index.key", key() + "\n"))


_test_keys()

from config.settings import *  # noqa: E402, F403
