"""E-mail written to files, for tests whose mail is sent by another process: a backend that can die, and a reader."""

import os
import re
import signal
from pathlib import Path

from django.core.mail.backends import filebased


class KillingEmailBackend(filebased.EmailBackend):
    """Django's file backend, except that the process kills itself (SIGKILL: no cleanup, as a worker killed
    mid-sweep) when about to send the mail numbered ``MAIL_KILL_BEFORE`` in the process (unset: never)."""

    sent_in_process = 0

    def write_message(self, message) -> None:
        if KillingEmailBackend.sent_in_process + 1 == int(os.environ.get("MAIL_KILL_BEFORE", "0")):
            os.kill(os.getpid(), signal.SIGKILL)
        super().write_message(message)
        KillingEmailBackend.sent_in_process += 1


def mails_in(directory: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every mail written to ``directory``."""
    found = []
    for path in directory.glob("*"):
        for message in path.read_text().split("-" * 79):
            to, subject = re.search(r"^To: (.*)$", message, re.M), re.search(r"^Subject: (.*)$", message, re.M)
            if to and subject:
                found.append((to.group(1), subject.group(1)))
    return found
