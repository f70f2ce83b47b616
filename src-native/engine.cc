// Shared engine core: what happens when an operation completes, whatever the
// backend. Each connection belongs to the worker whose thread accepted it, so
// its state is only ever touched on that thread and needs no lock.
#include "engine.h"
#include "tls.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <new>

namespace iocptcp {

namespace {
constexpr int64_t kBudgetStep = 64 * 1024;  // see Worker::AddBuffered
constexpr size_t kTlsRecordBytes = 16 * 1024;  // the most plaintext one TLS record holds
constexpr unsigned char kTlsHandshakeRecord = 22;  // a TLS record's content type
constexpr uint64_t kSlotMask = (uint64_t{1} << Engine::kSlotBits) - 1;
constexpr uint64_t kWorkerMask = (uint64_t{1} << Engine::kWorkerBits) - 1;
constexpr int kGenerationShift = Engine::kSlotBits + Engine::kWorkerBits;
// Ids must stay exact in a JS number (2^53).
constexpr uint32_t kGenerationMask = (uint32_t{1} << (53 - kGenerationShift)) - 1;
}  // namespace

const char* CauseName(Cause cause) {
  static const char* const kNames[] = {"peer_fin",     "peer_reset", "local_close",   "local_abort", "handler_error",
                                       "idle_timeout", "shutdown",   "buffer_budget", "tls_error",   "error"};
  static_assert(sizeof kNames / sizeof kNames[0] == static_cast<size_t>(Cause::kCount), "a name per cause");
  return kNames[static_cast<int>(cause)];
}

int64_t Engine::NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// ---- ChunkPool ----

namespace {
int SizeClass(size_t size) {
  int index = 0;
  while ((Chunk::kMinSize << index) < size) ++index;
  return index;
}
}  // namespace

Chunk* Chunk::New(size_t capacity) {
  Chunk* chunk = new (::operator new(sizeof(Chunk) + capacity)) Chunk();
  chunk->capacity = capacity;
  return chunk;
}

Chunk* Chunk::Borrow(const char* data, size_t length, void (*release)(void*), void* release_arg) {
  Chunk* chunk = new Chunk();
  chunk->capacity = chunk->end = length;
  chunk->external = data;
  chunk->release = release;
  chunk->release_arg = release_arg;
  return chunk;
}

void Chunk::Delete(Chunk* chunk) {
  if (chunk->external != nullptr) {
    if (chunk->release != nullptr) chunk->release(chunk->release_arg);
    delete chunk;
    return;
  }
  chunk->~Chunk();
  ::operator delete(chunk);
}

Chunk* ChunkPool::Take(size_t size) {
  int index = SizeClass(std::clamp(size, Chunk::kMinSize, Chunk::kMaxSize));
  size_t capacity = Chunk::kMinSize << index;
  Chunk* chunk = free_[index];
  if (chunk != nullptr) {
    free_[index] = chunk->next;
    kept_bytes_ -= capacity;
  } else {
    chunk = Chunk::New(capacity);
  }
  chunk->next = nullptr;
  chunk->begin = chunk->end = 0;
  return chunk;
}

void ChunkPool::Give(Chunk* chunk) {
  int index = SizeClass(chunk->capacity);
  // Only the pool's own sizes are kept (a write's chunk is sized to the write,
  // a borrowed one is another's memory).
  if (index >= kClasses || (Chunk::kMinSize << index) != chunk->capacity || chunk->external != nullptr ||
      kept_bytes_ + chunk->capacity > kKeepBytes) {
    Chunk::Delete(chunk);
    return;
  }
  chunk->next = free_[index];
  free_[index] = chunk;
  kept_bytes_ += chunk->capacity;
}

ChunkPool::~ChunkPool() {
  for (Chunk*& head : free_) {
    while (head != nullptr) {
      Chunk* next = head->next;
      Chunk::Delete(head);
      head = next;
    }
  }
}

// ---- EventQueue ----

void EventQueue::Push(std::vector<Event>&& batch, ByteBlock&& bytes) {
  if (batch.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!bytes.empty()) {
      auto block = static_cast<uint32_t>(pending_.blocks.size());
      for (Event& event : batch) event.block = block;
      pending_.blocks.push_back(std::move(bytes));
      bytes.clear();
      if (!spare_blocks_.empty()) {
        bytes = std::move(spare_blocks_.back());
        spare_blocks_.pop_back();
      }
    }
    std::vector<Event>& events = pending_.events;
    if (events.empty()) {
      events = std::move(batch);
    } else {
      std::move(batch.begin(), batch.end(), std::back_inserter(events));
    }
    batch.clear();
    if (batch.capacity() == 0 && !spares_.empty()) {
      batch = std::move(spares_.back());
      spares_.pop_back();
    }
  }
  // One wake-up per batch the JS thread has not picked up yet.
  if (!wake_pending_.exchange(true)) wake_();
}

void EventQueue::Recycle(Delivery&& delivery) {
  // A block a burst made large is let go: a quiet server keeps little.
  constexpr size_t kKeepSpares = 16, kKeepBlockBytes = 256 * 1024;
  delivery.events.clear();
  std::lock_guard<std::mutex> lock(mutex_);
  if (spares_.size() < 64) spares_.push_back(std::move(delivery.events));
  for (ByteBlock& block : delivery.blocks) {
    if (spare_blocks_.size() >= kKeepSpares || block.capacity() > kKeepBlockBytes) continue;
    block.clear();
    spare_blocks_.push_back(std::move(block));
  }
}

Delivery EventQueue::TakeAll() {
  // Clear the flag before taking, so a push after the take wakes JS again.
  wake_pending_.store(false);
  Delivery taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::swap(taken, pending_);
  }
  if (!taken.events.empty()) {
    takes_.store(takes_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    taken_events_.store(taken_events_.load(std::memory_order_relaxed) + taken.events.size(), std::memory_order_relaxed);
  }
  return taken;
}

// ---- Worker: lifecycle and commands ----

