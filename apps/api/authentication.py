"""Vendor API tokens: DRF tokens accepted only for users with the vendor role (bound to one vendor)."""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class VendorTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if getattr(user, "role", None) != "vendor" or user.vendor_id is None:
            raise exceptions.AuthenticationFailed("Token is not a vendor credential.")
        return user, token
