"""A stand-in PostgreSQL server that asks for a password and refuses it, speaking just enough of the wire
protocol for libpq: the local test server trusts every connection, so it cannot show a wrong password."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104


def _read(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def _refuse(conn: socket.socket) -> None:
    while True:  # libpq may ask for TLS or GSS encryption first: say no, and it carries on in the clear
        length = int.from_bytes(_read(conn, 4), "big")
        body = _read(conn, length - 4)
        if int.from_bytes(body[:4], "big") not in (SSL_REQUEST, GSSENC_REQUEST):
            break
        conn.sendall(b"N")
    conn.sendall(b"R" + (8).to_bytes(4, "big") + (3).to_bytes(4, "big"))  # AuthenticationCleartextPassword
    _read(conn, 1)  # 'p', the password message
    _read(conn, int.from_bytes(_read(conn, 4), "big") - 4)
    fields = b'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "alice"\0\0'
    conn.sendall(b"E" + (len(fields) + 4).to_bytes(4, "big") + fields)


@contextmanager
def password_refusing_server() -> Iterator[int]:
    """A server on 127.0.0.1 that refuses every password; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    _refuse(conn)
                except (ConnectionError, OSError):
                    pass  # libpq hung up once it knew (no password to send): that is an answer too

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
