/* Test-only kqueue-over-epoll shim: just enough of kqueue(2)/kevent(2) for
 * greenhub's kqueue poller to run (and be tested) on Linux, which has no kqueue.
 * Supports EVFILT_READ, EVFILT_WRITE (EV_ADD, EV_DELETE, EV_CLEAR, EV_ONESHOT,
 * EV_EOF on hang-up) and EVFILT_USER (NOTE_TRIGGER). Not for production. */
#ifndef GREENHUB_KQUEUE_SHIM_H
#define GREENHUB_KQUEUE_SHIM_H

#include <stdint.h>
#include <time.h>

struct kevent {
    uintptr_t ident;
    short filter;
    unsigned short flags;
    unsigned int fflags;
    intptr_t data;
    void *udata;
};

#define EVFILT_READ  (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_USER  (-11)

#define EV_ADD     0x0001
#define EV_DELETE  0x0002
#define EV_ENABLE  0x0004
#define EV_DISABLE 0x0008
#define EV_ONESHOT 0x0010
#define EV_CLEAR   0x0020
#define EV_ERROR   0x4000
#define EV_EOF     0x8000

#define NOTE_TRIGGER 0x01000000

#define EV_SET(kevp, a, b, c, d, e, f) do {  \
        struct kevent *ev_ = (kevp);          \
        ev_->ident = (uintptr_t) (a);         \
        ev_->filter = (short) (b);            \
        ev_->flags = (unsigned short) (c);    \
        ev_->fflags = (unsigned int) (d);     \
        ev_->data = (intptr_t) (e);           \
        ev_->udata = (void *) (f);            \
    } while (0)

__attribute__((visibility("hidden"))) int kqueue(void);
__attribute__((visibility("hidden"))) int kevent(int kq, const struct kevent *changelist, int nchanges,
                                                 struct kevent *eventlist, int nevents,
                                                 const struct timespec *timeout);
/* Closes a shim kqueue and its private descriptors. */
__attribute__((visibility("hidden"))) int kqueue_shim_close(int kq);

#endif
