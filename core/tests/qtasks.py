"""A task for test_queue_scale_out: each run leaves its own file, so a task run twice shows."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def record_run(directory: str, number: int) -> None:
    Path(directory, f"{number}.{os.getpid()}.{uuid.uuid4().hex}").touch()
