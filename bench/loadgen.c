// Load generator for the benchmarks: many connections from one thread, driven
// by epoll, against a TCP echo server on this machine. Prints one JSON line.
//
//   loadgen pingpong HOST PORT CONNECTIONS SIZE SECONDS
//       every connection sends SIZE bytes, waits for all SIZE back, repeats;
//       reports round trips per second and their p50/p99 latency
//   loadgen churn HOST PORT WORKERS SECONDS
//       each worker connects, makes 5 round trips of 8 bytes, half-closes,
//       reads to EOF, and starts over; reports conversations per second
//   loadgen idle HOST PORT CONNECTIONS SECONDS
//       opens the connections, makes one 8-byte round trip on each (so the
//       server holds whatever a served connection costs), prints a "ready"
//       line, then keeps them open and silent for SECONDS
//   loadgen nonread HOST PORT CONNECTIONS SECONDS
//       peers that never read: 4 KiB socket buffers (SO_RCVBUF, SO_SNDBUF, set
//       before connecting, so the kernel holds little of what the server
//       echoes), 64 KiB writes whenever a connection is writable; prints a
//       "ready" line once every connection has stalled for a second, keeps
//       pushing for SECONDS or until its stdin ends, then reports how many
//       the server reset
//   loadgen tlspingpong HOST PORT CONNECTIONS SIZE SECONDS
//       pingpong over TLS 1.3: each connection handshakes once, then sends
//       SIZE bytes of plaintext and waits for all SIZE back, over and over
//   loadgen tlschurn HOST PORT WORKERS SECONDS
//       each worker connects, handshakes (TLS 1.3, a full handshake every
//       time: no session is resumed), makes one round trip of 64 bytes, sends
//       close_notify and half-closes, reads to EOF, and starts over; reports
//       handshakes (conversations) per second, and the latency from connect()
//       to the 64 bytes back
//
// The TLS modes offer one cipher suite and one key-exchange group, so that
// every server does the same crypto, and print them with the protocol.
//
// An echo that differs from what was sent, or a connection that fails, counts
// as an error; the run goes on and reports the count.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kChurnRounds = 5, kChurnSize = 8, kTlsChurnSize = 64, kMaxEvents = 512 };
enum Phase { kConnecting, kSending, kReceiving, kDraining, kIdle, kPushing, kGone, kHandshaking, kClosing };
enum { kPushSize = 64 * 1024, kSmallBuffer = 4096 };

struct Conn {
  int fd;
  enum Phase phase;
  size_t done;        // bytes sent (kSending) or received (kReceiving) of this round
  int rounds;         // churn: round trips made on this connection
  uint64_t started_ns;  // nonread: when it last made progress
  SSL* ssl;           // TLS modes: the session, from the TCP connect on
  uint32_t watching;  // TLS modes: the epoll events asked for
};

static int epoll_fd;
static struct sockaddr_in server;
static size_t message_size;
static char* message;
static char* scratch;
static uint64_t* latencies;
static size_t latency_count, latency_capacity;
static uint64_t completed, errors, pushed;
static int churn, idle, nonread, tls, reset_by_server;
static int connections, ready;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void record(uint64_t ns) {
  if (latency_count == latency_capacity) {
    latency_capacity = latency_capacity ? 2 * latency_capacity : 1 << 16;
    latencies = realloc(latencies, latency_capacity * sizeof *latencies);
    if (!latencies) abort();
  }
  latencies[latency_count++] = ns;
}

static void watch(struct Conn* c, uint32_t events, int op) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(epoll_fd, op, c->fd, &ev) != 0) abort();
}

static void open_conn(struct Conn* c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) {
    perror("socket");
    exit(1);
  }
  int one = 1, small = kSmallBuffer;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (nonread) {
    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  }
  c->phase = kConnecting;
  c->done = 0;
  c->rounds = 0;
  if (connect(c->fd, (struct sockaddr*)&server, sizeof server) != 0 && errno != EINPROGRESS) {
    perror("connect");
    exit(1);
  }
  watch(c, EPOLLOUT, EPOLL_CTL_ADD);
}

static void restart(struct Conn* c, int failed) {
  if (failed) errors++;
  close(c->fd);  // also leaves the epoll set
  open_conn(c);
}

static void start_round(struct Conn* c) {
  c->phase = kSending;
  c->done = 0;
  c->started_ns = now_ns();
  watch(c, EPOLLOUT, EPOLL_CTL_MOD);
}

