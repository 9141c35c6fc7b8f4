#pragma once

#include "hosts/HostKind.h"
#include "resilience/BreakerTypes.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace accel {

/// Life of a host in the pool.
enum class PoolHostState : quint8 {
    Starting = 1, ///< spawned, waiting for its hello
    Ready,        ///< connected and taking work
    Draining,     ///< no new work; closed once its leases are released
    Closing,      ///< being stopped on purpose
    Lost,         ///< crashed, disconnected or silent; a replacement is scheduled if needed
};
QString toString(PoolHostState state);

/// Snapshot of one host for displays and selection. Times are Clock milliseconds (-1 = never).
struct PoolHostInfo
{
    QString id;
    HostKind kind = HostKind::Embedded;
    PoolHostState state = PoolHostState::Starting;
    BreakerState breaker = BreakerState::Closed;
    double health = 100.0; ///< 0..100
    QStringList backends;  ///< e.g. "webgpu", "webnn", "wasm-simd", "wasm-threads"
    bool webGpu = false;
    bool webNn = false;
    bool wasm = false;
    qint64 latencyMs = -1;       ///< last measured round trip (heartbeat or call), -1 = unknown
    qint64 lastHeartbeatMs = -1; ///< Clock ms of the last heartbeat
    qint64 startedMs = -1;       ///< Clock ms when spawned
    int leases = 0;
    int generation = 0; ///< 0 for an original host, n for its n-th replacement
    QString lastError;  ///< why it was lost or the last failure, empty if none
    /// Weight memory of the host's compute backends from its last `metrics` (bytes held and the
    /// limit they accept, summed over its deployed models; the limit of a fresh backend when none
    /// is deployed). -1 = unknown (not connected, or not reported yet).
    qint64 weightBytes = -1;
    qint64 weightLimitBytes = -1;
    /// Free weight memory when both numbers are known, else -1; see accel::freeWeightBytes().
    qint64 freeWeightBytes(qint64 reusableBytes = 0) const;

    bool operator==(const PoolHostInfo &) const = default;
};

/// Weight bytes a host can still take: limit - (held - reusable), clamped to [0, limit]; -1 when
/// held or limit is unknown (< 0). `reusableBytes`: weights of the model being planned that the
/// host already holds (from the applied plan). A new plan of that model replaces them (the page
/// keeps a model's tensors by name), so they count as free rather than making the host look full.
qint64 freeWeightBytes(qint64 weightBytes, qint64 weightLimitBytes, qint64 reusableBytes = 0);

/// A breaker transition of one pool host, kept for the circuit-state timeline.
struct PoolBreakerTransition
{
    QString hostId;
    qint64 timeMs = 0;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    QString reason; ///< BreakerEvent::reasonText, or the pool's own reason (host lost, closed)
};

} // namespace accel

Q_DECLARE_METATYPE(accel::PoolHostInfo)
Q_DECLARE_METATYPE(accel::PoolBreakerTransition)
