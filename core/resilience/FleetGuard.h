#pragma once

#include "resilience/BreakerTypes.h"
#include "resilience/TripGate.h"

#include <QHash>
#include <QStringList>

#include <vector>

namespace accel {

class CircuitBreaker;

/// Limits for a pool's breakers.
///  - maxOpenShare: at most max(1, floor(maxOpenShare * hosts)) breakers may be open-like (Open,
///    HalfOpen, ForcedOpen) at once. Automatic trips beyond that are vetoed (the breaker stays
///    Closed and emits TripSuppressed): losing the whole fleet to a shared cause (a bad model
///    push, a network blip) is worse than serving from degraded hosts. Operator isolation
///    (forceOpen) is never vetoed but uses the same budget. Default 0.5.
///  - panicHealthyShare: when fewer than this share of hosts are healthy (Closed, MetricsOnly or
///    Disabled), selectHosts() enters panic mode and routes to the least-bad hosts instead of
///    only healthy ones. Default 0.5. Both in (0, 1].
struct FleetGuardConfig
{
    double maxOpenShare = 0.5;
    double panicHealthyShare = 0.5;
    /// Empty when valid, else the first problem.
    QString validate() const;
};

/// Result of FleetGuard::selectHosts().
struct HostSelection
{
    QStringList hostIds; ///< best first
    bool panic = false;  ///< true: some selected hosts are not healthy; call them without tryAcquire()
    QString reason;      ///< why this selection (English, for logs and the dashboard)
};

/// Watches the breakers of one pool (by host id) and vetoes trips that would open too many of
/// them at once; in panic mode picks the least-bad hosts.
///
/// Ownership: breakers are not owned. attach() installs the guard as the breaker's TripGate; a
/// breaker destroyed while attached detaches itself; the guard detaches from all on destruction.
/// Thread: the owner thread of the breakers (not thread-safe).
class FleetGuard final : public TripGate
{
public:
    explicit FleetGuard(FleetGuardConfig config = {});
    ~FleetGuard() override;
    FleetGuard(const FleetGuard &) = delete;
    FleetGuard &operator=(const FleetGuard &) = delete;

    const FleetGuardConfig &config() const { return m_config; }

    /// Adds (or replaces) the breaker for hostId and installs this guard as its TripGate.
    void attach(const QString &hostId, CircuitBreaker *breaker);
    void detach(const QString &hostId);
    QStringList hostIds() const;
    int size() const { return int(m_members.size()); }

    /// Breakers currently Open, HalfOpen or ForcedOpen (as the clock says now).
    int openCount() const;
    /// Breakers currently Closed, MetricsOnly or Disabled.
    int healthyCount() const;
    /// The open-like budget: max(1, floor(maxOpenShare * size())).
    int maxOpen() const;
    /// Whether hostId's breaker may open now. Always true if it is already open-like.
    bool mayOpen(const QString &hostId, QString *whyNot = nullptr) const;
    /// Panic: healthyCount() < panicHealthyShare * size() (never with an empty pool).
    bool isPanic() const;

    /// Up to `wanted` hosts (<= 0: all eligible), best first.
    /// Normal: healthy hosts only, by score (descending; missing score = 50), ties by host id.
    /// Panic: every host except ForcedOpen ones ("isolated" is an operator decision), ranked
    /// healthy < HalfOpen < Open, then by score, then by the sooner end of the open period.
    HostSelection selectHosts(int wanted, const QHash<QString, double> &scores = {}) const;

    // TripGate
    bool mayOpen(const CircuitBreaker &breaker, QString *whyNot) override;
    void breakerDestroyed(CircuitBreaker *breaker) override;

private:
    struct Member
    {
        QString hostId;
        CircuitBreaker *breaker;
    };
    int openCountExcluding(const CircuitBreaker *skip) const;
    bool mayOpenBreaker(const CircuitBreaker *breaker, QString *whyNot) const;

    FleetGuardConfig m_config;
    std::vector<Member> m_members;
};

} // namespace accel
