// io_uring backend: multishot accept, multishot recv into a provided buffer
// ring shared by the thread's connections (an idle connection pins no read
// buffer), one send per connection. One ring per I/O thread.
//
// The buffer ring: 4 MiB a thread. Where the kernel has incremental
// consumption (6.12+), a receive takes only the bytes it needs and the next
// one goes on in the same buffer, so thousands of small messages fit in the
// ring at once; the buffers are then large (64 of 64 KiB), since a receive
// that reaches the end of one stops there and leaves the rest of its message
// for another. Elsewhere each receive takes a whole buffer: 256 of 16 KiB.
// When the ring runs dry (-ENOBUFS ends the multishot receive) the receive is
// armed again once the batch being dispatched has given its buffers back,
// not at once into the same empty ring; each such end is counted.
//
// Compiled only where liburing was found at build time (binding.gyp defines
// IOCP_TCP_HAVE_LIBURING); elsewhere the build has epoll alone.
#if defined(__linux__) && defined(IOCP_TCP_HAVE_LIBURING)
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <thread>
#include <vector>

#include "engine.h"

namespace iocptcp {
namespace {

constexpr unsigned kRingEntries = 4096;
constexpr size_t kBufferBytes = 4 << 20;
constexpr unsigned kMaxBufferCount = 256;  // a power of two, as the buffer ring requires
// So many receives in a row smaller than this, and a connection is read with
// a multishot receive (see ArmRecv).
constexpr int kSmallReceiveBytes = 4096;
constexpr int kSmallReceivesForMultishot = 16;
// Rounds of completions a Poll takes when receives were cut short (see Poll).
constexpr int kReadRounds = 4;
// Incremental buffer consumption (Linux 6.12), newer than Debian 12's liburing headers.
constexpr uint16_t kPbufRingIncremental = 2;          // IOU_PBUF_RING_INC
constexpr uint32_t kCqeBufferMore = 1U << 4;          // IORING_CQE_F_BUF_MORE
constexpr int kBufferGroup = 0;
constexpr unsigned kCqeBatch = 256;
// io_uring_submit failing with a full completion queue (-EBUSY) or for lack
// of kernel memory (-EAGAIN) is retried this many times, 1 ms apart at worst.
constexpr int kSubmitAttempts = 1000;

struct UringConn {
  explicit UringConn(Conn* conn) : watch{OpKind::kWatch, conn} {}
  bool recv_armed = false;   // a recv is in the kernel
  bool recv_cut_short = false;  // the last one-shot receive left bytes in the socket
  int small_receives = 0;    // in a row: the peer is not ahead of us (see ArmRecv)
  bool recv_cancelling = false;
  bool send_armed = false;
  // While not reading, a multishot poll for POLLERR|POLLHUP: nothing else would see a reset.
  Op watch;
  bool watch_armed = false;
  bool watch_cancelling = false;
};

struct Completion {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
};

class UringBackend final : public Backend {
 public:
  explicit UringBackend(Worker* worker) : worker_(worker) {}
  ~UringBackend() override {
    if (ring_ready_) io_uring_queue_exit(&ring_);
    if (buf_ring_ != nullptr) munmap(buf_ring_, kMaxBufferCount * sizeof(io_uring_buf));
    if (buffers_ != nullptr) munmap(buffers_, kBufferBytes);
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  // Fails where io_uring is refused (seccomp, kernel.io_uring_disabled) or too
  // old: provided buffer rings need 5.19, multishot recv 6.0 (probed through
  // IORING_OP_SEND_ZC, which came in the same release).
  //
  // COOP_TASKRUN spares the interrupt while this thread runs in user space,
  // yet still wakes it where it sleeps, in its own wait or in another event
  // loop's watching ReadyFd (inline mode). Never DEFER_TASKRUN: that posts
  // completions only when this thread enters the ring, which a loop
  // watching the ring's descriptor would wait for forever.
  bool Init(std::string* error) {
    io_uring_params params{};
    params.flags = IORING_SETUP_COOP_TASKRUN;
    int rc = io_uring_queue_init_params(kRingEntries, &ring_, &params);
    if (rc == -EINVAL) {  // before Linux 5.19
      params = io_uring_params{};
      rc = io_uring_queue_init_params(kRingEntries, &ring_, &params);
    }
    if (rc < 0) return Fail(error, "io_uring_setup", -rc);
    ring_ready_ = true;
    io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
    bool recent = probe != nullptr && io_uring_opcode_supported(probe, IORING_OP_SEND_ZC);
    if (probe != nullptr) io_uring_free_probe(probe);
    if (!recent) return Fail(error, "kernel older than 6.0 (no multishot recv)", ENOSYS);
    if (!SetUpBuffers(error)) return false;
    wake_fd_ = eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) return Fail(error, "eventfd", errno);
    ArmWake();
    return true;
  }

