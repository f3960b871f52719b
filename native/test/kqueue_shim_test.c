/* Self-test of the kqueue-over-epoll shim; run by cmake/build-native.sh. */
#include "kqueue_shim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

static int failures;

#define CHECK(cond) do { if (!(cond)) { \
        fprintf(stderr, "kqueue_shim_test:%d: CHECK(%s) failed (errno %d)\n", __LINE__, #cond, errno); \
        failures++; } } while (0)

static int wait_events(int kq, struct kevent *ev, int n, long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    return kevent(kq, NULL, 0, ev, n, &ts);
}

int main(void) {
    int sv[2];
    struct kevent ch[2], ev[8];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int kq = kqueue();
    CHECK(kq >= 0);

    /* EV_CLEAR read and write: write readiness first, once. */
    EV_SET(&ch[0], sv[0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, (void *) 7);
    EV_SET(&ch[1], sv[0], EVFILT_WRITE, EV_ADD | EV_CLEAR, 0, 0, (void *) 7);
    CHECK(kevent(kq, ch, 2, NULL, 0, NULL) == 0);
    int n = wait_events(kq, ev, 8, 100);
    CHECK(n == 1 && ev[0].filter == EVFILT_WRITE && ev[0].udata == (void *) 7);
    CHECK(wait_events(kq, ev, 8, 0) == 0);

    /* Data arrives: one read event, then nothing more (edge). */
    CHECK(write(sv[1], "x", 1) == 1);
    n = wait_events(kq, ev, 8, 1000);
    CHECK(n >= 1 && ev[0].filter == EVFILT_READ && ev[0].ident == (uintptr_t) sv[0]);
    CHECK(wait_events(kq, ev, 8, 0) == 0);

    /* EVFILT_USER with NOTE_TRIGGER, cleared on delivery. */
    EV_SET(&ch[0], 0, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, 0);
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == 0);
    EV_SET(&ch[0], 0, EVFILT_USER, 0, NOTE_TRIGGER, 0, 0);
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == 0);
    n = wait_events(kq, ev, 8, 1000);
    CHECK(n == 1 && ev[0].filter == EVFILT_USER);
    CHECK(wait_events(kq, ev, 8, 0) == 0);

    /* EV_DELETE, then data: nothing; deleting again: ENOENT. */
    EV_SET(&ch[0], sv[0], EVFILT_READ, EV_DELETE, 0, 0, 0);
    EV_SET(&ch[1], sv[0], EVFILT_WRITE, EV_DELETE, 0, 0, 0);
    CHECK(kevent(kq, ch, 2, NULL, 0, NULL) == 0);
    CHECK(write(sv[1], "y", 1) == 1);
    CHECK(wait_events(kq, ev, 8, 50) == 0);
    errno = 0;
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == -1 && errno == ENOENT);

    /* EV_ONESHOT: one event, then the filter is gone. */
    EV_SET(&ch[0], sv[0], EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, (void *) 9);
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == 0);
    n = wait_events(kq, ev, 8, 1000);
    CHECK(n == 1 && ev[0].filter == EVFILT_READ && ev[0].udata == (void *) 9);
    CHECK(write(sv[1], "z", 1) == 1);
    CHECK(wait_events(kq, ev, 8, 50) == 0);

    /* Peer closes: EV_EOF on read. */
    EV_SET(&ch[0], sv[0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, (void *) 3);
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == 0);
    CHECK(wait_events(kq, ev, 8, 100) == 1); /* pending data reported on add */
    close(sv[1]);
    n = wait_events(kq, ev, 8, 1000);
    CHECK(n == 1 && (ev[0].flags & EV_EOF));

    /* An error with room in the event list comes back as EV_ERROR. */
    EV_SET(&ch[0], 12345, EVFILT_READ, EV_ADD, 0, 0, 0);
    n = kevent(kq, ch, 1, ev, 8, NULL);
    CHECK(n == 1 && (ev[0].flags & EV_ERROR) && ev[0].data == EBADF);

    close(sv[0]);
    CHECK(kqueue_shim_close(kq) == 0);
    if (failures == 0) printf("kqueue_shim_test: ok\n");
    return failures == 0 ? 0 : 1;
}
