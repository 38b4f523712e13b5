"""The hash chain that makes the access log tamper-evident.

Each sealed row carries ``seq`` (its place in the chain), ``prev_hash`` (the
hash of the row sealed just before it) and ``hash`` = SHA-256 of ``prev_hash``
followed by a canonical JSON of the row's content. Changing, removing or
reordering a sealed row breaks the chain from that row on, which
``chain_verify`` reports.

The chain is in *seal* order (``seq``), not id order: on PostgreSQL a
transaction that took a lower id can commit after one that took a higher id,
so the sealer may see id 11 before id 10. Sealing whatever is committed, in
id order within a batch, and numbering it after the chain head keeps the chain
append-only without ever waiting for a straggler.

The first row's ``prev_hash`` is ``GENESIS_HASH`` (64 zeros) rather than an
empty string, so every sealed row has a full-length ``prev_hash`` and an
unsealed row (all chain fields empty) can never pass for the first link.

The chain alone cannot show a rewrite by someone who recomputes every later
hash and the head with ``event_hash``: sealing therefore also writes signed
checkpoints of the head outside the database (``audit.checkpoints``), and
verifying checks the chain against every one of them.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import connection, transaction

from .checkpoints import Checkpoint, CheckpointLog, checkpoint_record, checkpoints_read
from .models import AccessEvent, ChainHead

GENESIS_HASH = "0" * 64
_HEAD_PK = 1

# Both SQLite and PostgreSQL name the columns of a VALUES list column1, column2, ...
_SEAL_SQL = (
    "UPDATE {table} SET seq = v.column2, prev_hash = v.column3, hash = v.column4 "
    "FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1 AND {table}.hash = ''"
)
# 4 parameters a row, well inside SQLite's 32,766 and PostgreSQL's 65,535.
_ROWS_PER_STATEMENT = 500

# The fields a hash covers: everything but the chain fields themselves.
CONTENT_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_username",
    "role",
    "force",
    "operation",
    "object_type",
    "object_id",
    "changed_fields",
    "justification",
    "recipient",
    "request_id",
    "ip_address",
)


def event_hash(*, prev_hash: str, content: dict) -> str:
    """SHA-256 over ``prev_hash`` and the canonical JSON of ``content``.

    ``content`` maps every name in ``CONTENT_FIELDS`` to the value read from
    the database. This is the one definition shared by sealing and verifying.
    """
    canonical = {name: content[name] for name in CONTENT_FIELDS}
    canonical["at"] = content["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if canonical["ip_address"] is not None:
        canonical["ip_address"] = str(canonical["ip_address"])
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


# ------------------------------------------------------------------------------
# Sealing
# ------------------------------------------------------------------------------


def chain_seal_pending(*, batch_size: int = 1000) -> int:
    """Seal every committed, unsealed access event into the chain; return how many.

    Each batch is one transaction holding the chain head's row lock, so two
    sealers never number the same rows and the lock is never held for long.
    Then the committed head is checkpointed outside the database, if one is
    due (``audit.checkpoints.checkpoint_record``). Safe to run at any time and
    any number of times.
    """
    ChainHead.objects.get_or_create(pk=_HEAD_PK)
    total = 0
    while True:
        sealed, head = _seal_batch(batch_size)
        total += sealed
        if sealed < batch_size:
            break
    checkpoint_record(head_seq=head.last_seq, head_hash=head.last_hash)
    return total


def _seal_batch(batch_size: int) -> tuple[int, ChainHead]:
    """Seal one batch; return how many rows and the chain head as committed."""
    with transaction.atomic():
        # On SQLite select_for_update() is a no-op, but SQLite serialises writers anyway.
        head = ChainHead.objects.select_for_update().get(pk=_HEAD_PK)
        # Id order within the batch only; across batches, seal order wins (see the module docstring).
        rows = list(AccessEvent.objects.filter(hash="").order_by("id").values(*CONTENT_FIELDS)[:batch_size])
        if not rows:
            return 0, head
        links = list(_links(rows, last_seq=head.last_seq, last_hash=head.last_hash or GENESIS_HASH))
        _write_links(links)
        _, head.last_seq, _, head.last_hash = links[-1]
        head.save(update_fields=["last_seq", "last_hash"])
        return len(links), head


def _links(rows: list[dict], *, last_seq: int, last_hash: str) -> Iterable[tuple[int, int, str, str]]:
    """(id, seq, prev_hash, hash) for each row, continuing the chain from its head."""
    for seq, row in enumerate(rows, start=last_seq + 1):
        digest = event_hash(prev_hash=last_hash, content=row)
        yield row["id"], seq, last_hash, digest
        last_hash = digest


def _write_links(links: list[tuple[int, int, str, str]]) -> None:
    """Write the chain fields of a batch, a few hundred rows per UPDATE statement.

    This is the one write an access event allows after insert, so it bypasses
    the ORM's refusal; on PostgreSQL the append-only trigger still checks it.
    It is SQL because the ORM's ways are far too slow: sealing 20,000 rows
    took 9-18 s with a ``filter(pk=...).update()`` per row and 26-49 s with a
    CASE per field, against about 1 s (SQLite) and 4 s (PostgreSQL) this way.
    The ``hash = ''`` condition makes it a compare-and-swap: if any row was
    sealed meanwhile the count comes up short and the whole batch rolls back.
    """
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(links), _ROWS_PER_STATEMENT):
            chunk = links[start : start + _ROWS_PER_STATEMENT]
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(_SEAL_SQL.format(table=table, rows=rows), [value for link in chunk for value in link])
            if cursor.rowcount != len(chunk):
                raise RuntimeError(f"sealed {cursor.rowcount} of {len(chunk)} access events: another sealer raced")


# ------------------------------------------------------------------------------
# Verifying
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of ``chain_verify``: ``ok``, or the first fault found."""

    sealed: int
    unsealed: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = ""
    checkpoint_sources: tuple[str, ...] = ()
    checkpoints: int = 0
    latest_checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.reason

    def describe(self) -> str:
        if not self.ok:
            where = f" at seq {self.broken_seq}" if self.broken_seq is not None else ""
            where += f" (id {self.broken_id})" if self.broken_id is not None else ""
            return f"BROKEN{where}: {self.reason}"
        return f"OK: {self.sealed} sealed events, chain intact ({self.unsealed} awaiting seal){self._anchoring()}"

    def _anchoring(self) -> str:
        if not self.checkpoint_sources:
            return "; NOT anchored: no checkpoint file (AUDIT_CHECKPOINT_FILE), so a chain rewritten whole would pass"
        if self.latest_checkpoint is None:
            return "; no checkpoint yet"
        latest = self.latest_checkpoint
        plural = "s" if self.checkpoints != 1 else ""
        text = f"; matches {self.checkpoints} signed checkpoint{plural}, the latest {latest.describe()}"
        if self.sealed > latest.seq:
            text += f"; seq {latest.seq + 1} to {self.sealed} not checkpointed yet"
        return text


