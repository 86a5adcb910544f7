"""Base settings: everything env-driven. Overlays (local, test, production) only flip defaults."""

from config.env import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "testserver"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "oauth2_provider",
    "django_celery_beat",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.plans",
    "apps.members",
    "apps.audit",
    "apps.ingest",
    "apps.directory",
    "apps.formulary",
    "apps.benefits",
    "apps.documents",
    "apps.cards",
    "apps.notices",
    "apps.appeals",
    "apps.api",
    "apps.fhir",
    "apps.console",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.audit.logging.RequestLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/memberhub")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

# One cache shared by every web worker and machine (API throttles: a per-process cache would multiply each
# rate limit by the number of workers and forget it on restart). Its own Redis database, apart from the
# Celery broker's, because clearing a Redis cache flushes its whole database.
CACHES = {
    "default": {
        "BACKEND": "apps.core.cache.MemberhubRedisCache",
        "LOCATION": env("CACHE_URL", default="redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": "memberhub",
        "TIMEOUT": 300,
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

# Key for keyed content hashes (documents) and other HMACs; never the SECRET_KEY itself in production.
MEMBERHUB_HASH_KEY = env("MEMBERHUB_HASH_KEY", default="dev-only-hash-key")

# Components (each may add settings; *_BEAT_SCHEDULE dicts are merged into CELERY_BEAT_SCHEDULE below).
from config.settings.components.appeals import *  # noqa: E402,F403
from config.settings.components.audit import *  # noqa: E402,F403
from config.settings.components.benefits import *  # noqa: E402,F403
from config.settings.components.cards import *  # noqa: E402,F403
from config.settings.components.celery import *  # noqa: E402,F403
from config.settings.components.directory import *  # noqa: E402,F403
from config.settings.components.doors import *  # noqa: E402,F403
from config.settings.components.drf import *  # noqa: E402,F403
from config.settings.components.enrollment import *  # noqa: E402,F403
from config.settings.components.formulary import *  # noqa: E402,F403
from config.settings.components.logging import *  # noqa: E402,F403
from config.settings.components.notices import *  # noqa: E402,F403
from config.settings.components.plans import *  # noqa: E402,F403
from config.settings.components.security import *  # noqa: E402,F403
from config.settings.components.storage import *  # noqa: E402,F403

CELERY_BEAT_SCHEDULE = {
    key: value
    for name, schedule in sorted(dict(globals()).items())
    if name.endswith("_BEAT_SCHEDULE") and name != "CELERY_BEAT_SCHEDULE" and isinstance(schedule, dict)
    for key, value in schedule.items()
}
