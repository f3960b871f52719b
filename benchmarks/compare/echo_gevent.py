"""gevent TCP echo server (StreamServer): echo_gevent.py PORT. Listens on 127.0.0.1."""
import sys

from gevent.server import StreamServer


def handle(sock, addr):
    while True:
        data = sock.recv(4096)
        if not data:
            break
        sock.sendall(data)


def main():
    port = int(sys.argv[1])
    server = StreamServer(("127.0.0.1", port), handle, backlog=1024)
    server.serve_forever()


if __name__ == "__main__":
    main()
