from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core import audit
from core.permissions import system_actor
from notifications import services

JOBS = ("immediate", "digests", "reminders")


class Command(BaseCommand):
    help = _(
        "Send the email updates and staff reminders that are due: what Celery beat does when "
        "REDIS_URL is set. Safe to run as often as you like (every few minutes from cron): "
        "nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            choices=JOBS,
            action="append",
            help=_("Run only this job (may be repeated); default: all."),
        )

    def handle(self, *args, only=None, **options):
        jobs = only or JOBS
        with audit.source(audit.COMMAND_LINE):
            actor = system_actor()
            results = {}
            if "immediate" in jobs:
                results["immediate"] = services.updates_job(acting_user=actor)
            if "digests" in jobs:
                results["digests"] = services.digests_job(acting_user=actor)
            if "reminders" in jobs:
                results["reminders"] = services.reminders_send(acting_user=actor)
        for job, result in results.items():
            self.stdout.write(
                _("%(job)s: %(sent)d sent, %(failed)d to try again")
                % {"job": job, "sent": result.sent, "failed": result.failed}
            )
