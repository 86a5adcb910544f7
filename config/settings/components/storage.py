"""Storage: local files by default; an S3-compatible bucket when DJANGO_AWS_STORAGE_BUCKET_NAME is set."""

from config.env import BASE_DIR, env

AWS_STORAGE_BUCKET_NAME = env("DJANGO_AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("DJANGO_AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("DJANGO_AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = 300
    _documents_backend = "storages.backends.s3.S3Storage"
    _documents_options: dict[str, object] = {"location": "documents"}
else:
    _documents_backend = "django.core.files.storage.FileSystemStorage"
    _documents_options = {
        "location": env("MEMBERHUB_DOCUMENTS_ROOT", default=str(BASE_DIR / "var" / "documents"))
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Rendered cards, notices, print batches: never served from a guessable URL (views stream them).
    "documents": {"BACKEND": _documents_backend, "OPTIONS": _documents_options},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Medicare Advantage records are kept 10 years.
MEMBERHUB_DOCUMENT_RETENTION_YEARS = env.int("MEMBERHUB_DOCUMENT_RETENTION_YEARS", default=10)
