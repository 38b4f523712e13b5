from django.core.management.base import BaseCommand, CommandError

from audit.chain import chain_verify


class Command(BaseCommand):
    help = "Check the access log's hash chain against its signed checkpoints, read-only; exit 1 at the first fault."

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            metavar="FILE",
            help="Check against this checkpoint file instead of AUDIT_CHECKPOINT_FILE (repeatable), "
            "e.g. the lines tagged audit-checkpoint exported from the log pipeline.",
        )

    def handle(self, *args, checkpoints=None, **options):
        result = chain_verify(checkpoint_files=checkpoints)
        if not result.ok:
            raise CommandError(result.describe(), returncode=1)
        style = self.style.SUCCESS if result.checkpoint_sources else self.style.WARNING
        self.stdout.write(style(result.describe()))
        self.stdout.write(f"Head: seq {result.head_seq} {result.head_hash or '-'}")
