// The platform-neutral engine: listener, connection table, per-connection send
// queues, disconnect classification, counters and the event queue towards JS.
// Backends (backend_uring.cc, backend_epoll.cc, backend_iocp.cc) only start
// operations and report their completions to the Worker that owns them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform.h"

namespace iocptcp {

// After an accept fails for want of descriptors or memory, the backends wait
// this long before accepting again rather than spin on the error.
constexpr int kAcceptBackoffMs = 100;
// Granularity of timeouts, close deadlines and the drain deadline: one sweep
// of a worker's connections this often.
constexpr int kTickMs = 100;

// Why a connection ended. Each connection gets exactly one, counted once.
enum class Cause : uint8_t {
  kPeerFin,     // the peer's FIN came first (0-byte read)
  kPeerReset,   // the peer reset the connection
  kLocalClose,  // the handler ended it (end())
  kLocalAbort,  // the handler destroyed it (destroy())
  kHandlerError,  // a JS handler threw or rejected; the server destroyed it
  kIdleTimeout, // no traffic for the idle timeout
  kShutdown,    // the server stopped and the drain deadline passed
  kBufferBudget,  // among the largest holders of buffered bytes while over the budget past its grace
  kTlsError,    // the TLS handshake failed or timed out, or the peer broke the protocol
  kError,       // anything else
  kCount
};
const char* CauseName(Cause cause);

enum class HandlerKind : uint8_t { kEcho, kJs };

class TlsContext;
class TlsSession;

struct EngineOptions {
  std::string backend = "auto";  // "auto" or a backend name
  int io_threads = 1;
  HandlerKind handler = HandlerKind::kEcho;
  size_t write_high_water = 64 * 1024;  // echo stops reading above this many unsent bytes
  uint32_t close_timeout_ms = 5000;     // wait this long for the peer's FIN after ours
  int64_t max_connections = 0;          // open connections at most; 0 = unlimited
  int64_t idle_timeout_ms = 0;          // reset connections silent this long; 0 = off
  int64_t buffer_budget = 256 << 20;    // buffered bytes of all connections above which holders stop reading
  int64_t buffer_budget_grace_ms = 10000;  // over the budget this long: the largest holders are reset
  bool no_delay = true;                 // TCP_NODELAY on accepted connections
  KeepAlive keep_alive;                 // applied to every accepted connection
  // JS handlers: one worker whose turns run on the JS thread, driven by its
  // event loop (the inline driver in the N-API glue); commands apply at once
  // and events reach JS as each turn ends. Otherwise each worker has a thread.
  bool inline_mode = false;
  // Set: every connection is TLS; the handler sees plaintext once the handshake is done.
  std::shared_ptr<TlsContext> tls;
};

// What JS receives. Events are batched: see EventQueue.
enum class EventType : uint8_t {
  kOpen,     // id, text = remote address, number = remote port, text2 = local address, number2 = local port,
             // text3 = TLS: "protocol\ncipher\nservername" (sent once the handshake is done)
  // bytes_sent = what the kernel has taken so far on kData, kEnd, kDrain and
  // kClose: JS learns what left its write queue with the batches it gets anyway.
  kData,     // id, block: bytes [number, number + number2) of that block of the batch
  kEnd,      // id: the peer sent FIN
  kDrain,    // id: the send queue became empty and JS asked to hear it
  kClose,    // id, number = cause, number2 = duration in seconds, err = errno or 0
  kStopped,  // the engine has stopped: every thread has left its loop
  kAcceptFailed,  // err = errno (or Windows error), text = its name, number = ms until the next accept
  kTimeout,  // id: no traffic for the connection's own timeout (JS decides what to do)
  kRejected, // a connection reset at once for --max-connections: text = remote address, number = remote port
  kHandshake,  // TLS: a handshake ended: number = HandshakeResult, number2 = seconds since accept,
               // text = the protocol version (ok) or OpenSSL's reason (else)
};

// How a TLS handshake ended; each TLS connection gets exactly one.
enum class HandshakeResult : uint8_t {
  kOk,
  kNotTls,       // the first bytes were no TLS record (plain TCP, HTTP)
  kProtocol,     // OpenSSL refused it (no shared version or cipher, a malformed message, ...)
  kCertificate,  // a client certificate was required and none came, or it did not verify
  kTimeout,      // not done within the handshake timeout
  kAborted,      // the connection closed before it was done (the peer left, the server stopped)
};

struct Event {
  EventType type;
  uint64_t id = 0;
  double number = 0;
  double number2 = 0;
  int err = 0;
  uint64_t bytes_sent = 0;
  uint32_t block = 0;  // kData: which of the delivery's byte blocks holds its bytes
  std::string text;
  std::string text2;
  std::string text3;
};

// The bytes of the data events a worker flushed at once. The JS thread copies
// them into memory JS owns and hands the block back (EventQueue::Recycle), so
// a steady flow allocates no blocks and no JS object outlives its batch.
using ByteBlock = std::vector<char>;

// What the JS thread takes in one go: events in order, and the byte blocks
// their data events point into.
struct Delivery {
  std::vector<Event> events;
  std::vector<ByteBlock> blocks;
};

// Per-thread counters, written by one I/O thread, read by the scrape.
struct Counters {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> accept_errors{0};
  std::atomic<uint64_t> rejected_max_connections{0};
  std::atomic<uint64_t> received_bytes{0};
  std::atomic<uint64_t> sent_bytes{0};
  std::atomic<uint64_t> recv_buffers_exhausted{0};  // io_uring: a receive ended for want of a buffer
  std::atomic<uint64_t> disconnects[static_cast<int>(Cause::kCount)] = {};

