/* Test-only kqueue-over-epoll shim (see kqueue_shim.h). Each shim kqueue is an
 * epoll descriptor plus a table of the filters registered per descriptor; an
 * EVFILT_USER event is an eventfd. Allocation is fine here: tests only. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "kqueue_shim.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#define USER_MAX 8
#define USER_TAG (1ULL << 32)
#define WAIT_MAX 64

struct filt {
    int active;
    unsigned short flags;
    void *udata;
};

struct reg {
    struct filt rd, wr;
    int in_epoll;
};

struct user {
    int used;
    uintptr_t ident;
    int efd;
    unsigned short flags;
    void *udata;
};

struct shim {
    int open;
    pthread_mutex_t lock;
    struct reg *regs;
    int nregs;
    struct user users[USER_MAX];
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim **table;   /* indexed by the epoll fd; entries are never freed */
static int table_len;

static struct shim *lookup(int kq) {
    struct shim *s = NULL;
    pthread_mutex_lock(&table_lock);
    if (kq >= 0 && kq < table_len && table[kq] != NULL && table[kq]->open) s = table[kq];
    pthread_mutex_unlock(&table_lock);
    return s;
}

int kqueue(void) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    pthread_mutex_lock(&table_lock);
    if (ep >= table_len) {
        int n = table_len == 0 ? 64 : table_len;
        while (n <= ep) n *= 2;
        struct shim **t = realloc(table, (size_t) n * sizeof *t);
        if (t == NULL) {
            pthread_mutex_unlock(&table_lock);
            close(ep);
            errno = ENOMEM;
            return -1;
        }
        memset(t + table_len, 0, (size_t) (n - table_len) * sizeof *t);
        table = t;
        table_len = n;
    }
    struct shim *s = table[ep];
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL) {
            pthread_mutex_unlock(&table_lock);
            close(ep);
            errno = ENOMEM;
            return -1;
        }
        pthread_mutex_init(&s->lock, NULL);
        table[ep] = s;
    }
    pthread_mutex_lock(&s->lock);
    free(s->regs);
    s->regs = NULL;
    s->nregs = 0;
    memset(s->users, 0, sizeof s->users);
    s->open = 1;
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_unlock(&table_lock);
    return ep;
}

int kqueue_shim_close(int kq) {
    struct shim *s = lookup(kq);
    if (s != NULL) {
        pthread_mutex_lock(&s->lock);
        s->open = 0;
        for (int i = 0; i < USER_MAX; i++) {
            if (s->users[i].used) close(s->users[i].efd);
            s->users[i].used = 0;
        }
        pthread_mutex_unlock(&s->lock);
    }
    return close(kq);
}

static struct reg *reg_of(struct shim *s, int fd) {
    if (fd < 0) return NULL;
    if (fd >= s->nregs) {
        int n = s->nregs == 0 ? 64 : s->nregs;
        while (n <= fd) n *= 2;
        struct reg *r = realloc(s->regs, (size_t) n * sizeof *r);
        if (r == NULL) return NULL;
        memset(r + s->nregs, 0, (size_t) (n - s->nregs) * sizeof *r);
        s->regs = r;
        s->nregs = n;
    }
    return &s->regs[fd];
}

/* Brings the epoll registration of fd in line with its filters; 0 or errno. */
static int sync_epoll(int ep, int fd, struct reg *r) {
    struct epoll_event e;
    memset(&e, 0, sizeof e);
    e.data.u64 = (uint32_t) fd;
    int edge = 1;
    if (r->rd.active) {
        e.events |= EPOLLIN | EPOLLRDHUP;
        edge &= (r->rd.flags & (EV_CLEAR | EV_ONESHOT)) != 0;
    }
    if (r->wr.active) {
        e.events |= EPOLLOUT;
        edge &= (r->wr.flags & (EV_CLEAR | EV_ONESHOT)) != 0;
    }
    if (e.events == 0) {
        if (!r->in_epoll) return 0;
        r->in_epoll = 0;
        return epoll_ctl(ep, EPOLL_CTL_DEL, fd, &e) == 0 ? 0 : errno;
    }
    if (edge) e.events |= EPOLLET;
    int op = r->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(ep, op, fd, &e) != 0) {
        /* The fd may have been closed (dropping it from epoll) and reused. */
        int alt = op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if ((errno == ENOENT || errno == EEXIST) && epoll_ctl(ep, alt, fd, &e) == 0) {
            r->in_epoll = 1;
            return 0;
        }
        return errno;
    }
    r->in_epoll = 1;
    return 0;
}

static int change_fd(struct shim *s, int ep, const struct kevent *c) {
    struct reg *r = reg_of(s, (int) c->ident);
    if (r == NULL) return c->ident > 0x7fffffff ? EBADF : ENOMEM;
    struct filt *f = c->filter == EVFILT_READ ? &r->rd : &r->wr;
    struct filt saved = *f;
    if (c->flags & EV_DELETE) {
        if (!f->active) return ENOENT;
        f->active = 0;
    } else if (c->flags & EV_ADD) {
        f->active = 1;
        f->flags = c->flags;
        f->udata = c->udata;
    } else {
        return f->active ? 0 : ENOENT;
    }
    int err = sync_epoll(ep, (int) c->ident, r);
    if (err != 0) {
        if (c->flags & EV_DELETE) {
            r->in_epoll = 0; /* gone with its descriptor */
        } else {
            *f = saved;
        }
    }
    return err;
}

