// IOCP backend: one completion port per I/O thread, drained with
// GetQueuedCompletionStatusEx. Thread 0's port owns the listener and keeps a
// pool of AcceptEx pending; the engine hands accepted sockets round-robin to
// the threads, and each associates its sockets with its own port, so a
// connection's completions always arrive on the thread that owns it.
//
// Reads: a zero-byte WSARecv waits on an idle socket (it pins no buffer), then
// bounded non-blocking recv() calls drain it. A paused connection keeps its
// zero-byte receive, which a reset fails; once data waits unread, or after
// the peer's FIN, nothing is pending on it, so those connections are polled
// (WSAPoll) every 100 ms. Writes: one overlapped WSASend
// per connection. Every operation embeds its OVERLAPPED and the connection is
// freed only after the completions of all its operations were dequeued.
//
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is not used: with it an operation that
// succeeds at once completes inside the call that started it, which the engine
// contract forbids (completions never re-enter), and a non-IFS LSP would need a
// second code path. The zero-byte receive is pending nearly always anyway.
#ifdef _WIN32
#include <winsock2.h>
#include <mswsock.h>
#include <windows.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine.h"

namespace iocptcp {
namespace {

constexpr int kPendingAccepts = 16;
constexpr size_t kReadSize = 64 * 1024;
constexpr int kReadsPerTurn = 16;  // then other sockets get a turn
constexpr ULONG kCompletionBatch = 128;
constexpr int kAcceptRetries = 3;  // synchronous AcceptEx failures before the pause
constexpr int kPausedCheckMs = 100;
constexpr DWORD kAddressSpace = sizeof(sockaddr_in6) + 16;  // AcceptEx wants 16 more

// One overlapped operation. Found again from its OVERLAPPED.
struct IocpOp {
  OVERLAPPED overlapped{};
  OpKind kind;
  Conn* conn = nullptr;
  bool pending = false;

  explicit IocpOp(OpKind op_kind, Conn* owner = nullptr) : kind(op_kind), conn(owner) {}
  void Reset() { overlapped = OVERLAPPED{}; }
};

struct AcceptOp : IocpOp {
  Socket socket = kInvalidSocket;     // the socket being accepted into
  char addresses[2 * kAddressSpace];  // AcceptEx writes both ends here
  AcceptOp() : IocpOp(OpKind::kAccept) {}
};

struct IocpConn {
  IocpOp recv;
  IocpOp send;
  bool associated = false;  // with this thread's port
  bool readable = false;    // the zero-byte receive completed: recv() has something
  bool queued = false;      // in ready_: handled in Poll
  bool watched = false;     // in paused_: paused with data waiting, polled for a reset
  int recv_error = 0;       // failures found while starting, delivered from Poll
  int send_error = 0;

  explicit IocpConn(Conn* conn) : recv(OpKind::kRecv, conn), send(OpKind::kSend, conn) {}
};

class IocpBackend final : public Backend {
 public:
  explicit IocpBackend(Worker* worker) : worker_(worker), read_buffer_(new char[kReadSize]) {}
  ~IocpBackend() override {
    if (handoff_.joinable()) {
      handoff_stopping_ = true;
      Wake();
      handoff_.join();
    }
    if (port_ != nullptr) CloseHandle(port_);
  }

  bool Init(std::string* error) {
    if (!StartSockets()) {
      *error = "WSAStartup failed: " + ErrorName(LastSocketError());
      return false;
    }
    port_ = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (port_ == nullptr) {
      *error = "CreateIoCompletionPort failed: " + ErrorName(static_cast<int>(GetLastError()));
      return false;
    }
    return true;
  }

  const char* Name() const override { return "iocp"; }

  // ---- accept ----

