import json
import logging
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from audit import checkpoints
from audit.chain import chain_seal_pending
from audit.checkpoints import Checkpoint, checkpoint_record, checkpoints_read
from audit.models import ChainHead

from .factories import AccessEventFactory

pytestmark = pytest.mark.django_db


def _lines(path) -> list[str]:
    return path.read_text().splitlines()


def test_sealing_writes_a_signed_checkpoint_of_the_head(checkpoint_file):
    AccessEventFactory.create_batch(3)

    chain_seal_pending()

    (line,) = _lines(checkpoint_file)
    checkpoint = Checkpoint.parse(line)
    head = ChainHead.objects.get()
    assert (checkpoint.seq, checkpoint.head_hash) == (3, head.last_hash)
    assert checkpoint.key_id == "test"
    assert checkpoint.signature_fault() == ""
    assert set(json.loads(line)) == {"seq", "head_hash", "at", "key_id", "signature"}


def test_every_write_opens_the_file_append_only_and_never_truncates(checkpoint_file, mocker):
    checkpoint_file.write_text("what was there before\n")
    opened = mocker.patch.object(checkpoints.os, "open", wraps=os.open)
    AccessEventFactory()

    chain_seal_pending()

    (_, flags, _), _ = opened.call_args
    assert flags & os.O_APPEND
    assert not flags & os.O_TRUNC
    assert _lines(checkpoint_file)[0] == "what was there before"
    assert Checkpoint.parse(_lines(checkpoint_file)[1]).seq == 1


def test_each_seal_that_moves_the_head_adds_a_line(checkpoint_file):
    AccessEventFactory.create_batch(2)
    chain_seal_pending()
    AccessEventFactory()
    chain_seal_pending()

    assert [Checkpoint.parse(line).seq for line in _lines(checkpoint_file)] == [2, 3]


def test_no_checkpoint_when_the_head_has_not_moved(checkpoint_file):
    AccessEventFactory()
    chain_seal_pending()

    chain_seal_pending()

    assert len(_lines(checkpoint_file)) == 1


def test_at_most_one_checkpoint_per_interval_and_the_next_one_catches_up(settings, checkpoint_file, mocker):
    settings.AUDIT_CHECKPOINT_SECONDS = 300
    AccessEventFactory()
    chain_seal_pending()
    AccessEventFactory()
    chain_seal_pending()
    assert [Checkpoint.parse(line).seq for line in _lines(checkpoint_file)] == [1]

    mocker.patch.object(checkpoints.timezone, "now", return_value=timezone.now() + timedelta(seconds=301))
    chain_seal_pending()

    assert [Checkpoint.parse(line).seq for line in _lines(checkpoint_file)] == [1, 2]


def test_each_checkpoint_also_goes_to_the_log(settings, caplog):
    settings.AUDIT_CHECKPOINT_LOG = True
    AccessEventFactory()

    with caplog.at_level(logging.INFO, logger="audit.checkpoints"):
        chain_seal_pending()

    (message,) = [record.getMessage() for record in caplog.records if record.name == "audit.checkpoints"]
    assert message.startswith("audit-checkpoint {")
    assert Checkpoint.parse(message).seq == 1


def test_without_a_file_the_log_gets_each_checkpoint_once(settings, caplog):
    settings.AUDIT_CHECKPOINT_FILE, settings.AUDIT_CHECKPOINT_LOG = "", True
    head_hash = "a" * 64

    with caplog.at_level(logging.INFO, logger="audit.checkpoints"):
        checkpoint_record(head_seq=7, head_hash=head_hash)
        checkpoint_record(head_seq=7, head_hash=head_hash)

    assert len([record for record in caplog.records if record.name == "audit.checkpoints"]) == 1


def test_nothing_is_written_when_no_place_is_configured(settings, checkpoint_file):
    settings.AUDIT_CHECKPOINT_FILE, settings.AUDIT_CHECKPOINT_LOG = "", False

    assert checkpoint_record(head_seq=1, head_hash="a" * 64) is None
    assert not checkpoint_file.exists()


def test_a_head_behind_the_last_checkpoint_is_logged_as_an_error(checkpoint_file, caplog):
    checkpoint_record(head_seq=5, head_hash="a" * 64)

    with caplog.at_level(logging.ERROR, logger="audit.checkpoints"):
        checkpoint_record(head_seq=3, head_hash="b" * 64)

    assert "behind the last checkpoint" in caplog.text


def test_reading_back_checks_every_line_and_keeps_the_highest(checkpoint_file):
    checkpoint_record(head_seq=2, head_hash="a" * 64)
    checkpoint_record(head_seq=5, head_hash="b" * 64)

    log = checkpoints_read([str(checkpoint_file)])

    assert log.fault == ""
    assert log.count == 2
    assert log.latest.seq == 5
    assert log.anchors == {2: "a" * 64, 5: "b" * 64}


@pytest.mark.parametrize(
    ("edit", "fault"),
    [
        (lambda line: line.replace('"seq":5', '"seq":4'), "signature does not verify"),
        (lambda line: line.replace('"key_id":"test"', '"key_id":"other"'), "key id 'other', which is not configured"),
        (lambda line: line[:40], "not a checkpoint"),
    ],
    ids=["edited", "unknown key", "cut short"],
)
def test_reading_back_reports_a_line_that_is_not_a_valid_signed_checkpoint(checkpoint_file, edit, fault):
    checkpoint_record(head_seq=5, head_hash="b" * 64)
    checkpoint_file.write_text(edit(checkpoint_file.read_text().strip()) + "\n")

    log = checkpoints_read([str(checkpoint_file)])

    assert fault in log.fault
    assert log.fault.startswith(f"{checkpoint_file}, line 1: ")


def test_reading_back_reports_two_checkpoints_that_disagree(checkpoint_file, mocker):
    mocker.patch.object(checkpoints, "_due", return_value=True)
    checkpoint_record(head_seq=5, head_hash="a" * 64)
    checkpoint_record(head_seq=5, head_hash="b" * 64)

    log = checkpoints_read([str(checkpoint_file)])

    assert "disagree about seq 5" in log.fault


def test_a_missing_file_is_reported_as_missing(tmp_path):
    log = checkpoints_read([str(tmp_path / "nowhere.jsonl")])

    assert log.missing == [str(tmp_path / "nowhere.jsonl")]
    assert log.count == 0
