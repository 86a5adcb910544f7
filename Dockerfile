# memberhub image: web (gunicorn), Celery workers and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint's system libraries (Pango, HarfBuzz subsetting), image libraries, the fonts, PDF tools.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
      fonts-dejavu-core fonts-liberation fonts-noto-core poppler-utils postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
RUN pip install --no-deps -e . \
 && DJANGO_SETTINGS_MODULE=config.settings.test python manage.py collectstatic --noinput \
 && useradd --create-home --uid 10001 memberhub && mkdir -p /app/var && chown -R memberhub /app/var
USER memberhub
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
