"""The outbox: where a handoff waits, as a file, while the database cannot be reached.

A patient who asked for a call-back must not be lost because the database was down for a
minute. Each record is one JSON file per ref (so a newer copy replaces an older one), written
atomically and fsynced, readable by this user only. The store writes the files back to the
database (`HandoffStore.flush_outbox`); `RetryThread` asks it to every so often. A file that
cannot be read as a handoff goes to bad/ for a person to look at, never silently dropped.
Logs name refs, conversation ids and file names, never a patient's details.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import settings
from handoff_delivery.tables import REPO_ROOT
from headache_core.handoff.model import HandoffRecord

logger = logging.getLogger(__name__)

DEFAULT_OUTBOX = REPO_ROOT / "run" / "outbox"
# What reading a file that is not a handoff raises: it goes to bad/.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError)


def outbox_directory(directory: Path | None = None) -> Path:
    """The folder to use: the given one, else HANDOFF_OUTBOX, else run/outbox."""
    return Path(directory or settings.HANDOFF_OUTBOX.read() or DEFAULT_OUTBOX)


def record_json(record: HandoffRecord) -> str:
    """The outbox file's text; a ValueError for a record that is not plain JSON, so the
    store can refuse it before anything is written or queued."""
    try:
        return json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"handoff {record.ref} holds something that is not plain JSON: {exc}"
        ) from exc


def _file_name(ref: str) -> str:
    """A safe, stable file name per ref: readable prefix plus a hash (refs hold any text)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", ref)[:80]
    return f"{readable}-{sha256(ref.encode()).hexdigest()[:16]}.json"


def _is_record_file(name: str) -> bool:
    """Temporary files (`.…part`) are hidden, and bad/ is no `.json` file."""
    return name.endswith(".json") and name[0] != "."


class Outbox:
    """The outbox folder. Only files are handled here; the store decides when to write
    them to the database and serialises flushes with its own lock."""

    def __init__(self, directory: Path, *, now: Callable[[], datetime]) -> None:
        self.directory = directory
        self._now = now  # names a second bad/ copy of the same file

    def path_for(self, ref: str) -> Path:
        return self.directory / _file_name(ref)

    def files(self) -> list[Path]:
        """Outbox files, oldest first (temporary files and bad/ left out)."""
        found = []
        try:
            with os.scandir(self.directory) as entries:
                for entry in entries:
                    if _is_record_file(entry.name):
                        with contextlib.suppress(FileNotFoundError):  # flushed meanwhile
                            if entry.is_file():
                                found.append((entry.stat().st_mtime_ns, entry.name, entry.path))
        except FileNotFoundError:
            return []
        return [Path(path) for _, _, path in sorted(found)]

    def has_files(self) -> bool:
        """The cheap check before every save: one directory read, stopping at the first file."""
        try:
            with os.scandir(self.directory) as entries:
                return any(_is_record_file(e.name) for e in entries)
        except FileNotFoundError:
            return False

    def pending(self) -> int:
        """Records waiting in the outbox."""
        return len(self.files())

    def keep(self, record: HandoffRecord) -> Path:
        """Write the record atomically (temp file, fsync, rename): a crash leaves either the
        old file or the new one, never half a record. Readable by this user only. Raises
        OSError when the folder cannot be written."""
        target = self.path_for(record.ref)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(record_json(record))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        self._fsync_dir(self.directory)
        return target

    def read(self, path: Path) -> tuple[HandoffRecord, os.stat_result]:
        """The record a file holds, and the file's stat from before reading it (for
        `remove_if_unchanged`). FileNotFoundError if it is gone meanwhile; one of
        `UNREADABLE` if it is not a handoff that could be written again."""
        before = path.stat()
        record = HandoffRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
        record_json(record)
        return record, before

    def discard(self, ref: str) -> None:
        """Drop the ref's file, if any: an older copy must not overwrite a newer save later."""
        with contextlib.suppress(FileNotFoundError):
            self.path_for(ref).unlink()

    @staticmethod
    def remove_if_unchanged(path: Path, before: os.stat_result) -> None:
        """Delete a flushed file unless a newer copy of the record replaced it meanwhile
        (an atomic replace gives it a new inode): that copy is written next time."""
        try:
            now = path.stat()
            if (now.st_ino, now.st_mtime_ns) == (before.st_ino, before.st_mtime_ns):
                path.unlink()
        except FileNotFoundError:
            pass

    def remove_conversation(self, conversation_id: str) -> int:
        """Delete the files of one conversation (erasure); returns how many. Unreadable
        files are left alone: they cannot be told apart."""
        removed = 0
        for path in self.files():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and data.get("conversation_id") == conversation_id:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        return removed

    def move_aside(self, path: Path, exc: BaseException) -> None:
        """A file that cannot be read as a handoff goes to bad/ for a person to look at."""
        bad = self.directory / "bad"
        bad.mkdir(mode=0o700, exist_ok=True)
        target = bad / path.name
        if target.exists():
            target = bad / f"{path.stem}.{self._now():%Y%m%dT%H%M%S%f}{path.suffix}"
        try:
            os.replace(path, target)
        except FileNotFoundError:
            return
        logger.error(
            "outbox: %s is not a readable handoff (%s); moved to %s",
            path.name,
            type(exc).__name__,
            target,
        )

    @staticmethod
    def _fsync_dir(directory: Path) -> None:
        """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


class RetryThread:
    """A daemon thread that calls `flush` every so often while `has_work` says there is
    something waiting, so kept handoffs reach the database once it is back even if no new
    handoff arrives to trigger a flush."""

    def __init__(self, *, flush: Callable[[], object], has_work: Callable[[], bool]) -> None:
        self._flush = flush
        self._has_work = has_work
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, interval_s: float) -> threading.Thread:
        """Start the thread, or return the running one."""
        if interval_s <= 0:
            raise ValueError(f"interval_s must be positive, not {interval_s!r}")
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return self._thread
            self._stop.clear()
            thread = threading.Thread(
                target=self._loop, args=(interval_s,), name="handoff-outbox", daemon=True
            )
            thread.start()
            self._thread = thread
            return thread

    def stop(self, timeout_s: float) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _loop(self, interval_s: float) -> None:
        while not self._stop.wait(interval_s):
            try:
                if self._has_work():
                    self._flush()
            except Exception as exc:  # the thread must outlive any single failure
                logger.error("outbox retry failed (%s); trying again later", type(exc).__name__)
