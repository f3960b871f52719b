/* JNI_OnLoad of libgreenhub and the NativeLibrary natives: the virtual-thread
 * builder hook, errno values, strerror and RLIMIT_NOFILE. */
#include "gh.h"

#include <string.h>
#include <sys/resource.h>
#include <limits.h>

static jobject new_virtual_thread_builder(JNIEnv *env, jclass unused, jobject scheduler) {
    (void) unused;
    /* Package-private in java.base; JNI does not check module access. */
    jclass cls = (*env)->FindClass(env, "java/lang/ThreadBuilders$VirtualThreadBuilder");
    if (cls == NULL) return NULL;
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/util/concurrent/Executor;)V");
    if (ctor == NULL) {
        (*env)->DeleteLocalRef(env, cls);
        return NULL;
    }
    jobject builder = (*env)->NewObject(env, cls, ctor, scheduler);
    (*env)->DeleteLocalRef(env, cls);
    return builder;
}

/* The errno values Java maps to exceptions, by name: the one list of them. Java
 * asks for the names and the values (same order) when the library loads. */
#define GH_ERRNOS(X) X(EAGAIN) X(EWOULDBLOCK) X(EINPROGRESS) X(EINTR) X(ECONNREFUSED) \
    X(ETIMEDOUT) X(ECONNRESET) X(EADDRINUSE) X(EMFILE) X(ENFILE) X(EBADF) X(EPIPE) \
    X(ENOENT) X(ENOTCONN) X(EADDRNOTAVAIL) X(ENETUNREACH) X(EHOSTUNREACH) X(EALREADY) \
    X(EISCONN) X(EACCES) X(EINVAL) X(ECONNABORTED) X(EAFNOSUPPORT) X(ENOTSOCK) X(EPERM) \
    X(EEXIST)
#define GH_ERRNO_VALUE(e) e,
#define GH_ERRNO_NAME(e) #e,
static const int errno_values_table[] = { GH_ERRNOS(GH_ERRNO_VALUE) };
static const char *const errno_names_table[] = { GH_ERRNOS(GH_ERRNO_NAME) };
_Static_assert(GH_ARRAY_LEN(errno_values_table) <= 64, "int_array copies at most 64 values");

static jintArray int_array(JNIEnv *env, const int *values, int n) {
    jintArray a = (*env)->NewIntArray(env, n);
    if (a == NULL) return NULL;
    jint v[64];
    for (int i = 0; i < n && i < 64; i++) v[i] = values[i];
    (*env)->SetIntArrayRegion(env, a, 0, n < 64 ? n : 64, v);
    return a;
}

static jintArray errno_values(JNIEnv *env, jclass unused) {
    (void) unused;
    return int_array(env, errno_values_table, GH_ARRAY_LEN(errno_values_table));
}

static jobjectArray errno_names(JNIEnv *env, jclass unused) {
    (void) unused;
    jclass string = (*env)->FindClass(env, "java/lang/String");
    if (string == NULL) return NULL;
    jobjectArray a = (*env)->NewObjectArray(env, GH_ARRAY_LEN(errno_names_table), string, NULL);
    for (int i = 0; a != NULL && i < GH_ARRAY_LEN(errno_names_table); i++) {
        jstring name = (*env)->NewStringUTF(env, errno_names_table[i]);
        if (name == NULL) return NULL;
        (*env)->SetObjectArrayElement(env, a, i, name);
        (*env)->DeleteLocalRef(env, name);
    }
    return a;
}

/* The readiness bits the pollers write, for Java to check against its own. */
static jintArray readiness_bits(JNIEnv *env, jclass unused) {
    (void) unused;
    static const int bits[] = { GH_READ, GH_WRITE, GH_ERROR };
    return int_array(env, bits, GH_ARRAY_LEN(bits));
}

static jstring str_error(JNIEnv *env, jclass unused, jint err) {
    (void) unused;
    char buf[256];
    buf[0] = '\0';
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    const char *s = strerror_r(err, buf, sizeof buf);
#else
    const char *s = strerror_r(err, buf, sizeof buf) == 0 ? buf : "Unknown error";
#endif
    return (*env)->NewStringUTF(env, s);
}

/* Soft RLIMIT_NOFILE up to the hard limit (macOS: at most OPEN_MAX). */
static jlong raise_nofile(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -errno;
    rlim_t want = rl.rlim_max;
#ifdef __APPLE__
    if (want == RLIM_INFINITY || want > OPEN_MAX) want = OPEN_MAX;
#endif
    if (rl.rlim_cur == RLIM_INFINITY || (want != RLIM_INFINITY && rl.rlim_cur >= want)) {
        return (jlong) (rl.rlim_cur == RLIM_INFINITY ? 0x7fffffffffffffffLL : (long long) rl.rlim_cur);
    }
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return -errno;
    return (jlong) (want == RLIM_INFINITY ? 0x7fffffffffffffffLL : (long long) want);
}

static jlong raise_nofile_jni(JNIEnv *env, jclass unused) {
    (void) env;
    (void) unused;
    return raise_nofile();
}

static const JNINativeMethod library_methods[] = {
    {"newVirtualThreadBuilder0",
     "(Ljava/util/concurrent/Executor;)Ljava/lang/Thread$Builder$OfVirtual;",
     (void *) new_virtual_thread_builder},
    {"errnoValues", "()[I", (void *) errno_values},
    {"errnoNames", "()[Ljava/lang/String;", (void *) errno_names},
    {"readinessBits", "()[I", (void *) readiness_bits},
    {"strerror", "(I)Ljava/lang/String;", (void *) str_error},
    {"raiseNoFile0", "()J", (void *) raise_nofile_jni},
};

int gh_register_library(JNIEnv *env) {
    return gh_register(env, GH_PKG "NativeLibrary", library_methods, GH_ARRAY_LEN(library_methods));
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
    if (gh_register_library(env) != 0) return JNI_ERR;
    if (gh_register_sockets(env) != 0) return JNI_ERR;
#ifdef __linux__
    if (gh_register_epoll(env) != 0) return JNI_ERR;
#else
    if (gh_register_kqueue(env) != 0) return JNI_ERR;
#endif
    raise_nofile();
    return JNI_VERSION_1_8;
}
