from django.db import migrations

# The nightly recompute rewrites every contact's score. Free room on each page
# lets PostgreSQL write the new row version beside the old one without
# touching the indexes (a HOT update) whenever the indexed dates are unchanged.
FILLFACTOR = 70


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE contacts_contact SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE contacts_contact RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_engine"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
