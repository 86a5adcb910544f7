from django.db import migrations


class Migration(migrations.Migration):
    """999 interchange control numbers (ISA13/GS06) come from one database sequence: unique, no race."""

    dependencies = [("ingest", "0002_add_834_acknowledgment_and_work_items")]

    operations = [
        migrations.RunSQL(
            sql="CREATE SEQUENCE IF NOT EXISTS ingest_ack_control_number_seq MINVALUE 1 MAXVALUE 999999999 CYCLE",
            reverse_sql="DROP SEQUENCE IF EXISTS ingest_ack_control_number_seq",
        )
    ]
