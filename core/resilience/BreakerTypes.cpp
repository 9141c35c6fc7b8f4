#include "resilience/BreakerTypes.h"

#include <QJsonArray>

namespace accel {

QString toString(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return QStringLiteral("closed");
    case BreakerState::Open:
        return QStringLiteral("open");
    case BreakerState::HalfOpen:
        return QStringLiteral("halfOpen");
    case BreakerState::ForcedOpen:
        return QStringLiteral("forcedOpen");
    case BreakerState::Disabled:
        return QStringLiteral("disabled");
    case BreakerState::MetricsOnly:
        return QStringLiteral("metricsOnly");
    }
    return QStringLiteral("unknown(%1)").arg(int(state));
}

std::optional<BreakerState> breakerStateFromString(QStringView name)
{
    for (int i = int(BreakerState::Closed); i <= int(BreakerState::MetricsOnly); ++i) {
        if (name == toString(BreakerState(i))) {
            return BreakerState(i);
        }
    }
    return std::nullopt;
}

QString toString(BreakerReason reason)
{
    switch (reason) {
    case BreakerReason::Permitted:
        return QStringLiteral("permitted");
    case BreakerReason::Probe:
        return QStringLiteral("probe");
    case BreakerReason::OpenRejected:
        return QStringLiteral("openRejected");
    case BreakerReason::ProbesExhausted:
        return QStringLiteral("probesExhausted");
    case BreakerReason::Isolated:
        return QStringLiteral("isolated");
    case BreakerReason::FailureRate:
        return QStringLiteral("failureRate");
    case BreakerReason::SlowCallRate:
        return QStringLiteral("slowCallRate");
    case BreakerReason::ConsecutiveFailures:
        return QStringLiteral("consecutiveFailures");
    case BreakerReason::ProbeFailed:
        return QStringLiteral("probeFailed");
    case BreakerReason::ProbesSucceeded:
        return QStringLiteral("probesSucceeded");
    case BreakerReason::OpenElapsed:
        return QStringLiteral("openElapsed");
    case BreakerReason::HalfOpenMaxWait:
        return QStringLiteral("halfOpenMaxWait");
    case BreakerReason::TripSuppressed:
        return QStringLiteral("tripSuppressed");
    case BreakerReason::Operator:
        return QStringLiteral("operator");
    case BreakerReason::HardFailure:
        return QStringLiteral("hardFailure");
    }
    return QStringLiteral("unknown(%1)").arg(int(reason));
}

QString toString(BreakerEventKind kind)
{
    switch (kind) {
    case BreakerEvent::Kind::Transition:
        return QStringLiteral("transition");
    case BreakerEvent::Kind::Rejected:
        return QStringLiteral("rejected");
    case BreakerEvent::Kind::TripSuppressed:
        return QStringLiteral("tripSuppressed");
    case BreakerEvent::Kind::ThresholdExceeded:
        return QStringLiteral("thresholdExceeded");
    }
    return QStringLiteral("unknown(%1)").arg(int(kind));
}

QJsonObject BreakerEvent::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("timestampNs"), double(timestampNs));
    o.insert(QStringLiteral("breaker"), breakerName);
    o.insert(QStringLiteral("kind"), toString(kind));
    o.insert(QStringLiteral("from"), toString(from));
    o.insert(QStringLiteral("to"), toString(to));
    o.insert(QStringLiteral("reason"), toString(reason));
    o.insert(QStringLiteral("reasonText"), reasonText);
    return o;
}

QJsonObject BreakerSnapshot::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("state"), toString(state));
    o.insert(QStringLiteral("timeInStateMs"), double(timeInStateMs));
    o.insert(QStringLiteral("currentOpenDurationMs"), double(currentOpenDurationMs));
    o.insert(QStringLiteral("nextOpenDurationMs"), double(nextOpenDurationMs));
    o.insert(QStringLiteral("openRemainingMs"), double(openRemainingMs));
    o.insert(QStringLiteral("openLevel"), openLevel);
    o.insert(QStringLiteral("trips"), double(trips));
    o.insert(QStringLiteral("windowCalls"), double(windowCalls));
    o.insert(QStringLiteral("windowFailures"), double(windowFailures));
    o.insert(QStringLiteral("windowSlowCalls"), double(windowSlowCalls));
    o.insert(QStringLiteral("failureRate"), failureRate);
    o.insert(QStringLiteral("slowCallRate"), slowCallRate);
    o.insert(QStringLiteral("ratesJudged"), ratesJudged);
    o.insert(QStringLiteral("consecutiveFailures"), consecutiveFailures);
    o.insert(QStringLiteral("halfOpenProbesInFlight"), halfOpenProbesInFlight);
    o.insert(QStringLiteral("halfOpenSuccesses"), halfOpenSuccesses);
    o.insert(QStringLiteral("halfOpenFailures"), halfOpenFailures);
    o.insert(QStringLiteral("totalSuccesses"), double(totalSuccesses));
    o.insert(QStringLiteral("totalFailures"), double(totalFailures));
    o.insert(QStringLiteral("totalIgnoredFailures"), double(totalIgnoredFailures));
    o.insert(QStringLiteral("totalSlowCalls"), double(totalSlowCalls));
    o.insert(QStringLiteral("totalRejected"), double(totalRejected));
    o.insert(QStringLiteral("localFailures"), double(localFailures));
    o.insert(QStringLiteral("modelFailures"), double(modelFailures));
    QJsonObject byCategory;
    for (ErrorCategory c : allErrorCategories()) {
        byCategory.insert(toString(c), double(failuresByCategory[size_t(int(c) - 1)]));
    }
    o.insert(QStringLiteral("failuresByCategory"), byCategory);
    o.insert(QStringLiteral("lastTripReason"), trips > 0 ? toString(lastTripReason) : QString());
    o.insert(QStringLiteral("lastTripText"), lastTripText);
    return o;
}

} // namespace accel
