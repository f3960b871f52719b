/*
 * TCP echo load generator: single thread, epoll, N connections in
 * request/response (each sends 64 bytes, waits for the full 64-byte echo,
 * checks every byte, repeats).
 *
 *   loadgen [--websocket] HOST PORT CONNECTIONS WARMUP_S DURATION_S [SERVER_PID [RATE]]
 *
 * With --websocket each connection first does the RFC 6455 opening handshake
 * (GET / with the RFC's example Sec-WebSocket-Key; the answer must be 101 with
 * the matching Sec-WebSocket-Accept), one connection after the other, before
 * the load starts; then each request is a masked text frame of 64 printable
 * ASCII bytes (6-byte header with the mask, 70 bytes) and the echo must be the
 * server's unmasked frame of the same text (2-byte header, 66 bytes), every
 * byte checked. A round trip is then a message.
 *
 * With RATE > 0 the load is paced: at most RATE requests per second over all
 * connections (a connection whose echo came back waits its turn in a FIFO),
 * so that servers can be compared on CPU per round trip at the same load
 * rather than all running flat out. Latency is from the actual send.
 * All connections are opened first (bounded by a 20 s connect deadline), then
 * a warm-up of WARMUP_S seconds, then the measured window of DURATION_S
 * seconds, then up to 1 s to collect the echoes still in flight (none is
 * sent after the window, so closing leaves no unread data and the servers see
 * a clean end of stream). Only round trips that complete inside the window count, and only
 * their latencies go into the histogram. With SERVER_PID, the server's
 * utime+stime from /proc/PID/stat is sampled at the start and end of the
 * window, and so are the machine's busy time (/proc/stat) and this process's
 * own CPU time, to tell how much CPU anything else used meanwhile. Prints one
 * line on stdout:
 *
 *   RESULT conns=N rtps=... p50_us=... p99_us=... cpu_s=... roundtrips=... window_s=... errors=...
 *          loadgen_cpu_s=... other_cpu_s=... rate=... conn_min=... conn_p50=... conn_max=...
 *
 * conn_min, conn_p50 and conn_max are the fewest, the median and the most round
 * trips one connection completed in the window: how evenly the server serves its
 * connections, which p99 alone does not tell.
 *
 * Exits 2 (with a message on stderr) when an echoed byte differs from the one
 * sent, 1 on setup failures (bad args, no connection could be made).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64          /* payload bytes per request */
#define WS_OUT (6 + MSG) /* a client frame: FIN+opcode, MASK+length, 4 mask bytes, masked payload */
#define WS_IN (2 + MSG)  /* the server's frame: FIN+opcode, length, payload */
#define CONNECT_DEADLINE_NS (20LL * 1000000000LL)

/* Latency histogram in microseconds: 1 us buckets below 10 ms, 100 us
 * buckets from 10 ms to 1 s, one overflow bucket above. Fixed size, no
 * allocation per sample. */
#define FINE_LIMIT 10000
#define COARSE_STEP 100
#define COARSE_LIMIT 1000000
#define NBUCKETS (FINE_LIMIT + (COARSE_LIMIT - FINE_LIMIT) / COARSE_STEP + 1)
static uint64_t hist[NBUCKETS];
static uint64_t hist_count;

static void hist_add(int64_t us) {
    size_t b;
    if (us < 0) us = 0;
    if (us < FINE_LIMIT) b = (size_t)us;
    else if (us < COARSE_LIMIT) b = FINE_LIMIT + (size_t)((us - FINE_LIMIT) / COARSE_STEP);
    else b = NBUCKETS - 1;
    hist[b]++;
    hist_count++;
}

static int64_t bucket_value(size_t b) {
    if (b < FINE_LIMIT) return (int64_t)b;
    if (b < NBUCKETS - 1) return FINE_LIMIT + (int64_t)(b - FINE_LIMIT) * COARSE_STEP;
    return COARSE_LIMIT;
}

static int64_t hist_percentile(double p) {
    if (hist_count == 0) return -1;
    uint64_t rank = (uint64_t)(p * (double)hist_count);
    if (rank >= hist_count) rank = hist_count - 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        seen += hist[b];
        if (seen > rank) return bucket_value(b);
    }
    return bucket_value(NBUCKETS - 1);
}

