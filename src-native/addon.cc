// N-API glue: the only file that includes node-addon-api. It validates
// arguments (TypeError at once), turns engine events into one JS call per
// batch, and owns the engine's lifetime.
//
// Built with NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (binding.gyp): while a
// worker thread is being terminated JS may still call a method whose N-API
// calls then fail, and node-addon-api would turn that into a fatal error for
// the whole process; with it the call just does nothing.
#include <napi.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "console.h"
#include "engine.h"

namespace iocptcp {
namespace {

constexpr int kRecordSize = 6;  // type, id, number, number2, err, bytes_sent

// A new Float64Array of `count` numbers, or null when the environment is going
// (plain N-API: see DeliverEvents).
napi_value NewFloat64Array(napi_env env, size_t count, double** data) {
  void* bytes = nullptr;
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, count * sizeof(double), &bytes, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, count, buffer, 0, &array) != napi_ok) {
    return nullptr;
  }
  *data = static_cast<double*>(bytes);
  return array;
}

// The engine and what its deliveries need on the JS thread; the threadsafe
// function's context, freed with it.
struct EventSink {
  std::unique_ptr<Engine> engine;
  // The receive region: an ArrayBuffer JS owns, made once (and again larger
  // when a delivery needs more) and kept by a reference. Each delivery's
  // bytes are copied into it; JS copies every data event's bytes out during
  // the call, so it is free again when the call returns. No external
  // buffers: they are freed only by the GC, and some runtimes refuse them.
  napi_ref region = nullptr;
  size_t region_size = 0;
};

// The region, at least `size` bytes, with its memory in `*data`; null when the
// environment is going. Made anew when too small, or far too large.
napi_value Region(napi_env env, EventSink* sink, size_t size, char** data) {
  constexpr size_t kMinRegion = 64 * 1024;
  napi_value region = nullptr;
  void* bytes = nullptr;
  bool oversized = sink->region_size > 16 * kMinRegion && size < sink->region_size / 8;
  if (sink->region != nullptr && size <= sink->region_size && !oversized) {
    if (napi_get_reference_value(env, sink->region, &region) != napi_ok ||
        napi_get_arraybuffer_info(env, region, &bytes, nullptr) != napi_ok) {
      return nullptr;
    }
  } else {
    // What this delivery needs, in 64 KiB steps: no doubling, so a burst
    // leaves no more behind than its own size.
    size_t grown = std::max(kMinRegion, (size + kMinRegion - 1) / kMinRegion * kMinRegion);
    if (napi_create_arraybuffer(env, grown, &bytes, &region) != napi_ok) return nullptr;
    if (sink->region != nullptr) napi_delete_reference(env, sink->region);
    if (napi_create_reference(env, region, 1, &sink->region) != napi_ok) {
      sink->region = nullptr;
      sink->region_size = 0;
      return nullptr;
    }
    sink->region_size = grown;
  }
  *data = static_cast<char*>(bytes);
  return region;
}

// onEvents(records, extras, region) with one delivery; false when a call failed.
bool CallWithBatch(napi_env env, napi_value on_events, EventSink* sink, Delivery& delivery) {
  const std::vector<Event>& events = delivery.events;
  // The blocks one after the other in the region: where each one starts.
  std::vector<size_t> starts;
  size_t total = 0;
  for (const ByteBlock& block : delivery.blocks) {
    starts.push_back(total);
    total += block.size();
  }
  napi_value region = nullptr;
  if (total > 0) {
    char* bytes = nullptr;
    region = Region(env, sink, total, &bytes);
    if (region == nullptr) return false;
    for (size_t i = 0; i < delivery.blocks.size(); ++i) {
      std::copy(delivery.blocks[i].begin(), delivery.blocks[i].end(), bytes + starts[i]);
    }
  }
  double* numbers = nullptr;
  napi_value records = NewFloat64Array(env, events.size() * kRecordSize, &numbers);
  napi_value extras, receiver;
  if (records == nullptr || napi_create_array(env, &extras) != napi_ok || napi_get_undefined(env, &receiver) != napi_ok ||
      (region == nullptr && napi_get_undefined(env, &region) != napi_ok)) {
    return false;
  }
  uint32_t extra_count = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    double* record = numbers + i * kRecordSize;
    bool data = event.type == EventType::kData;
    record[0] = static_cast<double>(event.type);
    record[1] = static_cast<double>(event.id);
    record[2] = data ? static_cast<double>(starts[event.block]) + event.number : event.number;
    record[3] = event.number2;
    record[4] = event.err;
    record[5] = static_cast<double>(event.bytes_sent);
    napi_value extra = nullptr;
    napi_status status = napi_ok;
    if (event.type == EventType::kOpen || event.type == EventType::kAcceptFailed || event.type == EventType::kRejected) {
      status = napi_create_string_utf8(env, event.text.data(), event.text.size(), &extra);
    }
    if (status != napi_ok || (extra != nullptr && napi_set_element(env, extras, extra_count++, extra) != napi_ok)) {
      return false;
    }
    if (event.type == EventType::kOpen &&
        (napi_create_string_utf8(env, event.text2.data(), event.text2.size(), &extra) != napi_ok ||
         napi_set_element(env, extras, extra_count++, extra) != napi_ok)) {
      return false;
    }
  }
  napi_value argv[] = {records, extras, region};
  return napi_call_function(env, receiver, on_events, 3, argv, nullptr) == napi_ok;
}

