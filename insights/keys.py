"""The keyed hash that stands for a conversation in insights and the review queue.

Rows never hold a sender id, only HMAC-SHA256(key, sender id): "forget me" can still find a
conversation's rows (the Rasa server knows the sender id and the key), while the database alone
links nothing back to a tracker. The key is INSIGHTS_KEY (production sets it, the same for every
replica); unset, a random key made once in run/insights.key (mode 0600), which every process of
`make run` and of the local cluster on this machine shares.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import settings

ROOT = Path(__file__).resolve().parents[1]
KEY_FILE = ROOT / "run" / "insights.key"


def key_from_file(path: Path = KEY_FILE) -> bytes:
    """The key kept in `path`, made there first if there is none (exclusive create, so two
    processes starting at once end up with the same key)."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it: wait for its content
        for _ in range(100):
            try:
                return _read(path)
            except FileNotFoundError:
                time.sleep(0.01)
        return _read(path)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32) + "\n")
    return _read(path)


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    if not text:  # another process is writing it this instant
        raise FileNotFoundError(path)
    return text.encode("ascii")


def insights_key(path: Path = KEY_FILE) -> bytes:
    """INSIGHTS_KEY, else the key file's key."""
    configured = settings.INSIGHTS_KEY.read()
    return configured.encode("utf-8") if configured else key_from_file(path)


def conversation_key(sender_id: str, key: bytes) -> str:
    """The hex HMAC-SHA256 of the sender id: what the rows hold instead of it."""
    return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
