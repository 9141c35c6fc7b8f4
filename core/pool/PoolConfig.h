#pragma once

#include "hosts/HostKind.h"
#include "resilience/BreakerConfig.h"
#include "resilience/ValueOrError.h"

#include <QJsonObject>
#include <QMap>

namespace accel {

/// How many hosts of one browser kind the pool keeps.
struct KindLimits
{
    int minHosts = 0; ///< started at once and replaced when they die, 0..maxHosts
    int maxHosts = 0; ///< never more than this many of the kind, 0..64

    bool operator==(const KindLimits &) const = default;
};

/// Configuration of a ResourcePool. Plain value type; validate() before use.
///
/// Sizing per kind: the pool aims at  target = clamp(max(minHosts, leased + warmSpares), 0, maxHosts)
/// hosts of each kind it has a factory for. Hosts above the target that have been idle (no lease)
/// for idleTimeoutMs are closed. A host that dies is replaced after a backoff
///   restartBackoffMs * restartBackoffMultiplier^(restarts in window - 1), capped at maxRestartBackoffMs,
/// and at most maxRestarts times within restartWindowMs per kind; after that the kind is left
/// below its target (and reported) until the window moves on.
struct PoolConfig
{
    /// Defaults: 2 embedded hosts (max 8); external browsers 0 by default (max 4 each).
    QMap<HostKind, KindLimits> limits = defaultLimits();
    int warmSpares = 0;                    ///< idle hosts kept ready per kind beyond leased ones, 0..16
    qint64 idleTimeoutMs = 300'000;        ///< > 0
    qint64 helloTimeoutMs = 30'000;        ///< a spawned host must connect within this, > 0
    qint64 heartbeatTimeoutMs = 10'000;    ///< silence after which a connected host counts as lost, > 0
    qint64 restartBackoffMs = 1'000;       ///< first replacement delay, >= 0
    double restartBackoffMultiplier = 2.0; ///< >= 1
    qint64 maxRestartBackoffMs = 60'000;   ///< >= restartBackoffMs
    int maxRestarts = 5;                   ///< replacements per kind within restartWindowMs, 0..1000
    qint64 restartWindowMs = 600'000;      ///< > 0
    qint64 updateIntervalMs = 100;         ///< throttle of model/chart updates (10 Hz), 10..5000
    qint64 historyMs = 600'000;            ///< chart history kept, 1'000..86'400'000
    /// Operator cap on the weight bytes each compute backend of a host may hold (every page gets
    /// it in `welcome`; the page uses the smaller of this and its backend's default). 0 = no cap,
    /// the runtime's defaults apply; otherwise 1 MiB..2^53-1 bytes.
    qint64 weightLimitBytes = 0;
    static constexpr qint64 kMinWeightLimitBytes = 1024 * 1024;
    static constexpr qint64 kMaxWeightLimitBytes = (qint64(1) << 53) - 1;
    /// Per-host breaker. Default: BreakerConfig defaults plus consecutiveFailureThreshold 3 (three
    /// failed calls in a row open it). A lost host opens its breaker at once (CircuitBreaker::tripNow).
    BreakerConfig breaker = defaultBreaker();

    static QMap<HostKind, KindLimits> defaultLimits();
    static BreakerConfig defaultBreaker();
    KindLimits limitsFor(HostKind kind) const { return limits.value(kind); }

    /// Empty when valid, else one message naming the first bad field and the allowed range.
    QString validate() const;

    /// Reads the keys above. `limits` is an object keyed by host kind name
    /// ({"embedded": {"min": 2, "max": 8}}); kinds not named keep their defaults. Missing keys keep
    /// defaults; unknown keys, wrong types and out-of-range values are errors.
    static ValueOrError<PoolConfig> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    bool operator==(const PoolConfig &) const = default;
};

} // namespace accel