  void AddListener(Socket listener) override {
    listener_ = listener;
    sockaddr_storage local{};
    int len = sizeof local;
    getsockname(listener, reinterpret_cast<sockaddr*>(&local), &len);
    family_ = local.ss_family;
    CreateIoCompletionPort(reinterpret_cast<HANDLE>(listener), port_, 0, 0);
    accepting_ = true;
    for (int i = 0; i < kPendingAccepts; ++i) {
      accepts_.push_back(std::make_unique<AcceptOp>());
      PostAccept(accepts_.back().get());
    }
  }

  void RemoveListener() override {
    accepting_ = false;
    if (accepts_pending_ > 0) {
      CancelIoEx(reinterpret_cast<HANDLE>(listener_), nullptr);  // their completions report the removal
    } else {
      listener_removed_ = true;
    }
  }

  // ---- read ----

  // The zero-byte receive watches it from the start, reading or not.
  void Open(Conn* conn) override { PostZeroByteRecv(conn); }

  void StartRecv(Conn* conn) override {
    IocpConn* state = StateOf(conn);
    if (state->readable) {
      Queue(conn);  // it completed while paused: drain from Poll
    } else if (!state->recv.pending) {
      PostZeroByteRecv(conn);
    }
  }

  // A pending zero-byte receive pins no buffer: let it stay (a reset fails
  // it). Without one (data waits unread, or the peer's FIN came), CheckPaused
  // watches for a reset.
  void PauseRecv(Conn* conn) override {
    IocpConn* state = StateOf(conn);
    if (!state->recv.pending && !state->watched) {
      state->watched = true;
      paused_.push_back(conn);
    }
  }

  // ---- write ----

  void StartSend(Conn* conn, const char* data, size_t len) override {
    IocpConn* state = Associated(conn);
    WSABUF buffer{static_cast<ULONG>(len), const_cast<char*>(data)};
    state->send.Reset();
    if (WSASend(conn->fd, &buffer, 1, nullptr, 0, &state->send.overlapped, nullptr) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
      state->send_error = WSAGetLastError();
      Queue(conn);
      return;
    }
    state->send.pending = true;
    ++conn->ops_in_flight;
  }

  void ShutdownSend(Conn* conn) override { shutdown(conn->fd, SD_SEND); }

  // ---- close ----

  void Close(Conn* conn, bool abort) override {
    IocpConn* state = StateOf(conn);
    if (abort) SetAbortiveClose(conn->fd);
    if (state->recv.pending || state->send.pending) CancelIoEx(reinterpret_cast<HANDLE>(conn->fd), nullptr);
    closesocket(conn->fd);
    conn->fd = kInvalidSocket;
    worker_->ReleaseWhenIdle(conn);
  }

  bool Forget(Conn* conn) override {
    auto* state = static_cast<IocpConn*>(conn->backend_data);
    if (state != nullptr && state->queued) return false;  // still in ready_: free it after that has run
    if (state != nullptr && state->watched) paused_.erase(std::find(paused_.begin(), paused_.end(), conn));
    delete state;
    conn->backend_data = nullptr;
    return true;
  }

  // ---- the loop ----

  void Poll(int timeout_ms) override {
    if (!ready_.empty() || listener_removed_) timeout_ms = 0;
    if (!idle_accepts_.empty()) timeout_ms = std::min(timeout_ms, kAcceptBackoffMs);
    if (handoff_.joinable()) {
      // The hand-off thread has dequeued them: never wait on the JS thread.
      std::vector<OVERLAPPED_ENTRY> handed;
      {
        std::lock_guard<std::mutex> lock(handed_mutex_);
        handed.swap(handed_);
      }
      worker_->OnWoken();
      for (const OVERLAPPED_ENTRY& entry : handed) Dispatch(entry);
    } else {
      OVERLAPPED_ENTRY entries[kCompletionBatch];
      ULONG count = 0;
      BOOL got = GetQueuedCompletionStatusEx(port_, entries, kCompletionBatch, &count, static_cast<DWORD>(timeout_ms), FALSE);
      worker_->OnWoken();
      if (got) {
        for (ULONG i = 0; i < count; ++i) Dispatch(entries[i]);
      }
    }
    RunReady();
    CheckPaused();
    RetryAccepts();
    if (listener_removed_) {
      listener_removed_ = false;
      worker_->OnListenerRemoved();
    }
  }