Worker::Worker(Engine* engine, int index) : engine_(engine), index_(index) {}

bool Worker::Init(const std::string& backend_name, std::string* error) {
  backend_ = CreateBackend(backend_name, this, error);
  return backend_ != nullptr;
}

void Worker::Begin(Socket listener) {
  listener_ = listener;
  if (index_ == 0) {
    backend_->AddListener(listener_);
    listening_ = true;
  }
  now_ms_ = Engine::NowMs();
  next_tick_ms_ = now_ms_ + kTickMs;
}

void Worker::Start(Socket listener) {
  thread_ = std::thread([this, listener] {
    NameThisThread("iocp-tcp-io-" + std::to_string(index_));
    Begin(listener);
    while (Turn(TimeoutMs())) {
    }
    if (engine_->options().tls) ReleaseTlsThreadState();
  });
}

void Worker::Join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::Post(Command&& command) {
  {
    std::lock_guard<std::mutex> lock(commands_mutex_);
    commands_.push_back(std::move(command));
  }
  if (!wake_pending_.exchange(true)) backend_->Wake();
}

void Worker::PostAll(std::vector<Command>&& commands) {
  {
    std::lock_guard<std::mutex> lock(commands_mutex_);
    if (commands_.empty()) {
      commands_ = std::move(commands);
    } else {
      std::move(commands.begin(), commands.end(), std::back_inserter(commands_));
    }
  }
  if (!wake_pending_.exchange(true)) backend_->Wake();
}

bool Worker::Turn(int timeout_ms) {
  backend_->Poll(timeout_ms);
  SendSoon();
  FreeReleased();
  RunCommands();
  if (now_ms_ >= next_tick_ms_) {
    Tick(now_ms_);
    next_tick_ms_ = now_ms_ + kTickMs;
  }
  FollowBudget();
  FlushEvents();
  // What this turn queued (io_uring's re-armed receives, the sends of its
  // commands) starts now, not at the next turn, which may be a tick away.
  flushed_work_ = backend_->Flush();
  if (!Done()) return true;
  engine_->OnWorkerStopped();
  return false;
}

// Stop once draining, with no connection left and none on its way here.
bool Worker::Done() const {
  return draining_ && engine_->ListenerClosed() && live_ == 0 && engine_->handovers() == 0;
}

// No wait while work is left for the next turn: connections closed outside
// Poll (by a command or the tick) are freed after it, and what the backend's
// Flush read at the end of this one (IOCP drains there the sockets a resume
// queued) is delivered by it.
int Worker::TimeoutMs() const {
  return HasWork() ? 0 : static_cast<int>(std::max<int64_t>(0, next_tick_ms_ - now_ms_));
}

bool Worker::HasWork() const {
  return flushed_work_ || !pending_events_.empty() || !to_release_.empty() || !send_soon_.empty();
}

void Worker::Apply(std::vector<Command>& commands) {
  Execute(commands);
  commands.clear();
  flushed_work_ = backend_->Flush() || flushed_work_;
}

void Worker::OnWoken() { now_ms_ = Engine::NowMs(); }

void Worker::RunCommands() {
  if (!wake_pending_.exchange(false)) return;  // nothing was posted since the last turn
  std::vector<Command> commands;
  {
    std::lock_guard<std::mutex> lock(commands_mutex_);
    commands.swap(commands_);
  }
  Execute(commands);
}

void Worker::Execute(std::vector<Command>& commands) {
  for (Command& command : commands) {
    if (command.type == Command::kStopListening) {
      if (listening_ && !draining_) backend_->RemoveListener();
      draining_ = true;
      drain_deadline_ms_ = command.deadline_ms;
      continue;
    }
    if (command.type == Command::kAdopt) {
      Adopt(command.socket);
      --engine_->handovers();
      continue;
    }
    if (command.type == Command::kAck) {
      Acknowledge(command.acks);
      continue;
    }
    Conn* conn = Find(command.id);
    if (conn == nullptr || conn->finished) continue;  // already closed: JS hears kClose
    switch (command.type) {
      case Command::kWrite:
        if (conn->fin_sent || conn->end_requested) break;
        Append(conn, command);
        conn->notify_drain = conn->notify_drain || command.notify_drain;
        SendNext(conn);
        break;
      case Command::kEnd:
        if (!conn->end_requested) Append(conn, command);
        conn->notify_drain = conn->notify_drain || command.notify_drain;
        RequestEnd(conn, command.cause);
        break;
      case Command::kDestroy:
        Finish(conn, command.cause, true);
        break;
      case Command::kPause:
      case Command::kResume:
        conn->paused = command.type == Command::kPause;
        UpdateReading(conn);
        break;
      // Like node:net, a socket option that cannot be set is not an error of
      // the connection (the server's own options were checked at listen).
      case Command::kNoDelay:
        SetNoDelay(conn->fd, command.flag);
        break;
      case Command::kKeepAlive:
        SetKeepAlive(conn->fd, command.keep_alive);
        break;
      case Command::kTimeout:
        conn->timeout_ms = command.timeout_ms;
        conn->timeout_since_ms = now_ms_;
        conn->timeout_reported_for = -1;
        break;

      default:
        break;
    }
  }
}

