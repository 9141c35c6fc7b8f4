#include "resilience/SlidingWindow.h"

#include <algorithm>

namespace accel {

namespace {

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

} // namespace

SlidingWindow SlidingWindow::countBased(int size)
{
    SlidingWindow w;
    w.m_isTime = false;
    w.m_ring.assign(size_t(std::max(1, size)), 0);
    return w;
}

SlidingWindow SlidingWindow::timeBased(qint64 durationNs, int buckets)
{
    SlidingWindow w;
    w.m_isTime = true;
    const int n = std::max(1, buckets);
    w.m_buckets.assign(size_t(n), Bucket{});
    w.m_bucketWidthNs = std::max<qint64>(1, durationNs / n);
    // m_headEndNs stays at its minimum so the first record/advance positions the head.
    w.m_headEndNs = std::numeric_limits<qint64>::min();
    return w;
}

void SlidingWindow::clear()
{
    m_calls = m_failures = m_slow = 0;
    std::fill(m_ring.begin(), m_ring.end(), quint8(0));
    m_pos = 0;
    m_filled = 0;
    std::fill(m_buckets.begin(), m_buckets.end(), Bucket{});
    if (m_isTime) {
        m_started = false;
        m_head = 0;
        m_headEpoch = 0;
        m_headEndNs = std::numeric_limits<qint64>::min();
    }
}

void SlidingWindow::rollTo(qint64 nowNs)
{
    const qint64 epoch = floorDiv(nowNs, m_bucketWidthNs);
    const qint64 n = qint64(m_buckets.size());
    if (!m_started) {
        m_started = true;
        m_headEpoch = epoch;
        m_head = int(((epoch % n) + n) % n);
        m_headEndNs = (epoch + 1) * m_bucketWidthNs;
        return;
    }
    if (epoch <= m_headEpoch) {
        return;
    }
    const qint64 steps = epoch - m_headEpoch;
    if (steps >= n) {
        std::fill(m_buckets.begin(), m_buckets.end(), Bucket{});
        m_calls = m_failures = m_slow = 0;
    } else {
        for (qint64 i = 0; i < steps; ++i) {
            m_head = (m_head + 1 == int(n)) ? 0 : m_head + 1;
            Bucket &b = m_buckets[size_t(m_head)];
            m_calls -= b.calls;
            m_failures -= b.failures;
            m_slow -= b.slow;
            b = Bucket{};
        }
    }
    m_head = int(((epoch % n) + n) % n);
    m_headEpoch = epoch;
    m_headEndNs = (epoch + 1) * m_bucketWidthNs;
}

} // namespace accel