// Delivers every queued event in one call: onEvents(records, extras, region),
// where records is a Float64Array of kRecordSize numbers per event, extras
// holds, in order, the remote and local address of each open, the error name
// of each failed accept and the remote address of each rejection, and region
// the ArrayBuffer holding the data events' bytes (record: offset, length),
// valid during the call only.
//
// Plain N-API here, not node-addon-api: while a worker thread is being
// terminated every call fails, and node-addon-api turns a failure into an
// error to throw, whose creation fails as well: a fatal error that ends the
// whole process. A failed call means the environment is going: drop the batch.
void DeliverEvents(Napi::Env env, Napi::Function on_events, EventSink* sink, void*) {
  if (env == nullptr) return;  // torn down: nothing to deliver to
  Delivery delivery = sink->engine->events().TakeAll();
  if (delivery.events.empty()) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  CallWithBatch(env, on_events, sink, delivery);
  sink->engine->events().Recycle(std::move(delivery));
  napi_close_handle_scope(env, scope);
}

void FinalizeSink(Napi::Env env, void*, EventSink* sink) {
  if (env != nullptr && sink->region != nullptr) napi_delete_reference(env, sink->region);
  delete sink;
}

using EventsFunction = Napi::TypedThreadSafeFunction<EventSink, void, DeliverEvents>;

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Engine",
                       {InstanceMethod<&EngineWrap::Listen>("listen"),
                        InstanceMethod<&EngineWrap::Submit>("submit"),
                        InstanceMethod<&EngineWrap::SetNoDelay>("setNoDelay"),
                        InstanceMethod<&EngineWrap::SetKeepAlive>("setKeepAlive"),
                        InstanceMethod<&EngineWrap::SetTimeout>("setTimeout"),
                        InstanceMethod<&EngineWrap::Ref>("ref"),
                        InstanceMethod<&EngineWrap::ReportRejections>("reportRejections"),
                        InstanceMethod<&EngineWrap::Close>("close"),
                        InstanceMethod<&EngineWrap::Join>("join"),
                        InstanceMethod<&EngineWrap::Stats>("stats"),
                        InstanceAccessor<&EngineWrap::Backend>("backend")});
  }

  // new Engine({ backend, ioThreads, handler, writeHighWater, maxConnections, idleTimeoutMs,
  //              bufferBudgetBytes, bufferBudgetGraceMs, noDelay, keepAlive: [enable, idleS, intervalS, probes] },
  //            onEvents)
  explicit EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "Engine(options, onEvents): expected an object and a function")
          .ThrowAsJavaScriptException();
      return;
    }
    EngineOptions options;
    if (!ReadOptions(info[0].As<Napi::Object>(), &options)) return;
    auto* sink = new EventSink();
    sink->engine = std::make_unique<Engine>(options, [this] { events_.NonBlockingCall(); });
    std::string error;
    if (!sink->engine->Init(&error)) {
      delete sink;
      Napi::Error failure = Napi::Error::New(env, "cannot start backend " + error);
      failure.Set("code", Napi::String::New(env, "ERR_IOCP_TCP_BACKEND"));
      failure.ThrowAsJavaScriptException();
      return;
    }
    engine_ = sink->engine.get();
    events_ = EventsFunction::New(env, info[1].As<Napi::Function>(), "iocp-tcp events", 0, 1,
                                  sink, FinalizeSink, static_cast<void*>(nullptr));
    backend_name_ = engine_->BackendName();
    // Stop the threads before the environment goes (process exit, worker_threads).
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
  }

  ~EngineWrap() override {
    napi_remove_env_cleanup_hook(Env(), OnEnvCleanup, this);
    Shutdown();
  }

 private:
  bool ReadOptions(Napi::Object object, EngineOptions* options) {
    Napi::Env env = object.Env();
    Napi::Value backend = object.Get("backend"), threads = object.Get("ioThreads");
    Napi::Value handler = object.Get("handler"), high_water = object.Get("writeHighWater");
    if (!backend.IsString() || !threads.IsNumber() || !handler.IsString() || !high_water.IsNumber()) {
      Napi::TypeError::New(env, "Engine options need backend, ioThreads, handler, writeHighWater")
          .ThrowAsJavaScriptException();
      return false;
    }
    int thread_count = threads.As<Napi::Number>().Int32Value();
    if (thread_count < 1 || thread_count > (1 << Engine::kWorkerBits)) {
      Napi::RangeError::New(env, "ioThreads must be from 1 to 64").ThrowAsJavaScriptException();
      return false;
    }
    options->backend = backend.As<Napi::String>().Utf8Value();
    options->io_threads = thread_count;
    options->handler = handler.As<Napi::String>().Utf8Value() == "echo" ? HandlerKind::kEcho : HandlerKind::kJs;
    options->write_high_water = static_cast<size_t>(high_water.As<Napi::Number>().Int64Value());
    options->max_connections = object.Get("maxConnections").ToNumber().Int64Value();
    options->idle_timeout_ms = object.Get("idleTimeoutMs").ToNumber().Int64Value();
    Napi::Value budget = object.Get("bufferBudgetBytes"), grace = object.Get("bufferBudgetGraceMs");
    if (!budget.IsUndefined()) options->buffer_budget = budget.ToNumber().Int64Value();
    if (!grace.IsUndefined()) options->buffer_budget_grace_ms = grace.ToNumber().Int64Value();
    Napi::Value no_delay = object.Get("noDelay");
    if (no_delay.IsBoolean()) options->no_delay = no_delay.As<Napi::Boolean>().Value();
    Napi::Value keep_alive = object.Get("keepAlive");
    if (keep_alive.IsArray()) options->keep_alive = ReadKeepAlive(keep_alive.As<Napi::Array>(), 0);
    return true;
  }

  // [enable, idleS, intervalS, probes] from `values` starting at `first` (validated in JS).
  template <typename Values>
  static KeepAlive ReadKeepAlive(const Values& values, uint32_t first) {
    KeepAlive keep_alive;
    auto number = [&](uint32_t i) {
      Napi::Value value = values[first + i];
      return value.IsNumber() ? value.As<Napi::Number>().Int32Value() : 0;
    };
    keep_alive.enable = number(0) != 0;
    keep_alive.idle_s = number(1);
    keep_alive.interval_s = number(2);
    keep_alive.probes = number(3);
    return keep_alive;
  }

  static void OnEnvCleanup(void* self) { static_cast<EngineWrap*>(self)->Shutdown(); }

  // Stops everything without waiting for connections: process or object teardown.
  void Shutdown() {
    if (engine_ == nullptr) return;
    engine_->Close(0);
    engine_->Join();
    last_ = engine_->Snapshot();
    engine_ = nullptr;
    events_.Release();  // its finalizer deletes the engine (FinalizeSink)
  }

  bool Running(Napi::Env env) {
    if (engine_ != nullptr) return true;
    Napi::Error::New(env, "the engine has been stopped").ThrowAsJavaScriptException();
    return false;
  }

  Napi::Value Listen(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString() || !info[1].IsNumber()) {
      Napi::TypeError::New(env, "listen(host, port): expected a string and a number").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (!Running(env)) return env.Undefined();
    std::string syscall;
    int error = engine_->Listen(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Number>().Int32Value(),
                                &syscall);
    if (error != 0) {
      std::string code = ErrorName(error);
      Napi::Error failure = Napi::Error::New(env, syscall + " " + code + " " + info[0].As<Napi::String>().Utf8Value() +
                                                      ":" + std::to_string(info[1].As<Napi::Number>().Int32Value()));
      failure.Set("code", Napi::String::New(env, code));
      failure.Set("errno", Napi::Number::New(env, error));
      failure.Set("syscall", Napi::String::New(env, syscall));
      failure.ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Object address = Napi::Object::New(env);
    address.Set("address", engine_->address());
    address.Set("port", engine_->port());
    address.Set("family", engine_->family() == 6 ? "IPv6" : "IPv4");
    return address;
  }

  // submit(commands, payloads, acks): what JS did in one tick, in order.
  // commands: a Float64Array of (kind, id, flag, cause) quads, kind 0 write
  // (flag: notify drain), 1 end (flag: notify drain; cause: local_close or
  // idle_timeout), 2 destroy (cause: local_abort, handler_error or
  // idle_timeout), 3 pause, 4 resume; payloads: the Buffer of each write and
  // end (undefined for none), by command index; acks: (id, bytes) pairs of
  // data JS has taken. A cause of -1 means the default.
  Napi::Value Submit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!IsFloat64Array(info[0]) || !info[1].IsArray() || !IsFloat64Array(info[2])) {
      Napi::TypeError::New(env, "submit(commands, payloads, acks): expected a Float64Array, an Array and a Float64Array")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (!Running(env)) return env.Undefined();
    auto quads = info[0].As<Napi::Float64Array>();
    auto payloads = info[1].As<Napi::Array>();
    static constexpr Command::Type kKinds[] = {Command::kWrite, Command::kEnd, Command::kDestroy, Command::kPause,
                                              Command::kResume};
    std::vector<Command> commands;
    commands.reserve(quads.ElementLength() / 4);
    for (size_t i = 0; i + 3 < quads.ElementLength(); i += 4) {
      auto kind = static_cast<size_t>(quads[i]);
      if (kind >= std::size(kKinds)) continue;
      Command command{kKinds[kind], static_cast<uint64_t>(quads[i + 1])};
      command.notify_drain = quads[i + 2] != 0;
      command.cause = ReadCause(quads[i + 3], kind == 1 ? Cause::kLocalClose : Cause::kLocalAbort);
      napi_value payload;
      bool is_buffer = false;
      // Plain N-API (no coercion, no exceptions): see DeliverEvents.
      if ((kind == 0 || kind == 1) && napi_get_element(env, payloads, static_cast<uint32_t>(i / 4), &payload) == napi_ok &&
          napi_is_buffer(env, payload, &is_buffer) == napi_ok && is_buffer) {
        void* data = nullptr;
        size_t length = 0;
        if (napi_get_buffer_info(env, payload, &data, &length) == napi_ok && length > 0) {
          // The one copy of a write: into the chunk the I/O thread will queue and send.
          command.data.reset(Chunk::New(length));
          std::copy_n(static_cast<const char*>(data), length, command.data->bytes());
          command.data->end = length;
        }
      }
      commands.push_back(std::move(command));
    }
    auto pairs = info[2].As<Napi::Float64Array>();
    std::vector<uint64_t> acks(pairs.Data(), pairs.Data() + pairs.ElementLength());
    engine_->Submit(std::move(commands), acks);
    return env.Undefined();
  }

  static bool IsFloat64Array(Napi::Value value) {
    return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array;
  }

  // A cause index JS may give for its own close, else `otherwise`.
  static Cause ReadCause(double value, Cause otherwise) {
    if (!(value >= 0 && value < static_cast<double>(Cause::kCount))) return otherwise;
    auto cause = static_cast<Cause>(static_cast<int>(value));
    bool allowed = cause == Cause::kLocalClose || cause == Cause::kLocalAbort || cause == Cause::kHandlerError ||
                   cause == Cause::kIdleTimeout;
    return allowed ? cause : otherwise;
  }

  // Reads the connection id argument; false after throwing a TypeError.
  bool ReadId(const Napi::CallbackInfo& info, uint64_t* id) {
    if (!info[0].IsNumber()) {
      Napi::TypeError::New(info.Env(), "expected a connection id").ThrowAsJavaScriptException();
      return false;
    }
    *id = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
    return Running(info.Env());
  }

  // setNoDelay(id, on)
  Napi::Value SetNoDelay(const Napi::CallbackInfo& info) {
    uint64_t id;
    if (ReadId(info, &id)) {
      Command command{Command::kNoDelay};
      command.flag = info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
      engine_->Post(id, std::move(command));
    }
    return info.Env().Undefined();
  }

  // setKeepAlive(id, enable, idleS, intervalS, probes)
  Napi::Value SetKeepAlive(const Napi::CallbackInfo& info) {
    uint64_t id;
    if (ReadId(info, &id)) {
      Command command{Command::kKeepAlive};
      command.keep_alive = ReadKeepAlive(info, 1);
      engine_->Post(id, std::move(command));
    }
    return info.Env().Undefined();
  }

  // setTimeout(id, ms): a kTimeout event after ms without traffic; 0 = off.
  Napi::Value SetTimeout(const Napi::CallbackInfo& info) {
    uint64_t id;
    if (ReadId(info, &id)) {
      Command command{Command::kTimeout};
      command.timeout_ms = info[1].IsNumber() ? std::max<int64_t>(0, info[1].As<Napi::Number>().Int64Value()) : 0;
      engine_->Post(id, std::move(command));
    }
    return info.Env().Undefined();
  }

  // reportRejections(on): a rejected event per connection reset for maxConnections.
  Napi::Value ReportRejections(const Napi::CallbackInfo& info) {
    if (engine_ != nullptr) engine_->ReportRejections(info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value());
    return info.Env().Undefined();
  }

  // ref(on): whether the engine keeps the event loop (and so the process) alive.
  Napi::Value Ref(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (engine_ != nullptr) {
      if (info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value()) {
        events_.Ref(env);
      } else {
        events_.Unref(env);
      }
    }
    return env.Undefined();
  }

  // close(drainMs): stop accepting now; the 'stopped' event follows the drain.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (!info[0].IsNumber()) {
      Napi::TypeError::New(info.Env(), "close(drainMs): expected a number").ThrowAsJavaScriptException();
    } else if (Running(info.Env())) {
      engine_->Close(static_cast<uint32_t>(std::max<int64_t>(0, info[0].As<Napi::Number>().Int64Value())));
    }
    return info.Env().Undefined();
  }

  // join(): after the 'stopped' event; frees the threads and lets the process exit.
  Napi::Value Join(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  // stats(): Float64Array [accepted, acceptErrors, rejectedMaxConnections,
  // receivedBytes, sentBytes, bufferedBytes, overBudgetSeconds,
  // recvBuffersExhausted, ...disconnects by cause, then per I/O thread:
  // accepted, closed].
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    constexpr size_t kCauses = static_cast<size_t>(Cause::kCount);
    if (engine_ != nullptr) last_ = engine_->Snapshot();
    size_t threads = last_.thread_accepted.size();
    constexpr size_t kFirstCause = 8;
    double* out = nullptr;
    napi_value stats = NewFloat64Array(env, kFirstCause + kCauses + 2 * threads, &out);
    if (stats == nullptr) return Napi::Value();
    out[0] = static_cast<double>(last_.accepted);
    out[1] = static_cast<double>(last_.accept_errors);
    out[2] = static_cast<double>(last_.rejected_max_connections);
    out[3] = static_cast<double>(last_.received_bytes);
    out[4] = static_cast<double>(last_.sent_bytes);
    out[5] = static_cast<double>(last_.buffered_bytes);
    out[6] = last_.over_budget_seconds;
    out[7] = static_cast<double>(last_.recv_buffers_exhausted);
    for (size_t i = 0; i < kCauses; ++i) out[kFirstCause + i] = static_cast<double>(last_.disconnects[i]);
    for (size_t t = 0; t < threads; ++t) {
      out[kFirstCause + kCauses + 2 * t] = static_cast<double>(last_.thread_accepted[t]);
      out[kFirstCause + kCauses + 2 * t + 1] = static_cast<double>(last_.thread_closed[t]);
    }
    return Napi::Value(env, stats);
  }

  Napi::Value Backend(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), backend_name_);
  }

  Engine* engine_ = nullptr;  // owned by the EventSink of events_
  EventsFunction events_;
  CounterSnapshot last_;  // kept for scrapes after the engine stopped
  std::string backend_name_;
};