// nonread: write while the kernel takes it; a reset ends the connection.
static void push(struct Conn* c, uint32_t events) {
  for (;;) {
    ssize_t n = send(c->fd, message, message_size, MSG_NOSIGNAL);
    if (n > 0) {
      pushed += (uint64_t)n;
      c->started_ns = now_ns();
      continue;
    }
    if (n < 0 && errno == EAGAIN && !(events & (EPOLLERR | EPOLLHUP))) return;
    reset_by_server++;
    c->phase = kGone;
    close(c->fd);
    return;
  }
}

static void on_event(struct Conn* c, uint32_t events) {
  if (c->phase == kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & EPOLLERR)) return restart(c, 1);
    if (nonread) {
      c->phase = kPushing;
      c->started_ns = now_ns();
      return push(c, events);
    }
    return start_round(c);
  }
  if (c->phase == kPushing) return push(c, events);
  if (c->phase == kSending) {
    ssize_t n = send(c->fd, message + c->done, message_size - c->done, MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) return restart(c, 1);
    c->done += (size_t)n;
    if (c->done < message_size) return;
    c->phase = kReceiving;
    c->done = 0;
    return watch(c, EPOLLIN, EPOLL_CTL_MOD);
  }
  if (c->phase == kReceiving) {
    ssize_t n = recv(c->fd, scratch, message_size - c->done, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0 || memcmp(scratch, message + c->done, (size_t)n) != 0) return restart(c, 1);
    c->done += (size_t)n;
    if (c->done < message_size) return;
    record(now_ns() - c->started_ns);
    if (idle) {
      c->phase = kIdle;
      watch(c, 0, EPOLL_CTL_MOD);
      if (++ready == connections) {
        printf("{\"mode\":\"idle\",\"ready\":%d}\n", ready);
        fflush(stdout);
      }
      return;
    }
    if (!churn) {
      completed++;
      return start_round(c);
    }
    if (++c->rounds < kChurnRounds) return start_round(c);
    shutdown(c->fd, SHUT_WR);
    c->phase = kDraining;
    return;
  }
  // kDraining (churn): read to the server's FIN, then a new conversation.
  ssize_t n = recv(c->fd, scratch, 4096, 0);
  if (n < 0 && errno == EAGAIN) return;
  if (n == 0) completed++;
  restart(c, n != 0);
}

// ---- TLS (tlspingpong, tlschurn): the same loop, an OpenSSL session on each socket ----

// The suite and group every server is offered; all of them (OpenSSL,
// BoringSSL, rustls) support both.
static const char kTlsSuite[] = "TLS_AES_128_GCM_SHA256";
static const char kTlsGroup[] = "X25519";
static SSL_CTX* tls_ctx;
static char tls_protocol[32], tls_cipher[64];  // of the first handshake done
static int tls_error_shown;

static void tls_setup(void) {
  tls_ctx = SSL_CTX_new(TLS_client_method());
  if (!tls_ctx || !SSL_CTX_set_min_proto_version(tls_ctx, TLS1_3_VERSION) ||
      !SSL_CTX_set_ciphersuites(tls_ctx, kTlsSuite) || !SSL_CTX_set1_groups_list(tls_ctx, kTlsGroup)) {
    ERR_print_errors_fp(stderr);
    exit(1);
  }
  // No verification of the server's certificate: the servers are ours, on
  // 127.0.0.1, with a test certificate; what is measured is their side.
  // Never copy this into a real client.
  SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
  // No session cache: every connection makes a full handshake.
  SSL_CTX_set_session_cache_mode(tls_ctx, SSL_SESS_CACHE_OFF);
  // SSL_write returns what it has written, record by record, like send().
  SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
  // A peer gone while we write: an error of the write, not a SIGPIPE (the
  // socket BIO writes without MSG_NOSIGNAL).
  signal(SIGPIPE, SIG_IGN);
}

static void tls_watch(struct Conn* c, uint32_t events) {
  if (c->watching == events) return;
  c->watching = events;
  watch(c, events, EPOLL_CTL_MOD);
}

static void tls_open(struct Conn* c) {
  open_conn(c);
  c->ssl = NULL;
  c->watching = EPOLLOUT;
  c->started_ns = now_ns();  // tlschurn: a conversation's latency starts here
}

static void tls_restart(struct Conn* c, int failed) {
  SSL_free(c->ssl);  // without SSL_shutdown: nothing more is sent
  if (failed) errors++;
  close(c->fd);
  tls_open(c);
}

