"""Foreign keys without an index of their own where another index starts with their column."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from relcrm.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_fk_indexes_covered"),
        ("interactions", "0008_link_occurred_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="digest",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="digests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="interaction",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="interactions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="nudge",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nudges",
                        to="contacts.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="nudge",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nudges",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    ("interactions_digest", "owner_id"),
                    ("interactions_interaction", "owner_id"),
                    ("interactions_nudge", "contact_id"),
                    ("interactions_nudge", "owner_id"),
                ),
            ],
        ),
    ]
