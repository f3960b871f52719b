/* Socket natives: non-blocking, close-on-exec descriptors; results as -errno;
 * addresses as (byte[4|16], port) in and caller-provided arrays out. */
#include "gh.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#ifdef MSG_NOSIGNAL
#define GH_NOSIGNAL MSG_NOSIGNAL
#else
#define GH_NOSIGNAL 0 /* BSD/macOS: SO_NOSIGPIPE is set on every socket */
#endif

#ifdef __linux__
#include <sys/syscall.h>
/* The hot stream calls as raw system calls. glibc's recv and send are thread
 * cancellation points that bracket each call with pthread_enable/disable_asynccancel,
 * about 0.7% of an echo server's CPU (perf, 1,000 connections); greenhub never
 * cancels threads, and syscall(2) is no cancellation point. */
static inline ssize_t gh_recv(int fd, void *buf, size_t len) {
    return syscall(SYS_recvfrom, fd, buf, len, 0, NULL, NULL);
}
static inline ssize_t gh_send(int fd, const void *buf, size_t len) {
    return syscall(SYS_sendto, fd, buf, len, GH_NOSIGNAL, NULL, 0);
}
#else
#define gh_recv(fd, buf, len) recv(fd, buf, len, 0)
#define gh_send(fd, buf, len) send(fd, buf, len, GH_NOSIGNAL)
#endif

/* Option numbers of org.greenhub.internal.nativeio.Sockets. */
enum { O_REUSEADDR = 1, O_REUSEPORT, O_NODELAY, O_KEEPALIVE, O_RCVBUF, O_SNDBUF,
       O_LINGER, O_BROADCAST, O_V6ONLY, O_ERROR };

__attribute__((unused)) static int set_flags(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -errno;
    int fdfl = fcntl(fd, F_GETFD);
    if (fdfl < 0 || fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) < 0) return -errno;
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return 0;
}

/* Fills *ss from (addr, port); maps a 4-byte address to ::ffff:a.b.c.d when
 * family6 is set. Returns the sockaddr length or -errno. */
static int to_sockaddr(JNIEnv *env, jbyteArray addr, jint port, int family6,
                       struct sockaddr_storage *ss) {
    jbyte b[16];
    jsize len = addr == NULL ? 0 : (*env)->GetArrayLength(env, addr);
    if (len != 4 && len != 16) return -EINVAL;
    (*env)->GetByteArrayRegion(env, addr, 0, len, b);
    memset(ss, 0, sizeof *ss);
    if (len == 4 && !family6) {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t) port);
        memcpy(&sin->sin_addr, b, 4);
#ifdef __APPLE__
        sin->sin_len = sizeof *sin;
#endif
        return sizeof *sin;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t) port);
    if (len == 4) {
        sin6->sin6_addr.s6_addr[10] = 0xff;
        sin6->sin6_addr.s6_addr[11] = 0xff;
        memcpy(&sin6->sin6_addr.s6_addr[12], b, 4);
    } else {
        memcpy(&sin6->sin6_addr, b, 16);
    }
#ifdef __APPLE__
    sin6->sin6_len = sizeof *sin6;
#endif
    return sizeof *sin6;
}

/* Whether fd is an AF_INET6 socket (cold paths only: one syscall). */
static int is_inet6(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *) &ss, &len) != 0) return 0;
    return ss.ss_family == AF_INET6;
}

/* Writes a sockaddr to addrOut (4 or 16 bytes) and portOut {port, addrLen}. */
static void from_sockaddr(JNIEnv *env, const struct sockaddr_storage *ss,
                          jbyteArray addr_out, jintArray port_out) {
    jint pl[2] = {0, 0};
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
        if (addr_out != NULL) (*env)->SetByteArrayRegion(env, addr_out, 0, 4, (const jbyte *) &sin->sin_addr);
        pl[0] = ntohs(sin->sin_port);
        pl[1] = 4;
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
        if (addr_out != NULL) (*env)->SetByteArrayRegion(env, addr_out, 0, 16, (const jbyte *) &sin6->sin6_addr);
        pl[0] = ntohs(sin6->sin6_port);
        pl[1] = 16;
    }
    if (port_out != NULL) (*env)->SetIntArrayRegion(env, port_out, 0, 2, pl);
}

