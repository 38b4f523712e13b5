from django.core.management.base import BaseCommand, CommandError

from audit.chain import chain_verify


class Command(BaseCommand):
    help = "Check the access log's hash chain, read-only; exit 1 at the first broken link."

    def handle(self, *args, **options):
        result = chain_verify()
        if not result.ok:
            raise CommandError(result.describe(), returncode=1)
        self.stdout.write(self.style.SUCCESS(result.describe()))
        # Recording the head elsewhere lets a later check detect a rewritten chain.
        self.stdout.write(f"Head: seq {result.head_seq} {result.head_hash or '-'}")
