"""The whole site on a threaded server of its own, for tests that need real connections: one
thread and one database connection per request, closed after each (Django's ThreadedWSGIServer
does that), static files included.

A test can stop it and start it again on the same port: stopping also cuts the connections a
browser keeps alive, so to a phone it is as real a loss of network as it gets (connections
refused).
"""

import socket
import threading

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class _Tracked(ThreadedWSGIServer):
    """Remembers its open connections, so that stopping also cuts the kept-alive ones."""

    def __init__(self, *args, backlog: int, **kwargs):
        self.request_queue_size = backlog  # read when the socket starts listening
        self.open: set[socket.socket] = set()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        self.open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.open.discard(request)
        super().shutdown_request(request)


class Server:
    """`backlog`: connections the listening socket queues before the application sees them;
    Django's default (10) resets most of fifty simultaneous ones, which a real deployment's
    proxy would have queued."""

    def __init__(self, *, backlog: int = 10):
        self.port = 0
        self.backlog = backlog
        self._server: _Tracked | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._server = _Tracked(("127.0.0.1", self.port), WSGIRequestHandler, backlog=self.backlog)
        self._server.set_app(StaticFilesHandler(WSGIHandler()))
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            for connection in list(self._server.open):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed by the other side
            self._server = None