  const char* Name() const override { return "io_uring"; }

  // ---- accept ----

  void AddListener(Socket listener) override {
    listener_ = listener;
    accepting_ = true;
    ArmAccept();
  }

  void RemoveListener() override {
    accepting_ = false;
    if (accept_armed_) {
      Cancel(&accept_op_);  // the final accept completion reports the removal
    } else {
      listener_removed_ = true;
    }
  }

  // ---- read ----

  void Open(Conn* conn) override {
    if (conn->reading) {
      ArmRecv(conn);
    } else {
      ArmWatch(conn);
    }
  }

  void StartRecv(Conn* conn) override {
    UringConn* state = StateOf(conn);
    CancelWatch(state);
    if (!state->recv_armed) ArmRecv(conn);  // a cancelling recv re-arms when it ends
  }

  void PauseRecv(Conn* conn) override {
    UringConn* state = StateOf(conn);
    if (state->recv_armed && !state->recv_cancelling) {
      state->recv_cancelling = true;
      Cancel(&conn->recv_op);
    }
    if (!state->watch_armed) ArmWatch(conn);
    // Now, not at the next Poll: until the cancel lands the multishot receive
    // keeps delivering, and the bytes it delivers must be taken.
    SubmitAll();
  }

  // ---- write ----

  void StartSend(Conn* conn, const char* data, size_t len) override {
    io_uring_sqe* sqe = Sqe();
    io_uring_prep_send(sqe, conn->fd, data, len, MSG_NOSIGNAL);
    io_uring_sqe_set_data(sqe, &conn->send_op);
    StateOf(conn)->send_armed = true;
    ++conn->ops_in_flight;
  }

  void ShutdownSend(Conn* conn) override { shutdown(conn->fd, SHUT_WR); }

  // ---- close ----

  void Close(Conn* conn, bool abort) override {
    UringConn* state = StateOf(conn);
    // close() alone would not end a pending recv or poll: the ring holds the file.
    if (state->recv_armed && !state->recv_cancelling) {
      state->recv_cancelling = true;
      Cancel(&conn->recv_op);
    }
    CancelWatch(state);
    if (state->send_armed) Cancel(&conn->send_op);
    // Hand every queued entry naming this descriptor to the kernel before the
    // number is freed: a new connection could get it and then receive a send
    // (or lose bytes to a recv) meant for this one.
    SubmitAll();
    if (abort) SetAbortiveClose(conn->fd);
    close(conn->fd);
    conn->fd = kInvalidSocket;
    worker_->ReleaseWhenIdle(conn);
  }

  bool Forget(Conn* conn) override {
    delete static_cast<UringConn*>(conn->backend_data);
    conn->backend_data = nullptr;
    return true;
  }

  // ---- the loop ----

  void Poll(int timeout_ms) override {
    // Completions set aside outside Poll (SubmitAll from a command) are due now.
    if (listener_removed_ || !taken_.empty()) timeout_ms = 0;
    if (accept_resume_ms_ != 0) timeout_ms = std::min(timeout_ms, kAcceptBackoffMs);
    if (timeout_ms > 0) {
      __kernel_timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1000000LL};
      io_uring_cqe* cqe = nullptr;
      io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    } else {
      SubmitAll();  // nothing to wait for: what is in the ring is taken below
    }
    worker_->OnWoken();
    // One queue in the kernel's order: completions are copied out and marked
    // seen before dispatching (handlers submit, and a full queue makes
    // SubmitAll take more), and newer ones only ever go in behind.
    for (int round = 1;; ++round) {
      while (TakeCompletions() > 0 || next_taken_ < taken_.size()) {
        while (next_taken_ < taken_.size()) {
          Completion c = taken_[next_taken_++];
          Dispatch(c);
        }
      }
      taken_.clear();
      next_taken_ = 0;
      // A receive cut short at the end of a provided buffer left the rest of
      // its message in the socket: read it in this turn (the receive
      // completes as it is submitted), so the message reaches the handler,
      // and an echo's send, whole rather than in two pieces.
      if (!RearmReceives() || round == kReadRounds) break;
      SubmitAll();
    }
    if (accept_resume_ms_ != 0 && Engine::NowMs() >= accept_resume_ms_) {
      accept_resume_ms_ = 0;
      if (accepting_ && !accept_armed_) ArmAccept();
    }
    if (listener_removed_) {
      listener_removed_ = false;
      worker_->OnListenerRemoved();
    }
  }

