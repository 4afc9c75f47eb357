"""What every front-desk route needs, built once per app: settings, store, Rasa, limits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from handoff_delivery.store import HandoffStore, StoreUnavailable
from webapp.frontdesk.auth import FailedSignIns
from webapp.frontdesk.settings import FrontdeskSettings
from webapp.rasa_client import RasaClient

log = logging.getLogger("webapp.frontdesk")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
T = TypeVar("T")


def json_error(status: int, error: str, message: str, **headers: str) -> JSONResponse:
    """A small JSON error: a machine code and a sentence staff can read. Never a trace."""
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=headers)


@dataclass
class Frontdesk:
    settings: FrontdeskSettings
    store_factory: Callable[[], HandoffStore] = HandoffStore
    rasa: RasaClient | None = None
    sign_ins: FailedSignIns = field(default_factory=FailedSignIns)
    templates: Environment = field(
        default_factory=lambda: Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False
        )
    )
    _store: HandoffStore | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.rasa is None:
            self.rasa = RasaClient(self.settings.rasa_url, self.settings.rasa_token)

    def store(self) -> HandoffStore:
        """The store, opened on first use so the app starts even while the database is down."""
        with self._lock:
            if self._store is None:
                try:
                    self._store = self.store_factory()
                except StoreUnavailable:
                    raise
                except Exception as err:  # a bad DATABASE_URL must not take the page down
                    log.error("cannot open the handoff store: %s", err)
                    raise StoreUnavailable(str(err)) from err
            return self._store

    async def run(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call a store method off the event loop (the store is synchronous SQLAlchemy)."""
        store = await run_in_threadpool(self.store)
        return await run_in_threadpool(getattr(store, method), *args, **kwargs)

    def render(self, name: str, **context: Any) -> str:
        return self.templates.get_template(name).render(**context)


def frontdesk(request: Request) -> Frontdesk:
    return request.app.state.frontdesk


async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("handoff store unavailable: %s", exc)
    return json_error(
        503, "store_unavailable", "The handoff list cannot be reached right now; try again soon."
    )
