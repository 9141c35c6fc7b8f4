#include "resilience/CircuitBreaker.h"

#include "common/Clock.h"
#include "common/LogCategories.h"
#include "resilience/TripGate.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace accel {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;
constexpr int kMaxLevel = 64;

QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

BreakerConfig checkedConfig(const QString &name, const BreakerConfig &config)
{
    const QString error = config.validate();
    if (error.isEmpty()) {
        return config;
    }
    qCWarning(lcResilience) << "breaker" << name << ": invalid config (" << error << "); using defaults";
    return BreakerConfig{};
}

SlidingWindow makeWindow(const BreakerConfig &c)
{
    if (c.windowType == BreakerConfig::WindowType::Time) {
        return SlidingWindow::timeBased(c.windowDurationMs * kNsPerMs, c.windowBucketCount);
    }
    return SlidingWindow::countBased(c.windowSize);
}

} // namespace

TripGate::~TripGate() = default;

CircuitBreaker::CircuitBreaker(QString name, BreakerConfig config, const Clock *clock)
    : m_name(std::move(name))
    , m_config(checkedConfig(m_name, config))
    , m_clock(clock ? clock : Clock::system())
    , m_window(makeWindow(m_config))
    , m_slowNs(m_config.slowCallDurationMs * kNsPerMs)
{
    const qint64 now = m_clock->nowNs();
    m_stateSinceNs = now;
    m_decayAnchorNs = now;
    m_rngState = m_config.jitterSeed != 0 ? m_config.jitterSeed : QRandomGenerator::global()->generate64();
}

CircuitBreaker::~CircuitBreaker()
{
    setTripGate(nullptr);
}

void CircuitBreaker::setTripGate(TripGate *gate)
{
    if (m_gate == gate) {
        return;
    }
    TripGate *old = m_gate;
    m_gate = gate;
    if (old) {
        old->breakerDetached(this);
    }
}

Permission CircuitBreaker::tryAcquire()
{
    // Hot path: a Closed breaker answers without reading the clock (nothing there depends on time;
    // a time window is re-judged on the next record/state()/snapshot()).
    if (m_state == BreakerState::Closed || m_state == BreakerState::MetricsOnly ||
        m_state == BreakerState::Disabled) {
        return Permission{true, BreakerReason::Permitted, 0};
    }
    const qint64 now = m_clock->nowNs();
    advance(now);
    switch (m_state) {
    case BreakerState::Closed:
    case BreakerState::MetricsOnly:
    case BreakerState::Disabled:
        return Permission{true, BreakerReason::Permitted, 0};
    case BreakerState::Open:
        reject(now, BreakerReason::OpenRejected, m_openUntilNs - now);
        return Permission{false, BreakerReason::OpenRejected,
                          std::max<qint64>(0, (m_openUntilNs - now + kNsPerMs - 1) / kNsPerMs)};
    case BreakerState::HalfOpen:
        if (m_probesGranted < m_config.halfOpenPermittedCalls) {
            if (m_probesGranted == 0) {
                m_firstProbeNs = now;
            }
            ++m_probesGranted;
            ++m_probesInFlight;
            return Permission{true, BreakerReason::Probe, 0};
        }
        reject(now, BreakerReason::ProbesExhausted, 0);
        return Permission{false, BreakerReason::ProbesExhausted, 0};
    case BreakerState::ForcedOpen:
        reject(now, BreakerReason::Isolated, 0);
        return Permission{false, BreakerReason::Isolated, 0};
    }
    return Permission{false, BreakerReason::Isolated, 0};
}

void CircuitBreaker::recordSuccess(qint64 durationNs)
{
    if (m_state == BreakerState::Disabled) {
        return;
    }
    const qint64 now = clockIfNeeded();
    const bool slow = durationNs > m_slowNs;
    ++m_successes;
    m_slowTotal += slow ? 1 : 0;
    if (m_state == BreakerState::Closed || m_state == BreakerState::MetricsOnly) {
        m_consecutiveFailures = 0;
    }
    onOutcome(now, false, slow);
}

