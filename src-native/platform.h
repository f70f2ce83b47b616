// Socket types and the few socket calls the engine core makes, for POSIX and
// Winsock. Errors are errno values on POSIX and WSA/Windows codes on Windows.
#pragma once

#include <string>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

namespace iocptcp {

#ifdef _WIN32
using Socket = SOCKET;
constexpr Socket kInvalidSocket = INVALID_SOCKET;
#else
using Socket = int;
constexpr Socket kInvalidSocket = -1;
#endif

// Winsock needs WSAStartup once per process; true elsewhere.
bool StartSockets();
// A new TCP socket of `family`: non-blocking on POSIX, overlapped on Windows;
// never inherited by child processes.
Socket NewSocket(int family);
// The last socket error of this thread (errno or WSAGetLastError()).
int LastSocketError();
void CloseSocket(Socket s);
// Creates, binds and listens; returns 0 or an error with `syscall` set.
int OpenListener(const std::string& host, int port, Socket* out, std::string* syscall);
// The bound address of a socket (local) or its peer (remote).
bool SocketAddress(Socket s, bool remote, std::string* address, int* port, int* family);
// Arms SO_LINGER {1, 0} so that closing sends RST.
void SetAbortiveClose(Socket s);
// TCP_NODELAY on or off; 0 or the error.
int SetNoDelay(Socket s, bool on);

// TCP keepalive. Zero fields keep the system's value (Linux and Windows both
// default to 2 hours idle); seconds, as both platforms take them.
struct KeepAlive {
  bool enable = false;
  int idle_s = 0;      // silence before the first probe
  int interval_s = 0;  // between unanswered probes
  int probes = 0;      // unanswered probes before the connection is dropped
};
// Applies `keep_alive`; 0, or the first error with `option` (if given)
// naming what failed (e.g. TCP_KEEPCNT, which Windows before 10 1703 and Wine lack).
int SetKeepAlive(Socket s, const KeepAlive& keep_alive, const char** option = nullptr);
// The peer reset the connection (ECONNRESET, EPIPE; WSAECONNRESET, ERROR_NETNAME_DELETED).
bool IsResetError(int error);
// What a failed accept means, decided in one table for every backend.
enum class AcceptFailure {
  kPeerGone,   // the peer left (or its network failed) before it was taken: not the server's failure; accept on, uncounted
  kResources,  // out of descriptors or memory: counted, and accepting pauses for a while; the listener stays
  kOther,      // anything else: counted, and accepting goes on at once
};
AcceptFailure ClassifyAcceptError(int error);
// A short name for an error code, like "ECONNRESET", for events and logs.
std::string ErrorName(int error);
// Names the calling thread for top -H, debuggers and profilers (at most 15
// characters on Linux). Best effort: a platform without it keeps the old name.
void NameThisThread(const std::string& name);

}  // namespace iocptcp
