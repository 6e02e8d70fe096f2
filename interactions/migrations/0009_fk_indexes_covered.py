"""Foreign keys without an index of their own where another index starts with their column."""

from django.conf import settings
from django.db import migrations

from relcrm.schema import foreign_keys_without_own_index


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_fk_indexes_covered"),
        ("interactions", "0008_link_occurred_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        foreign_keys_without_own_index(
            ("digest", "owner", settings.AUTH_USER_MODEL, "digests", "interactions_digest"),
            ("interaction", "owner", settings.AUTH_USER_MODEL, "interactions", "interactions_interaction"),
            ("nudge", "contact", "contacts.contact", "nudges", "interactions_nudge"),
            ("nudge", "owner", settings.AUTH_USER_MODEL, "nudges", "interactions_nudge"),
        ),
    ]
