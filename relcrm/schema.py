"""Schema steps the migrations share."""

from django.db import migrations, models


def drop_column_indexes(*targets):
    """A migration operation: the one-column indexes on these ``(table, column)`` pairs dropped, nothing else.

    For a foreign key whose own index another index makes redundant (one that
    starts with its column): setting ``db_index=False`` would make Django
    drop and re-add the key's constraint, checking every row again under a
    lock. This drops only the index, whatever its name; backwards, it makes
    one again.
    """

    def drop(apps, schema_editor):
        for table, column in targets:
            for name in _one_column_indexes(schema_editor.connection, table, column):
                schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def create(apps, schema_editor):
        quote = schema_editor.quote_name
        for table, column in targets:
            schema_editor.execute(f"CREATE INDEX {quote(f'{table}_{column}_fk')} ON {quote(table)} ({quote(column)})")

    return migrations.RunPython(drop, create)


def _one_column_indexes(connection, table, column) -> list[str]:
    """The names of the plain (not unique, not partial) indexes on ``table`` of ``column`` alone."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                SELECT i.relname FROM pg_index AS x
                JOIN pg_class AS i ON i.oid = x.indexrelid
                JOIN pg_class AS t ON t.oid = x.indrelid
                JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
                WHERE t.relname = %s AND a.attname = %s AND x.indnatts = 1
                    AND NOT x.indisunique AND x.indexprs IS NULL AND x.indpred IS NULL
                """,
                [table, column],
            )
            return [name for (name,) in cursor.fetchall()]
        # SQLite: (seq, name, unique, origin, partial) per index; the columns of each.
        cursor.execute(f"PRAGMA index_list({connection.ops.quote_name(table)})")
        plain = [row[1] for row in cursor.fetchall() if not row[2] and not row[4]]
        found = []
        for name in plain:
            cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
            if [row[2] for row in cursor.fetchall()] == [column]:
                found.append(name)
        return found


def foreign_keys_without_own_index(*keys):
    """A migration operation: these foreign keys lose their own index (``db_index=False``), and only that.

    ``keys`` are ``(model name, field name, target, related_name, table)``;
    each is a ``ForeignKey`` that cascades on delete, and another index of
    ``table`` must start with its column.
    """
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(
                model_name=model,
                name=name,
                field=models.ForeignKey(db_index=False, on_delete=models.CASCADE, related_name=related, to=target),
            )
            for model, name, target, related, _ in keys
        ],
        database_operations=[drop_column_indexes(*[(table, f"{name}_id") for _, name, _, _, table in keys])],
    )
