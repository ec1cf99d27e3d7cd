"""Serve a folder over HTTP on 127.0.0.1 (an OS-chosen port) for a test.

Used to check remote checkpoint loading without any network: only the
loopback address is ever contacted. Counts the requests per path so tests
can tell a cached load from a download.
"""
import contextlib
import functools
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator


class _CountingHandler(SimpleHTTPRequestHandler):
    counts: Counter

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.counts[self.path] += 1
        super().do_GET()

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class LocalServer:
    """A running server on ``root``; ``url(name)`` and ``hits(name)``."""

    def __init__(self, httpd: ThreadingHTTPServer, counts: Counter,
                 root: str) -> None:
        self.httpd = httpd
        self.counts = counts
        self.root = root

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, name: str) -> str:
        """The URL of file ``name`` in the served folder."""
        return f'http://127.0.0.1:{self.port}/{name}'

    def hits(self, name: str) -> int:
        """How many GET requests asked for ``name``."""
        return self.counts[f'/{name}']


@contextlib.contextmanager
def serve_folder(root: str) -> Iterator[LocalServer]:
    """Serve ``root`` on ``127.0.0.1:<free port>`` in a daemon thread.

    Args:
        root (str): The folder to serve.

    Yields:
        LocalServer: The running server (shut down on exit).
    """
    counts: Counter = Counter()
    handler = functools.partial(
        type('Handler', (_CountingHandler, ), {'counts': counts}),
        directory=root)
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServer(httpd, counts, root)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
