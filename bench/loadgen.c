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
//
// An echo that differs from what was sent, or a connection that fails, counts
// as an error; the run goes on and reports the count.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kChurnRounds = 5, kChurnSize = 8, kMaxEvents = 512 };
enum Phase { kConnecting, kSending, kReceiving, kDraining, kIdle, kPushing, kGone };
enum { kPushSize = 64 * 1024, kSmallBuffer = 4096 };

struct Conn {
  int fd;
  enum Phase phase;
  size_t done;        // bytes sent (kSending) or received (kReceiving) of this round
  int rounds;         // churn: round trips made on this connection
  uint64_t started_ns;  // nonread: when it last made progress
};

static int epoll_fd;
static struct sockaddr_in server;
static size_t message_size;
static char* message;
static char* scratch;
static uint64_t* latencies;
static size_t latency_count, latency_capacity;
static uint64_t completed, errors, pushed;
static int churn, idle, nonread, reset_by_server;
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
  churn = argc == 6 && strcmp(argv[1], "churn") == 0;
  idle = argc == 6 && strcmp(argv[1], "idle") == 0;
  nonread = argc == 6 && strcmp(argv[1], "nonread") == 0;
  if (!churn && !idle && !nonread && !(argc == 7 && strcmp(argv[1], "pingpong") == 0)) {
    fprintf(stderr, "usage: loadgen pingpong HOST PORT CONNECTIONS SIZE SECONDS\n"
                    "       loadgen churn HOST PORT WORKERS SECONDS\n"
                    "       loadgen idle HOST PORT CONNECTIONS SECONDS\n"
                    "       loadgen nonread HOST PORT CONNECTIONS SECONDS\n");
    return 2;
  }
  connections = atoi(argv[4]);
  message_size = nonread ? kPushSize : churn || idle ? kChurnSize : (size_t)atol(argv[5]);
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
  for (int i = 0; i < connections; i++) open_conn(&conns[i]);

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
        on_event(events[i].data.ptr, events[i].events);
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
  printf("{\"mode\":\"%s\",\"connections\":%d,\"size\":%zu,\"seconds\":%.3f,\"completed\":%llu,"
         "\"rate\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"errors\":%llu}\n",
         churn ? "churn" : idle ? "idle" : "pingpong", connections, message_size, elapsed, (unsigned long long)completed,
         (double)completed / elapsed, percentile_us(0.5), percentile_us(0.99), (unsigned long long)errors);
  return 0;
}
