// The inline driver (N-API glue): runs the turns of an inline-mode engine's
// one worker on the JS thread, started by Node's event loop whenever the
// backend has work and at every tick. Each turn's events reach JS before the
// turn ends, and commands from JS apply at once: no thread between them.
//
// How the loop learns that the backend has work is the platform's part
// (inline_driver_uv.cc: a uv_poll on the backend's ReadyFd and a uv_timer;
// inline_driver_iocp.cc: the backend's hand-off thread through a threadsafe
// function, which libuv needs since it cannot wait on a foreign completion port).
#pragma once

#include <node_api.h>

#include <memory>
#include <string>

#include "delivery.h"

namespace iocptcp {

class InlineDriver {
 public:
  // Starts driving `sink`'s engine (listening, in inline mode), which it then
  // owns; calls `on_events` for each turn's events. Null, with `error`, when
  // the loop cannot watch the backend (the sink is then still the caller's).
  // The driver lives until the caller lets go of it and the loop has closed
  // its handles; as the environment goes, an async cleanup hook holds the
  // environment (and this code) until then.
  static std::shared_ptr<InlineDriver> Start(napi_env env, EventSink* sink, napi_value on_events, std::string* error);
  // Whether the engine keeps the event loop alive.
  void Ref(bool on);
  // JS is done with the engine (after its 'stopped' event, or as the
  // environment goes): a worker still running is stopped at once, and the
  // driver and the engine are freed once the loop has let go of them.
  void Release();
  // The platform's watch calls it: the backend has work, or a tick is due.
  void RunTurn();

 private:
  InlineDriver(napi_env env, EventSink* sink) : env_(env), sink_(sink) {}
  // The platform's part.
  bool Watch(std::string* error);
  void TurnSoon();
  void RefWatch(bool on);
  void Unwatch();  // ends in Free(), once the loop has let go
  void Deliver();
  void Free();

  napi_env env_;
  EventSink* sink_;
  Worker* worker_ = nullptr;
  napi_ref on_events_ = nullptr;
  napi_async_context async_context_ = nullptr;
  napi_async_cleanup_hook_handle cleanup_ = nullptr;
  std::shared_ptr<InlineDriver> self_;  // until Free: the loop's handles refer to it
  bool in_turn_ = false;
  bool stopped_ = false;    // the worker's last turn has run
  bool released_ = false;   // Release was called
  bool unwatched_ = false;  // Unwatch was called
  void* watch_ = nullptr;   // the platform's handles
};

}  // namespace iocptcp
