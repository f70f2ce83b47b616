// POSIX sockets for the engine core (Linux backends).
#ifndef _WIN32
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

namespace iocptcp {

int LastSocketError() { return errno; }

void CloseSocket(Socket s) { ::close(s); }

int OpenListener(const std::string& host, int port, Socket* out, std::string* syscall) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    *syscall = "getaddrinfo";
    return rc == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
  }
  Socket s = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int error = 0;
  if (s < 0) {
    *syscall = "socket";
    error = errno;
  } else {
    int on = 1, off = 0;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // "::" serves IPv4 too, as node:net does.
    if (found->ai_family == AF_INET6) setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (bind(s, found->ai_addr, found->ai_addrlen) != 0) {
      *syscall = "bind";
      error = errno;
    } else if (listen(s, 511) != 0) {
      *syscall = "listen";
      error = errno;
    }
    if (error != 0) ::close(s);
  }
  freeaddrinfo(found);
  if (error == 0) *out = s;
  return error;
}

bool SocketAddress(Socket s, bool remote, std::string* address, int* port, int* family) {
  sockaddr_storage storage{};
  socklen_t len = sizeof storage;
  auto* addr = reinterpret_cast<sockaddr*>(&storage);
  if ((remote ? getpeername(s, addr, &len) : getsockname(s, addr, &len)) != 0) return false;
  char text[INET6_ADDRSTRLEN] = "";
  if (storage.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    *port = ntohs(in6->sin6_port);
  } else {
    auto* in4 = reinterpret_cast<sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in4->sin_addr, text, sizeof text);
    *port = ntohs(in4->sin_port);
  }
  *family = storage.ss_family == AF_INET6 ? 6 : 4;
  *address = text;
  return true;
}

void SetAbortiveClose(Socket s) {
  linger option{1, 0};
  setsockopt(s, SOL_SOCKET, SO_LINGER, &option, sizeof option);
}

void SetNoDelay(Socket s) {
  int on = 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool IsResetError(int error) { return error == ECONNRESET || error == EPIPE; }

bool IsResourceError(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

std::string ErrorName(int error) {
  switch (error) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case ECONNRESET: return "ECONNRESET";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENOSYS: return "ENOSYS";
    case EPERM: return "EPERM";
    default: return "E" + std::to_string(error);
  }
}

}  // namespace iocptcp
#endif  // !_WIN32
