/* greenhub native core: shared declarations. Java is in charge; C only wraps
 * system calls, returns -errno on failure and never allocates on hot paths. */
#ifndef GREENHUB_GH_H
#define GREENHUB_GH_H

#include <jni.h>
#include <errno.h>

#define GH_HIDDEN __attribute__((visibility("hidden")))
#define GH_ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Poller readiness bits, as in org.greenhub.internal.nativeio.Readiness (NativeLibraryTest checks). */
#define GH_READ  1
#define GH_WRITE 2
#define GH_ERROR 4

#define GH_PKG "org/greenhub/internal/nativeio/"

/* Registers natives on a class; 0 or -1 (a Java exception is pending). */
GH_HIDDEN int gh_register(JNIEnv *env, const char *class_name,
                          const JNINativeMethod *methods, int count);

GH_HIDDEN int gh_register_library(JNIEnv *env);
GH_HIDDEN int gh_register_sockets(JNIEnv *env);
GH_HIDDEN int gh_register_epoll(JNIEnv *env);
GH_HIDDEN int gh_register_kqueue(JNIEnv *env);

/* Converts a Java timeout in nanoseconds (negative: infinite) to milliseconds
 * for poll/epoll_wait, rounding up so that a timer never fires early. */
static inline int gh_timeout_ms(jlong nanos) {
    if (nanos < 0) return -1;
    if (nanos == 0) return 0;
    jlong ms = (nanos + 999999) / 1000000;
    return ms > 0x7fffffff ? 0x7fffffff : (int) ms;
}

#endif
