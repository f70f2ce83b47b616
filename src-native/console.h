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

}  // namespace iocptcp
