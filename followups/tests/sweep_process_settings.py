"""Settings for the ``manage.py send_reminders`` that test_mail_after_crash.py runs, and kills, as a subprocess.

Those of the worker of test_celery_integration.py (the test database the test names, mail written to files in a
directory of the test's own, the digest due at any hour), with a mail backend that kills its own process before
the mail numbered ``MAIL_KILL_BEFORE``.
"""

from .celery_worker_settings import *  # noqa: F403

EMAIL_BACKEND = "followups.tests.mail_files.KillingEmailBackend"
