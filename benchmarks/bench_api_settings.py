"""Settings for benchmarks/bench_api.py: production settings, plus the plain comparison view's URLconf,
plain HTTP on 127.0.0.1 and quiet logs."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_api_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
