// Stop requests that do not arrive as POSIX signals.
#pragma once

#include <functional>

namespace iocptcp {

// Windows: calls `notify` (on a thread of the system's) with "CTRL_C",
// "CTRL_BREAK", "CTRL_CLOSE", "CTRL_LOGOFF" or "CTRL_SHUTDOWN" when the
// console asks the process to stop. `docker stop` sends CTRL_SHUTDOWN, which
// libuv ignores, so Node would never hear of it. For CLOSE, LOGOFF and
// SHUTDOWN the process is ended as soon as the handler returns, so the
// handler waits: the drain ends the process itself. Returns false on other
// platforms, where SIGINT and SIGTERM serve.
bool WatchConsoleStop(std::function<void(const char*)> notify);
// Removes the handler; `notify` is not called after this returns.
void StopWatchingConsole();

// How long Windows lets the handler block before it ends the process, in ms,
// read from the settings Windows reads (defaults where a setting is absent):
// CTRL_CLOSE HungAppTimeout (5000), CTRL_LOGOFF WaitToKillAppTimeout (5000),
// CTRL_SHUTDOWN WaitToKillServiceTimeout (20000). CTRL_C and CTRL_BREAK have
// no limit. All 0 on other platforms.
struct ConsoleStopLimits {
  unsigned long close_ms = 0, logoff_ms = 0, shutdown_ms = 0;
};
ConsoleStopLimits ReadConsoleStopLimits();

// Tests only (the addon offers it only when IOCP_TCP_TEST_CONSOLE_EVENTS=1):
// calls the installed handler with the event named `name` ("CTRL_SHUTDOWN",
// ...), on the calling thread, as Windows does on a thread of its own. Returns
// what the handler returned (for CLOSE, LOGOFF and SHUTDOWN it does not return
// while a stop is being served); false for an unknown name or elsewhere.
bool CallConsoleHandlerForTest(const char* name);
// True when the process started with IOCP_TCP_TEST_CONSOLE_EVENTS=1.
bool ConsoleTestEntryEnabled();

}  // namespace iocptcp
