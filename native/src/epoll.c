/* Epoll natives (Linux): edge-triggered registrations tagged with a Java token,
 * an eventfd for wake-ups drained here, events handed to Java as int pairs. */
#include "gh.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#define WAKE_TAG UINT64_MAX
#define BATCH 256

static jint epoll_open(JNIEnv *env, jclass unused, jintArray out) {
    (void) unused;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -errno;
    int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ev < 0) {
        int e = errno;
        close(ep);
        return -e;
    }
    struct epoll_event e;
    memset(&e, 0, sizeof e);
    e.events = EPOLLIN; /* level-triggered: stays readable until drained */
    e.data.u64 = WAKE_TAG;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) != 0) {
        int err = errno;
        close(ev);
        close(ep);
        return -err;
    }
    jint fds[2] = {ep, ev};
    (*env)->SetIntArrayRegion(env, out, 0, 2, fds);
    return 0;
}

static jint epoll_add(JNIEnv *env, jclass unused, jint ep, jint fd, jint token) {
    (void) env;
    (void) unused;
    struct epoll_event e;
    memset(&e, 0, sizeof e);
    e.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    e.data.u64 = (uint32_t) token;
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == 0 ? 0 : -errno;
}

static jint epoll_del(JNIEnv *env, jclass unused, jint ep, jint fd) {
    (void) env;
    (void) unused;
    struct epoll_event e; /* non-NULL for kernels before 2.6.9 */
    memset(&e, 0, sizeof e);
    return epoll_ctl(ep, EPOLL_CTL_DEL, fd, &e) == 0 ? 0 : -errno;
}

static void drain(int fd) {
    uint64_t v;
    while (read(fd, &v, sizeof v) < 0 && errno == EINTR) {
    }
}

static jint epoll_wait_jni(JNIEnv *env, jclass unused, jint ep, jint wake_fd,
                           jlong address, jint max_events, jlong timeout_nanos) {
    (void) env;
    (void) unused;
    struct epoll_event evs[BATCH];
    int32_t *out = (int32_t *) (intptr_t) address;
    int max = max_events < BATCH ? max_events : BATCH;
    if (max <= 0) return -EINVAL;
    int n = epoll_wait(ep, evs, max, gh_timeout_ms(timeout_nanos));
    if (n < 0) return errno == EINTR ? 0 : -errno;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (evs[i].data.u64 == WAKE_TAG) {
            drain(wake_fd);
            continue;
        }
        uint32_t e = evs[i].events;
        int bits = 0;
        if (e & (EPOLLIN | EPOLLPRI)) bits |= GH_READ;
        if (e & EPOLLOUT) bits |= GH_WRITE;
        if (e & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) bits |= GH_ERROR | GH_READ;
        out[2 * k] = (int32_t) evs[i].data.u64;
        out[2 * k + 1] = bits;
        k++;
    }
    return k;
}

static jint epoll_wakeup(JNIEnv *env, jclass unused, jint wake_fd) {
    (void) env;
    (void) unused;
    uint64_t one = 1;
    for (;;) {
        if (write(wake_fd, &one, sizeof one) >= 0) return 0;
        if (errno == EINTR) continue;
        return errno == EAGAIN ? 0 : -errno; /* counter saturated: a wake-up is pending */
    }
}

static const JNINativeMethod epoll_methods[] = {
    {"open", "([I)I", (void *) epoll_open},
    {"add", "(III)I", (void *) epoll_add},
    {"del", "(II)I", (void *) epoll_del},
    {"wait", "(IIJIJ)I", (void *) epoll_wait_jni},
    {"wakeup", "(I)I", (void *) epoll_wakeup},
};

int gh_register_epoll(JNIEnv *env) {
    return gh_register(env, GH_PKG "EpollNatives", epoll_methods, GH_ARRAY_LEN(epoll_methods));
}
