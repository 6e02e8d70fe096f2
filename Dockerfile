# relcrm: one image for the web server, the Celery worker, Celery beat and
# one-off management commands. See docker-compose.yml for how they are wired.
FROM python:3.13-slim

# gunicorn reads WEB_CONCURRENCY itself as its default worker count.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    WEB_CONCURRENCY=3

WORKDIR /app

# A fixed, high uid/gid that does not collide with users on the host.
RUN groupadd --system --gid 10001 relcrm \
 && useradd --system --uid 10001 --gid relcrm --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin relcrm

# Dependencies first, so editing the code does not reinstall them.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Static files are collected into the image and served by whitenoise.
# collectstatic touches no database, but settings refuse to load without a
# SECRET_KEY when DEBUG is off: the key below exists only for this RUN line
# and is never used at run time. var/ is where settings put SQLite and the
# file broker when no DATABASE_URL/REDIS_URL is given (compose gives both).
RUN SECRET_KEY=build-time-only-collectstatic-key-never-used-at-run-time-0000 \
    DEBUG=false \
    python manage.py collectstatic --noinput \
 && mkdir -p var \
 && chown relcrm:relcrm var

USER relcrm

EXPOSE 8000

# Talks plain HTTP to gunicorn (/healthz is exempt from the HTTPS redirect) and
# sends the first ALLOWED_HOSTS entry as Host, so Django does not answer 400.
# /healthz also runs SELECT 1, so "healthy" means the database answers too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=4)"]

# Worker count: WEB_CONCURRENCY (above). Further gunicorn flags: GUNICORN_CMD_ARGS.
# The heartbeat file lives in /dev/shm so a slow disk cannot stall workers. No
# control socket: it would go to $HOME, which the app user cannot write, and the
# container is managed by Docker anyway.
CMD ["gunicorn", "relcrm.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket"]
