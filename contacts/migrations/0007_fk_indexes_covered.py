"""Foreign keys without an index of their own where another index starts with their column."""

from django.conf import settings
from django.db import migrations

from relcrm.schema import foreign_keys_without_own_index


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_contact_fillfactor_hot"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        foreign_keys_without_own_index(
            ("circlecadence", "owner", settings.AUTH_USER_MODEL, "circle_cadences", "contacts_circlecadence"),
            ("contact", "owner", settings.AUTH_USER_MODEL, "contacts", "contacts_contact"),
            ("importantdate", "contact", "contacts.contact", "important_dates", "contacts_importantdate"),
            ("scoresnapshot", "contact", "contacts.contact", "score_history", "contacts_scoresnapshot"),
        ),
    ]
