from django.db import migrations

COLUMNS = ("conflicts", "sources", "details", "given_names", "address_lines", "accessibility")


class Migration(migrations.Migration):
    """ANALYZE after a rebuild need not compute statistics for columns no query filters on (jsonb, text[])."""

    dependencies = [("directory", "0004_provider_and_location_ids")]

    operations = [
        migrations.RunSQL(
            sql=[f"ALTER TABLE directory_unifiedentry ALTER COLUMN {c} SET STATISTICS 0" for c in COLUMNS],
            reverse_sql=[f"ALTER TABLE directory_unifiedentry ALTER COLUMN {c} SET STATISTICS -1" for c in COLUMNS],
        ),
    ]
