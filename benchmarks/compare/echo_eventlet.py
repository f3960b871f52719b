"""Eventlet TCP echo server (the seed's server): echo_eventlet.py PORT. Listens on 127.0.0.1."""
import sys

import eventlet


def handle(sock, addr):
    while True:
        data = sock.recv(4096)
        if not data:
            break
        sock.sendall(data)


def main():
    port = int(sys.argv[1])
    server = eventlet.listen(("127.0.0.1", port), backlog=1024)
    eventlet.serve(server, handle, concurrency=10000)


if __name__ == "__main__":
    main()
