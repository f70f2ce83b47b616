// Deliveries to JS: see delivery.h. Plain N-API (no node-addon-api), for the
// reason given at DeliverEvents.
#include "delivery.h"

#include <algorithm>
#include <string>
#include <vector>

namespace iocptcp {
namespace {

constexpr int kRecordSize = 6;  // type, id, number, number2, err, bytes_sent

}  // namespace

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

namespace {

// Keeps `value` (of `size` units) by the reference in `*ref`, dropping the
// one it replaces; false, with nothing kept, when the environment is going.
bool Keep(napi_env env, napi_value value, size_t size, napi_ref* ref, size_t* kept_size) {
  if (*ref != nullptr) napi_delete_reference(env, *ref);
  bool kept = napi_create_reference(env, value, 1, ref) == napi_ok;
  if (!kept) *ref = nullptr;
  *kept_size = kept ? size : 0;
  return kept;
}

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
    if (napi_create_arraybuffer(env, grown, &bytes, &region) != napi_ok ||
        !Keep(env, region, grown, &sink->region, &sink->region_size)) {
      return nullptr;
    }
  }
  *data = static_cast<char*>(bytes);
  return region;
}

// The records array, at least `count` numbers, with its memory in `*data`:
// made once (and again, twice as large, when a delivery needs more), so that
// a delivery allocates nothing in JS but the strings of its extras.
napi_value Records(napi_env env, EventSink* sink, size_t count, double** data) {
  napi_value records = nullptr;
  if (sink->records != nullptr && count <= sink->records_size) {
    void* bytes = nullptr;
    if (napi_get_reference_value(env, sink->records, &records) != napi_ok ||
        napi_get_typedarray_info(env, records, nullptr, nullptr, &bytes, nullptr, nullptr) != napi_ok) {
      return nullptr;
    }
    *data = static_cast<double*>(bytes);
    return records;
  }
  size_t grown = std::max<size_t>(count, std::max<size_t>(2 * sink->records_size, 256 * kRecordSize));
  records = NewFloat64Array(env, grown, data);
  if (records == nullptr || !Keep(env, records, grown, &sink->records, &sink->records_size)) return nullptr;
  return records;
}

// Whether the event carries text for the extras (addresses, an error's name).
bool HasText(const Event& event) {
  return event.type == EventType::kOpen || event.type == EventType::kAcceptFailed || event.type == EventType::kRejected ||
         event.type == EventType::kHandshake;
}

// Appends `text` to the extras array.
bool AddText(napi_env env, napi_value extras, uint32_t* count, const std::string& text) {
  napi_value value;
  return napi_create_string_utf8(env, text.data(), text.size(), &value) == napi_ok &&
         napi_set_element(env, extras, (*count)++, value) == napi_ok;
}

// onEvents(records, count, extras, region) with one delivery; false when a call failed.
bool CallWithBatch(napi_env env, napi_value on_events, EventSink* sink, Delivery& delivery, napi_async_context async_context) {
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
  napi_value records = Records(env, sink, events.size() * kRecordSize, &numbers);
  napi_value extras = nullptr, receiver, count;
  bool texts = std::any_of(events.begin(), events.end(), HasText);
  if (records == nullptr || napi_get_undefined(env, &receiver) != napi_ok ||
      (texts ? napi_create_array(env, &extras) : napi_get_undefined(env, &extras)) != napi_ok ||
      napi_create_uint32(env, static_cast<uint32_t>(events.size()), &count) != napi_ok ||
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
    if (!HasText(event)) continue;
    if (!AddText(env, extras, &extra_count, event.text)) return false;
    if (event.type != EventType::kOpen) continue;
    // Then the local address, and on a TLS server what the handshake settled.
    if (!AddText(env, extras, &extra_count, event.text2)) return false;
    if (sink->engine->options().tls && !AddText(env, extras, &extra_count, event.text3)) return false;
  }
  napi_value argv[] = {records, count, extras, region};
  if (async_context == nullptr) return napi_call_function(env, receiver, on_events, 4, argv, nullptr) == napi_ok;
  // napi_make_callback wants an object for `this`.
  if (napi_get_global(env, &receiver) != napi_ok) return false;
  napi_status status = napi_make_callback(env, async_context, receiver, on_events, 4, argv, nullptr);
  if (status == napi_pending_exception) {
    // A bug in the dispatch itself (listeners' errors are caught there):
    // the process's uncaught exception, as from a node:net callback.
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
  return status == napi_ok;
}

}  // namespace

// Plain N-API here, not node-addon-api: while a worker thread is being
// terminated every call fails, and node-addon-api turns a failure into an
// error to throw, whose creation fails as well: a fatal error that ends the
// whole process. A failed call means the environment is going: drop the batch.
void DeliverEvents(napi_env env, napi_value on_events, EventSink* sink, napi_async_context async_context) {
  Delivery delivery = sink->engine->events().TakeAll();
  if (delivery.events.empty()) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) == napi_ok) {
    CallWithBatch(env, on_events, sink, delivery, async_context);
    napi_close_handle_scope(env, scope);
  }
  sink->engine->events().Recycle(std::move(delivery));
}

EventSink* NewEventSink(const EngineOptions& options, std::string* error) {
  auto* sink = new EventSink();
  sink->engine = std::make_unique<Engine>(options, [sink] {
    if (sink->wake) sink->wake();
  });
  if (sink->engine->Init(error)) return sink;
  delete sink;
  return nullptr;
}

void DeleteEventSink(napi_env env, EventSink* sink) {
  for (napi_ref ref : {sink->region, sink->records}) {
    if (env != nullptr && ref != nullptr) napi_delete_reference(env, ref);
  }
  delete sink;
}

}  // namespace iocptcp
