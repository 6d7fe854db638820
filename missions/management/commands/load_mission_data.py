from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import audit
from missions.mission_data import (
    CITIES_FILE,
    PAIRS_FILE,
    MissionDataError,
    load_mission_data,
)


class Command(BaseCommand):
    help = (
        "Load the EU Mission's 112 cities, their Mission Labels and the NetZeroCities twinning "
        "pairs from missions/data/ (safe to run again; nothing is written if a row is wrong)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cities", type=Path, default=CITIES_FILE, help="The cities file.")
        parser.add_argument("--pairs", type=Path, default=PAIRS_FILE, help="The pairs file.")

    def handle(self, *args, cities, pairs, **options):
        try:
            with audit.source(audit.COMMAND_LINE):
                report = load_mission_data(cities_path=cities, pairs_path=pairs)
        except MissionDataError as error:
            raise CommandError(f"{error}\nNothing was written.") from error
        for note in report.notes:
            self.stdout.write(note)
        if report.wrote:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Mission data loaded: {len(report.created)} created, "
                    f"{len(report.changed)} changed."
                )
            )
        else:
            self.stdout.write("Mission data already loaded; nothing changed.")