def chain_verify(*, checkpoint_files: Sequence[str] | None = None) -> VerifyResult:
    """Recompute the whole chain, check it against the signed checkpoints and report the first fault. Read-only.

    ``checkpoint_files`` defaults to ``AUDIT_CHECKPOINT_FILE``. The checkpoints
    are read first and the head before the rows, so a seal that commits during
    the walk only adds rows beyond the head and beyond every checkpoint read,
    and is never mistaken for tampering.
    """
    if checkpoint_files is None:
        checkpoint_files = [settings.AUDIT_CHECKPOINT_FILE] if settings.AUDIT_CHECKPOINT_FILE else []
    log = checkpoints_read(checkpoint_files)
    head = ChainHead.objects.filter(pk=_HEAD_PK).values_list("last_seq", "last_hash").first()
    unsealed = AccessEvent.objects.filter(hash="").count()
    rows = (
        AccessEvent.objects.filter(seq__isnull=False)
        .order_by("seq")
        .values(*CONTENT_FIELDS, "seq", "prev_hash", "hash")
        .iterator(chunk_size=2000)
    )
    sealed, broken = _walk(rows, head=head, anchors=log.anchors)
    head_seq, head_hash = head or (0, "")
    broken = broken or _checkpoint_fault(log, sealed=sealed, head_seq=head_seq)
    return VerifyResult(
        sealed=sealed,
        unsealed=unsealed,
        head_seq=head_seq,
        head_hash=head_hash,
        checkpoint_sources=log.sources,
        checkpoints=log.count,
        latest_checkpoint=log.latest,
        **broken,
    )


