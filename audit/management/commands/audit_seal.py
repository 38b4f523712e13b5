from django.core.management.base import BaseCommand

from audit.chain import chain_seal_pending


class Command(BaseCommand):
    help = "Seal every unsealed access event into the hash chain now."

    def handle(self, *args, **options):
        sealed = chain_seal_pending()
        self.stdout.write(f"Sealed {sealed} access events.")