  // Arms the receives of this batch's connections again; true if one of them has bytes waiting.
  bool RearmReceives() {
    std::vector<Conn*> rearm;
    rearm.swap(rearm_);
    bool bytes_waiting = false;
    for (Conn* conn : rearm) {
      UringConn* state = StateOf(conn);
      if (conn->finished || !conn->reading || state->recv_armed) continue;
      ArmRecv(conn);
      bytes_waiting |= state->recv_cut_short;
    }
    return bytes_waiting;
  }

  bool Flush() override {
    SubmitAll();
    return io_uring_cq_ready(&ring_) > 0 || !taken_.empty();
  }

  void Wake() override {
    uint64_t one = 1;
    ssize_t rc = write(wake_fd_, &one, sizeof one);
    (void)rc;  // a full counter still wakes the loop
  }

  // Readable while completions wait in the ring.
  int ReadyFd() const override { return ring_.ring_fd; }

 private:
  static bool Fail(std::string* error, const char* what, int code) {
    *error = std::string(what) + " failed: " + ErrorName(code);
    return false;
  }

  static UringConn* StateOf(Conn* conn) {
    if (conn->backend_data == nullptr) conn->backend_data = new UringConn(conn);
    return static_cast<UringConn*>(conn->backend_data);
  }

  // Debian 12's liburing (2.3) has no io_uring_setup_buf_ring: register by hand.
  bool SetUpBuffers(std::string* error) {
    size_t ring_bytes = kMaxBufferCount * sizeof(io_uring_buf);
    void* ring_mem = mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void* buffers = mmap(nullptr, kBufferBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ring_mem == MAP_FAILED || buffers == MAP_FAILED) return Fail(error, "mmap", errno);
    buf_ring_ = static_cast<io_uring_buf_ring*>(ring_mem);
    buffers_ = static_cast<char*>(buffers);
    io_uring_buf_ring_init(buf_ring_);
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<uint64_t>(ring_mem);
    reg.bgid = kBufferGroup;
    buffer_size_ = 64 * 1024;
    reg.ring_entries = buffer_count_ = kBufferBytes / buffer_size_;
    SetRegistrationFlags(&reg, kPbufRingIncremental);
    int rc = io_uring_register_buf_ring(&ring_, &reg, 0);
    incremental_ = rc == 0;
    if (rc == -EINVAL) {  // a kernel before 6.12: whole buffers
      buffer_size_ = 16 * 1024;
      reg.ring_entries = buffer_count_ = kBufferBytes / buffer_size_;
      SetRegistrationFlags(&reg, 0);
      rc = io_uring_register_buf_ring(&ring_, &reg, 0);
    }
    if (rc < 0) return Fail(error, "io_uring_register_buf_ring", -rc);
    for (unsigned i = 0; i < buffer_count_; ++i) AddBuffer(i, i);
    io_uring_buf_ring_advance(buf_ring_, buffer_count_);
    return true;
  }

  // The 16 bits after bgid are `pad` in Debian 12's headers and `flags` from
  // Linux 6.4 on: write them by position, so both compile.
  static void SetRegistrationFlags(io_uring_buf_reg* reg, uint16_t flags) {
    static_assert(sizeof reg->bgid == 2, "bgid is 16 bits");
    std::memcpy(reinterpret_cast<char*>(reg) + offsetof(io_uring_buf_reg, bgid) + sizeof reg->bgid, &flags, sizeof flags);
  }

  void ReturnBuffer(unsigned id) {
    consumed_[id] = 0;
    AddBuffer(id, 0);
    io_uring_buf_ring_advance(buf_ring_, 1);
  }

  // Puts buffer `id` in the ring's slot `offset` places past its tail (made visible by advancing).
  void AddBuffer(unsigned id, unsigned offset) {
    io_uring_buf_ring_add(buf_ring_, buffers_ + size_t{id} * buffer_size_, buffer_size_, id,
                          io_uring_buf_ring_mask(buffer_count_), offset);
  }