void StopConsoleNotify(void* held) {
  StopWatchingConsole();
  auto* notify = static_cast<Napi::ThreadSafeFunction*>(held);
  notify->Release();
  delete notify;
}

// watchConsoleStop(callback): on Windows, callback(eventName) for console
// control events (see console.h); returns false where there are none.
Napi::Value WatchConsoleStopJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) {
    Napi::TypeError::New(env, "watchConsoleStop(callback): expected a function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto notify = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "iocp-tcp console", 0, 1);
  notify.Unref(env);  // waiting for a console event must not keep the process alive
  bool watching = WatchConsoleStop([notify](const char* name) mutable {
    notify.BlockingCall([name](Napi::Env js_env, Napi::Function callback) {
      // Plain N-API, for the reason given at DeliverEvents.
      napi_value receiver, event;
      if (napi_get_undefined(js_env, &receiver) == napi_ok && napi_create_string_utf8(js_env, name, NAPI_AUTO_LENGTH, &event) == napi_ok) {
        napi_call_function(js_env, receiver, callback, 1, &event, nullptr);
      }
    });
  });
  if (!watching) {
    notify.Release();
  } else {
    // Before the environment goes, stop calling into it, then let go.
    auto* held = new Napi::ThreadSafeFunction(notify);
    napi_add_env_cleanup_hook(env, StopConsoleNotify, held);
  }
  return Napi::Boolean::New(env, watching);
}

// consoleStopLimits(): { close, logoff, shutdown } in ms (see console.h); null where there are none.
Napi::Value ConsoleStopLimitsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConsoleStopLimits limits = ReadConsoleStopLimits();
  if (limits.close_ms == 0 && limits.logoff_ms == 0 && limits.shutdown_ms == 0) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("close", static_cast<double>(limits.close_ms));
  out.Set("logoff", static_cast<double>(limits.logoff_ms));
  out.Set("shutdown", static_cast<double>(limits.shutdown_ms));
  return out;
}

