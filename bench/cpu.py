"""CPU seconds of the web server, of one database's PostgreSQL backends and of this
process, over a run."""

from __future__ import annotations

import os
import threading
from pathlib import Path


class CpuMeter:
    """CPU seconds spent during the run by the web server (the gunicorn master, its workers
    and the workers it reaped), by this database's PostgreSQL backends (sampled every
    second: a backend that ends between two samples loses at most its last second) and by
    the load generator itself, which shares the machine's cores with both."""

    def __init__(self, server_pids: list[int], dbname: str) -> None:
        self.server_pids = set(server_pids)
        self.marker = f" {dbname} ".encode()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            pid, ppid = int(entry.name), int(stat[1])
            own, children = int(stat[11]) + int(stat[12]), int(stat[13]) + int(stat[14])
            if pid in self.server_pids:
                key, ticks = ("web", pid), own + children
            elif ppid in self.server_pids:
                key, ticks = ("web", pid), own
            elif cmdline.startswith(b"postgres: ") and self.marker in cmdline:
                key, ticks = ("postgres", pid), own
            else:
                continue
            seconds = ticks / self.tick
            if key not in self.first:
                # Seen for the first time after the start: it began during the run.
                self.first[key] = seconds if not self.thread.is_alive() else 0.0
            self.last[key] = seconds

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self._sample()

    def start(self) -> None:
        self._sample()
        self.generator = sum(os.times()[:2])
        self.thread.start()

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.thread.join()
        self._sample()
        spent = {"web": 0.0, "postgres": 0.0}
        for key, last in self.last.items():
            spent[key[0]] += last - self.first[key]
        spent["load generator"] = sum(os.times()[:2]) - self.generator
        return spent