// One coarse sweep per tick serves every deadline: no timer per connection.
void Worker::Tick(int64_t now_ms) {
  bool shutting_down = draining_ && now_ms >= drain_deadline_ms_;
  int64_t idle_ms = engine_->options().idle_timeout_ms;
  for (Slot& slot : slots_) {
    Conn* conn = slot.conn;
    if (conn == nullptr || conn->finished) continue;
    if (shutting_down && conn->tls && conn->tls->session->HandshakeDone() && !conn->end_requested) {
      // TLS says goodbye first: close_notify and FIN now, the close at the next sweep.
      RequestEnd(conn, Cause::kShutdown);
    } else if (shutting_down) {
      Finish(conn, Cause::kShutdown, false);
    } else if (conn->close_deadline_ms != 0 && now_ms >= conn->close_deadline_ms) {
      // Our FIN went out but the peer never answered with its own.
      Finish(conn, conn->cause, false);
    } else if (conn->tls && !conn->tls->failed && !conn->end_requested && !conn->tls->session->HandshakeDone() &&
               now_ms >= conn->tls->handshake_deadline_ms) {
      ReportHandshake(conn, HandshakeResult::kTimeout, "handshake timeout");
      Finish(conn, Cause::kTlsError, true);
    } else if (idle_ms > 0 && now_ms - conn->active_ms >= idle_ms) {
      Finish(conn, Cause::kIdleTimeout, true);
    } else if (conn->timeout_ms > 0) {
      int64_t silent_since = std::max(conn->active_ms, conn->timeout_since_ms);
      if (now_ms - silent_since >= conn->timeout_ms && conn->timeout_reported_for != silent_since) {
        conn->timeout_reported_for = silent_since;
        Emit(Event{EventType::kTimeout, conn->id});
      }
    }
  }
  ShedForBudget(now_ms);
}

// Backpressure: a connection is read only while the handler has not paused
// it, its unsent bytes and the bytes waiting in JS are under the high-water
// mark, the peer can still send, and, while all connections together are over
// the buffer budget, it holds none of those bytes: a peer that does not read
// stops its own connection, never the others.
bool Worker::MayRead(const Conn* conn) const {
  size_t high_water = engine_->options().write_high_water;
  // After our FIN we still read: the peer's FIN ends the connection.
  return !conn->paused && !conn->peer_eof && conn->unsent <= high_water && conn->in_js <= high_water &&
         !(conn->held > 0 && engine_->OverBudget());
}

void Worker::UpdateReading(Conn* conn) {
  bool reading = MayRead(conn);
  if (reading == conn->reading || conn->finished) return;
  conn->reading = reading;
  if (reading) {
    backend_->StartRecv(conn);
  } else {
    conn->throttled = conn->throttled || !conn->peer_eof;
    backend_->PauseRecv(conn);
  }
}

void Worker::Hold(Conn* conn, int64_t delta) {
  conn->held += delta;
  AddBuffered(delta);
}

// The engine hears of this thread's buffers every 64 KiB of change and at
// the end of each loop turn: one locked add, not one per message.
void Worker::AddBuffered(int64_t delta) {
  buffered_ += delta;
  if (std::abs(buffered_ - buffered_published_) >= kBudgetStep) PublishBuffered();
}

void Worker::PublishBuffered() {
  engine_->AddBuffered(buffered_ - buffered_published_);
  buffered_published_ = buffered_;
}

// After the engine crossed the budget either way, every connection is read
// or not as MayRead now says. (Holders that are being read meanwhile stop at
// their next read: the budget's overshoot is one read per connection.)
void Worker::FollowBudget() {
  PublishBuffered();
  uint64_t epoch = engine_->BudgetEpoch();
  if (epoch == budget_epoch_seen_) return;
  budget_epoch_seen_ = epoch;
  for (Slot& slot : slots_) {
    if (slot.conn != nullptr) UpdateReading(slot.conn);
  }
}

// Over the budget for longer than its grace, what the holders keep will not
// go by itself (they are peers that do not read): reset this thread's largest
// holders, until they have freed this thread's share of the excess.
void Worker::ShedForBudget(int64_t now_ms) {
  PublishBuffered();
  int64_t total = 0;
  int64_t excess = engine_->BudgetExcess(now_ms, &total);
  if (excess <= 0 || buffered_published_ <= 0 || total <= 0) return;
  auto share = static_cast<int64_t>(static_cast<double>(excess) * buffered_published_ / total) + 1;
  std::vector<Conn*> holders;
  for (Slot& slot : slots_) {
    if (slot.conn != nullptr && slot.conn->held > 0) holders.push_back(slot.conn);
  }
  std::sort(holders.begin(), holders.end(), [](const Conn* a, const Conn* b) { return a->held > b->held; });
  for (Conn* conn : holders) {
    if (share <= 0) break;
    share -= conn->held;
    Finish(conn, Cause::kBufferBudget, true);
  }
  PublishBuffered();
}

void Worker::Acknowledge(const std::vector<uint64_t>& acks) {
  for (size_t i = 0; i + 1 < acks.size(); i += 2) {
    Conn* conn = Find(acks[i]);
    if (conn == nullptr || conn->finished) continue;
    size_t taken = std::min<size_t>(conn->in_js, acks[i + 1]);
    conn->in_js -= taken;
    Hold(conn, -static_cast<int64_t>(taken));
    UpdateReading(conn);
  }
}

// In inline mode Push calls JS at once, and what JS applies there may emit
// more events: those go in the next round, up to a few (then the next turn).
void Worker::FlushEvents() {
  std::vector<std::pair<uint64_t, size_t>> delivered;  // inline: (id, bytes) this round hands JS
  for (int round = 0; round < 4 && !pending_events_.empty(); ++round) {
    last_flush_bytes_ = pending_bytes_.size();
    delivered.clear();
    for (uint64_t id : delivering_) {
      if (Conn* conn = Find(id)) delivered.emplace_back(id, conn->in_js);
    }
    delivering_.clear();
    // Leaves both empty (or with a recycled vector's capacity); inline, what
    // JS's commands read meanwhile (IOCP drains in Flush) goes in behind.
    engine_->events().Push(std::move(pending_events_), std::move(pending_bytes_));
    // Inline, JS has taken those bytes by now: their connections may read on.
    for (auto [id, bytes] : delivered) {
      Conn* conn = Find(id);
      if (conn == nullptr || conn->finished) continue;
      conn->in_js -= bytes;
      Hold(conn, -static_cast<int64_t>(bytes));
      if (conn->in_js > 0) delivering_.push_back(id);  // more came while JS ran: next round
      UpdateReading(conn);
    }
  }
}

// ---- Worker: connection table ----

