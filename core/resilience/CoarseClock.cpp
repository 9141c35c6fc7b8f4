#include "resilience/CoarseClock.h"

#include <chrono>
#include <ctime>

namespace accel {

qint64 CoarseClock::nowNs() const
{
#if defined(CLOCK_MONOTONIC_COARSE)
    timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0) {
        return qint64(ts.tv_sec) * 1'000'000'000 + qint64(ts.tv_nsec);
    }
#endif
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 CoarseClock::resolutionNs()
{
#if defined(CLOCK_MONOTONIC_COARSE)
    timespec ts;
    if (clock_getres(CLOCK_MONOTONIC_COARSE, &ts) == 0) {
        return qint64(ts.tv_sec) * 1'000'000'000 + qint64(ts.tv_nsec);
    }
#endif
    return 0;
}

const CoarseClock *CoarseClock::instance()
{
    static const CoarseClock clock;
    return &clock;
}

} // namespace accel
