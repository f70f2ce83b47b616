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
#include "delivery.h"
#include "engine.h"
#include "inline_driver.h"
#include "tls.h"

namespace iocptcp {
namespace {

// Threaded mode: the I/O threads wake JS through a threadsafe function, whose
// calls deliver what has queued up since the last one.
void DeliverThreaded(Napi::Env env, Napi::Function on_events, EventSink* sink, void*) {
  if (env != nullptr) DeliverEvents(env, on_events, sink, nullptr);  // else torn down: nothing to deliver to
}

void FinalizeSink(Napi::Env env, void*, EventSink* sink) { DeleteEventSink(env, sink); }

using EventsFunction = Napi::TypedThreadSafeFunction<EventSink, void, DeliverThreaded>;

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
                        InstanceMethod<&EngineWrap::SetTls>("setTls"),
                        InstanceMethod<&EngineWrap::TlsNotAfter>("tlsNotAfter"),
                        InstanceMethod<&EngineWrap::Close>("close"),
                        InstanceMethod<&EngineWrap::Join>("join"),
                        InstanceMethod<&EngineWrap::Stats>("stats"),
                        InstanceAccessor<&EngineWrap::Backend>("backend")});
  }

  // new Engine({ backend, ioThreads, handler, inline, writeHighWater, maxConnections, idleTimeoutMs,
  //              bufferBudgetBytes, bufferBudgetGraceMs, noDelay, keepAlive: [enable, idleS, intervalS, probes],
  //              tls: { cert, key, pfx, passphrase, sni: [{ servername, cert, key, pfx, passphrase }], minVersion,
  //                     maxVersion, ciphers, ciphersuites, alpn, ca, requestCert, rejectUnauthorized,
  //                     handshakeTimeoutMs } (as src/tls.ts EngineTlsOptions; checked there) },
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
    std::string error;
    EventSink* sink = NewEventSink(options, &error);
    if (sink == nullptr) {
      Napi::Error failure = Napi::Error::New(env, "cannot start backend " + error);
      failure.Set("code", Napi::String::New(env, "ERR_IOCP_TCP_BACKEND"));
      failure.ThrowAsJavaScriptException();
      return;
    }
    engine_ = sink->engine.get();
    if (options.inline_mode) {
      sink_ = sink;  // the inline driver's once listening
      on_events_ = Napi::Persistent(info[1].As<Napi::Function>());
    } else {
      events_ = EventsFunction::New(env, info[1].As<Napi::Function>(), "iocp-tcp events", 0, 1,
                                    sink, FinalizeSink, static_cast<void*>(nullptr));
      sink->wake = [events = events_]() mutable { events.NonBlockingCall(); };
    }
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
    Napi::Value inline_mode = object.Get("inline");
    options->inline_mode = inline_mode.IsBoolean() && inline_mode.As<Napi::Boolean>().Value();
    if (options->inline_mode && (options->handler != HandlerKind::kJs || thread_count != 1)) {
      Napi::TypeError::New(env, "inline mode runs a JS handler on the one JS thread: handler js, ioThreads 1")
          .ThrowAsJavaScriptException();
      return false;
    }
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
    Napi::Value tls = object.Get("tls");
    if (!tls.IsObject()) return true;
    options->tls = MakeTls(tls.As<Napi::Object>());
    return options->tls != nullptr;
  }

  // tlsNotAfter(): when the certificate new connections get expires, in Unix seconds.
  Napi::Value TlsNotAfter(const Napi::CallbackInfo& info) {
    std::shared_ptr<TlsContext> tls = engine_ != nullptr ? engine_->tls() : nullptr;
    if (!tls) return info.Env().Null();
    return Napi::Number::New(info.Env(), static_cast<double>(tls->not_after_s()));
  }

  // setTls({ cert, key, ... }): new connections get this certificate (open ones keep theirs).
  Napi::Value SetTls(const Napi::CallbackInfo& info) {
    if (engine_ == nullptr || !engine_->tls() || !info[0].IsObject()) {
      Napi::TypeError::New(info.Env(), "setTls: a TLS engine and an options object").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    if (std::shared_ptr<TlsContext> context = MakeTls(info[0].As<Napi::Object>())) engine_->ReplaceTls(std::move(context));
    return info.Env().Undefined();
  }

  static std::string Text(Napi::Object object, const char* name) {
    Napi::Value value = object.Get(name);
    return value.IsString() ? value.As<Napi::String>().Utf8Value() : std::string();
  }

  // { cert, key, passphrase } in PEM, or { pfx (a Buffer), passphrase }.
  static TlsCredentials ReadCredentials(Napi::Object object) {
    TlsCredentials credentials;
    credentials.cert_pem = Text(object, "cert");
    credentials.key_pem = Text(object, "key");
    credentials.passphrase = Text(object, "passphrase");
    Napi::Value pfx = object.Get("pfx");
    if (pfx.IsBuffer()) {
      Napi::Buffer<char> bytes = pfx.As<Napi::Buffer<char>>();
      credentials.pfx.assign(bytes.Data(), bytes.Length());
    }
    return credentials;
  }

  // The context is made on the JS thread: a key or certificate OpenSSL
  // refuses throws ERR_IOCP_TCP_TLS with OpenSSL's reason (null returned).
  static std::shared_ptr<TlsContext> MakeTls(Napi::Object object) {
    TlsOptions tls;
    auto text = [&](const char* name) { return Text(object, name); };
    tls.credentials = ReadCredentials(object);
    Napi::Value by_servername = object.Get("sni");
    if (by_servername.IsArray()) {
      Napi::Array entries = by_servername.As<Napi::Array>();
      for (uint32_t i = 0; i < entries.Length(); ++i) {
        Napi::Object entry = entries.Get(i).As<Napi::Object>();
        tls.by_servername.emplace_back(Text(entry, "servername"), ReadCredentials(entry));
      }
    }
    tls.min_version = text("minVersion");
    tls.max_version = text("maxVersion");
    tls.ciphers = text("ciphers");
    tls.ciphersuites = text("ciphersuites");
    tls.ca_pem = text("ca");
    tls.request_cert = object.Get("requestCert").ToBoolean().Value();
    tls.reject_unauthorized = object.Get("rejectUnauthorized").ToBoolean().Value();
    Napi::Value alpn = object.Get("alpn");
    if (alpn.IsArray()) {
      Napi::Array protocols = alpn.As<Napi::Array>();
      for (uint32_t i = 0; i < protocols.Length(); ++i) tls.alpn.push_back(protocols.Get(i).ToString().Utf8Value());
    }
    tls.handshake_timeout_ms = object.Get("handshakeTimeoutMs").ToNumber().Int64Value();
    std::string error;
    std::shared_ptr<TlsContext> context = TlsContext::Create(tls, &error);
    if (context) return context;
    Napi::Error failure = Napi::Error::New(object.Env(), "TLS: " + error);
    failure.Set("code", Napi::String::New(object.Env(), "ERR_IOCP_TCP_TLS"));
    failure.ThrowAsJavaScriptException();
    return nullptr;
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

  // Stops everything without waiting for connections: after the 'stopped'
  // event, or at process or object teardown.
  void Shutdown() {
    if (engine_ == nullptr) return;
    if (driver_ != nullptr) {
      last_ = engine_->Snapshot();
      engine_ = nullptr;
      driver_->Release();  // stops what still runs, frees the engine once the loop lets go
      driver_.reset();
      return;
    }
    engine_->Close(0);
    engine_->Join();
    last_ = engine_->Snapshot();
    engine_ = nullptr;
    if (sink_ != nullptr) {
      DeleteEventSink(Env(), sink_);  // inline, never listening
      sink_ = nullptr;
    } else {
      events_.Release();  // its finalizer deletes the engine (FinalizeSink)
    }
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
    if (sink_ != nullptr) {
      std::string why;
      driver_ = InlineDriver::Start(env, sink_, on_events_.Value(), &why);
      if (driver_ == nullptr) {
        Napi::Error failure = Napi::Error::New(env, "cannot drive the engine from the event loop: " + why);
        failure.Set("code", Napi::String::New(env, "ERR_IOCP_TCP_BACKEND"));
        failure.ThrowAsJavaScriptException();
        return env.Undefined();
      }
      sink_ = nullptr;
      on_events_.Reset();
      driver_->Ref(refed_);
    }
    Napi::Object address = Napi::Object::New(env);
    address.Set("address", engine_->address());
    address.Set("port", engine_->port());
    address.Set("family", engine_->family() == 6 ? "IPv6" : "IPv4");
    return address;
  }

  // submit(commands, count, payloads, acks, ackCount): what JS did in one
  // tick, in order. commands: a Float64Array whose first `count` (kind, id,
  // flags, cause) quads are the commands, kind 0 write, 1 end (cause:
  // local_close or idle_timeout), 2 destroy (cause: local_abort,
  // handler_error or idle_timeout), 3 pause, 4 resume; flags of a write or
  // end: 1 notify drain, 2 the bytes are in the receive region;
  // payloads: the Buffer of each write and end (undefined for none), by
  // command index; acks: a Float64Array whose first `ackCount` (id, bytes)
  // pairs are data JS has taken (threaded mode). A cause of -1 means the
  // default. What is needed is taken during the call.
  Napi::Value Submit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!IsFloat64Array(info[0]) || !info[1].IsNumber() || !info[2].IsArray() || !IsFloat64Array(info[3]) ||
        !info[4].IsNumber()) {
      Napi::TypeError::New(env, "submit(commands, count, payloads, acks, ackCount): expected a Float64Array, a number, "
                                "an Array, a Float64Array and a number")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (!Running(env)) return env.Undefined();
    auto quads = info[0].As<Napi::Float64Array>();
    size_t count = std::min<size_t>(info[1].As<Napi::Number>().Uint32Value(), quads.ElementLength() / 4);
    auto payloads = info[2].As<Napi::Array>();
    static constexpr Command::Type kKinds[] = {Command::kWrite, Command::kEnd, Command::kDestroy, Command::kPause,
                                              Command::kResume};
    commands_.reserve(count);
    for (size_t c = 0; c < count; ++c) {
      const double* quad = quads.Data() + 4 * c;
      auto kind = static_cast<size_t>(quad[0]);
      if (!(quad[0] >= 0) || kind >= std::size(kKinds)) continue;
      Command command{kKinds[kind], static_cast<uint64_t>(quad[1])};
      // Flag bits: 1 a drain event wanted, 2 the bytes are in the receive region.
      int flags = quad[2] >= 0 && quad[2] <= 3 ? static_cast<int>(quad[2]) : 0;
      command.notify_drain = (flags & 1) != 0;
      command.cause = ReadCause(quad[3], kind == 1 ? Cause::kLocalClose : Cause::kLocalAbort);
      if (kind == 0 || kind == 1) TakePayload(env, payloads, static_cast<uint32_t>(c), (flags & 2) != 0, &command);
      commands_.push_back(std::move(command));
    }
    auto pairs = info[3].As<Napi::Float64Array>();
    size_t pair_count = std::min<size_t>(info[4].As<Napi::Number>().Uint32Value(), pairs.ElementLength() / 2);
    std::vector<uint64_t> acks(pairs.Data(), pairs.Data() + 2 * pair_count);
    engine_->Submit(commands_, acks);
    return env.Undefined();
  }

  // A write's bytes for the engine: inline, small ones are copied into the
  // send queue as the command runs, larger ones sent from the Buffer itself,
  // held by a reference until they are gone — unless they are in the receive
  // region (`in_region`: a borrowed 'data' view), which the next delivery
  // overwrites; threaded, a copy (the I/O thread cannot let go of a
  // reference). Plain N-API (no coercion, no exceptions): see DeliverEvents.
  void TakePayload(napi_env env, napi_value payloads, uint32_t index, bool in_region, Command* command) {
    constexpr size_t kBorrowFrom = 16 * 1024;
    napi_value payload;
    bool is_buffer = false;
    void* data = nullptr;
    size_t length = 0;
    if (napi_get_element(env, payloads, index, &payload) != napi_ok || napi_is_buffer(env, payload, &is_buffer) != napi_ok ||
        !is_buffer || napi_get_buffer_info(env, payload, &data, &length) != napi_ok || length == 0) {
      return;
    }
    const char* bytes = static_cast<const char*>(data);
    if (!engine_->options().inline_mode) {
      command->data.reset(Chunk::New(length));
      std::copy_n(bytes, length, command->data->bytes());
      command->data->end = length;
      return;
    }
    napi_ref held;
    if (length < kBorrowFrom || in_region || napi_create_reference(env, payload, 1, &held) != napi_ok) {
      command->bytes = bytes;
      command->length = length;
      return;
    }
    auto* hold = new BufferHold{env, held};
    command->data.reset(Chunk::Borrow(bytes, length, ReleaseBuffer, hold));
  }

  // A written Buffer's reference, dropped once its bytes have gone (on the JS thread: inline mode).
  struct BufferHold {
    napi_env env;
    napi_ref ref;
  };
  static void ReleaseBuffer(void* arg) {
    auto* hold = static_cast<BufferHold*>(arg);
    napi_delete_reference(hold->env, hold->ref);
    delete hold;
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
    refed_ = info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
    if (engine_ == nullptr) return env.Undefined();
    if (driver_ != nullptr) {
      driver_->Ref(refed_);
    } else if (sink_ == nullptr) {
      if (refed_) {
        events_.Ref(env);
      } else {
        events_.Unref(env);
      }
    }  // else inline, not listening yet: the driver starts as refed_ says
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
  // recvBuffersExhausted, jsCalls, jsEvents, ...disconnects by cause, then
  // per I/O thread: accepted, closed].
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    constexpr size_t kCauses = static_cast<size_t>(Cause::kCount);
    if (engine_ != nullptr) last_ = engine_->Snapshot();
    size_t threads = last_.thread_accepted.size();
    constexpr size_t kFirstCause = 10;
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
    out[8] = static_cast<double>(last_.js_calls);
    out[9] = static_cast<double>(last_.js_events);
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

  Engine* engine_ = nullptr;  // the sink's
  // Threaded mode: the function the I/O threads call, which owns the sink.
  EventsFunction events_;
  // Inline mode: the sink and the listener until listen(), then the driver.
  EventSink* sink_ = nullptr;
  Napi::FunctionReference on_events_;
  std::shared_ptr<InlineDriver> driver_;
  bool refed_ = true;
  std::vector<Command> commands_;  // submit()'s, reused
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
