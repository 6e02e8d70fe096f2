"""What the import and export commands read from their arguments, with messages for people."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_by_email(email: str):
    """The user with this email address (any case), or a CommandError saying there is none."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"There is no user with the email address {email!r}.")
    return user


def read_file(path: str, what: str) -> bytes:
    """The bytes of ``path``; a missing file, a folder or an unreadable one is a CommandError."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"File not found: {path}") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a directory, not {what}.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
