import pytest


@pytest.mark.django_db
def test_scopes_present():
    from apps.accounts.models import OAuthScope

    assert OAuthScope.objects.count() >= 8