void CircuitBreaker::recordFailure(ErrorCategory category, qint64 durationNs)
{
    if (m_state == BreakerState::Disabled) {
        return;
    }
    const int index = int(category) - 1;
    if (index < 0 || index >= kErrorCategoryCount) {
        qCWarning(lcResilience) << "breaker" << m_name << ": recordFailure with invalid category"
                                << int(category);
        return;
    }
    const qint64 now = clockIfNeeded();
    ++m_byCategory[size_t(index)];
    if (!m_config.countedCategories.contains(category)) {
        ++m_ignored;
        // An ignored outcome frees its probe slot: it says nothing about the host.
        if (m_state == BreakerState::HalfOpen && m_probesInFlight > 0) {
            --m_probesInFlight;
            --m_probesGranted;
        }
        return;
    }
    const bool slow = durationNs > m_slowNs;
    ++m_failures;
    m_slowTotal += slow ? 1 : 0;
    if (m_state == BreakerState::Closed || m_state == BreakerState::MetricsOnly) {
        ++m_consecutiveFailures;
    }
    onOutcome(now, true, slow);
}

void CircuitBreaker::tripNow(ErrorCategory category, const QString &reason)
{
    const BreakerState before = state(); // applies a due Open -> HalfOpen first
    if (before == BreakerState::Disabled || before == BreakerState::Open ||
        before == BreakerState::ForcedOpen) {
        return;
    }
    const int index = int(category) - 1;
    if (index < 0 || index >= kErrorCategoryCount) {
        qCWarning(lcResilience) << "breaker" << m_name << ": tripNow with invalid category" << int(category);
        return;
    }
    ++m_byCategory[size_t(index)];
    if (!m_config.countedCategories.contains(category)) {
        ++m_ignored;
        return;
    }
    ++m_failures;
    const qint64 nowNs = m_clock->nowNs();
    const QString text = QStringLiteral("hard failure (%1): %2").arg(toString(category), reason);
    if (before == BreakerState::MetricsOnly) {
        emitEvent(nowNs, BreakerEvent::Kind::ThresholdExceeded, before, before, BreakerReason::HardFailure,
                  QStringLiteral("metrics-only, would open: ") + text);
        return;
    }
    if (before == BreakerState::Closed && m_gate) {
        QString whyNot;
        if (!m_gate->mayOpen(*this, &whyNot)) {
            emitEvent(nowNs, BreakerEvent::Kind::TripSuppressed, before, before,
                      BreakerReason::TripSuppressed, text + QStringLiteral("; kept closed: ") + whyNot);
            return;
        }
    }
    trip(nowNs, BreakerReason::HardFailure, text);
}

void CircuitBreaker::onOutcome(qint64 nowNs, bool failed, bool slow)
{
    switch (m_state) {
    case BreakerState::Closed:
    case BreakerState::MetricsOnly: {
        const bool judgedBefore = m_window.calls() >= m_config.minimumCalls;
        m_window.record(nowNs, failed, slow);
        // A fast success added to a window that was already judged can only lower both rates, so
        // it cannot trip; skip the evaluation unless an episode flag may need clearing.
        if (!failed && !slow && judgedBefore && !m_suppressed && !m_metricsExceeded) {
            return;
        }
        evaluateClosed();
        return;
    }
    case BreakerState::HalfOpen: {
        if (m_probesInFlight == 0) {
            return; // straggler from before the trip
        }
        --m_probesInFlight;
        // A slow success is a failed probe: hosts degrade by slowing down.
        if (failed || slow) {
            ++m_probeFailures;
        } else {
            ++m_probeSuccesses;
        }
        const int permitted = m_config.halfOpenPermittedCalls;
        const int needed = m_config.halfOpenSuccessThreshold;
        if (m_probeSuccesses >= needed) {
            toClosed(nowNs, BreakerReason::ProbesSucceeded,
                     QStringLiteral("%1 of %2 probes succeeded (%3 needed)")
                         .arg(m_probeSuccesses)
                         .arg(m_probeSuccesses + m_probeFailures)
                         .arg(needed));
        } else if (m_probeFailures > permitted - needed) {
            trip(nowNs, BreakerReason::ProbeFailed,
                 QStringLiteral("%1 of %2 probes failed or were slow; %3 successes can no longer be reached")
                     .arg(m_probeFailures)
                     .arg(permitted)
                     .arg(needed));
        }
        return;
    }
    case BreakerState::Open:
    case BreakerState::ForcedOpen:
    case BreakerState::Disabled:
        return;
    }
}

