#pragma once

#include <QtGlobal>

#include <vector>

namespace accel {

/// Outcome counts over the most recent calls, for CircuitBreaker. Two shapes:
///  - count window: the last `size` calls, a ring of one byte per call;
///  - time window: the calls of the last `durationNs`, in `buckets` equal buckets. The window
///    covers the current (partial) bucket plus the buckets-1 before it, so it rolls over in steps
///    of durationNs/buckets.
/// record() and the counters are O(1); advancing a time window over an idle gap clears at most
/// `buckets` buckets once. Not thread-safe (one owner thread, like the breaker).
class SlidingWindow
{
public:
    static SlidingWindow countBased(int size);
    static SlidingWindow timeBased(qint64 durationNs, int buckets);

    /// Adds one call at time nowNs (ignored by count windows). A clock that goes backwards is
    /// treated as "still now".
    void record(qint64 nowNs, bool failed, bool slow)
    {
        if (m_isTime) {
            recordTimed(nowNs, failed, slow);
        } else {
            recordCounted(failed, slow);
        }
    }
    /// Drops buckets that fell out of a time window. Count windows ignore it.
    /// Returns true when the counts may have changed.
    bool advanceTo(qint64 nowNs)
    {
        if (m_isTime && nowNs >= m_headEndNs) {
            rollTo(nowNs);
            return true;
        }
        return false;
    }
    void clear();

    qint64 calls() const { return m_calls; }
    qint64 failures() const { return m_failures; }
    qint64 slowCalls() const { return m_slow; }
    bool isTimeBased() const { return m_isTime; }

private:
    struct Bucket
    {
        qint64 calls = 0;
        qint64 failures = 0;
        qint64 slow = 0;
    };
    enum : quint8 { FailedBit = 1, SlowBit = 2 };

    SlidingWindow() = default;
    void recordCounted(bool failed, bool slow)
    {
        quint8 &slot = m_ring[size_t(m_pos)];
        if (m_filled == int(m_ring.size())) {
            m_calls -= 1;
            m_failures -= (slot & FailedBit) ? 1 : 0;
            m_slow -= (slot & SlowBit) ? 1 : 0;
        } else {
            ++m_filled;
        }
        slot = quint8((failed ? FailedBit : 0) | (slow ? SlowBit : 0));
        m_calls += 1;
        m_failures += failed ? 1 : 0;
        m_slow += slow ? 1 : 0;
        if (++m_pos == int(m_ring.size())) {
            m_pos = 0;
        }
    }
    void recordTimed(qint64 nowNs, bool failed, bool slow)
    {
        if (nowNs >= m_headEndNs) {
            rollTo(nowNs);
        }
        Bucket &b = m_buckets[size_t(m_head)];
        b.calls += 1;
        b.failures += failed ? 1 : 0;
        b.slow += slow ? 1 : 0;
        m_calls += 1;
        m_failures += failed ? 1 : 0;
        m_slow += slow ? 1 : 0;
    }
    void rollTo(qint64 nowNs);

    bool m_isTime = false;
    qint64 m_calls = 0;
    qint64 m_failures = 0;
    qint64 m_slow = 0;
    // count window
    std::vector<quint8> m_ring;
    int m_pos = 0;
    int m_filled = 0;
    // time window
    std::vector<Bucket> m_buckets;
    qint64 m_bucketWidthNs = 1;
    qint64 m_headEpoch = 0; ///< floor(time / bucket width) of the head bucket
    qint64 m_headEndNs = 0; ///< first ns after the head bucket; 0 before the first call
    int m_head = 0;
    bool m_started = false;
};

} // namespace accel
