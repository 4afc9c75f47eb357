"""What the Slack and Meta fakes share: a threaded HTTP server on 127.0.0.1 that keeps every
request it gets and answers through the fake's `handle`, plus waiting for the assistant's calls
(it answers in the background, so tests poll)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from typing_extensions import Self

T = TypeVar("T")


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any  # JSON, or a form as a dict, or text


class RecordingServer:
    """Subclasses answer in `handle(request) -> (status, body)`; `requests` keeps them all."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def handle(self, request: Recorded) -> tuple[int, Any]:
        raise NotImplementedError

    @property
    def port(self) -> int:
        assert self._server is not None, "start the fake first (use it as a context manager)"
        return self._server.server_address[1]

    def start(self, port: int = 0) -> Self:
        self._server = _QuietServer(("127.0.0.1", port), _handler_for(self))
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, request: Recorded) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(request)
            return self.handle(request)

    def snapshot(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)

    @staticmethod
    def wait_until(check: Callable[[], T], timeout: float = 30.0, step: float = 0.05) -> T:
        """`check()`'s first truthy value; AssertionError with the last value after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value or time.monotonic() > deadline:
                assert value, f"gave up after {timeout:.0f}s waiting; last: {value!r}"
                return value
            time.sleep(step)

    def wait_quiet(
        self, count: Callable[[], int], quiet: float = 1.5, timeout: float = 60.0
    ) -> int:
        """Waits until `count()` is above zero and has not changed for `quiet` seconds (the
        assistant sent everything it had to say), and returns it."""
        deadline = time.monotonic() + timeout
        last, since = count(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = count()
            if now != last:
                last, since = now, time.monotonic()
            elif last and time.monotonic() - since >= quiet:
                return last
        raise AssertionError(f"no quiet moment within {timeout:.0f}s (count {last})")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up is not an error worth a traceback."""


def _handler_for(fake: RecordingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            body: Any
            if kind == "application/x-www-form-urlencoded":
                body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
            else:
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
            request = Recorded(
                method=self.command,
                path=parts.path,
                query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            status, answer = fake._record(request)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

    return Handler
