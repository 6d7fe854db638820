from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from consultations.models import Consultation
from consultations.resources import QuestionResource
from core.importing.commands import (
    acting_user_for,
    add_import_arguments,
    read_dataset,
    run_from_command_line,
)
from core.importing.summary import report_to_command, run_resource_import


class Command(BaseCommand):
    help = (
        "Import a questionnaire (columns order, text, type, options, required) as a "
        "consultation's questions. Nothing is written if any row fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("consultation", metavar="CONSULTATION_SLUG")
        add_import_arguments(parser)

    def handle(self, *args, consultation, file, dry_run, as_user, **options):
        acting_user = acting_user_for(as_user)
        target = Consultation.objects.editable_by(acting_user).filter(slug=consultation).first()
        if target is None:
            raise CommandError(_("No consultation “%(slug)s”.") % {"slug": consultation})
        dataset = read_dataset(file)
        summary = run_from_command_line(
            lambda: run_resource_import(
                resource=QuestionResource(
                    consultation=target, acting_user=acting_user, html_diff=False
                ),
                dataset=dataset,
                dry_run=dry_run,
            )
        )
        report_to_command(self, kind="questions", file=file, summary=summary, dry_run=dry_run)