Conn* Worker::Find(uint64_t id) {
  uint64_t slot = id & kSlotMask;
  uint32_t generation = static_cast<uint32_t>(id >> kGenerationShift);
  if (slot >= slots_.size()) return nullptr;
  Slot& entry = slots_[slot];
  return entry.conn != nullptr && entry.generation == generation ? entry.conn : nullptr;
}

int Worker::OnAcceptFailed(int error) {
  AcceptFailure failure = ClassifyAcceptError(error);
  if (failure == AcceptFailure::kPeerGone) return 0;
  int retry_in_ms = failure == AcceptFailure::kResources ? kAcceptBackoffMs : 0;
  Counters::Add(counters_.accept_errors, 1);
  Event failed{EventType::kAcceptFailed};
  failed.err = error;
  failed.number = retry_in_ms;
  failed.text = ErrorName(error);
  Emit(std::move(failed));
  return retry_in_ms;
}

void Worker::OnAccept(Socket fd) {
  if (!engine_->ReserveConnection()) {
    // Over --max-connections: reset at once, count it, keep serving the rest.
    if (engine_->ReportingRejections()) {
      Event rejected{EventType::kRejected};
      int family = 0, port = 0;
      if (SocketAddress(fd, true, &rejected.text, &port, &family)) rejected.number = port;
      Emit(std::move(rejected));
    }
    SetAbortiveClose(fd);
    CloseSocket(fd);
    Counters::Add(counters_.rejected_max_connections, 1);
    return;
  }
  Worker* owner = engine_->NextOwner();
  if (owner == this) {
    Adopt(fd);
    return;
  }
  ++engine_->handovers();
  Command handover{Command::kAdopt};
  handover.socket = fd;
  owner->Post(std::move(handover));
}

void Worker::Adopt(Socket fd) {
  const EngineOptions& options = engine_->options();
  std::unique_ptr<TlsSession> session;
  std::shared_ptr<TlsContext> tls = engine_->tls();
  if (tls && !(session = TlsSession::New(*tls))) {
    CloseSocket(fd);  // OpenSSL is out of memory: refuse this one
    engine_->ReleaseConnection();
    Counters::Add(counters_.accept_errors, 1);
    return;
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else if (slots_.size() <= kSlotMask) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    CloseSocket(fd);  // a million connections on one thread: refuse this one
    engine_->ReleaseConnection();
    Counters::Add(counters_.accept_errors, 1);
    return;
  }
  Conn* conn = new Conn();
  Slot& entry = slots_[slot];
  entry.conn = conn;
  conn->id = (uint64_t{entry.generation} << kGenerationShift) |
             (uint64_t(index_) << Engine::kSlotBits) | slot;
  conn->fd = fd;
  conn->worker = this;
  conn->recv_op.conn = conn;
  conn->send_op.conn = conn;
  conn->opened_ms = Engine::NowMs();
  conn->active_ms = conn->opened_ms;
  ++live_;
  Counters::Add(counters_.accepted, 1);
  if (options.no_delay) SetNoDelay(fd, true);
  if (options.keep_alive.enable) SetKeepAlive(fd, options.keep_alive);
  if (session) {
    conn->tls.reset(new TlsConn(std::move(session)));
    conn->tls->handshake_deadline_ms = conn->opened_ms + tls->handshake_timeout_ms();
  } else {
    OnAdopted(conn);
  }
  conn->reading = MayRead(conn);
  backend_->Open(conn);
}

void Worker::OnAdopted(Conn* conn) {
  if (engine_->options().handler != HandlerKind::kJs) return;
  Event open{EventType::kOpen, conn->id};
  int family = 0, port = 0;
  SocketAddress(conn->fd, true, &open.text, &port, &family);
  open.number = port;
  SocketAddress(conn->fd, false, &open.text2, &port, &family);
  open.number2 = port;
  if (conn->tls) open.text3 = conn->tls->session->Describe();
  Emit(std::move(open));
}

void Worker::OnListenerRemoved() {
  listening_ = false;
  engine_->OnListenerRemoved();
}

// ---- Worker: reads ----

void Worker::OnRecv(Conn* conn, const char* data, long result) {
  if (conn->finished) return;
  if (result > 0) {
    Counters::Add(counters_.received_bytes, static_cast<uint64_t>(result));
    conn->active_ms = now_ms_;
    if (conn->tls) {
      ReceiveTls(conn, data, static_cast<size_t>(result));
    } else {
      Deliver(conn, data, static_cast<size_t>(result));
    }
    return;
  }
  if (result == 0) {
    // After a TLS close_notify the FIN only confirms it.
    if (!conn->peer_eof) OnPeerEnd(conn);
    return;
  }
  int error = static_cast<int>(-result);
  Finish(conn, IsResetError(error) ? Cause::kPeerReset : Cause::kError, true, error);
}

void Worker::Deliver(Conn* conn, const char* data, size_t len) {
  HandlerKind handler = engine_->options().handler;
  if (handler == HandlerKind::kEcho) {
    if (conn->fin_sent) return;
    Append(conn, data, len);
    SendLater(conn);
  } else {
    // Threaded, the bytes wait in JS until it acknowledges them; inline,
    // until this turn's delivery (which JS takes at once), so that a turn
    // reads no more of a connection than its mark.
    if (conn->in_js == 0 && engine_->options().inline_mode) delivering_.push_back(conn->id);
    conn->in_js += len;
    Hold(conn, static_cast<int64_t>(len));
    if (pending_bytes_.capacity() == 0) pending_bytes_.reserve(std::max<size_t>(last_flush_bytes_, 16 * 1024));
    // Bytes that follow the connection's own last delivery in this batch
    // join it (a message read in two receives), so they reach the handler
    // in one piece.
    Event* last = pending_events_.empty() ? nullptr : &pending_events_.back();
    if (last != nullptr && last->type == EventType::kData && last->id == conn->id) {
      last->number2 += static_cast<double>(len);
    } else {
      Event event{EventType::kData, conn->id};
      event.number = static_cast<double>(pending_bytes_.size());
      event.number2 = static_cast<double>(len);
      Emit(std::move(event));
      last = &pending_events_.back();
    }
    last->bytes_sent = conn->bytes_sent;
    pending_bytes_.insert(pending_bytes_.end(), data, data + len);
  }
  UpdateReading(conn);  // a peer that does not read stops being read
}

