#include "common/Clock.h"

#include <chrono>

namespace accel {

Clock::~Clock() = default;

qint64 SteadyClock::nowNs() const
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

const Clock *Clock::system()
{
    static const SteadyClock clock;
    return &clock;
}

} // namespace accel
