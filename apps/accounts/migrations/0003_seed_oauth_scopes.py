"""Seed the OAuth scopes (scopes as data). Idempotent: existing rows get these values."""

from django.db import migrations

SCOPES = (
    ("member.read", "Read your member summary, plans, PCP and benefits", True, ["v1:me-summary", "v1:benefits-me-*"]),
    ("card.read", "Read your ID card", True, ["v1:cards-me", "v1:cards-me-pdf", "v1:cards-me-png"]),
    ("card.request", "Request a replacement ID card", False, ["v1:cards-me-replacement"]),
    ("notices.read", "Read your letters", True, ["v1:notices-me-*"]),
    ("cases.read", "Read the status of your grievances and appeals", True, ["v1:appeals-me-*"]),
    ("directory.read", "Search the provider directory with your networks", True, ["v1:directory-search", "v1:directory-provider"]),
    ("formulary.read", "Look up drugs with your costs", True, ["v1:formulary-search", "v1:formulary-drug"]),
    (
        "print_batches",
        "Mailing vendors: pull print batches and manifests, acknowledge, report returned mail",
        False,
        ["v1:print_batches-*"],
    ),
)


def seed(apps, schema_editor):
    OAuthScope = apps.get_model("accounts", "OAuthScope")
    for name, description, is_default, resources in SCOPES:
        OAuthScope.objects.update_or_create(
            name=name, defaults={"description": description, "is_default": is_default, "resources": resources}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_oauth_scope_resources")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