  // Only the owning thread writes; release pairs with the scrape's acquire.
  static void Add(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }
};

// A plain copy of all counters summed over threads, and each thread's share.
struct CounterSnapshot {
  uint64_t accepted = 0, accept_errors = 0, rejected_max_connections = 0;
  uint64_t received_bytes = 0, sent_bytes = 0, recv_buffers_exhausted = 0;
  uint64_t disconnects[static_cast<int>(Cause::kCount)] = {};
  int64_t buffered_bytes = 0;         // memory holding connection data (see Engine::AddBuffered)
  uint64_t js_calls = 0, js_events = 0;  // deliveries to JS, and the events they carried
  double over_budget_seconds = 0;     // time spent with reading paused over the budget
  std::vector<uint64_t> thread_accepted, thread_closed;  // by I/O thread
};

// Multi-producer queue of events towards the JS thread. A producer that makes
// it non-empty calls `wake` once; the consumer takes everything in one swap.
class EventQueue {
 public:
  explicit EventQueue(std::function<void()> wake) : wake_(std::move(wake)) {}
  // `bytes` holds what the batch's data events refer to (their `block` is set
  // here). Leaves `batch` empty, with the capacity of an event vector JS
  // handed back when there is one: a worker's steady flow allocates none.
  // Leaves `bytes` empty too, with the capacity of a block JS handed back.
  void Push(std::vector<Event>&& batch, ByteBlock&& bytes = ByteBlock());
  Delivery TakeAll();  // JS thread
  // JS thread: a delivery JS is done with, its vectors for Push to hand out again.
  void Recycle(Delivery&& delivery);
  // Deliveries taken that held events, and their events: how well events batch.
  uint64_t Takes() const { return takes_.load(std::memory_order_relaxed); }
  uint64_t TakenEvents() const { return taken_events_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  Delivery pending_;
  std::vector<std::vector<Event>> spares_;  // emptied event vectors, capacity kept
  std::vector<ByteBlock> spare_blocks_;      // emptied byte blocks, capacity kept
  std::atomic<bool> wake_pending_{false};
  std::function<void()> wake_;
  std::atomic<uint64_t> takes_{0}, taken_events_{0};  // written by the JS thread
};

class Worker;

// A buffer of a connection's send queue: a header and its bytes in one block,
// linked into the queue. Sized to what is queued (a few unsent bytes must not
// pin 64 KiB). Appending into the free tail never moves bytes already handed
// to the kernel.
struct Chunk {
  static constexpr size_t kMinSize = 1024, kMaxSize = 64 * 1024;
  Chunk* next = nullptr;
  size_t capacity = 0;
  size_t begin = 0, end = 0;
  // Its bytes follow the header, or are another's: a written Buffer sent
  // from its own memory (inline mode), `release(release_arg)` called on the
  // worker's thread once the chunk is done with.
  const char* external = nullptr;
  void (*release)(void*) = nullptr;
  void* release_arg = nullptr;
  char* bytes() { return external != nullptr ? const_cast<char*>(external) : reinterpret_cast<char*>(this + 1); }
  // A chunk of exactly `capacity` bytes, in one block with its header.
  static Chunk* New(size_t capacity);
  // A full chunk over `length` bytes someone else owns.
  static Chunk* Borrow(const char* data, size_t length, void (*release)(void*), void* release_arg);
  static void Delete(Chunk* chunk);
};

struct ChunkDeleter {
  void operator()(Chunk* chunk) const { Chunk::Delete(chunk); }
};
// A chunk owned by whoever holds it: a write's bytes on their way from JS,
// copied there once, and then queued as they are.
using ChunkPtr = std::unique_ptr<Chunk, ChunkDeleter>;

// The send-queue chunks of one worker, in powers of two from 1 KiB to 64 KiB.
// Drained chunks are kept for the next message (up to kKeepBytes), so a
// steady stream allocates nothing, while an idle connection holds none.
class ChunkPool {
 public:
  ChunkPool() = default;
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;
  ~ChunkPool();
  // A cleared chunk of at least `size` bytes (clamped to kMinSize..kMaxSize).
  Chunk* Take(size_t size);
  void Give(Chunk* chunk);

