// The inline driver's platform-neutral part: see inline_driver.h.
#include "inline_driver.h"

namespace iocptcp {

std::shared_ptr<InlineDriver> InlineDriver::Start(napi_env env, EventSink* sink, napi_value on_events, std::string* error) {
  std::shared_ptr<InlineDriver> driver(new InlineDriver(env, sink));
  driver->self_ = driver;
  driver->worker_ = sink->engine->InlineWorker();
  napi_value name, resource;
  auto as_env_goes = [](napi_async_cleanup_hook_handle, void* arg) { static_cast<InlineDriver*>(arg)->Release(); };
  if (napi_create_reference(env, on_events, 1, &driver->on_events_) != napi_ok ||
      napi_create_string_utf8(env, "iocp-tcp", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_object(env, &resource) != napi_ok ||
      napi_async_init(env, resource, name, &driver->async_context_) != napi_ok ||
      napi_add_async_cleanup_hook(env, as_env_goes, driver.get(), &driver->cleanup_) != napi_ok || !driver->Watch(error)) {
    if (error->empty()) *error = "N-API refused the inline driver";
    driver->sink_ = nullptr;  // still the caller's
    driver->Free();
    return nullptr;
  }
  InlineDriver* raw = driver.get();
  sink->wake = [raw] { raw->Deliver(); };
  sink->engine->SetTurnSoon([raw] { raw->TurnSoon(); });
  return driver;
}

void InlineDriver::Ref(bool on) {
  if (!unwatched_) RefWatch(on);
}

void InlineDriver::RunTurn() {
  if (stopped_) return;
  in_turn_ = true;
  stopped_ = !worker_->Turn(0);
  in_turn_ = false;
  if (released_) {
    Release();  // asked for during the turn (by JS, after the 'stopped' event)
  } else if (!stopped_ && worker_->HasWork()) {
    TurnSoon();
  }
}

void InlineDriver::Release() {
  released_ = true;
  if (in_turn_ || unwatched_) return;
  if (!stopped_) {
    // JS will not see the end (the environment is going): close everything
    // now, with the turns it takes for the backend to let go of each socket.
    sink_->engine->Close(0);
    for (int turn = 0; turn < 5000 && !stopped_; ++turn) stopped_ = !worker_->Turn(turn == 0 ? 0 : 1);
  }
  unwatched_ = true;
  Unwatch();
}

// Called by the event queue, inside a turn. Once JS has let go, the events
// are dropped: nothing is listening, and the environment may be going.
void InlineDriver::Deliver() {
  napi_handle_scope scope;
  napi_value on_events;
  bool open = !released_ && napi_open_handle_scope(env_, &scope) == napi_ok;
  if (open && napi_get_reference_value(env_, on_events_, &on_events) == napi_ok) {
    DeliverEvents(env_, on_events, sink_, async_context_);
  } else {
    sink_->engine->events().Recycle(sink_->engine->events().TakeAll());
  }
  if (open) napi_close_handle_scope(env_, scope);
}

// The last thing the driver does: it may be deleted by the end of it.
void InlineDriver::Free() {
  if (async_context_ != nullptr) napi_async_destroy(env_, async_context_);
  if (on_events_ != nullptr) napi_delete_reference(env_, on_events_);
  if (sink_ != nullptr) DeleteEventSink(env_, sink_);
  sink_ = nullptr;
  if (cleanup_ != nullptr) napi_remove_async_cleanup_hook(cleanup_);  // the environment may go on going
  self_.reset();
}

}  // namespace iocptcp
