from django.core.management.base import BaseCommand

from core.importing.commands import (
    acting_user_for,
    add_import_arguments,
    read_dataset,
    run_from_command_line,
)
from core.importing.summary import report_to_command
from missions.importing import run_import
from missions.resources import RESOURCES


class Command(BaseCommand):
    help = (
        "Import municipalities, milestones, twinnings, organisations, memberships, contract "
        "parts or labels from a "
        "CSV, XLSX or JSON file. Nothing is written if any row fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        add_import_arguments(parser)

    def handle(self, *args, kind, file, dry_run, as_user, **options):
        acting_user = acting_user_for(as_user)
        dataset = read_dataset(file)
        summary = run_from_command_line(
            lambda: run_import(kind=kind, dataset=dataset, acting_user=acting_user, dry_run=dry_run)
        )
        report_to_command(self, kind=kind, file=file, summary=summary, dry_run=dry_run)
