from django.core.management.base import BaseCommand

from climateportal.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo cities, milestones, twinnings and networks (safe to run again)."

    def handle(self, *args, **options):
        report = load_demo()
        if report.created:
            self.stdout.write(f"Created {len(report.created)} objects.")
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        if report.passwords:
            self.stdout.write(
                self.style.WARNING("New accounts (passwords are shown only this once):")
            )
            for email, password in report.passwords.items():
                self.stdout.write(f"  {email}  {password}")
