// The platform calls the engine core makes: BSD sockets on POSIX and Winsock,
// which differ only in the few places marked below, and thread names.
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>
#include <mutex>
#else
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <unistd.h>
#endif

#include "platform.h"

namespace iocptcp {

#ifdef _WIN32
int LastSocketError() { return WSAGetLastError(); }
void CloseSocket(Socket s) { closesocket(s); }

bool StartSockets() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    WSADATA data;
    ok = WSAStartup(MAKEWORD(2, 2), &data) == 0;
  });
  return ok;
}

Socket NewSocket(int family) {
  // Overlapped for the completion port; not inherited by child processes.
  return WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}
#else
int LastSocketError() { return errno; }
void CloseSocket(Socket s) { ::close(s); }
bool StartSockets() { return true; }
Socket NewSocket(int family) { return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }
#endif

namespace {

// Binds and listens on a new socket for `address`; 0 or an error.
int BindAndListen(const addrinfo* address, Socket* out, std::string* syscall) {
  Socket s = NewSocket(address->ai_family);
  if (s == kInvalidSocket) {
    *syscall = "socket";
    return LastSocketError();
  }
  int on = 1, off = 0;
#ifdef _WIN32
  // SO_REUSEADDR on Windows would let another process steal the port.
  setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&on), sizeof on);
#else
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
#endif
  // "::" serves IPv4 too, as node:net does.
  if (address->ai_family == AF_INET6) {
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&off), sizeof off);
  }
  int error = 0;
  if (bind(s, address->ai_addr, static_cast<int>(address->ai_addrlen)) != 0) {
    *syscall = "bind";
    error = LastSocketError();
  } else if (listen(s, 511) != 0) {
    *syscall = "listen";
    error = LastSocketError();
  }
  if (error != 0) {
    CloseSocket(s);
  } else {
    *out = s;
  }
  return error;
}

}  // namespace

int OpenListener(const std::string& host, int port, Socket* out, std::string* syscall) {
  if (!StartSockets()) {
    *syscall = "WSAStartup";
    return LastSocketError();
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    *syscall = "getaddrinfo";
#ifdef _WIN32
    return rc;
#else
    return rc == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
#endif
  }
  int error = BindAndListen(found, out, syscall);
  freeaddrinfo(found);
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
  setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&option), sizeof option);
}

namespace {
int SetIntOption(Socket s, int level, int name, int value) {
  return setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value) == 0 ? 0 : LastSocketError();
}
}  // namespace

int SetNoDelay(Socket s, bool on) { return SetIntOption(s, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0); }

#ifdef _WIN32
// Enable, idle time and interval in one call that every Windows has (and
// Wine); 0 means the system's value, which this call cannot leave alone:
// Windows' defaults are 2 hours and 1 s.
int SetKeepAlive(Socket s, const KeepAlive& keep_alive, const char** option) {
  const char* unused;
  if (option == nullptr) option = &unused;
  tcp_keepalive values{};
  values.onoff = keep_alive.enable ? 1 : 0;
  values.keepalivetime = keep_alive.idle_s > 0 ? keep_alive.idle_s * 1000UL : 2 * 3600 * 1000UL;
  values.keepaliveinterval = keep_alive.interval_s > 0 ? keep_alive.interval_s * 1000UL : 1000UL;
  DWORD returned = 0;
  *option = "SIO_KEEPALIVE_VALS";
  if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &values, sizeof values, nullptr, 0, &returned, nullptr, nullptr) != 0) {
    return LastSocketError();
  }
  // The probe count has its own option since Windows 10 1703 (Server 2019);
  // mingw-w64's headers lack its name (16 in the Windows SDK's ws2ipdef.h).
  constexpr int kKeepCount = 16;
  *option = "TCP_KEEPCNT";
  return keep_alive.enable && keep_alive.probes > 0 ? SetIntOption(s, IPPROTO_TCP, kKeepCount, keep_alive.probes) : 0;
}
#else
int SetKeepAlive(Socket s, const KeepAlive& keep_alive, const char** option) {
  const char* unused;
  if (option == nullptr) option = &unused;
  const struct {
    int name;
    const char* text;
    int value;
  } settings[] = {
      {TCP_KEEPIDLE, "TCP_KEEPIDLE", keep_alive.idle_s},
      {TCP_KEEPINTVL, "TCP_KEEPINTVL", keep_alive.interval_s},
      {TCP_KEEPCNT, "TCP_KEEPCNT", keep_alive.probes},
  };
  *option = "SO_KEEPALIVE";
  int error = SetIntOption(s, SOL_SOCKET, SO_KEEPALIVE, keep_alive.enable ? 1 : 0);
  for (const auto& setting : settings) {
    if (error != 0 || !keep_alive.enable) break;
    *option = setting.text;
    if (setting.value > 0) error = SetIntOption(s, IPPROTO_TCP, setting.name, setting.value);
  }
  return error;
}
#endif

