"""Foreign keys without an index of their own where another index starts with their column."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from relcrm.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_contact_fillfactor_hot"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="circlecadence",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="circle_cadences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="importantdate",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="important_dates",
                        to="contacts.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="scoresnapshot",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="score_history",
                        to="contacts.contact",
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    ("contacts_circlecadence", "owner_id"),
                    ("contacts_contact", "owner_id"),
                    ("contacts_importantdate", "contact_id"),
                    ("contacts_scoresnapshot", "contact_id"),
                ),
            ],
        ),
    ]