void Worker::OnPeerEnd(Conn* conn) {
  conn->peer_eof = true;
  UpdateReading(conn);  // epoll would report the EOF forever; a reset after it is still watched
  // A TLS peer that leaves before its handshake is done was never a handler's.
  bool handled = !conn->tls || conn->tls->session->HandshakeDone();
  bool js = engine_->options().handler == HandlerKind::kJs;
  if (js && handled) {
    // 'end' means the peer's FIN, whoever ended first. Unless this side
    // has, JS decides after its 'end' listeners ran whether to end (allowHalfOpen).
    SetCause(conn, Cause::kPeerFin);
    Event end{EventType::kEnd, conn->id};
    end.bytes_sent = conn->bytes_sent;
    Emit(std::move(end));
  }
  if (conn->fin_sent) {
    Finish(conn, conn->cause, false);
  } else if (!js || !handled) {
    RequestEnd(conn, Cause::kPeerFin);
  }
}

// ---- Worker: writes ----

void Worker::Append(Conn* conn, const char* data, size_t len) {
  if (!conn->tls) {
    AppendRaw(conn, data, len);
    return;
  }
  TlsConn& tls = *conn->tls;
  if (tls.failed) return;
  // A record at a time, each queued before the next is encrypted: the memory
  // buffer in between (which keeps its peak size) never holds more than one.
  for (size_t offset = 0; offset < len; offset += kTlsRecordBytes) {
    size_t piece = std::min(kTlsRecordBytes, len - offset);
    if (!tls.session->Write(data + offset, piece)) {
      FailTls(conn);
      return;
    }
    QueueTlsOutput(conn);
    tls.plain_queued += piece;
  }
  tls.marks.emplace_back(tls.cipher_queued, tls.plain_queued);
}

void Worker::AppendRaw(Conn* conn, const char* data, size_t len) {
  while (len > 0) {
    Chunk* tail = TailWithRoom(conn, len);
    size_t n = std::min(len, tail->capacity - tail->end);
    std::copy(data, data + n, tail->bytes() + tail->end);
    tail->end += n;
    conn->unsent += n;
    data += n;
    len -= n;
  }
}

Chunk* Worker::TailWithRoom(Conn* conn, size_t len) {
  Chunk* tail = conn->out_tail;
  if (tail != nullptr && tail->end < tail->capacity) return tail;
  // As large as what waits (a backlog gets big chunks, so big sends), as
  // small as the write when nothing does.
  tail = chunks_.Take(std::max(len, conn->unsent));
  Hold(conn, static_cast<int64_t>(tail->capacity));
  (conn->out_tail != nullptr ? conn->out_tail->next : conn->out_head) = tail;
  conn->out_tail = tail;
  return tail;
}

void Worker::Append(Conn* conn, Command& command) {
  if (command.data != nullptr) {
    Append(conn, std::move(command.data));
  } else if (command.length > 0) {
    Append(conn, command.bytes, command.length);
  }
}

void Worker::Append(Conn* conn, ChunkPtr&& chunk) {
  if (chunk == nullptr || chunk->end == 0) return;
  if (conn->tls) {  // encrypted into chunks of the connection's own; this one goes at once
    Append(conn, chunk->bytes() + chunk->begin, chunk->end - chunk->begin);
    return;
  }
  Chunk* tail = conn->out_tail;
  // Small writes coalesce into the tail (fewer, larger sends); larger ones are
  // queued as JS's copy of them, without a second copy here.
  if (chunk->end < Chunk::kMinSize && tail != nullptr && tail->capacity - tail->end >= chunk->end) {
    Append(conn, chunk->bytes(), chunk->end);
    return;
  }
  Hold(conn, static_cast<int64_t>(chunk->capacity));
  conn->unsent += chunk->end;
  Chunk* queued = chunk.release();
  (tail != nullptr ? tail->next : conn->out_head) = queued;
  conn->out_tail = queued;
}


// Sent once this batch of completions is dispatched: a message that came in
// pieces (io_uring consumes its buffers incrementally, TLS decrypts a record
// at a time) then goes out in one send.
void Worker::SendLater(Conn* conn) {
  if (conn->send_soon) return;
  conn->send_soon = true;
  send_soon_.push_back(conn);
}

void Worker::SendSoon() {
  // Connections are freed only in FreeReleased, after this: each is still here.
  for (Conn* conn : send_soon_) {
    conn->send_soon = false;
    SendNext(conn);
  }
  send_soon_.clear();
}

// A head chunk with more chunks behind it is filled from them first (one
// copy), so that a queue of pieces goes out in one send, not one per piece.
void Worker::Compact(Conn* conn) {
  Chunk* head = conn->out_head;
  if (head->next == nullptr || head->end - head->begin >= Chunk::kMaxSize / 2) return;
  Chunk* merged = chunks_.Take(std::min(conn->unsent, Chunk::kMaxSize));
  Hold(conn, static_cast<int64_t>(merged->capacity));
  while (Chunk* from = conn->out_head) {
    size_t n = std::min(from->end - from->begin, merged->capacity - merged->end);
    std::copy_n(from->bytes() + from->begin, n, merged->bytes() + merged->end);
    merged->end += n;
    from->begin += n;
    if (from->begin < from->end) break;  // merged is full
    conn->out_head = from->next;
    Hold(conn, -static_cast<int64_t>(from->capacity));
    chunks_.Give(from);
  }
  merged->next = conn->out_head;
  if (conn->out_head == nullptr) conn->out_tail = merged;
  conn->out_head = merged;
}

