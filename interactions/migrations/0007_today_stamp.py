"""The Today page's stamp and the triggers that move it on every write to contacts or nudges.

PostgreSQL: after each statement that wrote contacts or nudges, a trigger
notes their owners in ``interactions_todaystamp_pending`` (an insert: it waits
on nobody). A deferred constraint trigger on that table moves the stamps at
commit, once per owner, and takes the notes away: the stamp's row is locked
for an instant however long the writing transaction, and a statement that
writes 20,000 people costs one note, not 20,000 trigger calls. SQLite
(``make run``): a plain trigger per row; its writers take turns anyway.
"""

import django.db.models.deletion
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

TABLES = ("contacts_contact", "interactions_nudge")

POSTGRES_SETUP = """
CREATE UNLOGGED TABLE interactions_todaystamp_pending (owner_id bigint NOT NULL);

CREATE OR REPLACE FUNCTION interactions_today_stamp_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO interactions_todaystamp_pending (owner_id) SELECT DISTINCT owner_id FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO interactions_todaystamp_pending (owner_id) SELECT DISTINCT owner_id FROM old_rows;
    ELSE
        INSERT INTO interactions_todaystamp_pending (owner_id)
        SELECT owner_id FROM new_rows UNION SELECT owner_id FROM old_rows;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION interactions_today_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    done text := 'relcrm.today_stamp_' || NEW.owner_id;
    this_statement text := txid_current()::text || ' ' || statement_timestamp()::text;
BEGIN
    -- Notes seen by this transaction are its own: another's are not yet committed, and none outlives one.
    DELETE FROM interactions_todaystamp_pending WHERE owner_id = NEW.owner_id;
    -- Once per owner and statement (at commit, the COMMIT).
    IF current_setting(done, true) IS DISTINCT FROM this_statement THEN
        PERFORM set_config(done, this_statement, true);
        -- A deleted owner gets no row: the SELECT finds nobody.
        INSERT INTO interactions_todaystamp (owner_id, version)
        SELECT id, 1 FROM accounts_user WHERE id = NEW.owner_id
        ON CONFLICT (owner_id) DO UPDATE SET version = interactions_todaystamp.version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION interactions_today_stamp_owner_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM interactions_todaystamp WHERE owner_id = OLD.id;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER interactions_todaystamp_pending_stamp AFTER INSERT ON interactions_todaystamp_pending
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION interactions_today_stamp();

-- Deleting a user deletes their people first; when the stamps move at once (see tests/conftest.py)
-- those deletes may write the user's stamp again after it was deleted.
CREATE TRIGGER accounts_user_today_stamp AFTER DELETE ON accounts_user
FOR EACH ROW EXECUTE FUNCTION interactions_today_stamp_owner_gone();
"""

POSTGRES_NOTE = (
    "CREATE TRIGGER {table}_today_stamp_{event} AFTER {event} ON {table} REFERENCING {tables} "
    "FOR EACH STATEMENT EXECUTE FUNCTION interactions_today_stamp_note()"
)
TRANSITION_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}

SQLITE_BUMP = (
    "INSERT INTO interactions_todaystamp (owner_id, version) SELECT id, 1 FROM accounts_user WHERE id = {row}.owner_id "
    "ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;"
)


def create_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRES_SETUP)
        for table in TABLES:
            for event, tables in TRANSITION_TABLES.items():
                execute(POSTGRES_NOTE.format(table=table, event=event, tables=tables))
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for event, rows in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["NEW", "OLD"])):
                bumps = " ".join(SQLITE_BUMP.format(row=row) for row in rows)
                execute(f"CREATE TRIGGER {table}_today_stamp_{event.lower()} AFTER {event} ON {table} BEGIN {bumps} END")
        # Deleting a user deletes their people first, whose triggers may write the user's stamp
        # again after it was deleted: deleting the user takes it away last.
        execute(
            "CREATE TRIGGER accounts_user_today_stamp AFTER DELETE ON accounts_user "
            "BEGIN DELETE FROM interactions_todaystamp WHERE owner_id = OLD.id; END"
        )
    else:
        raise ImproperlyConfigured(f"relcrm runs on PostgreSQL or SQLite, not {schema_editor.connection.vendor}.")


def drop_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            for event in TRANSITION_TABLES:
                execute(f"DROP TRIGGER IF EXISTS {table}_today_stamp_{event} ON {table}")
        execute("DROP TRIGGER IF EXISTS accounts_user_today_stamp ON accounts_user")
        execute("DROP TABLE IF EXISTS interactions_todaystamp_pending")
        execute(
            "DROP FUNCTION IF EXISTS interactions_today_stamp(), interactions_today_stamp_note(), "
            "interactions_today_stamp_owner_gone()"
        )
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for event in ("insert", "delete", "update"):
                execute(f"DROP TRIGGER IF EXISTS {table}_today_stamp_{event}")
        execute("DROP TRIGGER IF EXISTS accounts_user_today_stamp")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_digest_reasons"),
        ("contacts", "0005_contact_uid_importjob"),
        ("interactions", "0006_today_page"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TodayStamp",
            fields=[
                (
                    "owner",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=1)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