 private:
  static constexpr int kClasses = 7;  // 1 KiB << 0 .. 1 KiB << 6
  static constexpr size_t kKeepBytes = 1 << 20;
  Chunk* free_[kClasses] = {};
  size_t kept_bytes_ = 0;
};

// Operation heads. A backend finds the operation (and so the connection) again
// from a completion: on Windows from the OVERLAPPED it embeds, on Linux from
// the io_uring user_data. Backends may extend them through `backend_data`.
// kWatch: io_uring's poll for a reset on a connection it is not reading.
enum class OpKind : uint8_t { kAccept, kRecv, kSend, kWake, kWatch };

struct Conn;
struct Op {
  OpKind kind;
  Conn* conn = nullptr;
};

// A TLS connection's session, and how its ciphertext maps to plaintext: the
// handler counts what was sent in plaintext bytes (write callbacks, 'drain').
struct TlsConn {
  explicit TlsConn(std::unique_ptr<TlsSession> session);
  ~TlsConn();  // in engine.cc, where TlsSession is whole
  std::unique_ptr<TlsSession> session;
  // (ciphertext queued so far, plaintext it completes), oldest first.
  std::deque<std::pair<uint64_t, uint64_t>> marks;
  uint64_t cipher_queued = 0, cipher_sent = 0, plain_queued = 0;
  int64_t handshake_deadline_ms = 0;
  bool goodbye_decided = false;  // close_notify queued before our FIN, or none due (a failure, no handshake)
  bool failed = false;  // a protocol error: nothing more is read; the alert goes out, then FIN
  bool handshake_reported = false;
  bool first_byte_checked = false;  // whether it opens a TLS record
};

struct Conn {
  uint64_t id = 0;
  Socket fd = kInvalidSocket;
  Worker* worker = nullptr;
  Op recv_op{OpKind::kRecv};
  Op send_op{OpKind::kSend};

  Chunk* out_head = nullptr;   // unsent bytes, in chunks from the worker's pool; the head is being sent
  Chunk* out_tail = nullptr;
  size_t unsent = 0;           // bytes in the queue
  size_t in_js = 0;            // bytes sent to JS in data events, not yet acknowledged
  int64_t held = 0;            // what it counts in the buffer budget: its chunks' capacity and in_js
  uint64_t bytes_sent = 0;
  bool send_in_flight = false;
  bool send_soon = false;      // in the worker's send_soon_ list

  bool reading = false;        // the backend delivers reads
  // Set once it has stopped for backpressure: from then on a backend reads it
  // one buffer per operation (no io_uring multishot burst), so a peer that
  // does not read gets at most one buffer past its limit, not its socket's worth.
  bool throttled = false;
  bool paused = false;         // the JS handler paused reading
  bool peer_eof = false;       // the peer's FIN arrived
  bool end_requested = false;  // send our FIN once `out` is empty
  bool fin_sent = false;
  bool finished = false;       // counted and reported; waits for its ops to end
  bool notify_drain = false;   // JS wants a kDrain when `out` empties
  bool has_cause = false;
  Cause cause = Cause::kError;
  int error = 0;               // errno (or Windows error) behind kError/kPeerReset

