// Console control events (Windows); see console.h.
#ifdef _WIN32
#include <windows.h>

#include <mutex>
#endif

#include "console.h"

namespace iocptcp {

#ifdef _WIN32
namespace {

// The handler runs on a thread of the system's: the listener is guarded.
std::mutex listener_mutex;
std::function<void(const char*)> listener;

const char* EventName(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT: return "CTRL_C";
    case CTRL_BREAK_EVENT: return "CTRL_BREAK";
    case CTRL_CLOSE_EVENT: return "CTRL_CLOSE";
    case CTRL_LOGOFF_EVENT: return "CTRL_LOGOFF";
    case CTRL_SHUTDOWN_EVENT: return "CTRL_SHUTDOWN";
    default: return nullptr;
  }
}

BOOL WINAPI OnConsoleControl(DWORD type) {
  const char* name = EventName(type);
  if (name == nullptr) return FALSE;
  {
    std::lock_guard<std::mutex> lock(listener_mutex);
    if (!listener) return FALSE;
    listener(name);
  }
  if (type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT) {
    Sleep(INFINITE);  // returning would end the process before the drain
  }
  return TRUE;  // handled: libuv's handler (SIGINT emulation) is not called too
}

}  // namespace

bool WatchConsoleStop(std::function<void(const char*)> notify) {
  std::lock_guard<std::mutex> lock(listener_mutex);
  bool installed = static_cast<bool>(listener);
  listener = std::move(notify);
  return installed || SetConsoleCtrlHandler(OnConsoleControl, TRUE) != 0;
}

void StopWatchingConsole() {
  SetConsoleCtrlHandler(OnConsoleControl, FALSE);
  std::lock_guard<std::mutex> lock(listener_mutex);
  listener = nullptr;
}
#else
bool WatchConsoleStop(std::function<void(const char*)>) { return false; }
void StopWatchingConsole() {}
#endif

}  // namespace iocptcp