void Worker::SendNext(Conn* conn) {
  if (conn->send_in_flight || conn->finished) return;
  if (conn->out_head != nullptr) Compact(conn);
  if (Chunk* head = conn->out_head) {
    conn->send_in_flight = true;
    backend_->StartSend(conn, head->bytes() + head->begin, std::min(head->end - head->begin, kMaxSendBytes));
    return;
  }
  if (conn->notify_drain) {
    conn->notify_drain = false;
    Event drain{EventType::kDrain, conn->id};
    drain.bytes_sent = conn->bytes_sent;
    Emit(std::move(drain));
  }
  UpdateReading(conn);  // backpressure released
  if (conn->end_requested && !conn->fin_sent && conn->tls && !conn->tls->goodbye_decided) {
    // TLS says goodbye before TCP does (not after a failure: its alert was the goodbye).
    conn->tls->goodbye_decided = true;
    if (!conn->tls->failed && conn->tls->session->HandshakeDone()) {
      conn->tls->session->Shutdown();
      QueueTlsOutput(conn);
      if (conn->out_head != nullptr) {
        SendNext(conn);
        return;
      }
    }
  }
  if (conn->end_requested && !conn->fin_sent) {
    backend_->ShutdownSend(conn);
    conn->fin_sent = true;
    if (conn->peer_eof) {
      Finish(conn, conn->cause, false);
    } else {
      conn->close_deadline_ms = Engine::NowMs() + engine_->options().close_timeout_ms;
    }
  }
}

void Worker::OnSend(Conn* conn, long result) {
  conn->send_in_flight = false;
  // Bytes the kernel took count even when the connection closed meanwhile.
  if (result > 0) Counters::Add(counters_.sent_bytes, static_cast<uint64_t>(result));
  if (conn->finished) return;
  if (result < 0) {
    int error = static_cast<int>(-result);
    Finish(conn, IsResetError(error) ? Cause::kPeerReset : Cause::kError, true, error);
    return;
  }
  size_t sent = static_cast<size_t>(result);
  if (sent > 0) conn->active_ms = now_ms_;
  if (TlsConn* tls = conn->tls.get()) {
    // The handler's bytes count as sent once all the ciphertext that carries them is.
    tls->cipher_sent += sent;
    while (!tls->marks.empty() && tls->marks.front().first <= tls->cipher_sent) {
      conn->bytes_sent = tls->marks.front().second;
      tls->marks.pop_front();
    }
  } else {
    conn->bytes_sent += sent;
  }
  conn->unsent -= sent;
  Chunk* head = conn->out_head;
  head->begin += sent;
  // A drained chunk goes back to the pool, so an idle connection pins no send buffer.
  if (head->begin == head->end) {
    Hold(conn, -static_cast<int64_t>(head->capacity));
    conn->out_head = head->next;
    if (conn->out_head == nullptr) conn->out_tail = nullptr;
    chunks_.Give(head);
  }
  SendNext(conn);
}

// ---- Worker: closing ----

void Worker::SetCause(Conn* conn, Cause cause, int error) {
  if (conn->has_cause) return;
  conn->has_cause = true;
  conn->cause = cause;
  conn->error = error;
}

void Worker::RequestEnd(Conn* conn, Cause cause) {
  SetCause(conn, cause);
  conn->end_requested = true;
  SendNext(conn);
}

void Worker::Finish(Conn* conn, Cause cause, bool abort, int error) {
  if (conn->finished) return;
  if (conn->tls) ReportHandshake(conn, HandshakeResult::kAborted, "closed before the handshake was done");  // unless reported
  // Whatever the cause: a close that leaves bytes unsent resets, so the peer
  // can never take a cut-off reply followed by a FIN for a whole one.
  abort = abort || conn->unsent > 0 || conn->send_in_flight;
  SetCause(conn, cause, error);
  // Its buffers go with it (the chunks when the connection is freed; what
  // JS holds is JS's to collect).
  Hold(conn, -conn->held);
  conn->finished = true;
  engine_->ReleaseConnection();
  Counters::Add(counters_.disconnects[static_cast<int>(conn->cause)], 1);
  Event close{EventType::kClose, conn->id};
  close.number = static_cast<double>(conn->cause);
  close.number2 = (Engine::NowMs() - conn->opened_ms) / 1000.0;
  close.err = conn->error;
  close.bytes_sent = conn->bytes_sent;
  Emit(std::move(close));
  // Free the id at once so a stale command can never reach a later connection.
  uint32_t slot = static_cast<uint32_t>(conn->id & kSlotMask);
  slots_[slot].conn = nullptr;
  slots_[slot].generation = (slots_[slot].generation + 1) & kGenerationMask;
  free_slots_.push_back(slot);
  backend_->Close(conn, abort);
}

void Worker::ReleaseWhenIdle(Conn* conn) {
  if (!conn->finished || conn->ops_in_flight != 0 || conn->release_queued) return;
  conn->release_queued = true;
  to_release_.push_back(conn);
}

void Worker::FreeReleased() {
  std::vector<Conn*> later;
  for (Conn* conn : to_release_) {
    if (!backend_->Forget(conn)) {
      later.push_back(conn);
      continue;
    }
    // No operation refers to the connection any more: its unsent chunks can go back.
    while (Chunk* chunk = conn->out_head) {
      conn->out_head = chunk->next;
      chunks_.Give(chunk);
    }
    delete conn;
    --live_;
  }
  to_release_.swap(later);
}

// ---- TLS connections ----

TlsConn::TlsConn(std::unique_ptr<TlsSession> s) : session(std::move(s)) {}
TlsConn::~TlsConn() = default;