static jint s_socket(JNIEnv *env, jclass c, jint family, jint type) {
    (void) env; (void) c;
    int dom = family == 6 ? AF_INET6 : family == 4 ? AF_INET : -1;
    int ty = type == 1 ? SOCK_STREAM : type == 2 ? SOCK_DGRAM : -1;
    if (dom < 0 || ty < 0) return -EINVAL;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    int fd = socket(dom, ty | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    return fd;
#else
    int fd = socket(dom, ty, 0);
    if (fd < 0) return -errno;
    int r = set_flags(fd);
    if (r < 0) { close(fd); return r; }
    return fd;
#endif
}

static jint s_bind(JNIEnv *env, jclass c, jint fd, jbyteArray addr, jint port) {
    (void) c;
    struct sockaddr_storage ss;
    int len = to_sockaddr(env, addr, port, is_inet6(fd), &ss);
    if (len < 0) return len;
    return bind(fd, (struct sockaddr *) &ss, (socklen_t) len) == 0 ? 0 : -errno;
}

static jint s_listen(JNIEnv *env, jclass c, jint fd, jint backlog) {
    (void) env; (void) c;
    return listen(fd, backlog) == 0 ? 0 : -errno;
}

static jint s_accept(JNIEnv *env, jclass c, jint fd, jbyteArray addr_out, jintArray port_out) {
    (void) c;
    struct sockaddr_storage ss;
    socklen_t len;
    int nfd;
    do {
        len = sizeof ss;
#if defined(__linux__) || defined(__FreeBSD__)
        nfd = accept4(fd, (struct sockaddr *) &ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
        nfd = accept(fd, (struct sockaddr *) &ss, &len);
#endif
    } while (nfd < 0 && errno == EINTR);
    if (nfd < 0) return -errno;
#if !defined(__linux__) && !defined(__FreeBSD__)
    int r = set_flags(nfd);
    if (r < 0) { close(nfd); return r; }
#elif defined(SO_NOSIGPIPE)
    int one = 1;
    setsockopt(nfd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    from_sockaddr(env, &ss, addr_out, port_out);
    return nfd;
}

static jint s_connect(JNIEnv *env, jclass c, jint fd, jbyteArray addr, jint port) {
    (void) c;
    struct sockaddr_storage ss;
    int len = to_sockaddr(env, addr, port, is_inet6(fd), &ss);
    if (len < 0) return len;
    if (connect(fd, (struct sockaddr *) &ss, (socklen_t) len) == 0) return 0;
    /* An interrupted connect goes on asynchronously, like EINPROGRESS. */
    return errno == EINTR ? -EINPROGRESS : -errno;
}

static jint s_finish_connect(JNIEnv *env, jclass c, jint fd) {
    (void) env; (void) c;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
    if (err != 0) return -err;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getpeername(fd, (struct sockaddr *) &ss, &sl) != 0) {
        return errno == ENOTCONN ? -EINPROGRESS : -errno;
    }
    return 0;
}

static jint s_read(JNIEnv *env, jclass c, jint fd, jlong address, jint len) {
    (void) env; (void) c;
    ssize_t n;
    /* recv, not read: read(2) on a socket takes the VFS path (file position lock,
     * rw_verify_area, security hooks), measured at about 250 ns more per call. */
    do {
        n = gh_recv(fd, (void *) (intptr_t) address, (size_t) len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == ENOTSOCK) {
        do {
            n = read(fd, (void *) (intptr_t) address, (size_t) len);
        } while (n < 0 && errno == EINTR);
    }
    return n >= 0 ? (jint) n : -errno;
}

static jint s_write(JNIEnv *env, jclass c, jint fd, jlong address, jint len) {
    (void) env; (void) c;
    ssize_t n;
    do {
        n = gh_send(fd, (const void *) (intptr_t) address, (size_t) len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == ENOTSOCK) {
        do {
            n = write(fd, (const void *) (intptr_t) address, (size_t) len);
        } while (n < 0 && errno == EINTR);
    }
    return n >= 0 ? (jint) n : -errno;
}

static jint s_recvfrom(JNIEnv *env, jclass c, jint fd, jlong address, jint len,
                       jbyteArray addr_out, jintArray port_out) {
    (void) c;
    struct sockaddr_storage ss;
    socklen_t sl;
    ssize_t n;
    do {
        sl = sizeof ss;
        ss.ss_family = AF_UNSPEC;
        n = recvfrom(fd, (void *) (intptr_t) address, (size_t) len, 0, (struct sockaddr *) &ss, &sl);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    if (addr_out != NULL || port_out != NULL) from_sockaddr(env, &ss, addr_out, port_out);
    return (jint) n;
}

static jint s_sendto(JNIEnv *env, jclass c, jint fd, jlong address, jint len, jbyteArray addr, jint port) {
    (void) c;
    struct sockaddr_storage ss;
    int sl = 0;
    if (addr != NULL) {
        sl = to_sockaddr(env, addr, port, 0, &ss);
        if (sl < 0) return sl;
    }
    ssize_t n;
    for (int mapped = 0;;) {
        n = sendto(fd, (const void *) (intptr_t) address, (size_t) len, GH_NOSIGNAL,
                   addr == NULL ? NULL : (struct sockaddr *) &ss, (socklen_t) sl);
        if (n >= 0) return (jint) n;
        if (errno == EINTR) continue;
        /* An IPv4 destination on an IPv6 socket: retry v4-mapped, once. */
        if (!mapped && addr != NULL && ss.ss_family == AF_INET && (errno == EAFNOSUPPORT || errno == EINVAL)) {
            mapped = 1;
            sl = to_sockaddr(env, addr, port, 1, &ss);
            continue;
        }
        return -errno;
    }
}

static jint s_shutdown(JNIEnv *env, jclass c, jint fd, jint how) {
    (void) env; (void) c;
    int h = how == 0 ? SHUT_RD : how == 1 ? SHUT_WR : how == 2 ? SHUT_RDWR : -1;
    if (h < 0) return -EINVAL;
    return shutdown(fd, h) == 0 ? 0 : -errno;
}

static jint s_close(JNIEnv *env, jclass c, jint fd) {
    (void) env; (void) c;
    if (close(fd) == 0) return 0;
    return errno == EINTR ? 0 : -errno; /* the descriptor is released anyway */
}

static int map_option(int opt, int *level, int *name) {
    switch (opt) {
    case O_REUSEADDR: *level = SOL_SOCKET; *name = SO_REUSEADDR; return 0;
#ifdef SO_REUSEPORT
    case O_REUSEPORT: *level = SOL_SOCKET; *name = SO_REUSEPORT; return 0;
#endif
    case O_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 0;
    case O_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 0;
    case O_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 0;
    case O_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 0;
    case O_LINGER: *level = SOL_SOCKET; *name = SO_LINGER; return 0;
    case O_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return 0;
    case O_V6ONLY: *level = IPPROTO_IPV6; *name = IPV6_V6ONLY; return 0;
    case O_ERROR: *level = SOL_SOCKET; *name = SO_ERROR; return 0;
    default: return -ENOPROTOOPT;
    }
}

static jint s_setsockopt(JNIEnv *env, jclass c, jint fd, jint opt, jint value) {
    (void) env; (void) c;
    int level, name;
    int r = map_option(opt, &level, &name);
    if (r < 0) return r;
    if (opt == O_LINGER) {
        struct linger lg;
        lg.l_onoff = value >= 0;
        lg.l_linger = value >= 0 ? value : 0;
        return setsockopt(fd, level, name, &lg, sizeof lg) == 0 ? 0 : -errno;
    }
    int v = value;
    return setsockopt(fd, level, name, &v, sizeof v) == 0 ? 0 : -errno;
}

static jint s_getsockopt(JNIEnv *env, jclass c, jint fd, jint opt, jintArray out) {
    (void) c;
    int level, name;
    int r = map_option(opt, &level, &name);
    if (r < 0) return r;
    jint v;
    if (opt == O_LINGER) {
        struct linger lg;
        socklen_t len = sizeof lg;
        if (getsockopt(fd, level, name, &lg, &len) != 0) return -errno;
        v = lg.l_onoff ? lg.l_linger : -1;
    } else {
        int iv = 0;
        socklen_t len = sizeof iv;
        if (getsockopt(fd, level, name, &iv, &len) != 0) return -errno;
        v = iv;
    }
    (*env)->SetIntArrayRegion(env, out, 0, 1, &v);
    return 0;
}

/* getsockname or getpeername into the caller's arrays. */
static jint socket_name(JNIEnv *env, jint fd, int (*get)(int, struct sockaddr *, socklen_t *),
                        jbyteArray addr_out, jintArray port_out) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (get(fd, (struct sockaddr *) &ss, &len) != 0) return -errno;
    from_sockaddr(env, &ss, addr_out, port_out);
    return 0;
}

static jint s_getsockname(JNIEnv *env, jclass c, jint fd, jbyteArray addr_out, jintArray port_out) {
    (void) c;
    return socket_name(env, fd, getsockname, addr_out, port_out);
}

static jint s_getpeername(JNIEnv *env, jclass c, jint fd, jbyteArray addr_out, jintArray port_out) {
    (void) c;
    return socket_name(env, fd, getpeername, addr_out, port_out);
}

static jint s_poll(JNIEnv *env, jclass c, jint fd, jint events, jint timeout_ms) {
    (void) env; (void) c;
    struct pollfd p;
    p.fd = fd;
    p.events = (short) (((events & GH_READ) ? POLLIN : 0) | ((events & GH_WRITE) ? POLLOUT : 0));
    p.revents = 0;
    int n = poll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    if (n == 0) return 0;
    if (p.revents & POLLNVAL) return -EBADF;
    int bits = 0;
    if (p.revents & POLLIN) bits |= GH_READ;
    if (p.revents & POLLOUT) bits |= GH_WRITE;
    if (p.revents & (POLLERR | POLLHUP)) bits |= GH_ERROR | GH_READ;
    return bits;
}

static jlong s_address(JNIEnv *env, jclass c, jobject buffer) {
    (void) c;
    if (buffer == NULL) return 0;
    void *p = (*env)->GetDirectBufferAddress(env, buffer);
    return (jlong) (intptr_t) p;
}

static const JNINativeMethod socket_methods[] = {
    {"socket", "(II)I", (void *) s_socket},
    {"bind", "(I[BI)I", (void *) s_bind},
    {"listen", "(II)I", (void *) s_listen},
    {"accept", "(I[B[I)I", (void *) s_accept},
    {"connect", "(I[BI)I", (void *) s_connect},
    {"finishConnect", "(I)I", (void *) s_finish_connect},
    {"read", "(IJI)I", (void *) s_read},
    {"write", "(IJI)I", (void *) s_write},
    {"recvfrom", "(IJI[B[I)I", (void *) s_recvfrom},
    {"sendto", "(IJI[BI)I", (void *) s_sendto},
    {"shutdown", "(II)I", (void *) s_shutdown},
    {"close", "(I)I", (void *) s_close},
    {"setsockopt", "(III)I", (void *) s_setsockopt},
    {"getsockopt", "(II[I)I", (void *) s_getsockopt},
    {"getsockname", "(I[B[I)I", (void *) s_getsockname},
    {"getpeername", "(I[B[I)I", (void *) s_getpeername},
    {"poll", "(III)I", (void *) s_poll},
    {"address", "(Ljava/nio/ByteBuffer;)J", (void *) s_address},
};

int gh_register_sockets(JNIEnv *env) {
    return gh_register(env, GH_PKG "SocketNatives", socket_methods, GH_ARRAY_LEN(socket_methods));
}
