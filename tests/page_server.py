"""A local web server for the URL-import tests: pages, redirects and every bad answer, on 127.0.0.1 only.

Nothing in the test suite reaches the internet: `serve()` binds to 127.0.0.1 on a free port, and
`loopback_only` (a fixture body) refuses any other connection for the duration of a test.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Minister resigns over tax plan | Daily Planet</title>
<meta name="author" content="Lois Lane"><meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
<main><article><h1>Minister resigns over tax plan</h1>
<p>The finance minister resigned on Tuesday after the cabinet rejected her plan to raise taxes on large
companies by 5%, ending a week of open disagreement inside the government.</p>
<p>"I cannot defend a budget I do not believe in," she told reporters outside parliament, adding that she
would stay on as an ordinary member and vote with the government on most other matters.</p>
<p>Opposition leaders called the resignation a sign of a government in disarray, while business groups
welcomed the decision and said the tax rise would have cost thousands of jobs across the country.</p>
</article></main><footer><p>© 2024 Daily Planet. All rights reserved.</p></footer></body></html>
"""

SCRAPED = (
    "Home\nPolitics\nMenu\n"
    "Ministers Clash Over Spending Plans Before Budget Vote\n"
    "Published 05.03.2024\n"
    "Share\n"
    "The finance minister and the health secretary clashed in cabinet on Monday over spending plans that would "
    "cut the budgets of most departments, according to three people who were present at the meeting.\n"
    "The disagreement, which both sides played down in public, is the latest sign of strain in a government that "
    "has lost two ministers this year and trails the opposition in every poll published since the spring.\n"
    "A spokesman for the prime minister said that the cabinet had held a long and constructive discussion and "
    "that the budget would be presented to parliament as planned at the end of the month.\n"
    "To participate in the discussion\nlog in or register\n"
)

GERMAN = (
    "Die Finanzministerin, Frau Müller, trat gestern zurück, nachdem das Kabinett ihren Plan für höhere Steuern "
    "abgelehnt hatte. Über die Nachfolge wird nächste Woche entschieden; Gespräche dafür laufen schon. "
)
LEGACY = PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">').replace(
    "The finance minister", GERMAN + "The finance minister"
)


class Handler(BaseHTTPRequestHandler):
    """Each path is one case; see ROUTES."""

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            self._send(404, "text/html", b"<html><body>Not here</body></html>")
            return
        route(self)

    def _send(self, status: int, kind: str | None, body: bytes, length: bool = True, **headers: str) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def redirect(self, target: str, status: int = 302) -> None:
        self._send(status, "text/html", b"", Location=target)


def _slow(handler: Handler) -> None:
    time.sleep(1.5)
    handler._send(200, "text/html; charset=utf-8", PAGE.encode())


ROUTES = {
    "/article.html": lambda h: h._send(200, "text/html; charset=utf-8", PAGE.encode()),
    "/article-again.html": lambda h: h._send(200, "text/html; charset=utf-8", PAGE.encode()),
    "/moved": lambda h: h.redirect("/article.html", 301),
    "/moved-twice": lambda h: h.redirect("/moved", 302),
    "/loop-a": lambda h: h.redirect("/loop-b"),
    "/loop-b": lambda h: h.redirect("/loop-a"),
    "/to-ftp": lambda h: h.redirect("ftp://127.0.0.1/file.html"),
    "/broken": lambda h: h._send(500, "text/html", b"<html><body>Internal error</body></html>"),
    "/slow": _slow,
    "/paper.pdf": lambda h: h._send(200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "/photo": lambda h: h._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "/photo-untyped": lambda h: h._send(200, None, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "/pdf-as-html": lambda h: h._send(200, "text/html", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"),
    "/data.json": lambda h: h._send(200, "application/json", b'{"title": "not a page"}'),
    "/big": lambda h: h._send(200, "text/html", b"<html><body><p>" + b"words " * 400_000 + b"</p></body></html>"),
    "/big-unannounced": lambda h: h._send(
        200, "text/html", b"<html><body><p>" + b"words " * 400_000 + b"</p></body></html>", length=False
    ),
    "/legacy": lambda h: h._send(200, "text/html; charset=x-no-such-charset", LEGACY.encode("cp1252")),
    "/undeclared": lambda h: h._send(
        200, "text/html", LEGACY.replace('<meta charset="windows-1252">', "").encode("cp1252")
    ),
    "/scraped.txt": lambda h: h._send(200, "text/plain; charset=utf-8", SCRAPED.encode()),
    "/gallery": lambda h: h._send(200, "text/html", b"<html><body><img src='a.jpg'></body></html>"),
}


@contextlib.contextmanager
def serve() -> Iterator[str]:
    """Run the server for the block; yields its base URL (http://127.0.0.1:PORT)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_only(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Refuse every connection that is not to 127.0.0.1 for the rest of the test."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"a test tried to reach {address}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