// An SSL call that did not complete: wait for what it wants, or fail the
// connection (showing the first such error's reason on stderr).
static void tls_wait(struct Conn* c, int ret) {
  int err = SSL_get_error(c->ssl, ret);
  if (err == SSL_ERROR_WANT_READ) return tls_watch(c, EPOLLIN);
  if (err == SSL_ERROR_WANT_WRITE) return tls_watch(c, EPOLLOUT);
  if (!tls_error_shown) {
    tls_error_shown = 1;
    fprintf(stderr, "loadgen: first TLS error: SSL_get_error %d, errno %d (%s)\n", err, errno, strerror(errno));
    ERR_print_errors_fp(stderr);
  }
  ERR_clear_error();  // SSL_get_error reads the thread's queue: leave it empty
  tls_restart(c, 1);
}

static void tls_send(struct Conn* c) {
  while (c->done < message_size) {
    int n = SSL_write(c->ssl, message + c->done, (int)(message_size - c->done));
    if (n <= 0) return tls_wait(c, n);
    c->done += (size_t)n;
  }
  // OpenSSL reads a record at a time (no read-ahead): nothing of the echo can
  // be waiting inside the session yet, so wait for the socket.
  c->phase = kReceiving;
  c->done = 0;
  tls_watch(c, EPOLLIN);
}

static void tls_start_round(struct Conn* c) {
  c->phase = kSending;
  c->done = 0;
  if (!churn) c->started_ns = now_ns();
  tls_send(c);  // the socket is writable as a rule: no need to wait for epoll to say so
}

// tlschurn, after its round trip: our close_notify, then FIN, then read to the server's FIN.
static void tls_close(struct Conn* c) {
  c->phase = kClosing;
  int r = SSL_shutdown(c->ssl);  // 0: close_notify sent, the peer's not yet seen
  if (r < 0) return tls_wait(c, r);
  shutdown(c->fd, SHUT_WR);
  c->phase = kDraining;
  tls_watch(c, EPOLLIN);
}

static void tls_receive(struct Conn* c) {
  while (c->done < message_size) {
    // Loop until the session wants the socket: a record it has read whole
    // may hold more than this call returns, and epoll would not say so.
    int n = SSL_read(c->ssl, scratch, (int)(message_size - c->done));
    if (n <= 0) return tls_wait(c, n);  // the server's close_notify counts as a failure here
    if (memcmp(scratch, message + c->done, (size_t)n) != 0) return tls_restart(c, 1);
    c->done += (size_t)n;
  }
  record(now_ns() - c->started_ns);
  if (churn) return tls_close(c);
  completed++;
  tls_start_round(c);
}

// The server's close_notify (and a session ticket sent late) are read as bytes and dropped: only its FIN matters.
static void tls_drain(struct Conn* c) {
  for (;;) {
    ssize_t n = recv(c->fd, scratch, 4096, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n == 0) completed++;
    return tls_restart(c, n != 0);
  }
}

static void tls_handshake(struct Conn* c) {
  int r = SSL_connect(c->ssl);
  if (r != 1) return tls_wait(c, r);
  if (!tls_protocol[0]) {
    snprintf(tls_protocol, sizeof tls_protocol, "%s", SSL_get_version(c->ssl));
    snprintf(tls_cipher, sizeof tls_cipher, "%s", SSL_get_cipher_name(c->ssl));
  }
  tls_start_round(c);
}

static void on_tls_event(struct Conn* c, uint32_t events) {
  if (c->phase == kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & EPOLLERR)) return tls_restart(c, 1);
    c->ssl = SSL_new(tls_ctx);
    if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) abort();
    SSL_set_connect_state(c->ssl);
    c->phase = kHandshaking;
    return tls_handshake(c);
  }
  if (c->phase == kHandshaking) return tls_handshake(c);
  if (c->phase == kSending) return tls_send(c);
  if (c->phase == kReceiving) return tls_receive(c);
  if (c->phase == kClosing) return tls_close(c);
  tls_drain(c);
}

