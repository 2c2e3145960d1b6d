"""gunicorn settings for Cầu Nối, read from the environment (deploy/caunoi.env.example).

Started by bin/serve-production: `gunicorn --config deploy/gunicorn.conf.py config.wsgi`.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# nginx in front talks to this address; keep it on loopback unless nginx runs elsewhere.
bind = os.environ.get("CAUNOI_BIND", "127.0.0.1:8000")
# Worker processes: CAUNOI_WEB_WORKERS, default one per core. A page is Python CPU work
# (templates, ORM) between short waits for PostgreSQL, so processes beyond the cores add no
# throughput, only memory and the warm-up of each new worker (templates compiled,
# translations loaded: ~0.6 s of CPU each, again after every max_requests); gunicorn's
# "2 × cores + 1" is for workers that mostly wait. Measured in bench/RESULTS.md, "Load test".
workers = _int("CAUNOI_WEB_WORKERS", multiprocessing.cpu_count())
# Threads per worker (gthread): the requests in flight while others wait for PostgreSQL.
threads = _int("CAUNOI_WEB_THREADS", 4)
worker_class = "gthread"
timeout = _int("CAUNOI_WEB_TIMEOUT", 60)  # the slowest legitimate request: a large export
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never take the server down.
max_requests = _int("CAUNOI_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# No access log: its request line holds the path and the query string, which can name a
# client. Cầu Nối writes its own request log (JSON: method, route name, status, ms, user).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CAUNOI_GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* headers are trusted only from nginx on this machine.
forwarded_allow_ips = os.environ.get("CAUNOI_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "caunoi-web"
# systemd starts, stops and reloads the server; gunicorn's control socket (in the service
# user's home) is not needed.
control_socket_disable = True
