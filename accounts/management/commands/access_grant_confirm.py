from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import AccessGrant
from accounts.services import access_grant_confirm_from_server


class Command(BaseCommand):
    help = "Confirm a pending access grant from the server, when no sergeant or inspector can (a force's first)."

    def add_arguments(self, parser):
        parser.add_argument("grant", type=int, help="The access grant's number (shown in the admin).")
        parser.add_argument("--reason", required=True, help="Why, and on whose word (kept in the access log).")

    def handle(self, *args, grant: int, reason: str, **options):
        found = AccessGrant.objects.filter(pk=grant, status=AccessGrant.Status.PENDING).first()
        if found is None:
            raise CommandError(f"No pending access grant {grant}.")
        try:
            access_grant_confirm_from_server(grant=found, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Access grant {grant} confirmed: {found.user.username} is now {found.get_role_display()}.")