static int compare(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

static double percentile_us(double p) {
  if (latency_count == 0) return 0;
  size_t i = (size_t)(p * (double)(latency_count - 1));
  return (double)latencies[i] / 1000.0;
}

// nonread: every connection has made no progress for a second (or is gone).
static int all_stalled(const struct Conn* conns) {
  uint64_t now = now_ns();
  for (int i = 0; i < connections; i++) {
    if (conns[i].phase == kConnecting || (conns[i].phase == kPushing && now - conns[i].started_ns < 1000000000u)) return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  tls = argc >= 2 && strncmp(argv[1], "tls", 3) == 0;
  const char* mode = argv[argc >= 2 ? 1 : 0] + (tls ? 3 : 0);  // tlschurn: churn, over TLS
  churn = argc == 6 && strcmp(mode, "churn") == 0;
  idle = !tls && argc == 6 && strcmp(mode, "idle") == 0;
  nonread = !tls && argc == 6 && strcmp(mode, "nonread") == 0;
  if (!churn && !idle && !nonread && !(argc == 7 && strcmp(mode, "pingpong") == 0)) {
    fprintf(stderr, "usage: loadgen pingpong HOST PORT CONNECTIONS SIZE SECONDS\n"
                    "       loadgen churn HOST PORT WORKERS SECONDS\n"
                    "       loadgen idle HOST PORT CONNECTIONS SECONDS\n"
                    "       loadgen nonread HOST PORT CONNECTIONS SECONDS\n"
                    "       loadgen tlspingpong HOST PORT CONNECTIONS SIZE SECONDS\n"
                    "       loadgen tlschurn HOST PORT WORKERS SECONDS\n");
    return 2;
  }
  connections = atoi(argv[4]);
  message_size = nonread ? kPushSize : tls && churn ? kTlsChurnSize : churn || idle ? kChurnSize : (size_t)atol(argv[5]);
  double seconds = atof(argv[churn || idle || nonread ? 5 : 6]);
  server.sin_family = AF_INET;
  server.sin_port = htons((uint16_t)atoi(argv[3]));
  if (connections <= 0 || message_size == 0 || seconds <= 0 || inet_pton(AF_INET, argv[2], &server.sin_addr) != 1) {
    fprintf(stderr, "loadgen: bad arguments\n");
    return 2;
  }
  message = malloc(message_size);
  scratch = malloc(message_size > 4096 ? message_size : 4096);
  for (size_t i = 0; i < message_size; i++) message[i] = (char)('a' + i % 26);
  epoll_fd = epoll_create1(0);
  struct Conn* conns = calloc((size_t)connections, sizeof *conns);
  if (tls) tls_setup();
  for (int i = 0; i < connections; i++) (tls ? tls_open : open_conn)(&conns[i]);

  uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9);
  struct epoll_event events[kMaxEvents];
  // Idle and nonread: the hold starts once every connection is ready (at most 60 s of setting up).
  if (idle || nonread) end = start + 60 * (uint64_t)1e9;
  static char stdin_tag;  // nonread: stdin readable (its end) stops the hold
  if (nonread) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &stdin_tag};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, 0, &ev);
  }
  int stopped = 0;
  while (now_ns() < end && !stopped) {
    int n = epoll_wait(epoll_fd, events, kMaxEvents, 100);
    for (int i = 0; i < n; i++) {
      if (events[i].data.ptr == &stdin_tag) {
        stopped = 1;
      } else {
        (tls ? on_tls_event : on_event)(events[i].data.ptr, events[i].events);
      }
    }
    if (idle && ready == connections) {
      usleep((useconds_t)(seconds * 1e6));
      break;
    }
    if (nonread && !ready && all_stalled(conns)) {
      ready = 1;
      printf("{\"mode\":\"nonread\",\"ready\":%d,\"pushed\":%llu,\"reset\":%d}\n", connections,
             (unsigned long long)pushed, reset_by_server);
      fflush(stdout);
      end = now_ns() + (uint64_t)(seconds * 1e9);
    }
  }
  if (nonread) {
    printf("{\"mode\":\"nonread\",\"connections\":%d,\"pushed\":%llu,\"reset\":%d,\"errors\":%llu}\n", connections,
           (unsigned long long)pushed, reset_by_server, (unsigned long long)errors);
    return 0;
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  qsort(latencies, latency_count, sizeof *latencies, compare);
  char tls_fields[192] = "";
  if (tls) snprintf(tls_fields, sizeof tls_fields, ",\"protocol\":\"%s\",\"cipher\":\"%s\",\"group\":\"%s\"", tls_protocol, tls_cipher, kTlsGroup);
  printf("{\"mode\":\"%s%s\",\"connections\":%d,\"size\":%zu,\"seconds\":%.3f,\"completed\":%llu,"
         "\"rate\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"errors\":%llu%s}\n",
         tls ? "tls" : "", churn ? "churn" : idle ? "idle" : "pingpong", connections, message_size, elapsed,
         (unsigned long long)completed, (double)completed / elapsed, percentile_us(0.5), percentile_us(0.99),
         (unsigned long long)errors, tls_fields);
  return 0;
}