def _walk(rows: Iterable[dict], *, head: tuple[int, str] | None, anchors: Mapping[int, str]) -> tuple[int, dict]:
    """Count the sealed rows and find the first broken link (as ``VerifyResult`` fields)."""
    head_seq, head_hash = head or (0, "")
    expected_prev, count, broken = GENESIS_HASH, 0, {}
    for row in rows:
        count += 1
        if broken:
            continue  # keep counting: the result reports every sealed row
        if row["seq"] != count:
            reason = f"seq {count} is missing (the next sealed row is seq {row['seq']}): a sealed row was removed"
            broken = {"broken_seq": count, "reason": reason}
        elif reason := _link_fault(row, expected_prev=expected_prev, head_seq=head_seq, head_hash=head_hash):
            broken = {"broken_seq": row["seq"], "broken_id": row["id"], "reason": reason}
        elif anchors.get(row["seq"], row["hash"]) != row["hash"]:
            reason = "the hash differs from the signed checkpoint of this seq: the chain was rewritten up to here"
            broken = {"broken_seq": row["seq"], "broken_id": row["id"], "reason": reason}
        expected_prev = row["hash"]
    if not broken and head is None and count:
        broken = {"broken_seq": 1, "reason": "sealed rows exist but the chain head is missing"}
    elif not broken and count < head_seq:
        reason = f"the chain ends at seq {count} but the head records seq {head_seq}: sealed rows were removed"
        broken = {"broken_seq": count + 1, "reason": reason}
    return count, broken


def _link_fault(row: dict, *, expected_prev: str, head_seq: int, head_hash: str) -> str:
    if row["prev_hash"] != expected_prev:
        return "prev_hash does not match the previous row's hash"
    if row["hash"] != event_hash(prev_hash=row["prev_hash"], content=row):
        return "hash does not match the row's content: the row was changed after sealing"
    if row["seq"] == head_seq and row["hash"] != head_hash:
        return "the chain head's hash does not match this row"
    return ""


def _checkpoint_fault(log: CheckpointLog, *, sealed: int, head_seq: int) -> dict:
    """What the checkpoints show beyond the rows the walk saw (as ``VerifyResult`` fields)."""
    if log.fault:
        return {"reason": f"checkpoint {log.fault}"}
    if sealed and log.missing:
        return {"reason": f"checkpoint file {', '.join(log.missing)} does not exist, yet {sealed} events are sealed"}
    if sealed and log.sources and not log.count:
        return {"reason": f"no signed checkpoint in {', '.join(log.sources)}, yet {sealed} events are sealed"}
    latest = log.latest
    if latest is not None and latest.seq > sealed:
        reason = (
            f"the chain ends at seq {sealed} but the signed checkpoint {latest.describe()} records more: "
            "sealed events were removed (the newest deleted and the head moved back, or the table truncated)"
        )
        return {"broken_seq": sealed + 1, "reason": reason}
    if latest is not None and latest.seq > head_seq:
        reason = f"the chain head records seq {head_seq} but the signed checkpoint {latest.describe()} is later"
        return {"broken_seq": head_seq + 1, "reason": reason + ": the head was moved back"}
    return {}