// Error codes, named the way node:net names them so JS sees one vocabulary.
#ifdef _WIN32
#define IOCPTCP_ERRORS(X)                                                                                  \
  X(WSAEADDRINUSE, "EADDRINUSE") X(WSAEADDRNOTAVAIL, "EADDRNOTAVAIL") X(WSAEACCES, "EACCES")               \
  X(WSAECONNRESET, "ECONNRESET") X(WSAECONNABORTED, "ECONNABORTED") X(ERROR_NETNAME_DELETED, "ECONNRESET") \
  X(WSAETIMEDOUT, "ETIMEDOUT") X(WSAEMFILE, "EMFILE") X(WSAENOBUFS, "ENOBUFS") X(WSAEINVAL, "EINVAL")      \
  X(WSAEAFNOSUPPORT, "EAFNOSUPPORT") X(WSAHOST_NOT_FOUND, "ENOTFOUND") X(WSANO_DATA, "ENOTFOUND")          \
  X(ERROR_NOT_ENOUGH_MEMORY, "ENOMEM") X(WSAESHUTDOWN, "EPIPE") X(WSAENOPROTOOPT, "ENOPROTOOPT")
// WSAECONNABORTED is not among them: Windows reports it when its own TCP
// stack gave up (retransmission or keepalive timeout), where Linux says
// ETIMEDOUT; both are `error`.
bool IsResetError(int error) {
  return error == WSAECONNRESET || error == ERROR_NETNAME_DELETED || error == WSAESHUTDOWN;
}
AcceptFailure ClassifyAcceptError(int error) {
  switch (error) {
    case WSAECONNRESET: case ERROR_NETNAME_DELETED: case WSAECONNABORTED: case WSAENETDOWN:
    case WSAENETUNREACH: case WSAEHOSTUNREACH: case WSAEINTR:
      return AcceptFailure::kPeerGone;
    case WSAEMFILE: case WSAENOBUFS: case ERROR_NOT_ENOUGH_MEMORY:
      return AcceptFailure::kResources;
    default:
      return AcceptFailure::kOther;
  }
}
#else
#define IOCPTCP_ERRORS(X)                                                                                       \
  X(EADDRINUSE, "EADDRINUSE") X(EADDRNOTAVAIL, "EADDRNOTAVAIL") X(EACCES, "EACCES") X(ECONNRESET, "ECONNRESET") \
  X(EPIPE, "EPIPE") X(ETIMEDOUT, "ETIMEDOUT") X(EMFILE, "EMFILE") X(ENFILE, "ENFILE") X(ENOBUFS, "ENOBUFS")     \
  X(ENOMEM, "ENOMEM") X(EINVAL, "EINVAL") X(EAFNOSUPPORT, "EAFNOSUPPORT") X(ENOSYS, "ENOSYS") X(EPERM, "EPERM") \
  X(ENOPROTOOPT, "ENOPROTOOPT")
bool IsResetError(int error) { return error == ECONNRESET || error == EPIPE; }
// accept(2): Linux passes a new connection's pending network errors to the
// accept call (ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
// EOPNOTSUPP, ENETUNREACH), to be treated like EAGAIN; ECONNABORTED is a peer
// that reset while queued.
AcceptFailure ClassifyAcceptError(int error) {
  switch (error) {
    case ECONNABORTED: case EINTR: case EAGAIN: case ENETDOWN: case EPROTO: case ENOPROTOOPT: case EHOSTDOWN:
    case ENONET: case EHOSTUNREACH: case EOPNOTSUPP: case ENETUNREACH:
      return AcceptFailure::kPeerGone;
    case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM:
      return AcceptFailure::kResources;
    default:
      return AcceptFailure::kOther;
  }
}
#endif

std::string ErrorName(int error) {
#define IOCPTCP_ERROR_CASE(code, name) \
  if (error == (code)) return name;
  IOCPTCP_ERRORS(IOCPTCP_ERROR_CASE)
#undef IOCPTCP_ERROR_CASE
  return "E" + std::to_string(error);
}

#ifdef _WIN32
void NameThisThread(const std::string& name) {
  // SetThreadDescription came with Windows 10 1607: look it up rather than
  // import it, so the addon still loads where it is missing.
  using SetDescription = HRESULT(WINAPI*)(HANDLE, PCWSTR);
  static const auto set_description = reinterpret_cast<SetDescription>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "SetThreadDescription")));
  if (set_description == nullptr) return;
  std::wstring wide(name.begin(), name.end());  // the names are ASCII
  set_description(GetCurrentThread(), wide.c_str());
}
#else
void NameThisThread(const std::string& name) { pthread_setname_np(pthread_self(), name.substr(0, 15).c_str()); }
#endif

}  // namespace iocptcp
