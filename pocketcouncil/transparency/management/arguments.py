"""What the transparency import commands share: the council and the file they are given."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from pocketcouncil.councils.models import Council


def council_and_file(options: dict) -> tuple[Council, Path]:
    """The council named by ``options["council"]`` (its slug) and the file ``options["path"]``,
    or a ``CommandError`` saying which is wrong."""
    try:
        council = Council.objects.get(slug=options["council"])
    except Council.DoesNotExist:
        raise CommandError(f"No council with the short name {options['council']!r}.") from None
    path = Path(options["path"])
    if not path.is_file():
        raise CommandError(f"{path} is not a file.")
    return council, path
