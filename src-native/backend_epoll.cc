// epoll backend: the fallback where io_uring is refused. It adapts readiness to
// the engine's completion interface: when a socket is ready it makes the call
// (accept, recv, send) and reports the result as a completion.
#ifdef __linux__
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "engine.h"

namespace iocptcp {
namespace {

constexpr size_t kReadSize = 64 * 1024;
constexpr int kMaxEvents = 256;
constexpr int kAcceptsPerWakeup = 64;  // then let the other sockets have a turn

struct EpollConn {
  uint32_t interest = 0;  // events registered with epoll
  bool registered = false;
  bool send_waiting = false;  // EAGAIN: waiting for EPOLLOUT
  const char* send_data = nullptr;
  size_t send_len = 0;
};

class EpollBackend final : public Backend {
 public:
  explicit EpollBackend(Worker* worker) : worker_(worker), read_buffer_(new char[kReadSize]) {}
  ~EpollBackend() override {
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  bool Init(std::string* error) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) {
      *error = "epoll_create1/eventfd failed: " + ErrorName(errno);
      return false;
    }
    epoll_event event{EPOLLIN, {.ptr = &wake_tag_}};
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
    return true;
  }

  const char* Name() const override { return "epoll"; }

  // ---- accept ----

  void AddListener(Socket listener) override {
    listener_ = listener;
    WatchListener();
  }

  void RemoveListener() override {
    if (accepting_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener_, nullptr);
    accepting_ = false;
    listener_ = kInvalidSocket;
    listener_removed_ = true;  // reported from Poll, never from inside this call
  }

  // ---- read ----

  // Registered from the start, if only for nothing: epoll reports errors and
  // hang-ups of every registered descriptor whatever it asked for.
  void Open(Conn* conn) override { UpdateInterest(conn, conn->reading); }
  void StartRecv(Conn* conn) override { UpdateInterest(conn, true); }
  void PauseRecv(Conn* conn) override { UpdateInterest(conn, false); }

  // ---- write ----

  void StartSend(Conn* conn, const char* data, size_t len) override {
    EpollConn* state = StateOf(conn);
    state->send_data = data;
    state->send_len = len;
    ready_to_send_.push_back(conn);  // sockets are usually writable: try in Poll
  }

  void ShutdownSend(Conn* conn) override { shutdown(conn->fd, SHUT_WR); }

  // ---- close ----

  void Close(Conn* conn, bool abort) override {
    if (StateOf(conn)->registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, conn->fd, nullptr);
    if (abort) SetAbortiveClose(conn->fd);
    close(conn->fd);
    conn->fd = kInvalidSocket;
    worker_->ReleaseWhenIdle(conn);
  }

  bool Forget(Conn* conn) override {
    delete static_cast<EpollConn*>(conn->backend_data);
    conn->backend_data = nullptr;
    return true;
  }

  // ---- the loop ----

  void Poll(int timeout_ms) override {
    if (!ready_to_send_.empty() || listener_removed_) timeout_ms = 0;
    if (accept_paused_) timeout_ms = std::min(timeout_ms, kAcceptBackoffMs);
    epoll_event events[kMaxEvents];
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
    worker_->OnWoken();
    for (int i = 0; i < n; ++i) Dispatch(events[i]);
    SendReady();
    if (accept_paused_ && Engine::NowMs() >= accept_resume_ms_) WatchListener();
    if (listener_removed_) {
      listener_removed_ = false;
      worker_->OnListenerRemoved();
    }
  }

  bool Flush() override {
    SendReady();
    return false;
  }

  void Wake() override {
    uint64_t one = 1;
    ssize_t rc = write(wake_fd_, &one, sizeof one);
    (void)rc;  // a full counter still wakes the loop
  }

  // Readable while any of the set's descriptors has an event for Poll.
  int ReadyFd() const override { return epoll_fd_; }

 private:
  static EpollConn* StateOf(Conn* conn) {
    if (conn->backend_data == nullptr) conn->backend_data = new EpollConn();
    return static_cast<EpollConn*>(conn->backend_data);
  }

  void WatchListener() {
    accept_paused_ = false;
    if (listener_ == kInvalidSocket || accepting_) return;
    epoll_event event{EPOLLIN, {.ptr = &listener_tag_}};
    accepting_ = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listener_, &event) == 0;
  }