static int change_user(struct shim *s, int ep, const struct kevent *c) {
    struct user *u = NULL, *free_slot = NULL;
    for (int i = 0; i < USER_MAX; i++) {
        if (s->users[i].used && s->users[i].ident == c->ident) u = &s->users[i];
        else if (!s->users[i].used && free_slot == NULL) free_slot = &s->users[i];
    }
    if (c->flags & EV_DELETE) {
        if (u == NULL) return ENOENT;
        epoll_ctl(ep, EPOLL_CTL_DEL, u->efd, NULL);
        close(u->efd);
        u->used = 0;
        return 0;
    }
    if (c->flags & EV_ADD) {
        if (u == NULL) {
            if (free_slot == NULL) return ENOMEM;
            int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (efd < 0) return errno;
            struct epoll_event e;
            memset(&e, 0, sizeof e);
            e.events = EPOLLIN;
            e.data.u64 = USER_TAG | (uint64_t) (free_slot - s->users);
            if (epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e) != 0) {
                int err = errno;
                close(efd);
                return err;
            }
            u = free_slot;
            u->used = 1;
            u->ident = c->ident;
            u->efd = efd;
        }
        u->flags = c->flags;
        u->udata = c->udata;
    }
    if (u == NULL) return ENOENT;
    if (c->fflags & NOTE_TRIGGER) {
        uint64_t one = 1;
        if (write(u->efd, &one, sizeof one) < 0 && errno != EAGAIN) return errno;
    }
    return 0;
}

static void put(struct kevent *out, int *n, uintptr_t ident, short filter,
                unsigned short flags, intptr_t data, void *udata) {
    EV_SET(&out[*n], ident, filter, flags, 0, data, udata);
    (*n)++;
}

int kevent(int kq, const struct kevent *changes, int nchanges,
           struct kevent *events, int nevents, const struct timespec *timeout) {
    struct shim *s = lookup(kq);
    if (s == NULL) {
        errno = EBADF;
        return -1;
    }
    int n = 0;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < nchanges; i++) {
        const struct kevent *c = &changes[i];
        int err;
        if (c->filter == EVFILT_READ || c->filter == EVFILT_WRITE) err = change_fd(s, kq, c);
        else if (c->filter == EVFILT_USER) err = change_user(s, kq, c);
        else err = EINVAL;
        if (err != 0) {
            if (n < nevents) {
                put(events, &n, c->ident, c->filter, EV_ERROR, err, c->udata);
            } else {
                pthread_mutex_unlock(&s->lock);
                errno = err;
                return -1;
            }
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (n > 0 || nevents <= 0) return n;

    int ms = -1;
    if (timeout != NULL) {
        long long ns = (long long) timeout->tv_sec * 1000000000LL + timeout->tv_nsec;
        long long m = (ns + 999999) / 1000000;
        ms = m > 0x7fffffff ? 0x7fffffff : (int) m;
    }
    struct epoll_event evs[WAIT_MAX];
    int max = nevents / 2 > 0 ? nevents / 2 : 1; /* an fd can yield read and write */
    if (max > WAIT_MAX) max = WAIT_MAX;
    int got = epoll_wait(kq, evs, max, ms);
    if (got < 0) return -1;

    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < got && n < nevents; i++) {
        uint64_t tag = evs[i].data.u64;
        uint32_t e = evs[i].events;
        if (tag & USER_TAG) {
            struct user *u = &s->users[tag & 0xff];
            if (!u->used) continue;
            if (u->flags & (EV_CLEAR | EV_ONESHOT)) {
                uint64_t v;
                while (read(u->efd, &v, sizeof v) < 0 && errno == EINTR) {
                }
            }
            put(events, &n, u->ident, EVFILT_USER, u->flags & (EV_CLEAR | EV_ONESHOT), 0, u->udata);
            continue;
        }
        int fd = (int) (uint32_t) tag;
        if (fd >= s->nregs) continue;
        struct reg *r = &s->regs[fd];
        int hup = (e & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) != 0;
        int changed = 0;
        if (r->rd.active && (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
            put(events, &n, fd, EVFILT_READ, hup ? EV_EOF : 0, 0, r->rd.udata);
            if (r->rd.flags & EV_ONESHOT) { r->rd.active = 0; changed = 1; }
        }
        if (r->wr.active && n < nevents && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
            put(events, &n, fd, EVFILT_WRITE, (e & (EPOLLHUP | EPOLLERR)) ? EV_EOF : 0, 0, r->wr.udata);
            if (r->wr.flags & EV_ONESHOT) { r->wr.active = 0; changed = 1; }
        }
        if (changed) sync_epoll(kq, fd, r);
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}
