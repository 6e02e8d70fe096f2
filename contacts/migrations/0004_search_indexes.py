from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Trigram GIN indexes serve ILIKE '%term%' (and the % similarity operators) on
# the fields the People search reads; the tsvector index serves full-text
# search of the notes. The expressions match contacts.listing's queries.
INDEXES = [
    ("contact_name_trgm", "contacts_contact", "display_name gin_trgm_ops"),
    ("contact_nickname_trgm", "contacts_contact", "nickname gin_trgm_ops"),
    ("contact_company_trgm", "contacts_contact", "company gin_trgm_ops"),
    ("contact_notes_trgm", "contacts_contact", "notes gin_trgm_ops"),
    ("contact_notes_fts", "contacts_contact", "to_tsvector('english'::regconfig, COALESCE(notes, ''))"),
    ("contactmethod_value_trgm", "contacts_contactmethod", "value gin_trgm_ops"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (make run) searches without them
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
                              if "(" in expression else
                              f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_contact_fillfactor"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
