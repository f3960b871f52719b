"""gevent WSGI hello world (gevent.pywsgi): http_gevent.py PORT. Listens on 127.0.0.1, no access log.
TCP_NODELAY is set on the listening socket, and Linux hands it down to every accepted one:
pywsgi writes the head and the body of a response in separate sends, and with Nagle's
algorithm on, the body would wait for the client's delayed ACK (about 40 ms)."""
import socket
import sys

from gevent import socket as gsocket
from gevent.pywsgi import WSGIServer

BODY = b"Hello, World!"


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


def main():
    port = int(sys.argv[1])
    listener = gsocket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    WSGIServer(listener, app, log=None).serve_forever()


if __name__ == "__main__":
    main()
