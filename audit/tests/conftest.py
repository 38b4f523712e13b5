import pytest

from audit import checkpoints

from .attacker import behind_the_apps_back


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    """Every audit test anchors the chain in a checkpoint file of its own, a checkpoint at every seal."""
    path = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(path)
    settings.AUDIT_CHECKPOINT_SECONDS = 0
    checkpoints._last_logged.clear()  # where no file is configured, the process remembers the last one
    return path


@pytest.fixture
def tamper(db):
    """Run raw SQL on the access log behind the app's back (see ``attacker.behind_the_apps_back``)."""

    def tamper(sql: str, params: tuple = ()) -> None:
        with behind_the_apps_back() as cursor:
            cursor.execute(sql, params)

    return tamper
