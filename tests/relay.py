"""A TCP relay for server tests: a port that forwards every connection to another port, opened
when the test says. A page pointed at a closed port sees its server "come back" once it opens."""

import contextlib
import socket
import threading
from types import TracebackType


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


class Relay:
    """127.0.0.1:`port` forwarded to 127.0.0.1:`target`, while in a `with` block."""

    def __init__(self, port: int, target: int) -> None:
        self.port, self.target = port, target
        self.server = socket.socket()
        self.open: list[socket.socket] = []

    def _accept(self) -> None:
        while True:
            try:
                incoming, _ = self.server.accept()
                outgoing = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            self.open += [incoming, outgoing]
            for ends in ((incoming, outgoing), (outgoing, incoming)):
                threading.Thread(target=_pump, args=ends, daemon=True).start()

    def __enter__(self) -> "Relay":
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(20)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.close()
        for connection in self.open:
            connection.close()
