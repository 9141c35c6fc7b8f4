#pragma once

#include <QtGlobal>

#include <atomic>

namespace accel {

/// Monotonic time source. Everything that judges time (breakers, detectors, heartbeats) takes a
/// Clock so tests can drive it. Thread-safe: nowMs()/nowNs() may be called from any thread.
class Clock
{
public:
    virtual ~Clock();
    /// Monotonic nanoseconds since an arbitrary epoch.
    virtual qint64 nowNs() const = 0;
    qint64 nowMs() const { return nowNs() / 1'000'000; }

    /// The process-wide steady clock. Never null, never deleted.
    static const Clock *system();
};

/// Steady clock backed by std::chrono::steady_clock.
class SteadyClock final : public Clock
{
public:
    qint64 nowNs() const override;
};

/// A clock that only moves when told to. For tests and replaying recorded series.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startNs = 1'000'000'000)
        : m_nowNs(startNs)
    {}
    qint64 nowNs() const override { return m_nowNs.load(std::memory_order_relaxed); }
    void advanceMs(qint64 ms) { m_nowNs.fetch_add(ms * 1'000'000, std::memory_order_relaxed); }
    void advanceNs(qint64 ns) { m_nowNs.fetch_add(ns, std::memory_order_relaxed); }
    void setNs(qint64 ns) { m_nowNs.store(ns, std::memory_order_relaxed); }

private:
    std::atomic<qint64> m_nowNs;
};

} // namespace accel