  int64_t opened_ms = 0;
  int64_t active_ms = 0;          // last time bytes moved either way
  int64_t close_deadline_ms = 0;  // after our FIN, give up waiting for the peer's
  int64_t timeout_ms = 0;         // JS's setTimeout(): report kTimeout after this much silence; 0 = off
  int64_t timeout_since_ms = 0;   // when setTimeout() was called: silence counts from then at the earliest
  int64_t timeout_reported_for = -1;  // the start of the silence a kTimeout was sent for: one per silence
  std::unique_ptr<TlsConn> tls;   // set on a TLS server
  int ops_in_flight = 0;          // backend operations that still refer to this
  bool release_queued = false;    // in Worker's release list
  void* backend_data = nullptr;
};

// The most one send operation asks the kernel to take: io_uring's length is
// 32 bits and Winsock's ULONG; the completion then reports part of a larger
// write, and the rest follows in the next send.
constexpr size_t kMaxSendBytes = size_t{1} << 30;

// One backend instance per I/O thread. Every call is made on that thread,
// except Wake(). Completions are reported to the worker on that thread,
// never from inside the call that started the operation.
//
// From Open to Close every connection is watched for a reset or socket error,
// whatever else holds it (paused by its handler, over the buffer budget, after
// the peer's FIN): a peer that resets must never stay counted as open.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* Name() const = 0;
  // Start accepting on `listener` (thread 0 only: it hands connections
  // round-robin to every thread); completions: Worker::OnAccept.
  virtual void AddListener(Socket listener) = 0;
  // Stop accepting; Worker::OnListenerRemoved follows when nothing refers to it.
  virtual void RemoveListener() = 0;
  // Begin serving a new connection, called once: delivering reads if
  // conn->reading, else only watching it as PauseRecv does.
  virtual void Open(Conn* conn) = 0;
  // Deliver reads (Worker::OnRecv) until PauseRecv or Close.
  virtual void StartRecv(Conn* conn) = 0;
  // Stop delivering data. A reset or socket error must still be reported
  // while paused (Worker::OnRecv with -error), at once, not when reading
  // resumes; the peer's FIN waits behind the unread data until then. Also
  // called after the peer's FIN: a reset after it must be reported too.
  virtual void PauseRecv(Conn* conn) = 0;
  // Send bytes [data, data+len), len <= kMaxSendBytes; one send per
  // connection at a time. The completion (Worker::OnSend) may report fewer bytes.
  virtual void StartSend(Conn* conn, const char* data, size_t len) = 0;
  // Send our FIN now (synchronous).
  virtual void ShutdownSend(Conn* conn) = 0;
  // Cancel the connection's operations and close its socket (with RST when
  // `abort`). The backend then calls Worker::ReleaseWhenIdle after each of the
  // connection's completions, and once from Close itself.
  virtual void Close(Conn* conn, bool abort) = 0;
  // Free the backend's state of a closed connection no operation refers to.
  // False while the backend still holds it for deferred work of its own: the
  // worker asks again after the next Poll.
  virtual bool Forget(Conn* conn) = 0;
  // Wait up to timeout_ms for completions and dispatch them.
  virtual void Poll(int timeout_ms) = 0;
  // Start now what calls since the last Poll have queued (sends, io_uring
  // submissions), dispatching what completes at once as Poll does; never
  // waits. For commands applied outside a turn (inline mode). True when
  // completions already wait for Poll: io_uring posts those of our own
  // submission without waking a poller of its ring.
  virtual bool Flush() = 0;
  // Make a Poll on the owning thread return soon. Thread-safe.
  virtual void Wake() = 0;
  // For a driver on another event loop (inline mode), how to learn that
  // Poll(0) has work: a descriptor that turns readable (Linux: the epoll set,
  // the io_uring ring), or -1 ...
  virtual int ReadyFd() const { return -1; }
  // ... or, where there is none (Windows), a thread of the backend's own that
  // waits for completions, keeps them for Poll and calls `ready` for each
  // batch, and at least every `tick_ms`. False where the backend has a ReadyFd.
  virtual bool HandOff(std::function<void()> ready, int tick_ms) {
    (void)ready, (void)tick_ms;
    return false;
  }
};

// Creates the backend for `name` ("io_uring", "epoll", "iocp") or returns null
// with `error` set when this host cannot run it.
std::unique_ptr<Backend> CreateBackend(const std::string& name, Worker* worker, std::string* error);
// The backends this build knows, best first, for "auto".
std::vector<std::string> BackendCandidates();

class Engine;

// A command from the JS thread to the worker that owns a connection.
struct Command {
  enum Type : uint8_t {
    kWrite, kEnd, kDestroy, kPause, kResume, kAck, kStopListening, kAdopt, kNoDelay, kKeepAlive, kTimeout
  } type;
  uint64_t id = 0;
  ChunkPtr data;  // kWrite, kEnd: the bytes, or none ...
  // ... or (inline mode) bytes JS owns, copied into the send queue as the command runs
  const char* bytes = nullptr;
  size_t length = 0;
  bool notify_drain = false;
  int64_t deadline_ms = 0;  // kStopListening: when to close what is left
  Socket socket = kInvalidSocket;  // kAdopt: a connection accepted by another thread
  std::vector<uint64_t> acks;      // kAck: (id, bytes) pairs JS has taken, any connections of the worker
  Cause cause = Cause::kLocalAbort;  // kDestroy, kEnd: why
  bool flag = false;                 // kNoDelay: on
  KeepAlive keep_alive;              // kKeepAlive
  int64_t timeout_ms = 0;            // kTimeout; 0 = off
};

// A worker owns a backend, its connections and its counters, and is driven
// turn by turn: by a thread of its own, or by the JS thread (inline mode).
class Worker {
 public:
  Worker(Engine* engine, int index);
  bool Init(const std::string& backend_name, std::string* error);
  // Starts accepting (worker 0) and the clocks; the caller drives the turns.
  void Begin(Socket listener);
  // A thread of its own runs Begin and the turns (threaded mode).
  void Start(Socket listener);
  void Join();
  // One turn: wait up to timeout_ms for completions and dispatch them, run
  // the queued commands, the tick when due and the budget, and hand the
  // events to JS. False once the worker has stopped (draining, nothing left).
  bool Turn(int timeout_ms);
  // How long the next turn may wait: until the next tick, or 0 when work waits.
  int TimeoutMs() const;
  // Events, sends or frees wait for a turn (after commands applied outside one).
  bool HasWork() const;
  // Runs commands at once and starts the I/O they ask for (inline mode; JS thread).
  void Apply(std::vector<Command>& commands);
  Backend* backend() { return backend_.get(); }
  void Post(Command&& command);  // any thread
  void PostAll(std::vector<Command>&& commands);  // any thread
  void Wake() { backend_->Wake(); }  // any thread
  const char* BackendName() const { return backend_->Name(); }
  Counters& counters() { return counters_; }