qint64 CircuitBreaker::clockIfNeeded()
{
    // Closed/MetricsOnly with a count window needs no time: outcomes only move the ring, and trip
    // level decay is computed lazily from the Closed period's start. Everything else reads the clock.
    if (!m_window.isTimeBased() &&
        (m_state == BreakerState::Closed || m_state == BreakerState::MetricsOnly)) {
        return 0;
    }
    const qint64 now = m_clock->nowNs();
    advance(now);
    return now;
}

int CircuitBreaker::effectiveLevel(qint64 nowNs) const
{
    if (m_state != BreakerState::Closed || m_level == 0) {
        return m_level;
    }
    const qint64 periods =
        std::max<qint64>(0, nowNs - m_decayAnchorNs) / (m_config.openDecayAfterMs * kNsPerMs);
    return int(std::max<qint64>(0, m_level - periods));
}

void CircuitBreaker::evaluateClosed()
{
    BreakerReason reason = BreakerReason::Operator;
    const int consecutiveLimit = m_config.consecutiveFailureThreshold;
    const qint64 calls = m_window.calls();
    if (consecutiveLimit > 0 && m_consecutiveFailures >= consecutiveLimit) {
        reason = BreakerReason::ConsecutiveFailures;
    } else if (calls >= m_config.minimumCalls) {
        // Divide rather than multiply the threshold: 3/10 and 0.3 round to the same double, while
        // 0.3 * 10 does not equal 3 — ">= threshold" must hold exactly at the threshold.
        if (double(m_window.failures()) / double(calls) >= m_config.failureRateThreshold) {
            reason = BreakerReason::FailureRate;
        } else if (double(m_window.slowCalls()) / double(calls) >= m_config.slowCallRateThreshold) {
            reason = BreakerReason::SlowCallRate;
        }
    }
    if (reason == BreakerReason::Operator) {
        m_suppressed = false;
        m_metricsExceeded = false;
        return;
    }
    if (m_state == BreakerState::MetricsOnly && m_metricsExceeded) {
        return;
    }
    const qint64 nowNs = m_clock->nowNs();
    QString text;
    switch (reason) {
    case BreakerReason::ConsecutiveFailures:
        text = QStringLiteral("%1 consecutive failures (threshold %2)")
                   .arg(m_consecutiveFailures)
                   .arg(consecutiveLimit);
        break;
    case BreakerReason::FailureRate:
        text = QStringLiteral("failure rate %1 of %2 calls >= threshold %3")
                   .arg(percent(double(m_window.failures()) / double(calls)))
                   .arg(calls)
                   .arg(percent(m_config.failureRateThreshold));
        break;
    default:
        text = QStringLiteral("slow-call rate %1 of %2 calls (slow = over %3 ms) >= threshold %4")
                   .arg(percent(double(m_window.slowCalls()) / double(calls)))
                   .arg(calls)
                   .arg(m_config.slowCallDurationMs)
                   .arg(percent(m_config.slowCallRateThreshold));
        break;
    }
    if (m_state == BreakerState::MetricsOnly) {
        m_metricsExceeded = true;
        emitEvent(nowNs, BreakerEvent::Kind::ThresholdExceeded, m_state, m_state, reason,
                  QStringLiteral("metrics-only, would open: ") + text);
        return;
    }
    if (m_gate) {
        QString whyNot;
        if (!m_gate->mayOpen(*this, &whyNot)) {
            if (!m_suppressed) {
                m_suppressed = true;
                emitEvent(nowNs, BreakerEvent::Kind::TripSuppressed, m_state, m_state,
                          BreakerReason::TripSuppressed, text + QStringLiteral("; kept closed: ") + whyNot);
            }
            return;
        }
    }
    trip(nowNs, reason, text);
}

