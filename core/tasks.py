def heartbeat() -> None:
    """Run every minute by the `core-heartbeat` schedule; running it is the signal.

    It writes nothing: running it twice is harmless. `/healthz` reads the schedule's
    `next_run`, which only a live `qcluster` moves forward (core/health.py)."""