void Worker::ReceiveTls(Conn* conn, const char* data, size_t len) {
  TlsConn& tls = *conn->tls;
  // After a failure, or after the peer's close_notify, what it sends means nothing.
  if (tls.failed || conn->peer_eof) return;
  if (!tls_plain_) tls_plain_.reset(new char[kTlsRecordBytes]);
  // A TLS client's first byte is a handshake record's type: anything else is
  // someone speaking plain TCP (or HTTP) to the TLS port.
  if (!tls.first_byte_checked && static_cast<unsigned char>(data[0]) != kTlsHandshakeRecord) {
    ReportHandshake(conn, HandshakeResult::kNotTls, "not a TLS record");
    tls.failed = true;
    RequestEnd(conn, Cause::kTlsError);
    return;
  }
  tls.first_byte_checked = true;
  // A record's worth at a time, decrypted before the next goes in: a memory
  // buffer keeps the largest size it ever had, so this one stays small.
  while (len > 0 && !conn->finished && !tls.failed && !conn->peer_eof) {
    size_t piece = std::min(len, kTlsRecordBytes);
    if (!tls.session->Feed(data, piece)) {
      FailTls(conn);
      break;
    }
    data += piece;
    len -= piece;
    DecryptTls(conn);
  }
  if (conn->finished) return;
  QueueTlsOutput(conn);  // handshake messages, session tickets, alerts
  SendLater(conn);
}

void Worker::DecryptTls(Conn* conn) {
  TlsConn& tls = *conn->tls;
  for (;;) {
    bool was_done = tls.session->HandshakeDone();
    long n = tls.session->Read(tls_plain_.get(), kTlsRecordBytes);
    if (n == TlsSession::kFailed) {
      FailTls(conn);
      return;
    }
    if (!was_done && tls.session->HandshakeDone()) {
      ReportHandshake(conn, HandshakeResult::kOk, tls.session->Protocol());
      OnAdopted(conn);
    }
    if (n == TlsSession::kPeerClosed) OnPeerEnd(conn);
    if (n <= 0) return;
    Deliver(conn, tls_plain_.get(), static_cast<size_t>(n));
    if (conn->finished || tls.failed) return;
  }
}

void Worker::QueueTlsOutput(Conn* conn) {
  TlsConn& tls = *conn->tls;
  if (conn->fin_sent) {
    // After our FIN (a post-handshake message OpenSSL answers): the answer
    // cannot go out, and trying would turn the orderly close into an error.
    while (tls.session->TakeOutput(tls_plain_.get(), kTlsRecordBytes) > 0) {
    }
    return;
  }
  while (size_t waiting = tls.session->OutputSize()) {
    Chunk* tail = TailWithRoom(conn, waiting);
    size_t n = tls.session->TakeOutput(tail->bytes() + tail->end, tail->capacity - tail->end);
    if (n == 0) break;
    tail->end += n;
    conn->unsent += n;
    tls.cipher_queued += n;
  }
}

// The alert OpenSSL wrote goes out, then FIN; nothing more is read.
void Worker::FailTls(Conn* conn) {
  conn->tls->failed = true;
  const TlsSession& session = *conn->tls->session;
  ReportHandshake(conn, session.CertificateRefused() ? HandshakeResult::kCertificate : HandshakeResult::kProtocol, session.error());
  QueueTlsOutput(conn);
  RequestEnd(conn, Cause::kTlsError);
}

// Once per TLS connection (a failure after the handshake is not a handshake's).
void Worker::ReportHandshake(Conn* conn, HandshakeResult result, std::string text) {
  if (conn->tls->handshake_reported) return;
  conn->tls->handshake_reported = true;
  Event handshake{EventType::kHandshake, conn->id};
  handshake.number = static_cast<double>(result);
  handshake.number2 = (Engine::NowMs() - conn->opened_ms) / 1000.0;
  handshake.text = std::move(text);
  Emit(std::move(handshake));
}

// ---- Engine ----

Engine::Engine(const EngineOptions& options, std::function<void()> wake_js)
    : options_(options), tls_(options.tls), events_(std::move(wake_js)) {}

Engine::~Engine() { Join(); }

bool Engine::Init(std::string* error) {
  std::vector<std::string> names;
  if (options_.backend == "auto") {
    names = BackendCandidates();
  } else {
    names.push_back(options_.backend);
  }
  std::string why;
  for (const std::string& name : names) {
    workers_.clear();
    bool ok = true;
    for (int i = 0; i < options_.io_threads && ok; ++i) {
      workers_.push_back(std::make_unique<Worker>(this, i));
      ok = workers_.back()->Init(name, &why);
    }
    if (ok) return true;
    *error = name + ": " + why;
  }
  workers_.clear();
  return false;
}

const char* Engine::BackendName() const {
  return workers_.empty() ? "none" : workers_.front()->BackendName();
}

int Engine::Listen(const std::string& host, int port, std::string* syscall) {
  int error = OpenListener(host, port, &listener_, syscall);
  if (error != 0) return error;
  SocketAddress(listener_, false, &address_, &port_, &family_);
  // Try the keepalive settings on a spare socket of the listener's family: an
  // option this system lacks fails listen() with its name instead of going
  // unnoticed on every connection.
  if (options_.keep_alive.enable) {
    Socket spare = NewSocket(family_ == 6 ? AF_INET6 : AF_INET);
    const char* option = "socket";
    error = spare == kInvalidSocket ? LastSocketError() : SetKeepAlive(spare, options_.keep_alive, &option);
    if (spare != kInvalidSocket) CloseSocket(spare);
    if (error != 0) {
      *syscall = std::string("setsockopt ") + option;
      CloseSocket(listener_);
      listener_ = kInvalidSocket;
      return error;
    }
  }
  listener_open_ = true;
  running_workers_ = static_cast<int>(workers_.size());
  if (Worker* worker = InlineWorker()) {
    worker->Begin(listener_);  // the inline driver runs its turns
  } else {
    for (auto& worker : workers_) worker->Start(listener_);
  }
  started_ = true;
  return 0;
}

Worker* Engine::WorkerOf(uint64_t id) {
  uint64_t index = (id >> kSlotBits) & kWorkerMask;
  return index < workers_.size() ? workers_[index].get() : nullptr;
}