  bool Flush() override {
    RunReady();
    return false;  // completions reach the port, and the hand-off thread
  }

  void Wake() override { PostQueuedCompletionStatus(port_, 0, 0, nullptr); }

  // libuv cannot wait on a foreign completion port: this thread does, and
  // hands each batch over (an OVERLAPPED is dispatched, and its operation
  // freed, only on the worker's side).
  bool HandOff(std::function<void()> ready, int tick_ms) override {
    handoff_ = std::thread([this, ready = std::move(ready), tick_ms] {
      NameThisThread("iocp-tcp-port");
      while (!handoff_stopping_) {
        OVERLAPPED_ENTRY entries[kCompletionBatch];
        ULONG count = 0;
        if (GetQueuedCompletionStatusEx(port_, entries, kCompletionBatch, &count, static_cast<DWORD>(tick_ms), FALSE)) {
          std::lock_guard<std::mutex> lock(handed_mutex_);
          handed_.insert(handed_.end(), entries, entries + count);
        }
        if (!handoff_stopping_) ready();  // also on a timeout: the worker's tick
      }
    });
    return true;
  }

 private:
  static IocpConn* StateOf(Conn* conn) {
    if (conn->backend_data == nullptr) conn->backend_data = new IocpConn(conn);
    return static_cast<IocpConn*>(conn->backend_data);
  }

  // A connection's socket reports to this thread's port from its first operation on.
  IocpConn* Associated(Conn* conn) {
    IocpConn* state = StateOf(conn);
    if (!state->associated) {
      CreateIoCompletionPort(reinterpret_cast<HANDLE>(conn->fd), port_, 0, 0);
      state->associated = true;
    }
    return state;
  }

  // The Winsock error of a failed operation on a socket that is still open.
  static int OperationError(Socket socket, IocpOp* op) {
    DWORD bytes = 0, flags = 0;
    if (WSAGetOverlappedResult(socket, &op->overlapped, &bytes, FALSE, &flags)) return 0;
    return WSAGetLastError();
  }

  void Queue(Conn* conn) {
    IocpConn* state = StateOf(conn);
    if (state->queued) return;
    state->queued = true;
    ready_.push_back(conn);
  }

  void Dispatch(const OVERLAPPED_ENTRY& entry) {
    if (entry.lpOverlapped == nullptr) return;  // Wake()
    IocpOp* op = CONTAINING_RECORD(entry.lpOverlapped, IocpOp, overlapped);
    op->pending = false;
    bool ok = entry.lpOverlapped->Internal == 0;  // NTSTATUS STATUS_SUCCESS
    switch (op->kind) {
      case OpKind::kAccept:
        OnAcceptDone(static_cast<AcceptOp*>(op), ok);
        return;
      case OpKind::kRecv:
        OnRecvDone(op->conn, ok);
        return;
      case OpKind::kSend:
        OnSendDone(op->conn, ok, entry.dwNumberOfBytesTransferred);
        return;
      default:
        return;
    }
  }

  // ---- accept: the pool of pending AcceptEx ----

  void PostAccept(AcceptOp* op) {
    for (int attempt = 0; attempt < kAcceptRetries; ++attempt) {
      int error = StartAccept(op);
      if (error == 0) {
        op->pending = true;
        ++accepts_pending_;
        return;
      }
      if (worker_->OnAcceptFailed(error) > 0) break;
    }
    // Out of sockets or buffers (WSAEMFILE, WSAENOBUFS), or failing again and
    // again: keep the listener and try this slot again after a pause.
    idle_accepts_.push_back(op);
    accept_resume_ms_ = Engine::NowMs() + kAcceptBackoffMs;
  }

