from django.db import migrations

# The nightly recompute rewrites every contact's row (its recency moves each
# day). A row is about 370 bytes, some 22 to a page: at fillfactor 70 a page
# had room for the new versions of only a third of its rows, and each of the
# others went to another page with a new entry in every one of its thirteen indexes,
# six of them GIN indexes for search. Under half full, a page holds the new
# version of each of its rows beside the old one, so the update is HOT (no
# index touched) whenever the indexed columns keep their values, and the next
# night's update prunes the old versions on its way.
FILLFACTOR = 45
PREVIOUS = 70


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE contacts_contact SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE contacts_contact SET (fillfactor = {PREVIOUS})")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_contact_uid_importjob"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