enum state { CONNECTING, SENDING, RECEIVING, PACED, IDLE, DEAD };

struct conn {
    int fd;
    enum state st;
    uint32_t id;
    uint32_t seq;       /* round trip number, seeds the payload */
    uint32_t measured;  /* round trips completed in the measured window: fairness between connections */
    int off;            /* bytes sent or received of the current message */
    int64_t sent_ns;    /* when the request was fully written */
    unsigned char out[WS_OUT];  /* the request on the wire (out_len bytes) */
    unsigned char want[WS_IN];  /* the answer it must get back (in_len bytes) */
    unsigned char in[WS_IN];
};

static int websocket;            /* --websocket */
static int out_len = MSG, in_len = MSG;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double proc_cpu_s(int pid) {
    if (pid <= 0) return 0;
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* the command name may hold spaces or parens: fields start after the last ')' */
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    p++;
    unsigned long long utime = 0, stime = 0;
    /* after ')': field 3 (state) ... field 14 utime, 15 stime */
    int field = 2;
    char *save = NULL;
    for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        field++;
        if (field == 14) utime = strtoull(tok, NULL, 10);
        else if (field == 15) { stime = strtoull(tok, NULL, 10); break; }
    }
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* Busy CPU seconds of the whole machine (all CPUs) from /proc/stat: every
 * field but idle and iowait. */
static double machine_busy_s(void) {
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    unsigned long long v[10] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    if (n < 4) return -1;
    /* user nice system idle iowait irq softirq steal (guest is already in user) */
    unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return (double)busy / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Builds the next request and the answer expected: the payload changes with
 * every round trip and connection (printable ASCII for a WebSocket text frame). */
static void fill_payload(struct conn *c) {
    unsigned char *p = websocket ? c->want + 2 : c->want;
    for (int i = 0; i < MSG; i++) {
        uint32_t v = c->id * 131u + c->seq * 7u + (uint32_t)i * 13u + 1u;
        p[i] = websocket ? (unsigned char)(' ' + v % 95) : (unsigned char)v;
    }
    if (!websocket) {
        memcpy(c->out, c->want, MSG);
        return;
    }
    uint32_t mask = (c->id + 1) * 2654435761u ^ c->seq * 40503u;
    c->want[0] = c->out[0] = 0x81;      /* FIN, text */
    c->want[1] = MSG;                   /* the server's frames are not masked */
    c->out[1] = 0x80 | MSG;             /* the client's must be */
    memcpy(c->out + 2, &mask, 4);
    for (int i = 0; i < MSG; i++)
        c->out[6 + i] = p[i] ^ c->out[2 + i % 4];
}

static int epfd;
static uint64_t errors;

static void set_events(struct conn *c, uint32_t ev) {
    struct epoll_event e = {.events = ev, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e) < 0) {
        perror("loadgen: epoll_ctl MOD");
        exit(1);
    }
}

static void kill_conn(struct conn *c, const char *why, int err) {
    if (c->st == DEAD) return;
    if (errors < 5) fprintf(stderr, "loadgen: connection %u %s%s%s\n", c->id, why, err ? ": " : "", err ? strerror(err) : "");
    errors++;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->st = DEAD;
}

