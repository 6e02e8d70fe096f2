"""The Today page's stamp and the triggers that move it on every write to contacts or nudges.

PostgreSQL: a deferred constraint trigger per row, run at commit; of the rows
handled in one statement (at commit, all of them) the first of each owner
moves the stamp, the others find it done (a transaction-local setting). SQLite
(``make run``): a plain trigger per row; its writers take turns anyway.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ("contacts_contact", "interactions_nudge")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION interactions_today_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owners bigint[];
    owner bigint;
    done text;
    this_statement text := txid_current()::text || ' ' || statement_timestamp()::text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        owners := ARRAY[NEW.owner_id];
    ELSIF TG_OP = 'DELETE' THEN
        owners := ARRAY[OLD.owner_id];
    ELSE
        owners := ARRAY[NEW.owner_id, OLD.owner_id];
    END IF;
    FOREACH owner IN ARRAY owners LOOP
        done := 'relcrm.today_stamp_' || owner;
        IF current_setting(done, true) IS DISTINCT FROM this_statement THEN
            PERFORM set_config(done, this_statement, true);
            -- A deleted owner gets no row: the SELECT finds nobody.
            INSERT INTO interactions_todaystamp (owner_id, version)
            SELECT id, 1 FROM accounts_user WHERE id = owner
            ON CONFLICT (owner_id) DO UPDATE SET version = interactions_todaystamp.version + 1;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION interactions_today_stamp_owner_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM interactions_todaystamp WHERE owner_id = OLD.id;
    RETURN NULL;
END
$$;
"""

SQLITE_BUMP = (
    "INSERT INTO interactions_todaystamp (owner_id, version) SELECT id, 1 FROM accounts_user WHERE id = {row}.owner_id "
    "ON CONFLICT (owner_id) DO UPDATE SET version = version + 1;"
)


def create_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRES_FUNCTION)
        for table in TABLES:
            execute(
                f"CREATE CONSTRAINT TRIGGER {table}_today_stamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION interactions_today_stamp()"
            )
        # Deleting a user deletes their people first; when their triggers run at once (see
        # tests/conftest.py) they may write the stamp again after it was deleted.
        execute(
            "CREATE TRIGGER accounts_user_today_stamp AFTER DELETE ON accounts_user "
            "FOR EACH ROW EXECUTE FUNCTION interactions_today_stamp_owner_gone()"
        )
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
        raise NotImplementedError(f"No Today page triggers for {schema_editor.connection.vendor}")


def drop_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            execute(f"DROP TRIGGER IF EXISTS {table}_today_stamp ON {table}")
        execute("DROP TRIGGER IF EXISTS accounts_user_today_stamp ON accounts_user")
        execute("DROP FUNCTION IF EXISTS interactions_today_stamp(), interactions_today_stamp_owner_gone()")
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
