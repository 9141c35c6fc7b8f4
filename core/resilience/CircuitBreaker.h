#pragma once

#include "resilience/BreakerConfig.h"
#include "resilience/BreakerTypes.h"
#include "resilience/SlidingWindow.h"

#include <functional>

namespace accel {

class Clock;
class TripGate;

/// Per-host circuit breaker (see BreakerConfig for every rule and default).
///
/// Use:  if (Permission p = breaker.tryAcquire()) { run; breaker.recordSuccess(ns) or
///       breaker.recordFailure(category, ns); } else { route elsewhere; p.reason says why }
///
/// Thread: NOT thread-safe. One owner thread calls everything (the pool's thread); this keeps the
/// hot path free of locks (see `accelctl bench breaker`). Time comes only from the Clock.
/// Lazy time: Open -> HalfOpen (open period over) and HalfOpen -> Open (max wait) are observed on
/// the next tryAcquire()/record*()/state()/snapshot() call; the trip level's decay is computed
/// from the length of the current Closed period. A Closed breaker with a count window never reads
/// the clock on tryAcquire()/record*() (the hot path); a time window reads it once per record, so
/// on machines with a slow clock_gettime pass a cheap Clock (see CoarseClock).
/// Outcomes that arrive while Open (calls granted before the trip) only update the totals.
/// In HalfOpen, an outcome is a probe result while probes are in flight; otherwise (a straggler
/// from before the trip) it only updates the totals. The half-open max wait runs from the first
/// probe granted: with no traffic there is nothing to wait for.
/// A time window is re-judged whenever calls leave it, so Closed never sits on rates over a
/// threshold (unless a TripGate vetoes).
class CircuitBreaker
{
public:
    using EventListener = std::function<void(const BreakerEvent &)>;

    /// `clock` must outlive the breaker (nullptr = Clock::system()). An invalid config is
    /// replaced by the defaults, with a warning in lcResilience (validate configs first).
    explicit CircuitBreaker(QString name, BreakerConfig config = {}, const Clock *clock = nullptr);
    ~CircuitBreaker();
    CircuitBreaker(const CircuitBreaker &) = delete;
    CircuitBreaker &operator=(const CircuitBreaker &) = delete;

    const QString &name() const { return m_name; }
    const BreakerConfig &config() const { return m_config; }

    /// Asks to make one call. Rejections emit a Rejected event and count in totalRejected.
    Permission tryAcquire();
    /// The call succeeded after durationNs (negative durations are treated as 0).
    void recordSuccess(qint64 durationNs);
    /// The call failed; only categories in config().countedCategories judge the host.
    void recordFailure(ErrorCategory category, qint64 durationNs);
    /// A failure that needs no statistics: the host is gone (browser crashed, transport lost).
    /// Counts one failure of `category` and opens at once from Closed (unless the TripGate vetoes
    /// it) or HalfOpen; in MetricsOnly it only reports ThresholdExceeded. No effect when Open,
    /// ForcedOpen or Disabled, or for a category that is not counted.
    void tripNow(ErrorCategory category, const QString &reason);

    /// Current state, after applying any time-driven transition that is due.
    BreakerState state();
    /// State as the clock alone would move it (open period over, half-open max wait), without
    /// transitioning or emitting (for FleetGuard). Does not re-judge a time window.
    BreakerState peekState() const;
    BreakerSnapshot snapshot();
    /// Open only: ms until probes are admitted (0 otherwise). Does not transition.
    qint64 peekOpenRemainingMs() const;
    /// Probe calls tryAcquire() would still grant now (0 unless peekState() is HalfOpen).
    int peekFreeProbeSlots() const;

    // Operator controls. Each emits a Transition event with reason Operator (if the state changes).
    /// Isolate the host: reject every call until reset() (or disable()/setMetricsOnly()).
    void forceOpen(const QString &reason);
    /// Switch the breaker off: every call is allowed and nothing is recorded.
    void disable(const QString &reason = QString());
    /// true: record and judge but never block (for tuning thresholds on a live fleet);
    /// false: back to Closed with the window kept.
    void setMetricsOnly(bool on, const QString &reason = QString());
    /// Back to Closed with an empty window, trip level 0 and probe state cleared (totals kept).
    void reset(const QString &reason = QString());

    /// One listener (the owner fans out if needed); called synchronously on the owner thread.
    void setEventListener(EventListener listener) { m_listener = std::move(listener); }
    /// Optional veto on Closed -> Open (FleetGuard). Not owned; nullptr to remove.
    /// A previous, different gate is told through TripGate::breakerDetached().
    void setTripGate(TripGate *gate);
    TripGate *tripGate() const { return m_gate; }

private:
    void advance(qint64 nowNs);
    void onOutcome(qint64 nowNs, bool failed, bool slow);
    void evaluateClosed();
    qint64 clockIfNeeded();
    int effectiveLevel(qint64 nowNs) const;
    void trip(qint64 nowNs, BreakerReason reason, const QString &text);
    void toHalfOpen(qint64 nowNs);
    void toClosed(qint64 nowNs, BreakerReason reason, const QString &text);
    void setState(qint64 nowNs, BreakerState to, BreakerReason reason, const QString &text);
    void emitEvent(qint64 nowNs, BreakerEvent::Kind kind, BreakerState from, BreakerState to,
                   BreakerReason reason, const QString &text);
    qint64 baseOpenDurationNs(int level) const;
    double nextJitterUnit();
    void reject(qint64 nowNs, BreakerReason reason, qint64 retryAfterNs);
    void clearHalfOpen();

    QString m_name;
    BreakerConfig m_config;
    const Clock *m_clock;
    SlidingWindow m_window;
    EventListener m_listener;
    TripGate *m_gate = nullptr;
    qint64 m_slowNs;

    BreakerState m_state = BreakerState::Closed;
    qint64 m_stateSinceNs = 0;
    qint64 m_openUntilNs = 0;
    qint64 m_currentOpenNs = 0;
    qint64 m_decayAnchorNs = 0; ///< Closed: start of the healthy period that decays the trip level
    qint64 m_firstProbeNs = 0;  ///< HalfOpen: when the first probe was granted (max wait runs from it)
    int m_level = 0;
    int m_consecutiveFailures = 0;
    int m_probesGranted = 0;
    int m_probesInFlight = 0;
    int m_probeSuccesses = 0;
    int m_probeFailures = 0;
    bool m_suppressed = false;      ///< a TripSuppressed event was sent for the current episode
    bool m_metricsExceeded = false; ///< a ThresholdExceeded event was sent for the current episode
    quint64 m_rngState = 0;

    quint64 m_trips = 0;
    quint64 m_successes = 0;
    quint64 m_failures = 0;
    quint64 m_ignored = 0;
    quint64 m_slowTotal = 0;
    quint64 m_rejected = 0;
    std::array<quint64, kErrorCategoryCount> m_byCategory{};
    BreakerReason m_lastTripReason = BreakerReason::Operator;
    QString m_lastTripText;
};

} // namespace accel