/* Writes what is left of the request; 1 when fully written. */
static int try_send(struct conn *c) {
    while (c->off < out_len) {
        ssize_t n = send(c->fd, c->out + c->off, (size_t)(out_len - c->off), MSG_NOSIGNAL);
        if (n > 0) { c->off += (int)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        kill_conn(c, "send failed", n < 0 ? errno : 0);
        return 0;
    }
    return 1;
}

static int draining; /* after the window: finish the round trips in flight, start none */

/* Optional pacing: at most `rate` requests per second over all connections.
 * Connections due to send wait in a FIFO ring; each loop turn releases as
 * many as the elapsed time allows (unused allowance is capped at 1 ms worth,
 * so a slow server does not earn a burst later). */
static double rate;
static int64_t pace_t0;
static uint64_t released;
static struct conn **ring;
static size_t ring_cap, ring_head, ring_len;

static void send_now(struct conn *c) {
    fill_payload(c);
    c->off = 0;
    c->st = SENDING;
    if (try_send(c)) {
        c->sent_ns = now_ns();
        c->off = 0;
        c->st = RECEIVING;
        set_events(c, EPOLLIN);
    } else if (c->st != DEAD) {
        set_events(c, EPOLLOUT);
    }
}

static void start_request(struct conn *c) {
    if (draining) {
        c->st = IDLE;
        set_events(c, 0);
        return;
    }
    if (rate > 0) {
        c->st = PACED;
        set_events(c, 0);
        ring[(ring_head + ring_len++) % ring_cap] = c;
        return;
    }
    send_now(c);
}

/* Releases the paced connections whose turn has come. */
static void pace(int64_t now) {
    uint64_t allowed = (uint64_t)((double)(now - pace_t0) * rate / 1e9);
    uint64_t cap = (uint64_t)(rate / 1000) + 1;
    if (allowed > released + cap && ring_len == 0) released = allowed - cap;
    while (ring_len > 0 && released < allowed) {
        struct conn *c = ring[ring_head];
        ring_head = (ring_head + 1) % ring_cap;
        ring_len--;
        released++;
        if (c->st != PACED) continue;
        if (draining) { c->st = IDLE; continue; }
        send_now(c);
    }
}

/* Waits until fd is ready for events; 0 when it is, -1 past the deadline. */
static int wait_fd(int fd, short events, int64_t deadline) {
    struct pollfd p = {.fd = fd, .events = events};
    int64_t left;
    while ((left = (deadline - now_ns()) / 1000000) > 0) {
        int n = poll(&p, 1, (int)left);
        if (n > 0) return 0;
        if (n < 0 && errno != EINTR) return -1;
    }
    return -1;
}

/* The RFC 6455 opening handshake on a connected socket, within 5 s. The key is
 * the RFC's example (section 1.3), whose accept value it gives. Returns NULL
 * or what went wrong. */
static const char *ws_handshake(struct conn *c, const char *host, int port) {
    char req[256], resp[2048];
    int len = snprintf(req, sizeof req,
                       "GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                       host, port);
    int64_t deadline = now_ns() + 5000000000LL;
    for (int off = 0; off < len;) {
        ssize_t n = send(c->fd, req + off, (size_t)(len - off), MSG_NOSIGNAL);
        if (n > 0) off += (int)n;
        else if (n < 0 && (errno == EAGAIN || errno == EINTR)) { if (wait_fd(c->fd, POLLOUT, deadline)) return "timed out sending"; }
        else return "send failed";
    }
    /* The server sends nothing after the 101 until the first message, so
     * everything read here is the response head. */
    size_t got = 0;
    while (!memmem(resp, got, "\r\n\r\n", 4)) {
        if (got == sizeof resp - 1) return "response head too long";
        ssize_t n = recv(c->fd, resp + got, sizeof resp - 1 - got, 0);
        if (n > 0) got += (size_t)n;
        else if (n < 0 && (errno == EAGAIN || errno == EINTR)) { if (wait_fd(c->fd, POLLIN, deadline)) return "timed out reading"; }
        else return n == 0 ? "closed by server" : "recv failed";
    }
    resp[got] = 0;
    if (strncmp(resp, "HTTP/1.1 101 ", 13) != 0) return "no 101 Switching Protocols";
    char *accept = strcasestr(resp, "\r\nSec-WebSocket-Accept:");
    if (!accept || strncmp(accept + 24 + strspn(accept + 24, " \t"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 28) != 0)
        return "wrong Sec-WebSocket-Accept";
    if (strstr(resp, "\r\n\r\n")[4] != 0) return "bytes after the response head";
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--websocket") == 0) {
        websocket = 1;
        out_len = WS_OUT;
        in_len = WS_IN;
        argv++;
        argc--;
    }
    if (argc < 6 || argc > 8) {
        fprintf(stderr, "usage: %s [--websocket] HOST PORT CONNECTIONS WARMUP_S DURATION_S [SERVER_PID [RATE]]\n", argv[0]);
        return 1;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int nconn = atoi(argv[3]);
    double warmup_s = atof(argv[4]);
    double duration_s = atof(argv[5]);
    int server_pid = argc >= 7 ? atoi(argv[6]) : 0;
    rate = argc >= 8 ? atof(argv[7]) : 0;
    if (rate < 0 || rate > 1e8) {
        fprintf(stderr, "loadgen: bad RATE\n");
        return 1;
    }
    if (port <= 0 || port > 65535 || nconn <= 0 || nconn > 100000 || warmup_s < 0 || duration_s <= 0 || duration_s > 3600 || warmup_s > 3600) {
        fprintf(stderr, "loadgen: bad arguments\n");
        return 1;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)nconn + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)nconn + 64 ? rl.rlim_max : (rlim_t)nconn + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "loadgen: HOST must be an IPv4 address: %s\n", host);
        return 1;
    }
    epfd = epoll_create1(0);
    if (epfd < 0) { perror("loadgen: epoll_create1"); return 1; }

    struct conn *conns = calloc((size_t)nconn, sizeof *conns);
    ring_cap = (size_t)nconn;
    ring = calloc(ring_cap, sizeof *ring);
    if (!conns || !ring) { perror("loadgen: calloc"); return 1; }

    /* Phase 1: open every connection (non-blocking connect). */
    int64_t t_start = now_ns();
    int pending = 0;
    for (int i = 0; i < nconn; i++) {
        struct conn *c = &conns[i];
        c->id = (uint32_t)i;
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0) { perror("loadgen: socket"); return 1; }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) < 0) { perror("loadgen: epoll_ctl ADD"); return 1; }
        c->st = CONNECTING;
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
            kill_conn(c, "connect failed", errno);
            continue;
        }
        pending++;
    }
    struct epoll_event evs[1024];
    while (pending > 0) {
        if (now_ns() - t_start > CONNECT_DEADLINE_NS) {
            fprintf(stderr, "loadgen: %d of %d connections not established within 20 s\n", pending, nconn);
            for (int i = 0; i < nconn; i++)
                if (conns[i].st == CONNECTING) kill_conn(&conns[i], "connect timed out", ETIMEDOUT);
            break;
        }
        int n = epoll_wait(epfd, evs, 1024, 100);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { perror("loadgen: epoll_wait"); return 1; }
        for (int k = 0; k < n; k++) {
            struct conn *c = evs[k].data.ptr;
            if (c->st != CONNECTING) continue;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            pending--;
            if (err) { kill_conn(c, "connect failed", err); continue; }
            c->st = SENDING; /* parked until the load starts */
            set_events(c, 0);
        }
    }
    for (int i = 0; websocket && i < nconn; i++) {
        const char *why = conns[i].st == SENDING ? ws_handshake(&conns[i], host, port) : NULL;
        char msg[80];
        snprintf(msg, sizeof msg, "handshake failed (%s)", why ? why : "");
        if (why) kill_conn(&conns[i], msg, 0);
    }
    int alive = 0;
    for (int i = 0; i < nconn; i++) if (conns[i].st != DEAD) alive++;
    if (alive == 0) {
        fprintf(stderr, "loadgen: no connection could be made to %s:%d\n", host, port);
        return 1;
    }

    /* Phase 2 and 3: warm-up, then the measured window. */
    int64_t t0 = now_ns();
    int64_t t_measure = t0 + (int64_t)(warmup_s * 1e9);
    int64_t t_end = t_measure + (int64_t)(duration_s * 1e9);
    pace_t0 = t0;
    for (int i = 0; i < nconn; i++)
        if (conns[i].st == SENDING) start_request(&conns[i]);

    int measuring = 0;
    double cpu0 = 0, cpu1 = 0, busy0 = 0, busy1 = 0, self0 = 0, self1 = 0;
    uint64_t roundtrips = 0;
    int64_t t_measured_from = 0, t_measured_to = 0, now = t0;
    while (1) {
        now = now_ns();
        if (!measuring && now >= t_measure) {
            measuring = 1;
            t_measured_from = now;
            cpu0 = proc_cpu_s(server_pid);
            busy0 = machine_busy_s();
            self0 = self_cpu_s();
        }
        if (now >= t_end && !draining) {
            draining = 1;
            cpu1 = proc_cpu_s(server_pid);
            busy1 = machine_busy_s();
            self1 = self_cpu_s();
            t_measured_to = now;
        }
        if (draining) {
            int busy = 0;
            for (int i = 0; i < nconn && !busy; i++)
                busy = conns[i].st == SENDING || conns[i].st == RECEIVING;
            if (!busy || now >= t_end + 1000000000LL) break; /* drain at most 1 s */
        }
        if (rate > 0) pace(now);
        int timeout_ms = (int)(((measuring ? t_end : t_measure) - now) / 1000000) + 1;
        if (timeout_ms > 100 || draining) timeout_ms = draining ? 10 : 100;
        if (rate > 0 && ring_len > 0) timeout_ms = 1;
        int n = epoll_wait(epfd, evs, 1024, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { perror("loadgen: epoll_wait"); return 1; }
        int64_t t_ev = n > 0 ? now_ns() : now;
        for (int k = 0; k < n; k++) {
            struct conn *c = evs[k].data.ptr;
            if (c->st == SENDING) {
                if (try_send(c)) {
                    c->sent_ns = t_ev;
                    c->off = 0;
                    c->st = RECEIVING;
                    set_events(c, EPOLLIN);
                }
            } else if (c->st == RECEIVING) {
                ssize_t r = recv(c->fd, c->in + c->off, (size_t)(in_len - c->off), 0);
                if (r == 0) { kill_conn(c, "closed by server", 0); continue; }
                if (r < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
                    kill_conn(c, "recv failed", errno);
                    continue;
                }
                c->off += (int)r;
                if (c->off < in_len) continue;
                if (memcmp(c->in, c->want, (size_t)in_len) != 0) {
                    for (int i = 0; i < in_len; i++) {
                        if (c->in[i] != c->want[i]) {
                            fprintf(stderr,
                                    "loadgen: ECHO MISMATCH on connection %u, round trip %u, byte %d: expected 0x%02x, got 0x%02x\n",
                                    c->id, c->seq, i, c->want[i], c->in[i]);
                            break;
                        }
                    }
                    return 2;
                }
                if (measuring && t_ev < t_end) {
                    roundtrips++;
                    c->measured++;
                    hist_add((t_ev - c->sent_ns) / 1000);
                }
                c->seq++;
                start_request(c);
            }
        }
    }
    double window_s = (double)(t_measured_to - t_measured_from) / 1e9;
    if (window_s <= 0) window_s = duration_s;
    double cpu_s = server_pid > 0 ? cpu1 - cpu0 : -1;
    if (server_pid > 0 && (cpu0 < 0 || cpu1 < 0)) cpu_s = -1;
    /* CPU the rest of the machine used in the window: neither server nor load generator */
    double other_s = -1;
    if (cpu_s >= 0 && busy0 >= 0 && busy1 >= 0) {
        other_s = (busy1 - busy0) - cpu_s - (self1 - self0);
        if (other_s < 0) other_s = 0;
    }
    /* Round trips per connection in the window, sorted: the least served, the median and the most served. */
    uint32_t *per = malloc((size_t)nconn * sizeof *per);
    for (int i = 0; i < nconn; i++) per[i] = conns[i].measured;
    const char *dump = getenv("LOADGEN_DUMP"); /* a file to get each connection's id and count, for a closer look */
    FILE *df = dump ? fopen(dump, "w") : NULL;
    for (int i = 0; df && i < nconn; i++) fprintf(df, "%u %u\n", conns[i].id, per[i]);
    if (df) fclose(df);
    qsort(per, (size_t)nconn, sizeof *per, cmp_u32);
    printf("RESULT conns=%d rtps=%.0f p50_us=%lld p99_us=%lld cpu_s=%.2f roundtrips=%llu window_s=%.3f errors=%llu "
           "loadgen_cpu_s=%.2f other_cpu_s=%.2f rate=%.0f conn_min=%u conn_p50=%u conn_max=%u\n",
           nconn, (double)roundtrips / window_s, (long long)hist_percentile(0.50), (long long)hist_percentile(0.99),
           cpu_s, (unsigned long long)roundtrips, window_s, (unsigned long long)errors, self1 - self0, other_s, rate,
           per[0], per[nconn / 2], per[nconn - 1]);
    free(per);
    fflush(stdout);
    for (int i = 0; i < nconn; i++)
        if (conns[i].fd >= 0) close(conns[i].fd);
    free(conns);
    free(ring);
    close(epfd);
    return 0;
}