// Tests only, and only with IOCP_TCP_TEST_CONSOLE_EVENTS=1 (see Init):
// testCallConsoleHandler(eventName, onReturn) calls the console handler from a
// new thread, as Windows does, and onReturn(result) if that call returns.
Napi::Value TestCallConsoleHandlerJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsFunction()) {
    Napi::TypeError::New(env, "testCallConsoleHandler(eventName, onReturn): expected a string and a function")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto on_return = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "iocp-tcp console test", 0, 1);
  on_return.Unref(env);  // a handler that never returns must not keep the process alive
  std::thread([name = info[0].As<Napi::String>().Utf8Value(), on_return]() mutable {
    bool result = CallConsoleHandlerForTest(name.c_str());
    on_return.BlockingCall([result](Napi::Env js_env, Napi::Function callback) {
      // Plain N-API, for the reason given at DeliverEvents.
      napi_value receiver, returned;
      if (napi_get_undefined(js_env, &receiver) == napi_ok && napi_get_boolean(js_env, result, &returned) == napi_ok) {
        napi_call_function(js_env, receiver, callback, 1, &returned, nullptr);
      }
    });
    on_return.Release();
  }).detach();
  return env.Undefined();
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Engine", EngineWrap::Define(env));
  Napi::Array causes = Napi::Array::New(env);
  for (int i = 0; i < static_cast<int>(Cause::kCount); ++i) causes.Set(i, CauseName(static_cast<Cause>(i)));
  exports.Set("causes", causes);
  exports.Set("watchConsoleStop", Napi::Function::New(env, WatchConsoleStopJs, "watchConsoleStop"));
  exports.Set("consoleStopLimits", Napi::Function::New(env, ConsoleStopLimitsJs, "consoleStopLimits"));
  if (ConsoleTestEntryEnabled()) {
    exports.Set("testCallConsoleHandler", Napi::Function::New(env, TestCallConsoleHandlerJs, "testCallConsoleHandler"));
  }
  return exports;
}

}  // namespace iocptcp

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return iocptcp::Init(env, exports); }
NODE_API_MODULE(iocp_tcp, InitAddon)
