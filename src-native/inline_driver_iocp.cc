// The inline driver's watch on Windows: libuv cannot wait on a foreign
// completion port, so the IOCP backend's hand-off thread waits on it and, once
// per batch (and every tick), calls a threadsafe function whose call runs the
// turn on the JS thread: one cross-thread wake-up per batch, none per message.
#ifdef _WIN32
#include <atomic>

#include "inline_driver.h"

namespace iocptcp {
namespace {

struct HandOffWatch {
  napi_threadsafe_function call = nullptr;
  std::atomic<bool> pending{false};  // a call is on its way: one is enough
};

void Request(HandOffWatch* watch) {
  if (!watch->pending.exchange(true)) napi_call_threadsafe_function(watch->call, nullptr, napi_tsfn_nonblocking);
}

}  // namespace

bool InlineDriver::Watch(std::string* error) {
  auto* watch = new HandOffWatch();
  napi_value name;
  // A call on its way is the one that runs the turn: the next request makes another.
  auto call_js = [](napi_env env, napi_value, void* context, void*) {
    auto* driver = static_cast<InlineDriver*>(context);
    static_cast<HandOffWatch*>(driver->watch_)->pending = false;
    if (env != nullptr) driver->RunTurn();
  };
  auto finalize = [](napi_env, void* data, void*) {
    auto* driver = static_cast<InlineDriver*>(data);
    delete static_cast<HandOffWatch*>(driver->watch_);
    driver->Free();
  };
  if (napi_create_string_utf8(env_, "iocp-tcp turns", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env_, nullptr, nullptr, name, 0, 1, this, finalize, this, call_js, &watch->call) != napi_ok) {
    *error = "napi_create_threadsafe_function failed";
    delete watch;
    return false;
  }
  watch_ = watch;
  worker_->backend()->HandOff([watch] { Request(watch); }, kTickMs);
  return true;
}

void InlineDriver::TurnSoon() { Request(static_cast<HandOffWatch*>(watch_)); }

void InlineDriver::RefWatch(bool on) {
  auto* watch = static_cast<HandOffWatch*>(watch_);
  if (on) {
    napi_ref_threadsafe_function(env_, watch->call);
  } else {
    napi_unref_threadsafe_function(env_, watch->call);
  }
}

// The hand-off thread stops with the engine, before the function it calls
// goes; the function's finalizer frees the driver (calls still queued find
// the worker stopped and do nothing).
void InlineDriver::Unwatch() {
  auto* watch = static_cast<HandOffWatch*>(watch_);
  sink_->engine.reset();
  napi_release_threadsafe_function(watch->call, napi_tsfn_release);
}

}  // namespace iocptcp
#endif  // _WIN32
