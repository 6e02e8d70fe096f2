from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Django's icontains is UPPER(col) LIKE UPPER('%term%') on PostgreSQL, so the
# trigram indexes are on UPPER(col); the plain one on the name serves the
# similarity operator (%>). The tsvector index serves full-text search of the
# notes. The expressions match contacts.listing's queries.
INDEXES = [
    ("contact_name_trgm", "contacts_contact", "display_name gin_trgm_ops"),
    ("contact_name_upper_trgm", "contacts_contact", "(upper(display_name)) gin_trgm_ops"),
    ("contact_nickname_upper_trgm", "contacts_contact", "(upper(nickname)) gin_trgm_ops"),
    ("contact_company_upper_trgm", "contacts_contact", "(upper(company)) gin_trgm_ops"),
    ("contact_notes_upper_trgm", "contacts_contact", "(upper(notes)) gin_trgm_ops"),
    ("contact_notes_fts", "contacts_contact", "(to_tsvector('english'::regconfig, COALESCE(notes, '')))"),
    ("contactmethod_value_upper_trgm", "contacts_contactmethod", "(upper(value)) gin_trgm_ops"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (make run) searches without them
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


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
