"""Helpers for the composition root's tests: an endpoint that never answers, and a Lambda context."""

from __future__ import annotations

import socket
import threading


class SilentEndpoint:
    """A TCP server on loopback that accepts every connection, reads the request and never
    answers: every client pointed at it must give up by its own read timeout. Counts the
    requests it was sent (one connection per attempt)."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections = 0
        self._open: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(connection)  # kept open and unanswered

    def close(self) -> None:
        self._closed.set()
        for connection in self._open:
            connection.close()
        self._socket.close()


