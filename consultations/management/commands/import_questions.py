from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from consultations.models import Consultation
from consultations.resources import QuestionResource
from missions.importing import (
    ImportFileError,
    dataset_from_path,
    report_to_command,
    run_resource_import,
)


class Command(BaseCommand):
    help = (
        "Import a questionnaire (columns order, text, type, options, required) as a "
        "consultation's questions. Nothing is written if any row fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("consultation", metavar="CONSULTATION_SLUG")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )

    def handle(self, *args, consultation, file, dry_run, **options):
        target = Consultation.objects.filter(slug=consultation).first()
        if target is None:
            raise CommandError(_("No consultation “%(slug)s”.") % {"slug": consultation})
        try:
            dataset = dataset_from_path(file)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}") from error
        summary = run_resource_import(
            resource=QuestionResource(consultation=target), dataset=dataset, dry_run=dry_run
        )
        report_to_command(self, kind="questions", file=file, summary=summary, dry_run=dry_run)