  void UpdateInterest(Conn* conn, bool reading) {
    EpollConn* state = StateOf(conn);
    uint32_t wanted = (reading ? uint32_t{EPOLLIN} : 0u) | (state->send_waiting ? uint32_t{EPOLLOUT} : 0u);
    if (state->registered && wanted == state->interest) return;
    epoll_event event{wanted, {.ptr = conn}};
    epoll_ctl(epoll_fd_, state->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, conn->fd, &event);
    state->registered = true;
    state->interest = wanted;
  }

  void Dispatch(const epoll_event& event) {
    if (event.data.ptr == &wake_tag_) {
      uint64_t count;
      ssize_t rc = read(wake_fd_, &count, sizeof count);
      (void)rc;
      return;
    }
    if (event.data.ptr == &listener_tag_) {
      AcceptReady();
      return;
    }
    auto* conn = static_cast<Conn*>(event.data.ptr);
    EpollConn* state = StateOf(conn);
    if ((event.events & EPOLLOUT) && state->send_waiting) {
      state->send_waiting = false;
      UpdateInterest(conn, conn->reading);
      ready_to_send_.push_back(conn);
    }
    if (conn->reading && (event.events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
      ReadReady(conn);
    } else if ((event.events & (EPOLLERR | EPOLLHUP)) && !state->send_waiting && !conn->finished) {
      // Neither reading nor sending: nothing else would notice a reset.
      int error = 0;
      socklen_t len = sizeof error;
      getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &error, &len);
      if (error != 0) {
        worker_->OnRecv(conn, nullptr, -error);
      } else {
        // A hang-up without an error is both FINs; the peer's waits behind
        // the unread data. Level-triggered, it would wake us forever: stop
        // watching until reading resumes.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, conn->fd, nullptr);
        state->registered = false;
        state->interest = 0;
      }
    }
  }

  void AcceptReady() {
    for (int i = 0; i < kAcceptsPerWakeup && accepting_; ++i) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        worker_->OnAccept(fd);
        continue;
      }
      int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) return;
      int retry_in_ms = worker_->OnAcceptFailed(error);
      if (retry_in_ms > 0) {
        // The listener stays readable while we have no descriptor: stop
        // watching it for a while instead of spinning on EMFILE.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener_, nullptr);
        accepting_ = false;
        accept_paused_ = true;
        accept_resume_ms_ = Engine::NowMs() + retry_in_ms;
        return;
      }
    }
  }

  void ReadReady(Conn* conn) {
    ssize_t n = recv(conn->fd, read_buffer_.get(), kReadSize, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    worker_->OnRecv(conn, read_buffer_.get(), n >= 0 ? static_cast<long>(n) : -errno);
  }

  void SendReady() {
    // OnSend may queue the connection's next send: loop until nothing is ready.
    while (!ready_to_send_.empty()) {
      std::vector<Conn*> batch;
      batch.swap(ready_to_send_);
      for (Conn* conn : batch) {
        if (conn->finished) continue;  // closed meanwhile; the worker frees it after this Poll
        EpollConn* state = StateOf(conn);
        ssize_t n = send(conn->fd, state->send_data, state->send_len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          state->send_waiting = true;
          UpdateInterest(conn, conn->reading);
          continue;
        }
        worker_->OnSend(conn, n >= 0 ? static_cast<long>(n) : -errno);
      }
    }
  }

  Worker* worker_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  Socket listener_ = kInvalidSocket;
  bool accepting_ = false;
  bool accept_paused_ = false;
  int64_t accept_resume_ms_ = 0;
  bool listener_removed_ = false;
  char wake_tag_ = 0, listener_tag_ = 0;  // their addresses mark epoll entries
  std::unique_ptr<char[]> read_buffer_;
  std::vector<Conn*> ready_to_send_;
};

}  // namespace

std::unique_ptr<Backend> CreateEpollBackend(Worker* worker, std::string* error) {
  auto backend = std::make_unique<EpollBackend>(worker);
  if (!backend->Init(error)) return nullptr;
  return backend;
}

}  // namespace iocptcp
#endif  // __linux__
