"""The retention job: delete conversations and front-desk records older than the retention period.

    python -m stores.retention [--days N]      (make retention; the Kubernetes CronJob)

N comes from `--days`, else RETENTION_DAYS (default 90, headache_core/retention.py: the number
the consent question states). Conversations: Rasa's tracker store at TRACKER_STORE_URL, every
event of a sender whose newest event is older than N days. Handoffs: the store at DATABASE_URL,
those created more than N days ago; in the same database, the insight counts of clinic days and
the review items (insights/) older than N days. It prints counts only, never a sender id or any
content, and exits non-zero when a store cannot be reached (so a CronJob shows the failure).
The running product also runs it once a day inside the clinic web app (`RetentionThread`).
"""

import argparse
import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from handoff_delivery.store import HandoffStore, _table_missing
from handoff_delivery.tables import database_url
from headache_core.clinic import load_clinic
from headache_core.retention import retention_days
from insights.store import InsightsStore
from stores.conversations import delete_older_than, make_engine, tracker_store_url

log = logging.getLogger(__name__)
DAILY_S = 24 * 3600


@dataclass(frozen=True)
class RetentionResult:
    days: int
    conversations: int
    events: int
    handoffs: int
    insight_rows: int = 0
    review_items: int = 0

    def __str__(self) -> str:
        return (
            f"retention {self.days} days: deleted {self.conversations} conversations "
            f"({self.events} events), {self.handoffs} handoffs, {self.insight_rows} insight "
            f"rows and {self.review_items} review items"
        )


def _no_sqlite_file(url: str | URL) -> bool:
    """A SQLite store that was never created holds nothing (and is not created here)."""
    url = make_url(url)
    database = url.database or ""
    return (
        url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).expanduser().exists()
    )


def run_retention(
    days: int | None = None, tracker_url: str | None = None, handoff_url: str | None = None
) -> RetentionResult:
    """Delete both kinds of old records; the URLs default to the environment's."""
    days = retention_days() if days is None else days
    conversations = events = handoffs = insight_rows = review_items = 0
    tracker_url = tracker_store_url(tracker_url)
    if not _no_sqlite_file(tracker_url):
        engine = make_engine(tracker_url)
        try:
            conversations, events = delete_older_than(engine, days)
        finally:
            engine.dispose()
    if not _no_sqlite_file(database_url(handoff_url)):
        store = HandoffStore(handoff_url)
        try:
            handoffs = store.delete_older_than(days)
            insight_rows, review_items = _delete_insights(store, days)
        finally:
            store.close()
    return RetentionResult(days, conversations, events, handoffs, insight_rows, review_items)


def _delete_insights(store: HandoffStore, days: int) -> tuple[int, int]:
    """Old insight counts and review items, in the handoff store's database; none where its
    tables do not exist yet (a database not migrated to 0002)."""
    try:
        return InsightsStore(store.engine, load_clinic().timezone).delete_older_than(days)
    except DBAPIError as exc:
        if _table_missing(exc):
            return 0, 0
        raise


class RetentionThread(threading.Thread):
    """Runs the job shortly after start (the stores are migrated by then) and then every
    `interval_s` in the background; a failure is logged without details and tried again next
    time."""

    def __init__(self, interval_s: float = DAILY_S, first_after_s: float = 60) -> None:
        super().__init__(name="retention", daemon=True)
        self.interval_s = interval_s
        self.first_after_s = first_after_s
        self._stop_event = threading.Event()

    def run(self) -> None:
        self._stop_event.wait(self.first_after_s)
        while not self._stop_event.is_set():
            try:
                print(run_retention(), flush=True)  # counts only
            except Exception as exc:  # noqa: BLE001 - keep the thread alive for the next run
                log.warning("retention job failed: %s", type(exc).__name__)
            self._stop_event.wait(self.interval_s)

    def stop(self, timeout_s: float = 5) -> None:
        self._stop_event.set()
        self.join(timeout_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stores.retention", description=__doc__)
    parser.add_argument("--days", type=int, help="keep this many days (default RETENTION_DAYS)")
    parser.add_argument("--tracker-store-url", help="default: TRACKER_STORE_URL")
    parser.add_argument("--database-url", help="the handoff store (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.days is not None and args.days < 0:
        parser.error("--days must be zero or more")
    try:
        result = run_retention(args.days, args.tracker_store_url, args.database_url)
    except Exception as exc:  # noqa: BLE001 - a short reason, never a URL with a password
        reason = str(exc).splitlines()[0][:200] if str(exc) else ""
        print(f"retention failed: {type(exc).__name__}: {reason}", file=sys.stderr)
        return 1
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
