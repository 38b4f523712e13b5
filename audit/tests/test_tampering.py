"""``audit_verify`` reports every way of rewriting the log that the chain alone cannot show.

On SQLite the rows are edited directly (there is no trigger); on PostgreSQL
the append-only trigger is switched off first, as a superuser can.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.chain import chain_seal_pending, chain_verify
from audit.checkpoints import Checkpoint
from audit.models import AccessEvent, ChainHead

from .attacker import behind_the_apps_back, chain_recompute, log_truncate, newest_rows_delete, row_edit
from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        _verify()
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.fixture
def sealed_log():
    """Five sealed events, the head checkpointed outside the database."""
    AccessEventFactory.create_batch(5)
    chain_seal_pending()


def test_an_untouched_log_verifies_against_its_checkpoints(sealed_log):
    AccessEventFactory()
    chain_seal_pending()

    output = _verify()

    assert "OK: 6 sealed events, chain intact (0 awaiting seal); matches 2 signed checkpoints" in output
    assert "the latest seq 6 at " in output


def test_it_reports_a_chain_rewritten_with_every_later_hash_and_the_head(sealed_log):
    with behind_the_apps_back() as cursor:
        row_edit(cursor, seq=2, justification="nothing to see")
        chain_recompute(cursor, from_seq=2)
    assert chain_verify(checkpoint_files=[]).ok, "the chain alone must not show this rewrite"

    message = _verify_fails()

    assert "BROKEN at seq 5" in message
    assert "differs from the signed checkpoint" in message


def test_it_reports_a_truncated_log(sealed_log):
    with behind_the_apps_back() as cursor:
        log_truncate(cursor)
    assert not AccessEvent.objects.exists()
    assert not ChainHead.objects.exists()

    message = _verify_fails()

    assert "the chain ends at seq 0 but the signed checkpoint seq 5" in message
    assert "sealed events were removed" in message


def test_it_reports_the_newest_rows_deleted_and_the_head_moved_back(sealed_log):
    with behind_the_apps_back() as cursor:
        newest_rows_delete(cursor, keep=3)
    assert chain_verify(checkpoint_files=[]).ok, "the chain alone must not show this deletion"

    message = _verify_fails()

    assert "BROKEN at seq 4" in message
    assert "the chain ends at seq 3 but the signed checkpoint seq 5" in message


def test_it_reports_the_newest_rows_replaced_once_the_chain_has_grown_past_them(sealed_log):
    with behind_the_apps_back() as cursor:
        newest_rows_delete(cursor, keep=3)
    AccessEventFactory.create_batch(4)
    chain_seal_pending()  # seq 4 to 7 are new rows, checkpointed at seq 7

    message = _verify_fails()

    assert "BROKEN at seq 5" in message
    assert "differs from the signed checkpoint" in message


def test_it_reports_a_swapped_head(sealed_log):
    with behind_the_apps_back() as cursor:
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s", ["f" * 64])

    assert "the chain head's hash does not match this row" in _verify_fails()


def test_it_reports_a_head_moved_back_over_rows_left_in_place(sealed_log):
    third = AccessEvent.objects.get(seq=3)
    with behind_the_apps_back() as cursor:
        cursor.execute("UPDATE audit_chainhead SET last_seq = 3, last_hash = %s", [third.hash])

    message = _verify_fails()

    assert "the chain head records seq 3 but the signed checkpoint seq 5" in message
    assert "the head was moved back" in message


def test_it_reports_an_edited_checkpoint_file(sealed_log, checkpoint_file):
    checkpoint_file.write_text(checkpoint_file.read_text().replace('"seq":5', '"seq":4'))

    message = _verify_fails()

    assert f"checkpoint {checkpoint_file}, line 1: its signature does not verify" in message


def test_it_reports_a_checkpoint_file_that_was_removed(sealed_log, checkpoint_file):
    checkpoint_file.unlink()

    assert f"checkpoint file {checkpoint_file} does not exist, yet 5 events are sealed" in _verify_fails()


def test_it_reports_a_checkpoint_file_that_was_emptied(sealed_log, checkpoint_file):
    checkpoint_file.write_text("")

    assert "no signed checkpoint in" in _verify_fails()


def test_checkpoints_signed_before_a_key_rotation_still_verify(sealed_log, settings):
    settings.AUDIT_SIGNING_KEYS = {"test": settings.AUDIT_SIGNING_KEY}
    settings.AUDIT_SIGNING_KEY_ID, settings.AUDIT_SIGNING_KEY = "next", "the-next-key-" + "n" * 32
    AccessEventFactory()
    chain_seal_pending()

    output = _verify()

    assert "matches 2 signed checkpoints, the latest seq 6" in output
    assert "(key next)" in output


def test_a_retired_key_dropped_too_early_is_reported(sealed_log, settings):
    settings.AUDIT_SIGNING_KEY_ID, settings.AUDIT_SIGNING_KEY = "next", "the-next-key-" + "n" * 32

    assert "key id 'test', which is not configured" in _verify_fails()


def test_it_verifies_against_checkpoints_exported_from_the_log(sealed_log, checkpoint_file, tmp_path):
    exported = tmp_path / "from-the-pipeline.log"
    lines = checkpoint_file.read_text().splitlines()
    prefix = "2026-01-05 07:00:00 INFO audit.checkpoints audit-checkpoint"
    exported.write_text("".join(f"{prefix} {line}\n" for line in lines))
    checkpoint_file.unlink()

    assert "matches 1 signed checkpoint, the latest seq 5" in _verify("--checkpoints", str(exported))


def test_it_says_when_the_chain_is_not_anchored(settings):
    settings.AUDIT_CHECKPOINT_FILE = ""
    AccessEventFactory()
    chain_seal_pending()

    assert "NOT anchored: no checkpoint file (AUDIT_CHECKPOINT_FILE)" in _verify()


def test_rows_sealed_after_the_latest_checkpoint_are_named(sealed_log, settings):
    settings.AUDIT_CHECKPOINT_SECONDS = 300
    AccessEventFactory.create_batch(2)
    chain_seal_pending()

    assert "seq 6 to 7 not checkpointed yet" in _verify()


def test_a_checkpoint_line_reads_back_the_way_it_was_written(checkpoint_file, sealed_log):
    (line,) = checkpoint_file.read_text().splitlines()

    assert Checkpoint.parse(line).line() == line