qint64 CircuitBreaker::baseOpenDurationNs(int level) const
{
    const double ms =
        std::min(double(m_config.maxOpenDurationMs),
                 double(m_config.openDurationMs) * std::pow(m_config.openBackoffMultiplier, level));
    return qint64(ms * double(kNsPerMs));
}

double CircuitBreaker::nextJitterUnit()
{
    // splitmix64: tiny, seedable, good enough to spread re-probes; deterministic for a given seed.
    quint64 z = (m_rngState += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    // 53 random bits -> [0, 1) -> [-1, 1)
    return double(z >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
}

void CircuitBreaker::trip(qint64 nowNs, BreakerReason reason, const QString &text)
{
    m_level = effectiveLevel(nowNs); // healthy Closed time forgets trip levels
    m_decayAnchorNs = nowNs;         // committed: setState() must not decay it again
    const qint64 baseNs = baseOpenDurationNs(m_level);
    double ns = double(baseNs);
    if (m_config.openJitterFraction > 0.0) {
        ns *= 1.0 + m_config.openJitterFraction * nextJitterUnit();
    }
    // Whole milliseconds: what operators see is exactly what runs.
    const qint64 openNs =
        std::clamp<qint64>(std::llround(ns / double(kNsPerMs)), 1, m_config.maxOpenDurationMs) * kNsPerMs;
    const int levelBefore = m_level;
    m_level = std::min(m_level + 1, kMaxLevel);
    m_currentOpenNs = openNs;
    m_openUntilNs = nowNs + openNs;
    ++m_trips;
    m_window.clear();
    m_consecutiveFailures = 0;
    m_suppressed = false;
    clearHalfOpen();
    m_lastTripReason = reason;
    m_lastTripText =
        text + QStringLiteral("; open for %1 ms (trip level %2)").arg(openNs / kNsPerMs).arg(levelBefore);
    setState(nowNs, BreakerState::Open, reason, m_lastTripText);
}

void CircuitBreaker::toHalfOpen(qint64 nowNs)
{
    clearHalfOpen();
    setState(nowNs, BreakerState::HalfOpen, BreakerReason::OpenElapsed,
             QStringLiteral("open period of %1 ms elapsed; admitting %2 probes, %3 successes close")
                 .arg(m_currentOpenNs / kNsPerMs)
                 .arg(m_config.halfOpenPermittedCalls)
                 .arg(m_config.halfOpenSuccessThreshold));
}

void CircuitBreaker::toClosed(qint64 nowNs, BreakerReason reason, const QString &text)
{
    m_window.clear();
    m_consecutiveFailures = 0;
    m_suppressed = false;
    m_metricsExceeded = false;
    clearHalfOpen();
    m_decayAnchorNs = nowNs;
    setState(nowNs, BreakerState::Closed, reason, text);
}

void CircuitBreaker::clearHalfOpen()
{
    m_probesGranted = 0;
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    m_probeFailures = 0;
}

void CircuitBreaker::advance(qint64 nowNs)
{
    switch (m_state) {
    case BreakerState::Closed:
        [[fallthrough]];
    case BreakerState::MetricsOnly:
        // Calls leaving a time window change the rates: judge them without waiting for a call.
        if (m_window.advanceTo(nowNs)) {
            evaluateClosed();
        }
        return;
    case BreakerState::Open:
        if (nowNs >= m_openUntilNs) {
            toHalfOpen(nowNs);
        }
        return;
    case BreakerState::HalfOpen:
        // Max wait only runs once probes were handed out: with no traffic there is nothing to wait for.
        if (m_probesGranted > 0 && nowNs - m_firstProbeNs >= m_config.halfOpenMaxWaitMs * kNsPerMs) {
            const QString text =
                QStringLiteral("half-open for %1 ms without a decision (%2 of %3 probes answered); "
                               "open again for %4 ms")
                    .arg(m_config.halfOpenMaxWaitMs)
                    .arg(m_probeSuccesses + m_probeFailures)
                    .arg(m_probesGranted)
                    .arg(m_currentOpenNs / kNsPerMs);
            clearHalfOpen();
            m_openUntilNs = nowNs + m_currentOpenNs;
            setState(nowNs, BreakerState::Open, BreakerReason::HalfOpenMaxWait, text);
        }
        return;
    case BreakerState::ForcedOpen:
    case BreakerState::Disabled:
        return;
    }
}

BreakerState CircuitBreaker::state()
{
    advance(m_clock->nowNs());
    return m_state;
}

BreakerState CircuitBreaker::peekState() const
{
    const qint64 now = m_clock->nowNs();
    if (m_state == BreakerState::Open && now >= m_openUntilNs) {
        return BreakerState::HalfOpen;
    }
    if (m_state == BreakerState::HalfOpen && m_probesGranted > 0 &&
        now - m_firstProbeNs >= m_config.halfOpenMaxWaitMs * kNsPerMs) {
        return BreakerState::Open;
    }
    return m_state;
}

qint64 CircuitBreaker::peekOpenRemainingMs() const
{
    if (m_state != BreakerState::Open) {
        return 0;
    }
    return std::max<qint64>(0, m_openUntilNs - m_clock->nowNs() + kNsPerMs - 1) / kNsPerMs;
}

int CircuitBreaker::peekFreeProbeSlots() const
{
    const BreakerState s = peekState();
    if (s != BreakerState::HalfOpen) {
        return 0;
    }
    // Still Open in storage: the open period is over and a fresh half-open round would start.
    return m_state == BreakerState::Open ? m_config.halfOpenPermittedCalls
                                         : m_config.halfOpenPermittedCalls - m_probesGranted;
}

BreakerSnapshot CircuitBreaker::snapshot()
{
    const qint64 now = m_clock->nowNs();
    advance(now);
    BreakerSnapshot s;
    s.name = m_name;
    s.state = m_state;
    s.timeInStateMs = (now - m_stateSinceNs) / kNsPerMs;
    s.currentOpenDurationMs = m_currentOpenNs / kNsPerMs;
    s.nextOpenDurationMs = baseOpenDurationNs(effectiveLevel(now)) / kNsPerMs;
    s.openRemainingMs = peekOpenRemainingMs(); // rounded up, like Permission::retryAfterMs
    s.openLevel = effectiveLevel(now);
    s.trips = m_trips;
    s.windowCalls = m_window.calls();
    s.windowFailures = m_window.failures();
    s.windowSlowCalls = m_window.slowCalls();
    if (s.windowCalls > 0) {
        s.failureRate = double(s.windowFailures) / double(s.windowCalls);
        s.slowCallRate = double(s.windowSlowCalls) / double(s.windowCalls);
    }
    s.ratesJudged = s.windowCalls >= m_config.minimumCalls;
    s.consecutiveFailures = m_consecutiveFailures;
    s.halfOpenProbesInFlight = m_probesInFlight;
    s.halfOpenSuccesses = m_probeSuccesses;
    s.halfOpenFailures = m_probeFailures;
    s.totalSuccesses = m_successes;
    s.totalFailures = m_failures;
    s.totalIgnoredFailures = m_ignored;
    s.totalSlowCalls = m_slowTotal;
    s.totalRejected = m_rejected;
    s.failuresByCategory = m_byCategory;
    for (ErrorCategory c : allErrorCategories()) {
        const quint64 n = m_byCategory[size_t(int(c) - 1)];
        (originOf(c) == ErrorOrigin::Model ? s.modelFailures : s.localFailures) += n;
    }
    s.lastTripReason = m_lastTripReason;
    s.lastTripText = m_lastTripText;
    return s;
}

void CircuitBreaker::forceOpen(const QString &reason)
{
    const qint64 now = m_clock->nowNs();
    clearHalfOpen();
    setState(now, BreakerState::ForcedOpen, BreakerReason::Operator,
             QStringLiteral("isolated by operator") +
                 (reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
}

void CircuitBreaker::disable(const QString &reason)
{
    const qint64 now = m_clock->nowNs();
    clearHalfOpen();
    setState(now, BreakerState::Disabled, BreakerReason::Operator,
             QStringLiteral("disabled by operator") +
                 (reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
}

void CircuitBreaker::setMetricsOnly(bool on, const QString &reason)
{
    const qint64 now = m_clock->nowNs();
    const QString suffix = reason.isEmpty() ? QString() : QStringLiteral(": ") + reason;
    if (on) {
        clearHalfOpen();
        m_metricsExceeded = false;
        setState(now, BreakerState::MetricsOnly, BreakerReason::Operator,
                 QStringLiteral("metrics-only by operator") + suffix);
    } else if (m_state == BreakerState::MetricsOnly) {
        m_decayAnchorNs = now;
        m_suppressed = false;
        setState(now, BreakerState::Closed, BreakerReason::Operator,
                 QStringLiteral("metrics-only ended by operator") + suffix);
        // The kept window is judged for real from now on; it may trip at once.
        evaluateClosed();
    }
}

void CircuitBreaker::reset(const QString &reason)
{
    const qint64 now = m_clock->nowNs();
    m_level = 0;
    m_openUntilNs = 0;
    m_currentOpenNs = 0;
    toClosed(now, BreakerReason::Operator,
             QStringLiteral("reset by operator") +
                 (reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
}

void CircuitBreaker::reject(qint64 nowNs, BreakerReason reason, qint64 retryAfterNs)
{
    ++m_rejected;
    if (!m_listener) {
        return;
    }
    QString text;
    switch (reason) {
    case BreakerReason::OpenRejected:
        text = QStringLiteral("open: %1 ms until probes; last trip: %2")
                   .arg(std::max<qint64>(0, retryAfterNs) / kNsPerMs)
                   .arg(m_lastTripText);
        break;
    case BreakerReason::ProbesExhausted:
        text = QStringLiteral("half-open: all %1 probe slots in use").arg(m_config.halfOpenPermittedCalls);
        break;
    default:
        text = QStringLiteral("isolated by operator");
        break;
    }
    emitEvent(nowNs, BreakerEvent::Kind::Rejected, m_state, m_state, reason, text);
}

void CircuitBreaker::setState(qint64 nowNs, BreakerState to, BreakerReason reason, const QString &text)
{
    const BreakerState from = m_state;
    if (from == to) {
        return;
    }
    if (from == BreakerState::Closed) {
        m_level = effectiveLevel(nowNs); // decay only runs while Closed
    }
    m_state = to;
    m_stateSinceNs = nowNs;
    qCInfo(lcResilience).noquote() << "breaker" << m_name << toString(from) << "->" << toString(to) << ":"
                                   << text;
    emitEvent(nowNs, BreakerEvent::Kind::Transition, from, to, reason, text);
}

void CircuitBreaker::emitEvent(qint64 nowNs, BreakerEvent::Kind kind, BreakerState from, BreakerState to,
                               BreakerReason reason, const QString &text)
{
    if (!m_listener) {
        return;
    }
    BreakerEvent e;
    e.timestampNs = nowNs;
    e.breakerName = m_name;
    e.kind = kind;
    e.from = from;
    e.to = to;
    e.reason = reason;
    e.reasonText = text;
    m_listener(e);
}

} // namespace accel
