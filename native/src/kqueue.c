/* Kqueue natives (macOS, BSD; on Linux compiled against the test-only
 * kqueue-over-epoll shim). EV_CLEAR (edge) registrations for read and write
 * tagged with a Java token, an EVFILT_USER event for wake-ups consumed here,
 * events handed to Java as int pairs (token, bits). */
#include "gh.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

#ifdef GREENHUB_KQUEUE_SHIM
#include "kqueue_shim.h"
#define gh_kq_close kqueue_shim_close
#else
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#define gh_kq_close close
#endif

#define WAKE_IDENT 0
#define BATCH 128

static jint kq_open(JNIEnv *env, jclass unused) {
    (void) env;
    (void) unused;
    int kq = kqueue();
    if (kq < 0) return -errno;
    int flags = fcntl(kq, F_GETFD);
    if (flags >= 0) fcntl(kq, F_SETFD, flags | FD_CLOEXEC);
    struct kevent ch;
    EV_SET(&ch, WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, 0);
    if (kevent(kq, &ch, 1, NULL, 0, NULL) != 0) {
        int e = errno;
        gh_kq_close(kq);
        return -e;
    }
    return kq;
}

static jint kq_add(JNIEnv *env, jclass unused, jint kq, jint fd, jint token) {
    (void) env;
    (void) unused;
    struct kevent ch[2];
    void *tag = (void *) (intptr_t) token;
    EV_SET(&ch[0], fd, EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, tag);
    EV_SET(&ch[1], fd, EVFILT_WRITE, EV_ADD | EV_CLEAR, 0, 0, tag);
    return kevent(kq, ch, 2, NULL, 0, NULL) == 0 ? 0 : -errno;
}

static jint kq_del(JNIEnv *env, jclass unused, jint kq, jint fd) {
    (void) env;
    (void) unused;
    struct kevent ch[2];
    EV_SET(&ch[0], fd, EVFILT_READ, EV_DELETE, 0, 0, 0);
    EV_SET(&ch[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, 0);
    return kevent(kq, ch, 2, NULL, 0, NULL) == 0 ? 0 : -errno;
}

static jint kq_wait(JNIEnv *env, jclass unused, jint kq, jlong address,
                    jint max_events, jlong timeout_nanos) {
    (void) env;
    (void) unused;
    struct kevent evs[BATCH];
    struct timespec ts, *tsp = NULL;
    if (timeout_nanos >= 0) {
        ts.tv_sec = (time_t) (timeout_nanos / 1000000000LL);
        ts.tv_nsec = (long) (timeout_nanos % 1000000000LL);
        tsp = &ts;
    }
    int max = max_events < BATCH ? max_events : BATCH;
    if (max <= 0) return -EINVAL;
    int n = kevent(kq, NULL, 0, evs, max, tsp);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    int32_t *out = (int32_t *) (intptr_t) address;
    int k = 0;
    for (int i = 0; i < n; i++) {
        const struct kevent *e = &evs[i];
        int bits;
        if (e->filter == EVFILT_USER) continue; /* wake-up: EV_CLEAR reset it */
        if (e->flags & EV_ERROR) {
            bits = GH_ERROR | GH_READ;
        } else {
            bits = e->filter == EVFILT_WRITE ? GH_WRITE : GH_READ;
            if (e->flags & EV_EOF) bits |= GH_ERROR | GH_READ;
        }
        out[2 * k] = (int32_t) (intptr_t) e->udata;
        out[2 * k + 1] = bits;
        k++;
    }
    return k;
}

static jint kq_wakeup(JNIEnv *env, jclass unused, jint kq) {
    (void) env;
    (void) unused;
    struct kevent ch;
    EV_SET(&ch, WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, 0);
    return kevent(kq, &ch, 1, NULL, 0, NULL) == 0 ? 0 : -errno;
}

static jint kq_close_jni(JNIEnv *env, jclass unused, jint kq) {
    (void) env;
    (void) unused;
    return gh_kq_close(kq) == 0 ? 0 : -errno;
}

static const JNINativeMethod kqueue_methods[] = {
    {"open", "()I", (void *) kq_open},
    {"add", "(III)I", (void *) kq_add},
    {"del", "(II)I", (void *) kq_del},
    {"wait", "(IJIJ)I", (void *) kq_wait},
    {"wakeup", "(I)I", (void *) kq_wakeup},
    {"close", "(I)I", (void *) kq_close_jni},
};

int gh_register_kqueue(JNIEnv *env) {
    return gh_register(env, GH_PKG "KqueueNatives", kqueue_methods, GH_ARRAY_LEN(kqueue_methods));
}
