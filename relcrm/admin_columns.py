"""Columns that several admin pages show."""

from django.contrib import admin


class ShortErrorColumn:
    """A ``short_error`` column: the first 80 characters of the row's ``error``."""

    @admin.display(description="error")
    def short_error(self, obj):
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error