  // A new socket and an AcceptEx into it; 0, or the error that stopped it.
  int StartAccept(AcceptOp* op) {
    Socket socket = NewSocket(family_);
    if (socket == kInvalidSocket) return WSAGetLastError();
    op->Reset();
    op->socket = socket;
    DWORD received = 0;
    if (AcceptEx(listener_, socket, op->addresses, 0, kAddressSpace, kAddressSpace, &received, &op->overlapped) ||
        WSAGetLastError() == ERROR_IO_PENDING) {
      return 0;  // a completion follows either way: the port gets those of a synchronous success too
    }
    int error = WSAGetLastError();
    closesocket(socket);
    op->socket = kInvalidSocket;
    return error;
  }

  void OnAcceptDone(AcceptOp* op, bool ok) {
    --accepts_pending_;
    Socket socket = op->socket;
    op->socket = kInvalidSocket;
    int error = ok ? 0 : OperationError(listener_, op);
    if (ok && setsockopt(socket, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, reinterpret_cast<const char*>(&listener_),
                         sizeof listener_) != 0) {
      error = WSAGetLastError();
    }
    if (error == 0) {
      u_long non_blocking = 1;  // for the draining recv() calls
      ioctlsocket(socket, FIONBIO, &non_blocking);
      worker_->OnAccept(socket);
    } else {
      closesocket(socket);
      if (accepting_) worker_->OnAcceptFailed(error);  // else cancelled by RemoveListener
    }
    if (accepting_) {
      PostAccept(op);
    } else if (accepts_pending_ == 0) {
      listener_removed_ = true;
    }
  }

  void RetryAccepts() {
    if (idle_accepts_.empty() || Engine::NowMs() < accept_resume_ms_) return;
    std::vector<AcceptOp*> retry;
    retry.swap(idle_accepts_);
    if (!accepting_) return;
    for (AcceptOp* op : retry) PostAccept(op);
  }

  // ---- read: zero-byte receive, then bounded non-blocking drain ----

  void PostZeroByteRecv(Conn* conn) {
    IocpConn* state = Associated(conn);
    WSABUF nothing{0, nullptr};
    DWORD flags = 0;
    state->recv.Reset();
    if (WSARecv(conn->fd, &nothing, 1, nullptr, &flags, &state->recv.overlapped, nullptr) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
      state->recv_error = WSAGetLastError();
      Queue(conn);
      return;
    }
    state->recv.pending = true;
    ++conn->ops_in_flight;
  }

  void OnRecvDone(Conn* conn, bool ok) {
    IocpConn* state = StateOf(conn);
    --conn->ops_in_flight;
    if (!conn->finished) {
      // Classify from the completion first: after a peer RST the zero-byte
      // receive fails (ERROR_NETNAME_DELETED), yet a recv() right after
      // returns 0 as if it were a FIN.
      if (!ok) {
        worker_->OnRecv(conn, nullptr, -OperationError(conn->fd, &state->recv));
      } else {
        state->readable = true;
        if (conn->reading) {
          Drain(conn);
        } else if (!state->watched) {
          state->watched = true;  // nothing is pending on it now
          paused_.push_back(conn);
        }
      }
    }
    worker_->ReleaseWhenIdle(conn);
  }

  void Drain(Conn* conn) {
    IocpConn* state = StateOf(conn);
    for (int i = 0; i < kReadsPerTurn; ++i) {
      int n = recv(conn->fd, read_buffer_.get(), static_cast<int>(kReadSize), 0);
      if (n == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK) {
        state->readable = false;
        PostZeroByteRecv(conn);
        return;
      }
      if (n <= 0) state->readable = false;
      worker_->OnRecv(conn, read_buffer_.get(), n >= 0 ? n : -WSAGetLastError());
      if (n <= 0 || conn->finished || !conn->reading) return;
    }
    Queue(conn);  // more may be waiting: continue after the other sockets
  }

  // ---- write ----

