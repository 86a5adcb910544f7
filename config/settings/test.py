from config.settings.base import *  # noqa: F403
from config.settings.base import REST_FRAMEWORK, STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
MEMBERHUB_HASH_KEY = "test-only-hash-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default="memory://")
STORAGES = {**STORAGES}
REST_FRAMEWORK = dict(REST_FRAMEWORK)
# The real Redis, in a database of the tests' own (each test starts by clearing it: tests/fixtures/doors.py).
CACHES = {
    "default": {
        "BACKEND": "apps.core.cache.MemberhubRedisCache",
        "LOCATION": env("TEST_CACHE_URL", default="redis://127.0.0.1:6379/15"),
        "KEY_PREFIX": "memberhub-test",
    }
}
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
