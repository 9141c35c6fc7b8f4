#pragma once

#include "resilience/ValueOrError.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace accel {

/// What is known about one host, over a recent period. Every number must be finite and >= 0
/// (HealthScorer::score() rejects NaN, infinities and negatives with an error naming the field).
/// Optional fields are "unknown" when empty; unknown is not the same as zero.
struct HostObservations
{
    QString hostId;
    qint64 calls = 0;                ///< outcomes judged (successes + counted failures) in the recent window
    qint64 failures = 0;             ///< <= calls
    qint64 slowCalls = 0;            ///< <= calls
    std::optional<double> latencyMs; ///< recent typical latency (e.g. p50)
    std::optional<double> baselineLatencyMs; ///< this host's own normal latency (<= 0 = unknown)
    std::optional<double> heartbeatAgeMs;    ///< time since the last heartbeat
    double heartbeatIntervalMs = 1'000.0;    ///< expected heartbeat period, > 0
    qint64 observedForMs = 0; ///< period over which crashes/reconnects were counted (0 = unknown)
    int crashes = 0;          ///< browser/renderer crashes, GPU device losses in that period
    int reconnects = 0;       ///< transport reconnects in that period
    std::optional<double> memoryUsedBytes;
    std::optional<double> memoryLimitBytes; ///< > 0 when set
};

/// One line of the score's explanation.
struct HealthFactor
{
    QString name; ///< stable id: successRate, slowCallRate, latency, heartbeat, incidents, memory, peers
    double rawValue = 0.0;     ///< the measured input (rate, ratio, age in intervals, ...); NaN when no data
    double weight = 0.0;       ///< configured weight
    double score = 0.0;        ///< 0..1, 1 = perfect; 0 when no data
    double contribution = 0.0; ///< points of the final 0..100 score (sum over factors = score)
    bool hasData = false;
    QString explanation; ///< English sentence with the numbers (the ui may rebuild it with tr())
};

struct HealthScore
{
    QString hostId;
    double score = 0.0;    ///< 0..100
    double coverage = 0.0; ///< share of the total weight backed by data, 0..1
    QList<HealthFactor> factors;
    QJsonObject toJson() const;
};

/// Weights and shapes of the health score. Defaults:
///   factor        weight  factor score s in [0, 1]
///   successRate     30    (calls - failures) / calls                 needs calls >= minCallsForRates (5)
///   slowCallRate    15    1 - slowCalls / calls                      needs calls >= minCallsForRates
///   latency         15    r = latency / baseline; 1 if r <= 1, 0 if r >= latencyBadRatio (3),
///                         linear between                             needs both, baseline > 0
///   heartbeat       15    a = age / interval; 1 if a <= heartbeatGraceIntervals (1.5),
///                         0 if a >= heartbeatDeadIntervals (5), linear between
///   incidents       10    max(0, 1 - crashPenalty (0.5) * crashes - reconnectPenalty (0.2) * reconnects)
///                                                                    needs observedForMs > 0
///   memory          10    p = used / limit; 1 if p <= memoryComfortable (0.7), 0 if p >= memoryFull
///                         (0.95), linear between                     needs both
///   peers            5    outlier test against the other hosts (mean - k*sigma, k = peerK = 2):
///                         success rate below  mu - k*sigma  or latency above  mu + k*sigma  is an
///                         outlier; z = distance past that bound in sigmas; s = max(0, 1 - z / k);
///                         the worse of the two. sigma is floored (0.05 for success rates, 10% of
///                         mu for latency) so identical peers do not make every difference infinite.
///                         needs >= minPeers (2) other hosts with that metric
/// score = 100 * sum(w_i * s_i) / sum(w_i) over the factors that have data; contribution_i is
/// factor i's share of that. No data at all: score = noDataScore (50, "unknown" — neither preferred
/// nor excluded) and coverage 0.
struct HealthScorerConfig
{
    double successRateWeight = 30;
    double slowCallRateWeight = 15;
    double latencyWeight = 15;
    double heartbeatWeight = 15;
    double incidentsWeight = 10;
    double memoryWeight = 10;
    double peersWeight = 5;

    qint64 minCallsForRates = 5;
    double latencyBadRatio = 3.0;
    double heartbeatGraceIntervals = 1.5;
    double heartbeatDeadIntervals = 5.0;
    double crashPenalty = 0.5;
    double reconnectPenalty = 0.2;
    double memoryComfortable = 0.7;
    double memoryFull = 0.95;
    double peerK = 2.0;
    int minPeers = 2;
    double noDataScore = 50.0;

    /// Empty when valid.
    QString validate() const;
};

/// Computes HealthScore from observations. Pure and stateless apart from its config; any thread.
class HealthScorer
{
public:
    /// An invalid config is replaced by the defaults (with a warning); validate() it first.
    explicit HealthScorer(HealthScorerConfig config = {});
    const HealthScorerConfig &config() const { return m_config; }

    /// Scores `host` against `peers` (entries with host's id are skipped). Fails with a clear
    /// message when any observation (the host's or a peer's) is invalid.
    ValueOrError<HealthScore> score(const HostObservations &host,
                                    const QList<HostObservations> &peers = {}) const;

    /// Empty when `o` is valid, else "host <id>: <field> ...".
    static QString validate(const HostObservations &o);

private:
    HealthScorerConfig m_config;
};

} // namespace accel
