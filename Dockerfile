# Prevent & Protect: one image for the web process, the Celery worker and beat.
# The processes differ only in their command (see docker-compose.yml).

# ------------------------------------------------------------------------------
# Front-end assets (Bootstrap, htmx) from the npm registry, never from a CDN.
# Development-only packages (axe-core, for the accessibility tests) are left out.
# ------------------------------------------------------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# ------------------------------------------------------------------------------
# The application
# ------------------------------------------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/media

# Runtime libraries for WeasyPrint (PDF returns) and a font for it to use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

# STATICFILES_DIRS points into node_modules, so it stays in the image.
COPY --from=assets /build/node_modules node_modules
COPY . .

# These values exist only so that the production settings load during
# the build; they are build-only placeholders, not secrets, and nothing built
# here keeps them. The real values come from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    AUDIT_SIGNING_KEY=build-only-placeholder-not-a-secret-000 \
    AUDIT_CHECKPOINT_FILE=/tmp/build-checkpoints.jsonl \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

# Private uploads live here (a named volume in docker-compose.yml); the
# directory exists with the right owner so that a new volume inherits it.
RUN mkdir -p /app/media && chown app:app /app/media

USER app

EXPOSE 8000

# /healthz over plain HTTP from inside the container: the Host header must be
# one of DJANGO_ALLOWED_HOSTS, and X-Forwarded-Proto stops the HTTPS redirect
# (as the load balancer in front would). A 503 (database or broker down) fails.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as u; h = (os.environ.get('DJANGO_ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.*') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=8)"

CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