  io_uring_sqe* Sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    while (sqe == nullptr) {  // submission queue full: hand it to the kernel
      SubmitAll();
      sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  // Hands every queued entry to the kernel. When the completion queue is
  // full the kernel refuses (-EBUSY): completions are then taken out, to be
  // dispatched in order by Poll (never from here: callers are mid-change),
  // until there is room. A ring that keeps refusing is beyond repair: say so
  // and stop, rather than spin or let a closed descriptor's entries linger.
  void SubmitAll() {
    for (int attempt = 0; io_uring_sq_ready(&ring_) > 0; ++attempt) {
      int rc = io_uring_submit(&ring_);
      if (rc >= 0 || rc == -EINTR) continue;
      if ((rc == -EBUSY || rc == -EAGAIN) && attempt < kSubmitAttempts) {
        if (TakeCompletions() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      std::fprintf(stderr, "iocp-tcp: io_uring_submit keeps failing (%s); stopping\n", ErrorName(-rc).c_str());
      std::abort();
    }
  }

  // Moves completions the kernel has posted out of its queue, behind those taken before.
  unsigned TakeCompletions() {
    io_uring_cqe* cqes[kCqeBatch];
    unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, kCqeBatch);
    for (unsigned i = 0; i < n; ++i) taken_.push_back({cqes[i]->user_data, cqes[i]->res, cqes[i]->flags});
    io_uring_cq_advance(&ring_, n);
    return n;
  }

  void Cancel(Op* op) {
    io_uring_sqe* sqe = Sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<uint64_t>(op), 0);
    io_uring_sqe_set_data64(sqe, 0);  // its own completion is ignored
  }

  void ArmWake() {
    io_uring_sqe* sqe = Sqe();
    io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof wake_value_, 0);
    io_uring_sqe_set_data(sqe, &wake_op_);
  }

