// Deliveries to JS (N-API glue): each batch of engine events becomes one call
// onEvents(records, extras, region), in either mode.
#pragma once

#include <node_api.h>

#include <functional>
#include <memory>

#include "engine.h"

namespace iocptcp {

// The engine and what its deliveries need on the JS thread.
struct EventSink {
  std::unique_ptr<Engine> engine;
  // What the engine's event queue calls when events wait: the threadsafe
  // function's call (threaded mode), or the inline driver's delivery.
  std::function<void()> wake;
  // The receive region: an ArrayBuffer JS owns, made once (and again when a
  // delivery needs more, or far less) and kept by a reference. Each
  // delivery's bytes are copied into it; JS copies every data event's bytes
  // out during the call, so it is free again when the call returns. No
  // external buffers: they are freed only by the GC, and some runtimes refuse them.
  napi_ref region = nullptr;
  size_t region_size = 0;
  // The records of a delivery: a Float64Array made once, the same way.
  napi_ref records = nullptr;
  size_t records_size = 0;  // numbers
};

// An engine for `options` whose events wake `sink->wake`; null with `error`.
EventSink* NewEventSink(const EngineOptions& options, std::string* error);
// Frees the sink, its engine (threads joined) and its region reference.
void DeleteEventSink(napi_env env, EventSink* sink);

// Delivers every queued event in one call: onEvents(records, count, extras,
// region), where records is a Float64Array whose first `count` records of
// kRecordSize numbers are the events (type, id, number, number2, errno, bytes
// sent), extras holds, in order, the remote and local address of each open,
// the error name of each failed accept and the remote address of each
// rejection (undefined when there are none), and region the ArrayBuffer
// holding the data events' bytes (record: offset, length). Records and
// region are the engine's, valid during the call only.
// With an `async_context` the call is napi_make_callback (nextTicks and
// microtasks run after it, as after a node:net callback; an exception that
// escapes is the process's uncaught exception), else napi_call_function.
void DeliverEvents(napi_env env, napi_value on_events, EventSink* sink, napi_async_context async_context);

// A new Float64Array of `count` numbers, or null when the environment is going.
napi_value NewFloat64Array(napi_env env, size_t count, double** data);

}  // namespace iocptcp
