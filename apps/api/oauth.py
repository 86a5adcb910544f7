"""OAuth 2 server for the mobile apps: authorization code with PKCE, S256 only.

django-oauth-toolkit (with OAUTH2_PROVIDER["PKCE_REQUIRED"]) already refuses an authorization request
without a code challenge; oauthlib still accepts `plain` challenges. This server class removes `plain`, so
an authorization request with `code_challenge_method=plain` (or none, which RFC 7636 says means plain)
is answered with an `invalid_request` redirect before the user is even asked to consent.
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2 import Server
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

PKCE_METHODS = {"S256": code_challenge_method_s256}


class S256OnlyServer(Server):
    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, *args, **kwargs)
        self.auth_grant._code_challenge_methods = PKCE_METHODS
