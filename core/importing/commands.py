"""What the import commands share: who they act for, reading the file, reporting the result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.permissions import system_actor

from .files import ImportFileError, dataset_from_path


def add_import_arguments(parser) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="Apply that user's permissions (default: the system actor, who may change "
        "everything).",
    )


def acting_user_for(as_user: str | None):
    """The user named by ``--as-user``, or the system actor."""
    if not as_user:
        return system_actor()
    user = get_user_model().objects.filter(email__iexact=as_user, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user with the email %(email)s.") % {"email": as_user})
    return user


def read_dataset(file: Path):
    try:
        return dataset_from_path(file)
    except ImportFileError as error:
        raise CommandError(f"{file}: {error}") from error


def run_from_command_line(run: Callable[[], object]):
    """Run an import (``run()`` returns its summary) as the command line's: its writes are
    recorded as coming from the command line, and their audit entries inserted a chunk at a
    time in the import's transaction, the rest once it is known to be kept
    (``summary.written``); an import not kept takes all of them with it."""
    with audit.source(audit.COMMAND_LINE), transaction.atomic(), audit.batch() as entries:
        summary = run()
        audit.batch_end(entries, kept=getattr(summary, "written", False))
    return summary
