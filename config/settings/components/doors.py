"""Settings for the doors area: OAuth for the mobile apps, lockout and second factor for the console,
API schema, security headers.

base.py imports the components in alphabetical order, so `drf` and `security` come after this file: the
dicts they define (OAUTH2_PROVIDER, REST_FRAMEWORK, SPECTACULAR_SETTINGS, CONTENT_SECURITY_POLICY) are
refined here IN PLACE (same objects), which holds whatever the import order.
"""

from config.env import env
from config.settings.components.drf import OAUTH2_PROVIDER, REST_FRAMEWORK, SPECTACULAR_SETTINGS

# --- OAuth 2 (django-oauth-toolkit): authorization code + PKCE S256 for mobile apps ------------------
OAUTH2_PROVIDER.update(
    {
        "OAUTH2_SERVER_CLASS": "apps.api.oauth.S256OnlyServer",
        "PKCE_REQUIRED": True,
        "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=900),
        "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_TOKEN_SECONDS", default=60 * 60 * 24 * 30),
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a replayed refresh token revokes the whole family
        "SCOPES_BACKEND_CLASS": "apps.accounts.scopes.DatabaseScopes",
        # Native apps use a private-use URI scheme (RFC 8252 §7.1) or https claimed links; never plain http.
        "ALLOWED_REDIRECT_URI_SCHEMES": env.list(
            "OAUTH_ALLOWED_REDIRECT_URI_SCHEMES", default=["https", "org.memberhub.app"]
        ),
        "ALLOW_URI_WILDCARDS": False,
        "REQUEST_APPROVAL_PROMPT": "auto",
        # RFC 9700 (OAuth 2.0 Security BCP) gates, all on: no implicit/password grants, no plain PKCE,
        # no tokens in query strings, `iss` in authorization responses, tokens hashed at rest.
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    }
)

# Validated bearer tokens are kept in the Redis cache this long at most (never past their expiry), so an
# API request reads no token from the database; revoking a token or changing its user drops the entry at
# once (apps.api.token_cache). 0 turns the cache off.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60)

# --- REST framework: throttles with rate-limit headers; OpenAPI schema -------------------------------
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "apps.api.authentication.ScopedOAuth2Authentication",
    "apps.api.authentication.VendorTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "apps.api.schema.AutoSchema"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(  # type: ignore[attr-defined]
    {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
    }
)

SPECTACULAR_SETTINGS.update(
    {
        "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
        "SERVE_AUTHENTICATION": [],
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "OAUTH2_FLOWS": ["authorizationCode"],
        "OAUTH2_AUTHORIZATION_URL": "/o/authorize/",
        "OAUTH2_TOKEN_URL": "/o/token/",
        "OAUTH2_REFRESH_URL": "/o/token/",
        "POSTPROCESSING_HOOKS": [
            "apps.api.schema.postprocess_enums",
            "apps.api.schema.document_errors_hook",
        ],
        "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
        # distinct names for choice sets that share a field name ("status") across areas
        "ENUM_NAME_OVERRIDES": {
            "AcknowledgmentStatusEnum": ["A", "E", "P", "R"],
            "CoveragePayerEnum": ["part_d", "medi_cal_rx", "both", "not_covered"],
            "DocumentStatusEnum": ["pending", "rendering", "ready", "failed"],
            "AlignmentStatusEnum": [
                "exclusively_aligned",
                "misaligned",
                "medicare_only",
                "medi_cal_only",
                "not_enrolled",
            ],
        },
    }
)

# --- Console sign-in: lockout (django-axes) and the optional second factor (django-otp) ----------------
AXES_LOCKOUT_TEMPLATE = "console/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="memberhub console")

# --- Security headers shared by every environment (production.py adds HSTS, secure cookies, SSL) -------
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "django.views.csrf.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/(api|o|fhir)/.*$"

# Swagger UI assets (drf-spectacular-sidecar) are served as static files of our own origin.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "apps.api.staticfiles.SidecarFinder",
]
