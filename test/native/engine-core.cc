// Tests of the engine core that need no network and no real backend: several
// threads crossing the buffer budget back and forth, the accept-failure
// table, and a worker's turns with a scripted backend. Built and run by
// test/unit/engine-native.test.ts (with ThreadSanitizer); prints TAP.
#include <errno.h>
#include <sys/socket.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../../src-native/engine.h"

namespace iocptcp {
// A backend that does only what the test tells it: reads "arrive" in Flush,
// as when IOCP drains the sockets that a resume queued.
class ScriptedBackend : public Backend {
 public:
  explicit ScriptedBackend(Worker* worker) : worker_(worker) {}
  const char* Name() const override { return "scripted"; }
  void AddListener(Socket) override {}
  void RemoveListener() override {}
  void Open(Conn* conn) override { opened = conn; }
  void StartRecv(Conn*) override {}
  void PauseRecv(Conn*) override {}
  void StartSend(Conn*, const char*, size_t) override {}
  void ShutdownSend(Conn*) override {}
  void Close(Conn* conn, bool) override {
    CloseSocket(conn->fd);
    conn->fd = kInvalidSocket;
    worker_->ReleaseWhenIdle(conn);
  }
  bool Forget(Conn*) override { return true; }
  void Poll(int) override {}
  bool Flush() override {
    if (read_in_flush > 0 && opened != nullptr) worker_->OnRecv(opened, bytes, read_in_flush);
    read_in_flush = 0;
    return false;
  }
  void Wake() override {}

  Conn* opened = nullptr;
  long read_in_flush = 0;  // bytes the next Flush reads
  char bytes[64] = {};

 private:
  Worker* worker_;
};

std::unique_ptr<Backend> CreateBackend(const std::string&, Worker* worker, std::string*) {
  return std::make_unique<ScriptedBackend>(worker);
}
std::vector<std::string> BackendCandidates() { return {}; }
}  // namespace iocptcp

using namespace iocptcp;

namespace {
int test_number = 0;
int failures = 0;

void Check(bool ok, const std::string& what) {
  ++test_number;
  if (!ok) ++failures;
  std::printf("%s %d - %s\n", ok ? "ok" : "not ok", test_number, what.c_str());
}

// Each round, every thread adds its share and takes it back, so the total
// crosses the budget and its resume mark (3/4) again and again, in every
// interleaving the threads happen to run; it ends at 0. The over-budget flag
// must then say "under" (a flag left "over" would stop every holder for good).
void BudgetCrossings() {
  constexpr int kThreads = 4, kRounds = 200000;
  constexpr int64_t kBudget = 1 << 20;
  EngineOptions options;
  options.buffer_budget = kBudget;
  Engine engine(options, [] {});
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&engine, t] {
      int64_t share = kBudget / 3 + t * 4096;  // three or four together pass the budget
      for (int i = 0; i < kRounds; ++i) {
        engine.AddBuffered(share);
        engine.AddBuffered(-share);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CounterSnapshot snapshot = engine.Snapshot();
  Check(snapshot.buffered_bytes == 0, "the total returns to 0 (" + std::to_string(snapshot.buffered_bytes) + ")");
  Check(!engine.OverBudget(), "after " + std::to_string(engine.BudgetEpoch()) + " crossings the flag says under the budget");
  Check(engine.BudgetEpoch() % 2 == 0, "every crossing over was followed by one back under");
  Check(engine.BudgetEpoch() > 0, "the threads did cross the budget");
}

void AcceptFailures() {
  EngineOptions options;
  Engine engine(options, [] {});
  Worker worker(&engine, 0);
  Check(worker.OnAcceptFailed(ECONNABORTED) == 0 && worker.counters().accept_errors == 0,
        "a peer that left before it was taken (ECONNABORTED) is not counted; accept on at once");
  Check(worker.OnAcceptFailed(EPROTO) == 0 && worker.counters().accept_errors == 0,
        "a network error of the new connection (EPROTO) is not counted either");
  Check(worker.OnAcceptFailed(EMFILE) == kAcceptBackoffMs && worker.counters().accept_errors == 1,
        "out of descriptors (EMFILE) is counted, and accepting pauses");
  Check(worker.OnAcceptFailed(EINVAL) == 0 && worker.counters().accept_errors == 2,
        "anything else (EINVAL) is counted; accept on at once");
}
// Data read at the end of a turn (the backend's Flush) waits in the worker
// for the next turn's delivery: that turn must not first wait for the tick.
void ReadInFlushIsDeliveredAtOnce() {
  EngineOptions options;
  options.handler = HandlerKind::kJs;
  Engine engine(options, [] {});
  Worker worker(&engine, 0);
  std::string error;
  worker.Init("scripted", &error);
  auto* backend = static_cast<ScriptedBackend*>(worker.backend());
  worker.Begin(kInvalidSocket);
  ++engine.handovers();
  Command adopt{Command::kAdopt};
  adopt.socket = socket(AF_INET, SOCK_STREAM, 0);
  worker.Post(std::move(adopt));
  worker.Turn(0);
  Check(backend->opened != nullptr, "the scripted backend opened the connection");
  Check(worker.TimeoutMs() > 0, "with nothing waiting, the next turn may wait for the tick (" + std::to_string(worker.TimeoutMs()) + " ms)");
  backend->read_in_flush = 10;
  worker.Turn(0);
  Check(worker.TimeoutMs() == 0, "after a read in Flush the next turn does not wait (" + std::to_string(worker.TimeoutMs()) + " ms)");
  Command destroy{Command::kDestroy};
  destroy.id = backend->opened->id;
  worker.Post(std::move(destroy));
  for (int i = 0; i < 3; ++i) worker.Turn(0);
}
}  // namespace

int main() {
  BudgetCrossings();
  AcceptFailures();
  ReadInFlushIsDeliveredAtOnce();
  std::printf("1..%d\n", test_number);
  return failures == 0 ? 0 : 1;
}