  // The backend's wait returned; its completions follow. Traffic is stamped
  // with this time, so timeouts count from when bytes moved, not from before the wait.
  void OnWoken();
  // Completions, called by the backend on this thread.
  void OnAccept(Socket fd);
  // Accept failed: counted and reported unless the peer just left first (see
  // ClassifyAcceptError). Returns how long the backend waits before it
  // accepts again: kAcceptBackoffMs when out of resources, else 0.
  int OnAcceptFailed(int error);
  void OnListenerRemoved();
  void OnRecv(Conn* conn, const char* data, long result);  // bytes, 0 = FIN, <0 = -error
  void OnSend(Conn* conn, long result);                    // bytes, or -error
  // Queue a finished connection for freeing once no operation refers to it.
  void ReleaseWhenIdle(Conn* conn);

 private:
  bool Done() const;
  void RunCommands();
  void Execute(std::vector<Command>& commands);
  void Tick(int64_t now_ms);
  // Starts or pauses reading the connection as MayRead says.
  void UpdateReading(Conn* conn);
  bool MayRead(const Conn* conn) const;
  void Acknowledge(const std::vector<uint64_t>& acks);
  Conn* Find(uint64_t id);
  void Adopt(Socket fd);
  // The handler's bytes (on TLS, encrypted first).
  void Append(Conn* conn, const char* data, size_t len);
  // Bytes as they go on the wire.
  void AppendRaw(Conn* conn, const char* data, size_t len);
  // The tail chunk, or a new one sized for `len` more bytes when it is full.
  Chunk* TailWithRoom(Conn* conn, size_t len);
  // Queues a write's chunk as it is (a small one is copied into the tail).
  void Append(Conn* conn, ChunkPtr&& chunk);
  // Queues a write or end command's bytes: its chunk, or the bytes it borrows.
  void Append(Conn* conn, Command& command);
  void SendNext(Conn* conn);
  // Plaintext for the handler: the echo queues it back, a JS handler gets a data event.
  void Deliver(Conn* conn, const char* data, size_t len);
  // The peer will send no more (FIN, or TLS close_notify).
  void OnPeerEnd(Conn* conn);
  void OnAdopted(Conn* conn);  // ready for the handler (after the handshake on TLS)
  // TLS: ciphertext in, plaintext to Deliver; handshake and alerts out.
  void ReceiveTls(Conn* conn, const char* data, size_t len);
  void DecryptTls(Conn* conn);  // what the session holds, to Deliver
  void QueueTlsOutput(Conn* conn);
  void FailTls(Conn* conn);
  void ReportHandshake(Conn* conn, HandshakeResult result, std::string text);
  // Starts the sends the last batch of completions made due (see send_soon_).
  void SendSoon();
  void SendLater(Conn* conn);  // queues it for SendSoon
  void Compact(Conn* conn);
  void RequestEnd(Conn* conn, Cause cause);
  void Finish(Conn* conn, Cause cause, bool abort, int error = 0);
  void SetCause(Conn* conn, Cause cause, int error = 0);
  void Emit(Event&& event) { pending_events_.push_back(std::move(event)); }
  void FlushEvents();
  void FreeReleased();
  // Buffer budget: `delta` bytes more (or fewer) held by `conn`.
  void Hold(Conn* conn, int64_t delta);
  void AddBuffered(int64_t delta);
  void PublishBuffered();
  void FollowBudget();
  void ShedForBudget(int64_t now_ms);

