// Console control events (Windows); see console.h.
#ifdef _WIN32
#include <windows.h>

#include <mutex>
#endif

#include <cstdlib>
#include <cstring>

#include "console.h"

namespace iocptcp {

#ifdef _WIN32
namespace {

// The handler runs on a thread of the system's: the listener is guarded.
std::mutex listener_mutex;
std::function<void(const char*)> listener;

constexpr struct {
  DWORD type;
  const char* name;
} kEvents[] = {
    {CTRL_C_EVENT, "CTRL_C"},         {CTRL_BREAK_EVENT, "CTRL_BREAK"},       {CTRL_CLOSE_EVENT, "CTRL_CLOSE"},
    {CTRL_LOGOFF_EVENT, "CTRL_LOGOFF"}, {CTRL_SHUTDOWN_EVENT, "CTRL_SHUTDOWN"},
};

const char* EventName(DWORD type) {
  for (const auto& event : kEvents) {
    if (event.type == type) return event.name;
  }
  return nullptr;
}

// A registry value Windows keeps as a decimal string of milliseconds.
unsigned long ReadMilliseconds(HKEY root, const wchar_t* key, const wchar_t* value, unsigned long fallback) {
  wchar_t text[32];
  DWORD size = sizeof(text);
  if (RegGetValueW(root, key, value, RRF_RT_REG_SZ, nullptr, text, &size) != ERROR_SUCCESS) return fallback;
  wchar_t* end = nullptr;
  unsigned long ms = wcstoul(text, &end, 10);
  return end != text ? ms : fallback;
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

ConsoleStopLimits ReadConsoleStopLimits() {
  ConsoleStopLimits limits;
  limits.close_ms = ReadMilliseconds(HKEY_CURRENT_USER, L"Control Panel\\Desktop", L"HungAppTimeout", 5000);
  limits.logoff_ms = ReadMilliseconds(HKEY_CURRENT_USER, L"Control Panel\\Desktop", L"WaitToKillAppTimeout", 5000);
  limits.shutdown_ms =
      ReadMilliseconds(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Control", L"WaitToKillServiceTimeout", 20000);
  return limits;
}

bool CallConsoleHandlerForTest(const char* name) {
  for (const auto& event : kEvents) {
    if (std::strcmp(event.name, name) == 0) return OnConsoleControl(event.type) != FALSE;
  }
  return false;
}
#else
bool WatchConsoleStop(std::function<void(const char*)>) { return false; }
void StopWatchingConsole() {}
ConsoleStopLimits ReadConsoleStopLimits() { return {}; }
bool CallConsoleHandlerForTest(const char*) { return false; }
#endif

bool ConsoleTestEntryEnabled() {
  const char* value = std::getenv("IOCP_TCP_TEST_CONSOLE_EVENTS");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

}  // namespace iocptcp