void Engine::Post(uint64_t id, Command&& command) {
  command.id = id;
  std::vector<Command> one;
  one.push_back(std::move(command));
  if (Worker* worker = WorkerOf(id)) Deliver(worker, one);
}

void Engine::Deliver(Worker* worker, std::vector<Command>& commands) {
  if (!options_.inline_mode) {
    worker->PostAll(std::move(commands));
    commands.clear();
    return;
  }
  worker->Apply(commands);
  if (worker->HasWork() && turn_soon_) turn_soon_();
}

void Engine::Submit(std::vector<Command>& commands, const std::vector<uint64_t>& acks) {
  if (Worker* worker = InlineWorker()) {
    Deliver(worker, commands);
    return;
  }
  // Per worker, in order; the acks of each worker gathered into one command.
  std::vector<std::vector<Command>> by_worker(workers_.size());
  std::vector<Command> worker_acks(workers_.size());
  for (Command& command : worker_acks) command.type = Command::kAck;
  for (Command& command : commands) {
    uint64_t index = (command.id >> kSlotBits) & kWorkerMask;
    if (index < workers_.size()) by_worker[index].push_back(std::move(command));
  }
  for (size_t i = 0; i + 1 < acks.size(); i += 2) {
    uint64_t index = (acks[i] >> kSlotBits) & kWorkerMask;
    if (index >= workers_.size()) continue;
    worker_acks[index].acks.push_back(acks[i]);
    worker_acks[index].acks.push_back(acks[i + 1]);
  }
  for (size_t w = 0; w < workers_.size(); ++w) {
    if (!worker_acks[w].acks.empty()) by_worker[w].push_back(std::move(worker_acks[w]));
    if (!by_worker[w].empty()) Deliver(workers_[w].get(), by_worker[w]);
  }
  commands.clear();
}

void Engine::AddBuffered(int64_t delta) {
  if (delta == 0) return;
  std::lock_guard<std::mutex> lock(budget_mutex_);
  buffered_ += delta;
  int64_t budget = options_.buffer_budget;
  if (buffered_ <= budget) {
    exceeded_since_ms_ = 0;
  } else if (exceeded_since_ms_ == 0) {
    exceeded_since_ms_ = NowMs();
  }
  // Stop the holders above the budget, let them read again below 3/4 of it:
  // no flapping at the edge.
  bool over = over_budget_.load(std::memory_order_relaxed);
  if (over ? buffered_ >= budget / 4 * 3 : buffered_ <= budget) return;
  if (over) {
    over_total_ms_ += NowMs() - over_since_ms_;
  } else {
    over_since_ms_ = NowMs();
  }
  over_budget_.store(!over, std::memory_order_relaxed);
  budget_epoch_.fetch_add(1, std::memory_order_release);
  for (auto& worker : workers_) worker->Wake();
}

int64_t Engine::BudgetExcess(int64_t now_ms, int64_t* total) {
  std::lock_guard<std::mutex> lock(budget_mutex_);
  *total = buffered_;
  bool due = exceeded_since_ms_ != 0 && now_ms - exceeded_since_ms_ >= options_.buffer_budget_grace_ms;
  return due ? buffered_ - options_.buffer_budget : 0;
}

bool Engine::ReserveConnection() {
  int64_t open = open_connections_.load();
  do {
    if (options_.max_connections > 0 && open >= options_.max_connections) return false;
  } while (!open_connections_.compare_exchange_weak(open, open + 1));
  return true;
}

void Engine::Close(uint32_t drain_ms) {
  if (!started_) return;  // nothing runs: Join() is all there is to do
  int64_t deadline_ms = NowMs() + drain_ms;
  for (auto& worker : workers_) {
    std::vector<Command> stop(1);
    stop[0].type = Command::kStopListening;
    stop[0].deadline_ms = deadline_ms;
    Deliver(worker.get(), stop);
  }
}

void Engine::OnListenerRemoved() {
  // Thread 0 has let go: close the socket, so that connects are refused from now on.
  CloseSocket(listener_);
  listener_ = kInvalidSocket;
  listener_open_ = false;
}

Worker* Engine::NextOwner() {
  return workers_[next_owner_.fetch_add(1, std::memory_order_relaxed) % workers_.size()].get();
}

void Engine::OnWorkerStopped() {
  if (--running_workers_ == 0) events_.Push(std::vector<Event>{Event{EventType::kStopped}});
}

void Engine::Join() {
  if (joined_) return;
  joined_ = true;
  // Workers stay allocated: their counters are still read by the last scrape.
  for (auto& worker : workers_) worker->Join();
}

CounterSnapshot Engine::Snapshot() {
  CounterSnapshot total;
  total.js_calls = events_.Takes();
  total.js_events = events_.TakenEvents();
  {
    std::lock_guard<std::mutex> lock(budget_mutex_);
    total.buffered_bytes = buffered_;
    int64_t over_ms = over_total_ms_ + (OverBudget() ? NowMs() - over_since_ms_ : 0);
    total.over_budget_seconds = over_ms / 1000.0;
  }
  for (auto& worker : workers_) {
    Counters& c = worker->counters();
    auto get = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_acquire); };
    // Disconnects before accepts: a connection that opens and closes between
    // the two reads then shows as active for one scrape, never as -1.
    uint64_t closed = 0;
    for (int i = 0; i < static_cast<int>(Cause::kCount); ++i) {
      uint64_t n = get(c.disconnects[i]);
      total.disconnects[i] += n;
      closed += n;
    }
    uint64_t accepted = get(c.accepted);
    total.accepted += accepted;
    total.accept_errors += get(c.accept_errors);
    total.rejected_max_connections += get(c.rejected_max_connections);
    total.received_bytes += get(c.received_bytes);
    total.sent_bytes += get(c.sent_bytes);
    total.recv_buffers_exhausted += get(c.recv_buffers_exhausted);
    total.thread_closed.push_back(closed);
    total.thread_accepted.push_back(accepted);
  }
  return total;
}

}  // namespace iocptcp
