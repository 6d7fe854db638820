from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import audit
from core.importing.commands import acting_user_for
from missions.resources import RESOURCES

FORMATS = ("csv", "xlsx", "json")


class Command(BaseCommand):
    help = (
        "Export municipalities, milestones, twinnings, organisations, memberships, contract "
        "parts or labels as CSV, "
        "XLSX or JSON, in the columns the import reads (what a spreadsheet would run as a "
        "formula is written as text)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path, help="Where to write; its extension is the format.")
        parser.add_argument(
            "--as-user",
            metavar="EMAIL",
            help="Export what that user may edit (default: the system actor, everything).",
        )

    def handle(self, *args, kind, file, as_user, **options):
        file_format = file.suffix.lower().lstrip(".")
        if file_format not in FORMATS:
            raise CommandError(_("Unsupported file type: use .csv, .xlsx or .json."))
        with audit.source(audit.COMMAND_LINE):
            dataset = RESOURCES[kind](acting_user=acting_user_for(as_user)).export()
        data = dataset.export(file_format)
        if isinstance(data, str):
            data = ("\ufeff" if file_format == "csv" else "").encode() + data.encode("utf-8")
        file.write_bytes(data)
        self.stdout.write(
            _("%(kind)s: %(count)d rows written to %(file)s")
            % {"kind": kind, "count": len(dataset), "file": file}
        )
