#pragma once

#include "resilience/ErrorCategory.h"
#include "resilience/ValueOrError.h"

#include <QJsonObject>

namespace accel {

namespace resilience { // see ErrorCategory.h for why the enums live here
enum class BreakerWindowType : quint8 {
    Count = 1, ///< the last windowSize calls
    Time,      ///< the calls of the last windowDurationMs, in windowBucketCount buckets
};
} // namespace resilience
using resilience::BreakerWindowType;

/// How a CircuitBreaker judges a host. Plain value type; validate() before use (the breaker
/// asserts nothing and clamps nothing: it refuses invalid configs by falling back to defaults and
/// logging, so operators must see fromJson()'s error).
///
/// Decision rules (all rates are fractions in [0, 1]):
///  - A call is *slow* when its duration is strictly greater than slowCallDurationMs.
///  - Only failures whose category is in countedCategories count as failures; other categories
///    (by default Model and Cancelled) are "ignored": tallied apart, never judged.
///  - CLOSED trips to OPEN when the window holds at least minimumCalls calls and
///    failures/calls >= failureRateThreshold or slowCalls/calls >= slowCallRateThreshold, or
///    (independently of the window) when consecutiveFailureThreshold > 0 counted failures arrive
///    in a row.
///  - OPEN lasts  d = min(maxOpenDurationMs, openDurationMs * openBackoffMultiplier^level)
///    then jitter: d * (1 + openJitterFraction * u), u uniform in [-1, 1), capped again at
///    maxOpenDurationMs. `level` is the number of recent trips: +1 per trip, -1 per
///    openDecayAfterMs spent continuously CLOSED (never below 0).
///  - HALF-OPEN admits halfOpenPermittedCalls probes; it closes after halfOpenSuccessThreshold
///    probe successes (a slow success is a failed probe) and reopens as soon as that threshold
///    can no longer be reached. If it has not decided after halfOpenMaxWaitMs it returns to OPEN
///    (same level: no evidence, no growth) so lost probes cannot wedge it.
struct BreakerConfig
{
    using WindowType = BreakerWindowType;

    WindowType windowType = WindowType::Count;
    int windowSize = 100;                ///< calls, count window, 1..100000
    qint64 windowDurationMs = 60'000;    ///< time window length, >= windowBucketCount ms
    int windowBucketCount = 60;          ///< time window resolution, 1..1000
    int minimumCalls = 20;               ///< calls in the window before rates are judged, >= 1
    double failureRateThreshold = 0.5;   ///< (0, 1]
    double slowCallRateThreshold = 0.8;  ///< (0, 1]
    qint64 slowCallDurationMs = 5'000;   ///< > 0; browser GPU calls degrade by slowing down
    int consecutiveFailureThreshold = 0; ///< 0 = off, else trip after this many counted failures in a row

    qint64 openDurationMs = 5'000;      ///< first OPEN period, > 0
    double openBackoffMultiplier = 2.0; ///< >= 1; growth per repeated trip
    qint64 maxOpenDurationMs = 300'000; ///< cap, >= openDurationMs
    double openJitterFraction = 0.1;    ///< [0, 1); +-10% spreads re-probes across a fleet
    qint64 openDecayAfterMs = 60'000;   ///< > 0; healthy CLOSED time that forgets one trip level

    int halfOpenPermittedCalls = 5;    ///< probes admitted in HALF-OPEN, >= 1
    int halfOpenSuccessThreshold = 3;  ///< 1..halfOpenPermittedCalls
    qint64 halfOpenMaxWaitMs = 30'000; ///< > 0

    ErrorCategorySet countedCategories = ErrorCategorySet::defaultCounted();

    /// 0 = seed the jitter from QRandomGenerator::global(); any other value makes jitter
    /// reproducible (tests, replays).
    quint64 jitterSeed = 0;

    /// Empty when valid, else one message naming the first bad field and the allowed range.
    QString validate() const;

    /// Reads the keys above (same names; windowType "count"/"time"; countedCategories an array of
    /// ErrorCategory names). Missing keys keep their defaults; unknown keys, wrong types and
    /// out-of-range values are errors (operators write these files by hand: a typo must not pass).
    static ValueOrError<BreakerConfig> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    bool operator==(const BreakerConfig &) const = default;
};

QString toString(BreakerWindowType type);

} // namespace accel