  void OnSendDone(Conn* conn, bool ok, DWORD bytes) {
    --conn->ops_in_flight;
    long result = static_cast<long>(bytes);
    if (!ok) result = conn->finished ? -WSAECONNABORTED : -OperationError(conn->fd, &StateOf(conn)->send);
    worker_->OnSend(conn, result);
    worker_->ReleaseWhenIdle(conn);
  }

  // ---- deferred work, closing ----

  // Failures found while starting an operation, and drains cut short, are
  // delivered here, never from inside the call that started them.
  void RunReady() {
    std::vector<Conn*> ready;
    ready.swap(ready_);
    for (Conn* conn : ready) {
      IocpConn* state = StateOf(conn);
      state->queued = false;
      if (conn->finished) continue;
      if (state->send_error != 0) {
        int error = state->send_error;
        state->send_error = 0;
        worker_->OnSend(conn, -error);
      }
      if (state->recv_error != 0 && !conn->finished) {
        int error = state->recv_error;
        state->recv_error = 0;
        worker_->OnRecv(conn, nullptr, -error);
      }
      if (state->readable && conn->reading && !conn->finished) Drain(conn);
    }
  }

  // Paused connections with data waiting, and connections after the peer's
  // FIN, have no receive pending that a reset would fail: ask WSAPoll about
  // them. A hang-up without an error may be the peer's FIN: one that waits
  // behind unread data is left alone until reading resumes; after a FIN that
  // was read the hang-up is expected, and only an error ends the watch.
  void CheckPaused() {
    if (paused_.empty() || Engine::NowMs() < next_paused_check_ms_) return;
    next_paused_check_ms_ = Engine::NowMs() + kPausedCheckMs;
    std::vector<Conn*> watched;
    watched.swap(paused_);
    std::vector<WSAPOLLFD> polls;
    for (Conn* conn : watched) polls.push_back({conn->fd, POLLRDNORM, 0});
    if (WSAPoll(polls.data(), static_cast<ULONG>(polls.size()), 0) == SOCKET_ERROR) polls.assign(polls.size(), {});
    for (size_t i = 0; i < watched.size(); ++i) {
      Conn* conn = watched[i];
      IocpConn* state = StateOf(conn);
      state->watched = false;
      if (conn->finished || conn->reading) continue;
      if (polls[i].revents & (POLLERR | POLLHUP)) {
        int error = 0;
        int len = sizeof error;
        getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &len);
        if (error == 0 && (polls[i].revents & POLLERR)) error = WSAECONNRESET;
        if (error != 0) {
          worker_->OnRecv(conn, nullptr, -error);
          continue;
        }
        if (!conn->peer_eof) continue;
      }
      state->watched = true;
      paused_.push_back(conn);
    }
  }

  Worker* worker_;
  HANDLE port_ = nullptr;
  Socket listener_ = kInvalidSocket;
  int family_ = AF_INET;
  bool accepting_ = false;
  bool listener_removed_ = false;
  int accepts_pending_ = 0;
  int64_t accept_resume_ms_ = 0;
  std::vector<std::unique_ptr<AcceptOp>> accepts_;
  std::vector<AcceptOp*> idle_accepts_;
  std::unique_ptr<char[]> read_buffer_;
  std::vector<Conn*> ready_;
  std::vector<Conn*> paused_;  // see CheckPaused
  int64_t next_paused_check_ms_ = 0;
  // HandOff: the thread, what it has dequeued for Poll, and its stop flag.
  std::thread handoff_;
  std::mutex handed_mutex_;
  std::vector<OVERLAPPED_ENTRY> handed_;
  std::atomic<bool> handoff_stopping_{false};
};

}  // namespace

std::unique_ptr<Backend> CreateIocpBackend(Worker* worker, std::string* error) {
  auto backend = std::make_unique<IocpBackend>(worker);
  if (!backend->Init(error)) return nullptr;
  return backend;
}

}  // namespace iocptcp
#endif  // _WIN32