  Engine* engine_;
  int index_;
  std::unique_ptr<Backend> backend_;
  Counters counters_;
  std::thread thread_;
  Socket listener_ = kInvalidSocket;
  bool listening_ = false;
  bool draining_ = false;
  int64_t drain_deadline_ms_ = 0;
  int64_t next_tick_ms_ = 0;
  int64_t now_ms_ = 0;  // read once per loop turn, when the wait returns (OnWoken)

  struct Slot {
    Conn* conn = nullptr;
    uint32_t generation = 0;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  size_t live_ = 0;  // connections not yet freed
  std::vector<Conn*> to_release_;
  std::vector<Conn*> send_soon_;  // echo: data appended during Poll, sent once it returns
  ChunkPool chunks_;
  int64_t buffered_ = 0;            // this thread's part of Engine::AddBuffered
  int64_t buffered_published_ = 0;  // ... and what the engine has been told of it
  uint64_t budget_epoch_seen_ = 0;  // the engine's budget crossings this thread has followed

  std::mutex commands_mutex_;
  std::vector<Command> commands_;
  std::atomic<bool> wake_pending_{false};
  std::vector<Event> pending_events_;
  std::vector<uint64_t> delivering_;  // inline: connections with bytes in pending_events_
  bool flushed_work_ = false;         // the backend's last Flush left completions for Poll
  ByteBlock pending_bytes_;   // the bytes of pending_events_' data events
  std::unique_ptr<char[]> tls_plain_;  // TLS: one record's plaintext at a time
  size_t last_flush_bytes_ = 0;  // reserve as much for the next batch: no regrowth copies
};

// The engine: one listener, io_threads workers, one event queue.
class Engine {
 public:
  Engine(const EngineOptions& options, std::function<void()> wake_js);
  ~Engine();
  // Picks and starts the backend on every thread. Returns false with `error`.
  bool Init(std::string* error);
  // Binds and starts accepting. Returns 0 or an errno/WSA error, with
  // `syscall` naming the call that failed.
  int Listen(const std::string& host, int port, std::string* syscall);
  // Bound address, after Listen.
  std::string address() const { return address_; }
  int port() const { return port_; }
  int family() const { return family_; }
  const char* BackendName() const;
  const EngineOptions& options() const { return options_; }
  // TLS: the context new connections get (any thread), and replacing it (a
  // rotated certificate: open connections keep theirs).
  std::shared_ptr<TlsContext> tls() const { return std::atomic_load(&tls_); }
  void ReplaceTls(std::shared_ptr<TlsContext> context) { std::atomic_store(&tls_, std::move(context)); }

