# syntax=docker/dockerfile:1
# Image of the platform: the same image runs the web server (gunicorn), the Celery worker and Celery beat
# (see docker-compose.yml). Configuration comes from the environment only (see .env.example).

# --- Front-end assets, built at image build time from the npm registry (never a CDN at run time) ---------
# The source maps are copied too: the minified files reference them and collectstatic's manifest storage
# fails on a missing reference.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
    && mkdir -p vendor/bootstrap vendor/htmx \
    && cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
          node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
          vendor/bootstrap/ \
    && cp node_modules/htmx.org/dist/htmx.min.js vendor/htmx/

# --- Application -------------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint (PDF balance sheets) needs pango and harfbuzz; fonts for the PDFs and the pages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        shared-mime-info \
        fonts-dejavu-core \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --shell /usr/sbin/nologin cil

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
COPY --from=assets /build/vendor static/vendor

# collectstatic needs settings to load: a random throw-away key (production refuses a weak one), used for
# this build step only and never stored in the image.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
    && mkdir -p var/media var/private \
    && chown -R cil:cil var

USER cil
EXPOSE 8000
# threaded workers, two processes per core, two threads each (config/gunicorn.conf.py; GUNICORN_* variables override)
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi:application"]
