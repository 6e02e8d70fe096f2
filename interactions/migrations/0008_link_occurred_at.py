"""Each interaction–contact link carries its interaction's moment, kept there by triggers.

The nightly recompute slides each person's one-year window: it needs their
conversations between two moments and their first one after a moment. With
the moment on the link, both are a range of one index per person, where they
were a visit to every one of the person's interactions.

The database keeps the copy, whatever writes: a link takes its interaction's
moment when it is made or moved to another interaction, and an interaction
whose moment changes passes it to its links. PostgreSQL sets it before the
row is written; SQLite (``make run``) right after.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

LINKS, INTERACTIONS = "interactions_interactioncontact", "interactions_interaction"

POSTGRES_SETUP = f"""
CREATE OR REPLACE FUNCTION interactions_link_when() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.occurred_at := (SELECT occurred_at FROM {INTERACTIONS} WHERE id = NEW.interaction_id);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION interactions_interaction_when() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {LINKS} SET occurred_at = NEW.occurred_at WHERE interaction_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER {LINKS}_when BEFORE INSERT OR UPDATE OF interaction_id, occurred_at ON {LINKS}
FOR EACH ROW EXECUTE FUNCTION interactions_link_when();

CREATE TRIGGER {INTERACTIONS}_when AFTER UPDATE OF occurred_at ON {INTERACTIONS}
FOR EACH ROW WHEN (OLD.occurred_at IS DISTINCT FROM NEW.occurred_at)
EXECUTE FUNCTION interactions_interaction_when();

UPDATE {LINKS} AS ic SET occurred_at = i.occurred_at FROM {INTERACTIONS} AS i WHERE i.id = ic.interaction_id;
"""

SQLITE_LINK = (
    f"UPDATE {LINKS} SET occurred_at = (SELECT occurred_at FROM {INTERACTIONS} WHERE id = NEW.interaction_id) "
    "WHERE id = NEW.id;"
)
SQLITE_SETUP = (
    f"CREATE TRIGGER {LINKS}_when_insert AFTER INSERT ON {LINKS} BEGIN {SQLITE_LINK} END",
    # Recursive triggers are off in SQLite: the UPDATE inside does not set this one off again.
    f"CREATE TRIGGER {LINKS}_when_update AFTER UPDATE OF interaction_id, occurred_at ON {LINKS} BEGIN {SQLITE_LINK} END",
    f"CREATE TRIGGER {INTERACTIONS}_when AFTER UPDATE OF occurred_at ON {INTERACTIONS} "
    f"WHEN OLD.occurred_at IS NOT NEW.occurred_at "
    f"BEGIN UPDATE {LINKS} SET occurred_at = NEW.occurred_at WHERE interaction_id = NEW.id; END",
    f"UPDATE {LINKS} SET occurred_at = (SELECT occurred_at FROM {INTERACTIONS} AS i WHERE i.id = interaction_id)",
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_SETUP)
    elif vendor == "sqlite":
        for statement in SQLITE_SETUP:
            schema_editor.execute(statement)
    else:
        raise ImproperlyConfigured(f"relcrm runs on PostgreSQL or SQLite, not {vendor}.")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {LINKS}_when ON {LINKS}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {INTERACTIONS}_when ON {INTERACTIONS}")
        schema_editor.execute("DROP FUNCTION IF EXISTS interactions_link_when(), interactions_interaction_when()")
    elif schema_editor.connection.vendor == "sqlite":
        for name in (f"{LINKS}_when_insert", f"{LINKS}_when_update", f"{INTERACTIONS}_when"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0006_contact_fillfactor_hot"),
        ("interactions", "0007_today_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="interactioncontact",
            name="occurred_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        # Built after the copy, in one pass.
        migrations.RemoveIndex(model_name="interactioncontact", name="interactioncontact_contact"),
        migrations.AddIndex(
            model_name="interactioncontact",
            index=models.Index(fields=["contact", "occurred_at", "interaction"], name="interactioncontact_when"),
        ),
    ]
