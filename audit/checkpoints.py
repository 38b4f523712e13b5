"""Signed checkpoints of the chain head, kept where the database's users cannot rewrite them.

A checkpoint records the chain head (``seq`` and ``head_hash``), when it was
taken and the id of the key that signed it (``audit.signing``). Because the
hash at seq N covers every row up to N, one checkpoint pins the whole chain up
to N: whoever rewrites the database can recompute every hash and the head, but
cannot make them agree with a checkpoint signed before, nor sign a new one.

``chain_seal_pending`` calls ``checkpoint_record`` after every run. It writes a
checkpoint when the head has moved and the last one is at least
``AUDIT_CHECKPOINT_SECONDS`` old, to:

- ``AUDIT_CHECKPOINT_FILE``: opened ``O_APPEND`` for every write, one JSON
  line per checkpoint, never read back for writing. Outside the database, so
  no database role can touch it; ``chattr +a`` on the host makes it
  append-only for root too.
- the ``audit.checkpoints`` logger (``AUDIT_CHECKPOINT_LOG``), a line tagged
  ``audit-checkpoint``, for a log pipeline that keeps a copy off the host.

``checkpoints_read`` reads them back for ``chain_verify``. It checks every
checkpoint, not only the newest: an attacker who deletes the newest rows and
lets the chain grow again gets new checkpoints that agree with the new rows,
but the older ones still record the hashes that were there before.
"""

import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .signing import UnknownKeyError, signature_make, signature_valid, signing_key_id

# Tags the log line, so the pipeline can pick checkpoints out of everything else.
CHECKPOINT_TAG = "audit-checkpoint"
_HASH = re.compile(r"[0-9a-f]{64}")
# Enough for the last line of the file: a checkpoint is about 250 bytes.
_TAIL_BYTES = 4096

