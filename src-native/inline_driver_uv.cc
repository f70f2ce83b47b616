// The inline driver's watch on Linux: a uv_poll on the backend's ReadyFd (the
// epoll set, the io_uring ring), and a uv_timer for the tick and for turns
// asked for outside one. Both on Node's own loop: no thread, no wake-up
// crossing threads.
#ifndef _WIN32
#include <uv.h>

#include "inline_driver.h"

namespace iocptcp {
namespace {

struct UvWatch {
  uv_poll_t poll;
  uv_timer_t timer;
  int open = 0;  // handles not closed yet
};

InlineDriver* DriverOf(uv_handle_t* handle) { return static_cast<InlineDriver*>(uv_handle_get_data(handle)); }

void OnReady(uv_poll_t* poll, int, int) { DriverOf(reinterpret_cast<uv_handle_t*>(poll))->RunTurn(); }
void OnTimer(uv_timer_t* timer) { DriverOf(reinterpret_cast<uv_handle_t*>(timer))->RunTurn(); }

}  // namespace

bool InlineDriver::Watch(std::string* error) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env_, &loop) != napi_ok) return false;
  int fd = worker_->backend()->ReadyFd();
  auto* watch = new UvWatch();
  int rc = uv_poll_init(loop, &watch->poll, fd);
  if (rc != 0) {
    *error = std::string("uv_poll_init on the backend's descriptor: ") + uv_strerror(rc);
    delete watch;
    return false;
  }
  uv_timer_init(loop, &watch->timer);
  watch->open = 2;
  for (uv_handle_t* handle : {reinterpret_cast<uv_handle_t*>(&watch->poll), reinterpret_cast<uv_handle_t*>(&watch->timer)}) {
    uv_handle_set_data(handle, this);
  }
  uv_poll_start(&watch->poll, UV_READABLE, OnReady);
  uv_timer_start(&watch->timer, OnTimer, kTickMs, kTickMs);
  watch_ = watch;
  return true;
}

void InlineDriver::TurnSoon() {
  auto* watch = static_cast<UvWatch*>(watch_);
  uv_timer_start(&watch->timer, OnTimer, 0, kTickMs);
}

void InlineDriver::RefWatch(bool on) {
  auto* watch = static_cast<UvWatch*>(watch_);
  for (uv_handle_t* handle : {reinterpret_cast<uv_handle_t*>(&watch->poll), reinterpret_cast<uv_handle_t*>(&watch->timer)}) {
    if (on) {
      uv_ref(handle);
    } else {
      uv_unref(handle);
    }
  }
}

// The descriptor closes with the engine, after the poll on it has closed.
void InlineDriver::Unwatch() {
  auto* watch = static_cast<UvWatch*>(watch_);
  auto closed = [](uv_handle_t* handle) {
    InlineDriver* driver = DriverOf(handle);
    auto* watch = static_cast<UvWatch*>(driver->watch_);
    if (--watch->open > 0) return;
    delete watch;
    driver->Free();
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&watch->poll), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&watch->timer), closed);
}

}  // namespace iocptcp
#endif  // !_WIN32
