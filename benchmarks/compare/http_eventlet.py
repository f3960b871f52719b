"""Eventlet WSGI hello world (eventlet.wsgi): http_eventlet.py PORT. Listens on 127.0.0.1, no access log.
TCP_NODELAY is set on the listening socket, and Linux hands it down to every accepted one:
with Nagle's algorithm on, the second of two responses written separately (pipelined
requests) would wait for the client's delayed ACK (about 40 ms)."""
import socket
import sys

import eventlet
from eventlet import wsgi

BODY = b"Hello, World!"


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


def main():
    port = int(sys.argv[1])
    # max_size: green threads (connections) at once; the default, 1024, is about the 1,000 connections measured
    listener = eventlet.listen(("127.0.0.1", port), backlog=1024)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    wsgi.server(listener, app, log_output=False, max_size=10000)


if __name__ == "__main__":
    main()