logger = logging.getLogger("audit.checkpoints")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: datetime
    key_id: str
    signature: str = ""

    @classmethod
    def signed(cls, *, seq: int, head_hash: str, at: datetime) -> "Checkpoint":
        """A checkpoint of this head signed with the current key."""
        unsigned = cls(seq=seq, head_hash=head_hash, at=at, key_id=signing_key_id())
        return replace(unsigned, signature=signature_make(unsigned.payload()))

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        """Read a line of the file, or a log line (whatever precedes the first ``{`` is ignored).

        Raises ``ValueError`` saying what is wrong; the signature is not checked here.
        """
        start = text.find("{")
        if start < 0:
            raise ValueError("no JSON object")
        data = json.loads(text[start:])
        if not isinstance(data, dict) or set(data) != {"seq", "head_hash", "at", "key_id", "signature"}:
            raise ValueError("not the fields of a checkpoint")
        seq, head_hash = data["seq"], data["head_hash"]
        if type(seq) is not int or seq < 1 or not isinstance(head_hash, str) or not _HASH.fullmatch(head_hash):
            raise ValueError("seq or head_hash malformed")
        at = datetime.fromisoformat(data["at"]) if isinstance(data["at"], str) else None
        if at is None or at.tzinfo is None:
            raise ValueError("at has no time zone")
        return cls(seq=seq, head_hash=head_hash, at=at, key_id=str(data["key_id"]), signature=str(data["signature"]))

    def payload(self) -> bytes:
        """The bytes the signature covers: every field but the signature, as canonical JSON."""
        fields = {"seq": self.seq, "head_hash": self.head_hash, "at": self.at_text, "key_id": self.key_id}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        fields = {**json.loads(self.payload()), "signature": self.signature}
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    @property
    def at_text(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def signature_fault(self) -> str:
        """Why the signature does not hold, or ``""``."""
        try:
            if signature_valid(self.payload(), key_id=self.key_id, signature=self.signature):
                return ""
        except UnknownKeyError:
            return f"it is signed with key id {self.key_id!r}, which is not configured (list it in AUDIT_SIGNING_KEYS)"
        return f"its signature does not verify with key {self.key_id!r}: the line was edited or forged"

    def describe(self) -> str:
        return f"seq {self.seq} at {self.at_text} (key {self.key_id})"


# ------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------

# Where no file is configured, the last checkpoint this process logged stands in for the file's last line.
_last_logged: list[Checkpoint] = []


def checkpoint_record(*, head_seq: int, head_hash: str) -> Checkpoint | None:
    """Sign the chain head and write it to every configured place, if a checkpoint is due.

    Due when the head has moved since the last checkpoint and that one is at
    least ``AUDIT_CHECKPOINT_SECONDS`` old. Pass the head as committed. Safe to
    call at any time; an ``OSError`` from the file propagates (the seal itself
    is committed, and the next call writes the checkpoint).
    """
    path = settings.AUDIT_CHECKPOINT_FILE
    if not head_seq or not (path or settings.AUDIT_CHECKPOINT_LOG):
        return None
    last = _last_in_file(path) if path else next(iter(_last_logged), None)
    now = timezone.now()
    if not _due(last, head_seq=head_seq, head_hash=head_hash, now=now):
        return None
    checkpoint = Checkpoint.signed(seq=head_seq, head_hash=head_hash, at=now)
    if path:
        _append(path, checkpoint.line())
    else:
        _last_logged[:] = [checkpoint]
    if settings.AUDIT_CHECKPOINT_LOG:
        logger.info("%s %s", CHECKPOINT_TAG, checkpoint.line())
    return checkpoint


def _due(last: Checkpoint | None, *, head_seq: int, head_hash: str, now: datetime) -> bool:
    if last is None:
        return True
    if (last.seq, last.head_hash) == (head_seq, head_hash):
        return False
    if head_seq < last.seq:
        # Sealing carries on (a new checkpoint hides nothing: every one is checked), but someone must look.
        logger.error("the chain head (seq %s) is behind the last checkpoint (%s): run audit_verify", head_seq, last.seq)
    return now - last.at >= timedelta(seconds=settings.AUDIT_CHECKPOINT_SECONDS)


def _append(path: str, line: str) -> None:
    """Append one line. ``O_APPEND`` puts every write at the end, whatever another writer did."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _last_in_file(path: str) -> Checkpoint | None:
    """The file's last checkpoint; ``None`` if there is none or it cannot be read (then a new one is due)."""
    try:
        with open(path, "rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - _TAIL_BYTES))
            lines = file.read().splitlines()
    except FileNotFoundError:
        return None
    try:
        return Checkpoint.parse(lines[-1].decode()) if lines else None
    except ValueError:
        return None


# ------------------------------------------------------------------------------
# Reading back
# ------------------------------------------------------------------------------


@dataclass
class CheckpointLog:
    """What the checkpoint files say: the hash every signed checkpoint pins, by seq."""

    sources: tuple[str, ...]
    anchors: dict[int, str] = field(default_factory=dict)
    count: int = 0
    latest: Checkpoint | None = None  # the one with the highest seq
    missing: list[str] = field(default_factory=list)
    fault: str = ""  # the first line that is not a valid, signed checkpoint


def checkpoints_read(paths: Sequence[str]) -> CheckpointLog:
    """Read and check every checkpoint in ``paths``; stop at the first faulty line."""
    log = CheckpointLog(sources=tuple(paths))
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                _read_lines(log, path, file)
        except FileNotFoundError:
            log.missing.append(path)
        if log.fault:
            break
    return log


def _read_lines(log: CheckpointLog, path: str, lines: Iterable[str]) -> None:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        if fault := _add(log, text):
            log.fault = f"{path}, line {number}: {fault}"
            return


def _add(log: CheckpointLog, text: str) -> str:
    try:
        checkpoint = Checkpoint.parse(text)
    except ValueError as error:
        return f"not a checkpoint ({error}): the file was edited"
    if fault := checkpoint.signature_fault():
        return fault
    if log.anchors.setdefault(checkpoint.seq, checkpoint.head_hash) != checkpoint.head_hash:
        return (
            f"two signed checkpoints disagree about seq {checkpoint.seq}: "
            "the chain was rewritten between them, or the file mixes two databases"
        )
    log.count += 1
    if log.latest is None or checkpoint.seq > log.latest.seq:
        log.latest = checkpoint
    return ""
