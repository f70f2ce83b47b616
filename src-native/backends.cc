// The list of backends this build has, by platform.
#include "engine.h"

namespace iocptcp {

#ifdef __linux__
std::unique_ptr<Backend> CreateUringBackend(Worker* worker, std::string* error);
std::unique_ptr<Backend> CreateEpollBackend(Worker* worker, std::string* error);
#endif
#ifdef _WIN32
std::unique_ptr<Backend> CreateIocpBackend(Worker* worker, std::string* error);
#endif

std::vector<std::string> BackendCandidates() {
#if defined(__linux__)
  return {"io_uring", "epoll"};
#elif defined(_WIN32)
  return {"iocp"};
#else
  return {};
#endif
}

std::unique_ptr<Backend> CreateBackend(const std::string& name, Worker* worker, std::string* error) {
#ifdef __linux__
  if (name == "io_uring") return CreateUringBackend(worker, error);
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