  // JS thread: what JS did in one tick — writes, ends (kLocalClose, or
  // kIdleTimeout from a 'timeout' listener; the peer's FIN first wins),
  // resets, pauses and the (id, bytes) acks of data it has taken — in order,
  // one post and one wake-up per worker; inline, run at once (and there are
  // no acks: JS takes each delivery within its turn). `commands` is left
  // empty. Ids of closed connections are ignored.
  void Submit(std::vector<Command>& commands, const std::vector<uint64_t>& acks);
  // One command, for the rare ones: socket options, timeouts.
  void Post(uint64_t id, Command&& command);
  // Stop accepting now; close what is still open after drain_ms; kStopped follows.
  void Close(uint32_t drain_ms);
  // Joins the threads after kStopped (or at once after Close(0) on teardown).
  void Join();

  CounterSnapshot Snapshot();
  EventQueue& events() { return events_; }

  // Called by workers.
  void OnListenerRemoved();
  void OnWorkerStopped();
  // The thread that gets the next accepted connection: round-robin, so every
  // thread serves an equal share (a listener per thread would let the
  // kernel's wake-up order pick, and it picks the first waiter nearly always).
  Worker* NextOwner();
  // Counts hand-overs in flight, so no thread stops while one is on its way.
  std::atomic<int>& handovers() { return handovers_; }
  // Inline mode: the one worker, whose turns the inline driver runs, and
  // what it calls when commands applied outside a turn left work for one.
  Worker* InlineWorker() { return options_.inline_mode ? workers_.front().get() : nullptr; }
  void SetTurnSoon(std::function<void()> turn_soon) { turn_soon_ = std::move(turn_soon); }
  // Counts a new connection against max_connections; false when full.
  bool ReserveConnection();
  void ReleaseConnection() { --open_connections_; }
  // Whether a kRejected event goes to JS for each connection reset for
  // max_connections (only while someone listens: a flood of them is cheap).
  void ReportRejections(bool on) { report_rejections_.store(on, std::memory_order_relaxed); }
  bool ReportingRejections() const { return report_rejections_.load(std::memory_order_relaxed); }
  // Thread 0 has let go of the listener and it is closed.
  bool ListenerClosed() const { return !listener_open_.load(); }
  // Bytes of memory holding connection data, all threads: send-queue chunks
  // and data JS has not taken yet. Above options().buffer_budget the
  // connections that hold any stop reading (the rest are served as ever);
  // below 3/4 of it they read again. Workers add their changes once per loop
  // turn, or every 64 KiB of change.
  void AddBuffered(int64_t delta);
  bool OverBudget() const { return over_budget_.load(std::memory_order_relaxed); }
  // Counts the crossings either way; every worker is woken for each, and one
  // that sees it change looks at the reading state of all its connections.
  uint64_t BudgetEpoch() const { return budget_epoch_.load(std::memory_order_acquire); }
  // Bytes above the budget once it has been exceeded for longer than its
  // grace, else 0; `total` gets the whole buffered amount.
  int64_t BudgetExcess(int64_t now_ms, int64_t* total);
  static int64_t NowMs();
  static constexpr int kWorkerBits = 6, kSlotBits = 20;

 private:
  Worker* WorkerOf(uint64_t id);

  // Applies commands to the worker that owns them: queued for its thread, or
  // at once in inline mode.
  void Deliver(Worker* worker, std::vector<Command>& commands);

  EngineOptions options_;
  std::shared_ptr<TlsContext> tls_;  // options_.tls until replaced: read and written with atomic_load/store
  EventQueue events_;
  std::function<void()> turn_soon_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Socket listener_ = kInvalidSocket;
  std::atomic<bool> listener_open_{false};  // thread 0 accepts on it
  std::atomic<bool> report_rejections_{false};
  std::atomic<int> running_workers_{0};
  std::atomic<int> handovers_{0};
  std::atomic<int64_t> open_connections_{0};
  std::atomic<unsigned> next_owner_{0};
  // Every change of the total and both crossings happen under budget_mutex_,
  // so no interleaving of workers can leave over_budget_ out of step with it.
  std::mutex budget_mutex_;
  int64_t buffered_ = 0;               // under budget_mutex_
  std::atomic<bool> over_budget_{false};  // written under budget_mutex_, read anywhere
  std::atomic<uint64_t> budget_epoch_{0};
  int64_t over_since_ms_ = 0, over_total_ms_ = 0;  // under budget_mutex_: paused for the budget
  int64_t exceeded_since_ms_ = 0;      // under budget_mutex_: above the budget itself since; 0 = not
  std::string address_;
  int port_ = 0, family_ = 0;
  bool started_ = false, joined_ = false;
};

}  // namespace iocptcp
