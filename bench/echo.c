// The near-limit reference of the benchmarks: a single-threaded epoll echo
// server in plain C. Level-triggered; each connection keeps what the peer has
// not read yet and stops reading while it holds any, so it has the same
// backpressure as the servers it is compared with.
//
//   echo HOST PORT      prints "listening PORT" once bound (PORT 0 picks one)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kBufferSize = 64 * 1024, kMaxEvents = 256 };

struct Conn {
  int fd;
  size_t begin, end;  // unsent bytes are buffer[begin, end)
  char buffer[kBufferSize];
};

static int epoll_fd;

static void watch(struct Conn* conn, int op, unsigned events) {
  struct epoll_event event = {.events = events, .data.ptr = conn};
  epoll_ctl(epoll_fd, op, conn->fd, &event);
}

static void drop(struct Conn* conn) {
  close(conn->fd);  // also leaves the epoll set
  free(conn);
}

// Sends what is pending; reads again once all of it left.
static int flush(struct Conn* conn) {
  while (conn->begin < conn->end) {
    ssize_t n = send(conn->fd, conn->buffer + conn->begin, conn->end - conn->begin, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    conn->begin += (size_t)n;
  }
  conn->begin = conn->end = 0;
  return 1;
}

static void serve(struct Conn* conn, unsigned events) {
  if (conn->end > 0) {  // waiting for the peer to read
    int flushed = flush(conn);
    if (flushed < 0) {
      drop(conn);
      return;
    }
    if (flushed > 0) watch(conn, EPOLL_CTL_MOD, EPOLLIN);
    return;
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  ssize_t n = recv(conn->fd, conn->buffer, kBufferSize, 0);
  if (n == 0) {
    shutdown(conn->fd, SHUT_WR);
    drop(conn);
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN) drop(conn);
    return;
  }
  conn->end = (size_t)n;
  int flushed = flush(conn);
  if (flushed < 0) {
    drop(conn);
    return;
  }
  if (flushed == 0) watch(conn, EPOLL_CTL_MOD, EPOLLOUT);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: echo HOST PORT\n");
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1 ||
      bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 511) != 0) {
    perror("echo: listen");
    return 1;
  }
  socklen_t length = sizeof address;
  getsockname(listener, (struct sockaddr*)&address, &length);
  printf("listening %d\n", ntohs(address.sin_port));
  fflush(stdout);
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event accept_event = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &accept_event);
  struct epoll_event events[kMaxEvents];
  for (;;) {
    int count = epoll_wait(epoll_fd, events, kMaxEvents, -1);
    for (int i = 0; i < count; ++i) {
      struct Conn* conn = events[i].data.ptr;
      if (conn != NULL) {
        serve(conn, events[i].events);
        continue;
      }
      for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        struct Conn* accepted = malloc(sizeof *accepted);
        if (accepted == NULL) {
          close(fd);
          continue;
        }
        accepted->fd = fd;
        accepted->begin = accepted->end = 0;
        watch(accepted, EPOLL_CTL_ADD, EPOLLIN);
      }
    }
  }
}
