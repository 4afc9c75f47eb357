"""Create or upgrade the handoff tables: `python -m handoff_delivery.migrate`.

Migrates DATABASE_URL (else the SQLite file under run/), or `--url`, to the newest schema;
safe to run on every deploy (nothing to do when it is current)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import DBAPIError

from handoff_delivery.store import HandoffStore, StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handoff_delivery.migrate",
        description="Create or upgrade the handoff tables (alembic upgrade head).",
    )
    parser.add_argument(
        "--url", help="database URL (default: DATABASE_URL, else the SQLite file under run/)"
    )
    args = parser.parse_args(argv)
    store = HandoffStore(url=args.url)
    try:
        store.migrate()
    except (StoreUnavailable, DBAPIError) as exc:
        print(f"cannot migrate {store.where}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.engine.dispose()
    print(f"handoff store migrated: {store.where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