  void ArmAccept() {
    io_uring_sqe* sqe = Sqe();
    io_uring_prep_multishot_accept(sqe, listener_, nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data(sqe, &accept_op_);
    accept_armed_ = true;
  }

  // A multishot receive takes everything its socket holds before a cancel
  // lands: a connection starts with one buffer per receive, goes multishot
  // once its peer has sent nothing but small messages for a while (requests
  // and replies: the case a multishot receive speeds up), and back to one
  // buffer at a time for good once it has stopped for backpressure.
  void ArmRecv(Conn* conn) {
    io_uring_sqe* sqe = Sqe();
    if (conn->throttled || StateOf(conn)->small_receives < kSmallReceivesForMultishot) {
      io_uring_prep_recv(sqe, conn->fd, nullptr, 0, 0);
    } else {
      io_uring_prep_recv_multishot(sqe, conn->fd, nullptr, 0, 0);
    }
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kBufferGroup;
    io_uring_sqe_set_data(sqe, &conn->recv_op);
    StateOf(conn)->recv_armed = true;
    ++conn->ops_in_flight;
  }

  // Multishot: io_uring always reports POLLRDHUP too, so after the peer's FIN
  // a one-shot poll would complete at once and a later reset go unseen; this
  // one reports each hang-up or error until it is cancelled.
  void ArmWatch(Conn* conn) {
    io_uring_sqe* sqe = Sqe();
    io_uring_prep_poll_multishot(sqe, conn->fd, POLLERR | POLLHUP);
    UringConn* state = StateOf(conn);
    io_uring_sqe_set_data(sqe, &state->watch);
    state->watch_armed = true;
    ++conn->ops_in_flight;
  }

  void CancelWatch(UringConn* state) {
    if (!state->watch_armed || state->watch_cancelling) return;
    state->watch_cancelling = true;
    Cancel(&state->watch);
  }

  void Dispatch(const Completion& c) {
    auto* op = reinterpret_cast<Op*>(c.user_data);
    if (op == nullptr) return;  // a cancel request's own completion
    switch (op->kind) {
      case OpKind::kWake:
        ArmWake();
        return;
      case OpKind::kAccept:
        OnAcceptDone(c);
        return;
      case OpKind::kRecv:
        OnRecvDone(op->conn, c);
        return;
      case OpKind::kSend:
        OnSendDone(op->conn, c);
        return;
      case OpKind::kWatch:
        OnWatchDone(op->conn, c);
        return;
      default:
        return;
    }
  }

  void OnAcceptDone(const Completion& c) {
    if (c.res >= 0) {
      worker_->OnAccept(c.res);
    } else if (c.res != -ECANCELED) {
      int retry_in_ms = worker_->OnAcceptFailed(-c.res);
      if (retry_in_ms > 0 && accept_resume_ms_ == 0) {
        // Out of descriptors: a pending connection would fail again at once,
        // so stop accepting for a while instead of spinning on EMFILE.
        accept_resume_ms_ = Engine::NowMs() + retry_in_ms;
        if (c.flags & IORING_CQE_F_MORE) Cancel(&accept_op_);
      }
    }
    if (c.flags & IORING_CQE_F_MORE) return;
    accept_armed_ = false;
    if (!accepting_) {
      listener_removed_ = true;
    } else if (accept_resume_ms_ == 0) {
      ArmAccept();
    }
  }

  void OnRecvDone(Conn* conn, const Completion& c) {
    UringConn* state = StateOf(conn);
    bool ended = !(c.flags & IORING_CQE_F_MORE);
    if (ended) {
      state->recv_armed = false;
      state->recv_cancelling = false;
      --conn->ops_in_flight;
    }
    unsigned id = c.flags >> IORING_CQE_BUFFER_SHIFT;
    if (c.res > 0) state->small_receives = c.res < kSmallReceiveBytes ? state->small_receives + 1 : 0;
    if (ended) state->recv_cut_short = c.res > 0 && (c.flags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
    if (c.res > 0) {
      // Incremental buffers: this receive's bytes follow the earlier ones.
      const char* data = buffers_ + size_t{id} * buffer_size_ + (incremental_ ? consumed_[id] : 0);
      if (!conn->finished) worker_->OnRecv(conn, data, c.res);
    } else if (c.res == -ENOBUFS) {
      Counters::Add(worker_->counters().recv_buffers_exhausted, 1);
    } else if (c.res != -ECANCELED) {
      if (!conn->finished) worker_->OnRecv(conn, nullptr, c.res);
    }
    // The bytes are copied out: give the buffer back once the kernel is done with it.
    if (c.flags & IORING_CQE_F_BUFFER) {
      if (incremental_ && (c.flags & kCqeBufferMore)) {
        consumed_[id] += static_cast<uint32_t>(std::max(c.res, 0));
      } else {
        ReturnBuffer(id);
      }
    }
    // Arm again after this batch has returned its buffers: at once, a ring
    // that just ran dry would end the new receive the same way.
    if (ended && !conn->finished && conn->reading) rearm_.push_back(conn);
    worker_->ReleaseWhenIdle(conn);
  }

  void OnWatchDone(Conn* conn, const Completion& c) {
    UringConn* state = StateOf(conn);
    bool ended = !(c.flags & IORING_CQE_F_MORE);
    if (ended) {
      state->watch_armed = false;
      state->watch_cancelling = false;
      --conn->ops_in_flight;
    }
    if (c.res > 0 && !conn->finished && !conn->reading) {
      int error = 0;
      socklen_t len = sizeof error;
      getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &error, &len);
      // A hang-up without an error is a FIN (the peer's, or both): one that
      // waits behind unread data ends the connection once it is read. The
      // watch goes on for a reset.
      if (error != 0) worker_->OnRecv(conn, nullptr, -error);
    }
    // Ended by its cancel while paused again, or by the kernel: watch on.
    if (ended && !conn->finished && !conn->reading && !state->watch_armed) ArmWatch(conn);
    worker_->ReleaseWhenIdle(conn);
  }

  void OnSendDone(Conn* conn, const Completion& c) {
    StateOf(conn)->send_armed = false;
    --conn->ops_in_flight;
    worker_->OnSend(conn, c.res);
    worker_->ReleaseWhenIdle(conn);
  }

  Worker* worker_;
  io_uring ring_{};
  bool ring_ready_ = false;
  io_uring_buf_ring* buf_ring_ = nullptr;
  char* buffers_ = nullptr;
  int wake_fd_ = -1;
  uint64_t wake_value_ = 0;
  Op wake_op_{OpKind::kWake};
  Op accept_op_{OpKind::kAccept};
  Socket listener_ = kInvalidSocket;
  bool accepting_ = false;
  bool accept_armed_ = false;
  int64_t accept_resume_ms_ = 0;
  bool listener_removed_ = false;
  std::vector<Completion> taken_;      // out of the kernel's queue, not yet dispatched ...
  size_t next_taken_ = 0;              // ... from here on
  bool incremental_ = false;           // the kernel consumes buffers incrementally
  unsigned buffer_count_ = 0;
  unsigned buffer_size_ = 0;
  uint32_t consumed_[kMaxBufferCount] = {};  // bytes of each buffer already delivered
  std::vector<Conn*> rearm_;           // receives to arm again after this batch
};

}  // namespace

std::unique_ptr<Backend> CreateUringBackend(Worker* worker, std::string* error) {
  auto backend = std::make_unique<UringBackend>(worker);
  if (!backend->Init(error)) return nullptr;
  return backend;
}

}  // namespace iocptcp
#endif  // __linux__ && IOCP_TCP_HAVE_LIBURING
