#pragma once

// Private to ResourcePool*.cpp: not installed, not included elsewhere.

#include "pool/HostInstance.h"
#include "pool/ResourcePool.h"
#include "resilience/CircuitBreaker.h"

namespace accel {

struct ResourcePool::Entry
{
    QString id;
    HostKind kind = HostKind::Embedded;
    bool managed = true; ///< spawned by us (false: a page that connected on its own)
    PoolHostState state = PoolHostState::Starting;
    std::unique_ptr<CircuitBreaker> breaker;
    std::deque<qint64> latenciesMs;      ///< recent probe round trips (newest last), bounded
    std::deque<qint64> crashTimesMs;     ///< losses by crash, within the restart window
    std::deque<qint64> reconnectTimesMs; ///< losses of the transport/heartbeat, within the window
    qint64 createdMs = -1;
    HealthScore score; ///< last computed, with its factor breakdown
    QPointer<HostInstance> instance;
    QPointer<HostSession> session;
    int generation = 0;
    int leases = 0;
    qint64 spawnedMs = -1;
    qint64 lastUsedMs = -1;     ///< last lease release / ready time, for the idle timeout
    qint64 lostAtMs = -1;       ///< when it was lost (replacement backoff counts from here)
    qint64 replaceAfterMs = -1; ///< when the replacement may be spawned, -1 = not scheduled
    qint64 latencyMs = -1;
    qint64 lastHeartbeatMs = -1;
    qint64 nextProbeMs = 0;
    quint64 probeRequest = 0; ///< echo in flight, 0 = none
    qint64 probeSentNs = 0;
    QString lastError;
    qint64 weightBytes = -1;      ///< from the session's last metrics, -1 = not reported
    qint64 weightLimitBytes = -1; ///< ditto
    PoolHostInfo published;
    bool everPublished = false;
};

} // namespace accel
