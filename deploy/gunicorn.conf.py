"""gunicorn settings for gplan: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Web workers never run the reminder scheduler; it runs as its own process
(`flask --app wsgi scheduler`, see gplan-scheduler.service).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Behind nginx on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
