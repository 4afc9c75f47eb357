"""The keyed hash that stands for a conversation in insights and the review queue.

Rows never hold a sender id, only HMAC-SHA256(key, sender id): "forget me" can still find a
conversation's rows (the Rasa server knows the sender id and the key), while the database alone
links nothing back to a tracker. The key is INSIGHTS_KEY: every process that writes to a shared
database must have the same one (`settings.check` refuses to start without it on PostgreSQL; the
local cluster makes one per run and hands it to each process; Kubernetes takes it from the
Secret). Unset with a SQLite database (`make run`, one machine), a random key made once in
run/insights.key: written whole (a temporary file, fsync, then linked into place, so no
process ever reads half a key) with mode 0600. A key file that is empty or not a key is an
error naming the file, never a silent switch-off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

import settings

ROOT = Path(__file__).resolve().parents[1]
KEY_FILE = ROOT / "run" / "insights.key"
KEY_RE = re.compile(r"[0-9a-f]{64}")  # what `new_key` writes: 32 random bytes in hex


class KeyFileError(ValueError):
    """The key file is there but holds no key: the message names it and what to do."""


def new_key() -> str:
    return secrets.token_hex(32)


def key_from_file(path: Path = KEY_FILE) -> bytes:
    """The key kept in `path`, made there first if there is none. Made whole and then linked
    into place, which fails if another process linked its own first: then that one is used,
    so processes starting at once share one key."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    write_key_file(path, new_key(), replace=False)
    return _read(path)


def write_key_file(path: Path, key: str, *, replace: bool = True) -> None:
    """Write `key` to `path` atomically (mode 0600, fsync'd file and folder); with `replace`
    False, keep a key file another process made first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".insights-key-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:  # another process may have made it first: then its key is the one
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)  # atomic, and refuses to overwrite
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if not KEY_RE.fullmatch(text):
        what = "is empty" if not text else "does not hold a key (64 hexadecimal characters)"
        raise KeyFileError(
            f"the insights key file {path} {what}. Restore it from a backup if you have one; "
            "else delete it and a new key is made (the insights rows recorded under the old "
            "key can then no longer be found by 'forget me'; retention still deletes them), "
            "or set INSIGHTS_KEY."
        )
    return text.encode("ascii")


def insights_key(path: Path = KEY_FILE) -> bytes:
    """INSIGHTS_KEY, else the key file's key."""
    configured = settings.INSIGHTS_KEY.read()
    return configured.encode("utf-8") if configured else key_from_file(path)


def conversation_key(sender_id: str, key: bytes) -> str:
    """The hex HMAC-SHA256 of the sender id: what the rows hold instead of it."""
    return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
