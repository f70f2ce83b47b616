// Console control events (Windows); see console.h.
#ifdef _WIN32
#include <windows.h>
#endif

#include "console.h"

namespace iocptcp {

#ifdef _WIN32
namespace {

std::function<void(const char*)>& Listener() {
  static std::function<void(const char*)> listener;
  return listener;
}

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
  if (name == nullptr || !Listener()) return FALSE;
  Listener()(name);
  if (type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT) {
    Sleep(INFINITE);  // returning would end the process before the drain
  }
  return TRUE;  // handled: libuv's handler (SIGINT emulation) is not called too
}

}  // namespace

bool WatchConsoleStop(std::function<void(const char*)> notify) {
  Listener() = std::move(notify);
  return SetConsoleCtrlHandler(OnConsoleControl, TRUE) != 0;
}
#else
bool WatchConsoleStop(std::function<void(const char*)>) { return false; }
#endif

}  // namespace iocptcp
