# Production-shaped image of the Climate Mission Portal: gunicorn serves the site (static files
# through whitenoise); the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=climateportal.settings.production

# Libraries WeasyPrint loads at run time (Pango, HarfBuzz, fonts) and gettext for the
# translation catalogues.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
        libicu72 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Production dependencies only (no pytest, Playwright or ruff), every file checked against the
# lock's hashes; `make lock` regenerates requirements/production.txt.
# PyICU (collations for the embedded SQLite database) builds against ICU's headers, which are
# removed again once it is built.
COPY requirements/production.txt requirements/production.txt
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        g++ libicu-dev pkg-config \
    && pip install --require-hashes -r requirements/production.txt \
    && apt-get purge -y --auto-remove g++ libicu-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

COPY . .

# Compile the el/pl catalogues and collect static files into the image. The secret key exists
# only for this build step; a running container must be given its own DJANGO_SECRET_KEY.
RUN DJANGO_SETTINGS_MODULE=climateportal.settings.production \
    DJANGO_SECRET_KEY=build-only-dummy-key-never-used-at-run-time-0123456789abcdefghij \
    sh -c "python manage.py compilemessages && python manage.py collectstatic --noinput"

# Run as an unprivileged user; only the media directory (uploads, generated reports) is writable.
RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000

CMD ["gunicorn", "climateportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
