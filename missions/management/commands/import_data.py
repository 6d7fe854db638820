from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from missions.importing import (
    ImportFileError,
    dataset_from_path,
    report_to_command,
    run_import,
)
from missions.resources import RESOURCES


class Command(BaseCommand):
    help = (
        "Import municipalities, milestones, twinnings, organisations or memberships from a "
        "CSV, XLSX or JSON file. Nothing is written if any row fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )
        parser.add_argument(
            "--as-user",
            metavar="EMAIL",
            help="Apply that staff user's permissions (default: every municipality).",
        )

    def handle(self, *args, kind, file, dry_run, as_user, **options):
        user = None
        if as_user:
            user = get_user_model().objects.filter(email__iexact=as_user).first()
            if user is None:
                raise CommandError(_("No user with the email %(email)s.") % {"email": as_user})
        try:
            dataset = dataset_from_path(file)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}") from error

        summary = run_import(kind=kind, dataset=dataset, user=user, dry_run=dry_run)
        report_to_command(self, kind=kind, file=file, summary=summary, dry_run=dry_run)
