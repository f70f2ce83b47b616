// The list of backends this build has, by platform.
#include "engine.h"

namespace iocptcp {

#ifdef __linux__
#ifdef IOCP_TCP_HAVE_LIBURING
std::unique_ptr<Backend> CreateUringBackend(Worker* worker, std::string* error);
#endif
std::unique_ptr<Backend> CreateEpollBackend(Worker* worker, std::string* error);
#endif
#ifdef _WIN32
std::unique_ptr<Backend> CreateIocpBackend(Worker* worker, std::string* error);
#endif

std::vector<std::string> BackendCandidates() {
#if defined(__linux__) && defined(IOCP_TCP_HAVE_LIBURING)
  return {"io_uring", "epoll"};
#elif defined(__linux__)
  return {"epoll"};
#elif defined(_WIN32)
  return {"iocp"};
#else
  return {};
#endif
}

std::unique_ptr<Backend> CreateBackend(const std::string& name, Worker* worker, std::string* error) {
#if defined(__linux__) && defined(IOCP_TCP_HAVE_LIBURING)
  if (name == "io_uring") return CreateUringBackend(worker, error);
#elif defined(__linux__)
  if (name == "io_uring") {
    *error = "this build of the addon has no io_uring backend: liburing (2.3 or newer, headers and library) "
             "was not found when it was built from source. Install it (liburing-dev on Debian 12, Ubuntu 23.04 and "
             "Alpine; liburing-devel on Fedora and RHEL) and reinstall iocp-tcp, or use the epoll backend";
    return nullptr;
  }
#endif
#ifdef __linux__
  if (name == "epoll") return CreateEpollBackend(worker, error);
#endif
#ifdef _WIN32
  if (name == "iocp") return CreateIocpBackend(worker, error);
#endif
  *error = "backend not available on this platform";
  (void)worker;
  return nullptr;
}

}  // namespace iocptcp
