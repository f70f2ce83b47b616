// Tests of the engine core that need no socket and no backend: several
// threads crossing the buffer budget back and forth, and the accept-failure
// table. Built and run by test/unit/engine-native.test.ts (with
// ThreadSanitizer); prints TAP.
#include <errno.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../../src-native/engine.h"

namespace iocptcp {
// Engine::Init is not called here: no backend is ever made.
std::unique_ptr<Backend> CreateBackend(const std::string&, Worker*, std::string* error) {
  *error = "no backends in this test";
  return nullptr;
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
}  // namespace

int main() {
  BudgetCrossings();
  AcceptFailures();
  std::printf("1..%d\n", test_number);
  return failures == 0 ? 0 : 1;
}
