#pragma once

#include <functional>

namespace accel {

/// Runs the calling thread's event loop until `done()` is true or `timeoutMs` have passed, and
/// returns done(). The thread sleeps while no event arrives — unlike
/// QCoreApplication::processEvents(flags, maxTime), which drops WaitForMoreEvents and so spins a
/// whole core when called in a loop. `done()` is checked after every event and at least every
/// 50 ms (for conditions no event announces, e.g. an atomic set by another thread).
/// For command-line tools, benchmarks and blocking helpers; never call it on the GUI thread.
bool waitInEventLoop(const std::function<bool()> &done, int timeoutMs);

/// Runs the calling thread's event loop for `ms` milliseconds (a precise timer ends it).
void runEventLoopFor(int ms);

} // namespace accel
