#pragma once

#include "resilience/ErrorCategory.h"

#include <QJsonObject>
#include <QString>

#include <array>

namespace accel {

namespace resilience { // see ErrorCategory.h for why the enums live here

/// CircuitBreaker states. The first three are automatic; the last three are set by an operator
/// (or by code acting for one) and left only through another operator call.
enum class BreakerState : quint8 {
    Closed = 1,  ///< calls flow, outcomes are judged
    Open,        ///< calls are rejected until the open period ends
    HalfOpen,    ///< a limited number of probe calls decide between Closed and Open
    ForcedOpen,  ///< "isolated" by an operator: every call rejected, nothing judged
    Disabled,    ///< breaker switched off: every call allowed, nothing recorded
    MetricsOnly, ///< outcomes recorded and judged, events emitted, but calls are never blocked
};
} // namespace resilience
using resilience::BreakerState;

QString toString(BreakerState state);
std::optional<BreakerState> breakerStateFromString(QStringView name);
/// True for Open, HalfOpen and ForcedOpen: the host does not take normal traffic.
inline bool isOpenLike(BreakerState s)
{
    return s == BreakerState::Open || s == BreakerState::HalfOpen || s == BreakerState::ForcedOpen;
}

namespace resilience {
/// Why a call was (not) permitted, or why the breaker moved.
enum class BreakerReason : quint8 {
    Permitted = 1,       ///< Closed / MetricsOnly / Disabled: call allowed
    Probe,               ///< HalfOpen: call allowed as a probe
    OpenRejected,        ///< Open: rejected until the open period ends
    ProbesExhausted,     ///< HalfOpen: every probe slot is taken
    Isolated,            ///< ForcedOpen: rejected by operator decision
    FailureRate,         ///< trip: failure rate reached its threshold
    SlowCallRate,        ///< trip: slow-call rate reached its threshold
    ConsecutiveFailures, ///< trip: too many counted failures in a row
    ProbeFailed,         ///< HalfOpen -> Open: success threshold no longer reachable
    ProbesSucceeded,     ///< HalfOpen -> Closed
    OpenElapsed,         ///< Open -> HalfOpen
    HalfOpenMaxWait,     ///< HalfOpen -> Open: probes did not decide in time
    TripSuppressed,      ///< a trip was vetoed by the TripGate (FleetGuard)
    Operator,            ///< forceOpen / disable / setMetricsOnly / reset
    HardFailure,         ///< trip: tripNow() — the host is gone (crash, lost transport)
};

/// What a BreakerEvent reports (also spelled BreakerEvent::Kind).
enum class BreakerEventKind : quint8 {
    Transition = 1,    ///< from != to
    Rejected,          ///< a call was rejected (from == to)
    TripSuppressed,    ///< thresholds were hit but the TripGate kept the breaker closed
    ThresholdExceeded, ///< MetricsOnly: thresholds were hit; the breaker would have opened
};
} // namespace resilience
using resilience::BreakerEventKind;
using resilience::BreakerReason;

QString toString(BreakerReason reason);
QString toString(BreakerEventKind kind);

/// Answer of CircuitBreaker::tryAcquire(). A granted call must be followed by exactly one
/// recordSuccess()/recordFailure() (use ErrorCategory::Cancelled for calls abandoned by the caller).
struct Permission
{
    bool granted = false;
    BreakerReason reason = BreakerReason::Permitted;
    /// When rejected by Open: how long until probes are admitted (ms, >= 0). 0 otherwise.
    qint64 retryAfterMs = 0;

    bool isProbe() const { return granted && reason == BreakerReason::Probe; }
    explicit operator bool() const { return granted; }
};

/// Something the breaker did, for logs, the dashboard and the event feed.
struct BreakerEvent
{
    using Kind = BreakerEventKind;
    qint64 timestampNs = 0; ///< Clock time of the event
    QString breakerName;
    Kind kind = Kind::Transition;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    BreakerReason reason = BreakerReason::Operator;
    QString reasonText; ///< human-readable, with the numbers that decided (English, for logs)

    QJsonObject toJson() const;
};

/// Point-in-time metrics of a breaker. Rates are fractions in [0, 1] (0 with no calls);
/// `ratesJudged` says whether the window holds minimumCalls calls.
struct BreakerSnapshot
{
    QString name;
    BreakerState state = BreakerState::Closed;
    qint64 timeInStateMs = 0;
    qint64 currentOpenDurationMs = 0; ///< the open period chosen at the last trip (with jitter), 0 if never
    qint64 nextOpenDurationMs = 0;    ///< what the next trip would choose, before jitter
    qint64 openRemainingMs = 0;       ///< Open only
    int openLevel = 0;                ///< recent trips not yet forgotten (drives growth)
    quint64 trips = 0;                ///< Closed/HalfOpen -> Open transitions, ever

    qint64 windowCalls = 0;
    qint64 windowFailures = 0;
    qint64 windowSlowCalls = 0;
    double failureRate = 0.0;
    double slowCallRate = 0.0;
    bool ratesJudged = false;
    int consecutiveFailures = 0;

    int halfOpenProbesInFlight = 0;
    int halfOpenSuccesses = 0;
    int halfOpenFailures = 0;

    quint64 totalSuccesses = 0;
    quint64 totalFailures = 0;        ///< counted (local) failures
    quint64 totalIgnoredFailures = 0; ///< failures in categories not counted (model errors, cancels)
    quint64 totalSlowCalls = 0;
    quint64 totalRejected = 0;
    /// Every recordFailure() by category, counted or not; index = int(category) - 1.
    std::array<quint64, kErrorCategoryCount> failuresByCategory{};
    quint64 localFailures = 0; ///< sum over Local-origin categories
    quint64 modelFailures = 0; ///< sum over Model-origin categories
    BreakerReason lastTripReason = BreakerReason::Operator;
    QString lastTripText;

    QJsonObject toJson() const;
};

} // namespace accel
