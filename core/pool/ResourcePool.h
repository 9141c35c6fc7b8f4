#pragma once

#include "hosts/HostKind.h"
#include "hosts/HostSession.h"
#include "pool/HostSelector.h"
#include "pool/PoolConfig.h"
#include "pool/PoolHostInfo.h"
#include "resilience/BreakerTypes.h"
#include "resilience/HealthScorer.h"
#include "resilience/ValueOrError.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <deque>
#include <map>
#include <memory>

class QTimer;

namespace accel {

class CircuitBreaker;
class Clock;
class FleetGuard;
class HostFactory;
class HostInstance;
class RuntimeServer;

/// Keeps the fleet of shard hosts: spawns them through HostFactory objects, pairs each with its
/// RuntimeServer session, judges each with a CircuitBreaker and a HealthScorer (one FleetGuard
/// over all breakers), keeps min/max hosts per kind plus warm spares, closes idle extras and
/// replaces dead hosts with bounded backoff.
///
/// Host identity: a host id names a *slot*. When the host behind a slot dies, the replacement is
/// spawned under the same id (generation + 1), so its breaker and health history carry over: the
/// breaker is Open after the loss, goes HalfOpen when its open period ends, and the pool's probes
/// (echo round trips through tryAcquire) close it again once the replacement answers.
///
/// Live data: changes are collected and published at most every config.updateIntervalMs
/// (hostsUpdated, breakerTransitions) so views never see more than ~10 updates/s.
///
/// Thread: everything on the thread that owns the RuntimeServer (the GUI thread in the console).
/// Ownership: factories are owned (addFactory); server and clock are not and must outlive the pool.
class ResourcePool : public QObject
{
    Q_OBJECT
public:
    /// `config` must be valid (PoolConfig::validate()); an invalid one is replaced by defaults
    /// with a warning in lcPool.
    ResourcePool(RuntimeServer *server, PoolConfig config, const Clock *clock = nullptr,
                 QObject *parent = nullptr);
    ~ResourcePool() override;

    const PoolConfig &config() const { return m_config; }
    const Clock *clock() const { return m_clock; }
    RuntimeServer *server() const { return m_server; }

    /// Registers the spawner of one kind (replaces an earlier one of that kind). Owned.
    void addFactory(std::unique_ptr<HostFactory> factory);
    HostFactory *factory(HostKind kind) const;
    QList<HostKind> availableKinds() const;

    /// Brings the pool to its configured sizes and starts the maintenance timer.
    void start();
    /// Stops every host and the timer. Idempotent; also run by the destructor.
    void stop();
    bool isRunning() const { return m_running; }

    // ---- operator actions (Hosts panel) ----
    /// Spawns one more host of `kind`; returns its id or an error (no factory, at max, spawn failed).
    ValueOrError<QString> addHost(HostKind kind);
    /// Stops the host and starts a fresh one under the same id (no breaker penalty).
    bool restartHost(const QString &hostId);
    /// Forces the breaker open ("isolated"): no work goes to the host until resetBreaker().
    bool isolateHost(const QString &hostId, const QString &reason);
    bool resetBreaker(const QString &hostId, const QString &reason);
    /// No new leases; the host is closed and removed once its leases are released.
    bool drainHost(const QString &hostId);
    /// Stops and removes the host now.
    bool closeHost(const QString &hostId);

    // ---- use ----
    /// Picks hosts with the selector and leases them (release() each one when done). When no
    /// host is eligible and the FleetGuard is in panic mode, its least-bad ready hosts are used.
    QStringList acquire(const SelectionRequest &request);
    void release(const QString &hostId);
    HostSelector &selector() { return m_selector; }
    QList<HostCandidate> candidates() const;
    /// Breaker permission for one call to the host (rejected when unknown or not ready).
    Permission tryAcquire(const QString &hostId);
    void recordSuccess(const QString &hostId, qint64 durationNs);
    void recordFailure(const QString &hostId, ErrorCategory category, qint64 durationNs);

    // ---- inspection ----
    QList<PoolHostInfo> hosts() const;
    std::optional<PoolHostInfo> host(const QString &hostId) const;
    HostSession *session(const QString &hostId) const;
    HostInstance *instance(const QString &hostId) const;
    /// Not owned by the caller; valid until hostRemoved(hostId).
    CircuitBreaker *breaker(const QString &hostId) const;
    /// The last health score with its per-factor breakdown (recomputed on every publication).
    std::optional<HealthScore> healthScore(const QString &hostId) const;
    FleetGuard *fleetGuard() const { return m_guard.get(); }
    int connectedCount() const;
    int totalCount() const { return int(m_order.size()); }
    /// Replacements done for `kind` within the restart window.
    int recentRestarts(HostKind kind) const;

    /// Runs one maintenance pass now (hello timeouts, sizing, idle close, probes, publishing).
    /// The internal timer calls it every config().updateIntervalMs; tests with a ManualClock may too.
    void tick();

Q_SIGNALS:
    void hostAdded(const accel::PoolHostInfo &info);
    /// The slot is gone (closed, drained, idle); `reason` is English text for logs.
    void hostRemoved(const QString &hostId, const QString &reason);
    /// Throttled: the hosts whose info changed since the last publication.
    void hostsUpdated(const QList<accel::PoolHostInfo> &changed);
    /// Throttled: breaker transitions since the last publication, oldest first.
    void breakerTransitions(const QList<accel::PoolBreakerTransition> &transitions);
    /// A dead host was seen (crash, transport loss, heartbeat or hello timeout).
    void hostLost(const QString &hostId, const QString &detail);
    /// A replacement for a lost host has been spawned.
    void hostReplaced(const QString &hostId, int generation);
    void countsChanged(int connected, int total);

private:
    struct Entry;

    Entry *entry(const QString &hostId) const;
    Entry *createEntry(const QString &hostId, HostKind kind, bool managed);
    bool spawnInto(Entry &e, QString *error);
    void stopInstance(Entry &e);
    /// Detaches, stops and (later) deletes the entry's host instance if it has one.
    void releaseInstance(Entry &e);
    /// Detaches and closes the entry's session (ClosedByApp, `reason`) if it has one.
    void closeSession(Entry &e, const QString &reason);
    void removeEntry(const QString &hostId, const QString &reason);
    void markLost(Entry &e, ErrorCategory category, const QString &detail);
    void onSessionOpened(HostSession *session);
    void onSessionClosed(const QString &hostId, HostKind kind, HostSession::CloseReason reason,
                         const QString &detail);
    void onInstanceExited(const QString &hostId, int generation, bool crashed, const QString &detail);
    void onResult(const QString &hostId, quint64 requestId);
    void onHeartbeat(const QString &hostId);
    void onMetrics(const QString &hostId);
    void onBreakerEvent(const QString &hostId, const BreakerEvent &event);
    void maintain();
    void sizeKind(HostKind kind);
    void probe(Entry &e);
    PoolHostInfo infoOf(const Entry &e) const;
    void markDirty(Entry &e);
    void publish();
    HostObservations observe(Entry &e) const;
    void rescore();
    qint64 nowMs() const;
    qint64 restartDelayMs(HostKind kind) const;
    void pruneRestarts(HostKind kind);

    PoolConfig m_config;
    RuntimeServer *m_server;
    const Clock *m_clock;
    QTimer *m_timer;
    HostSelector m_selector;
    HealthScorer m_scorer;
    std::unique_ptr<FleetGuard> m_guard;
    std::map<HostKind, std::unique_ptr<HostFactory>> m_factories;
    std::map<QString, std::unique_ptr<Entry>> m_entries;
    QStringList m_order; ///< slot ids in creation order (stable rows)
    QHash<HostKind, std::deque<qint64>> m_restartTimesMs;
    QSet<QString> m_dirty;
    QList<PoolBreakerTransition> m_pendingTransitions;
    bool m_running = false;
    QString m_lossContext; ///< set while a loss is being recorded into a breaker
    int m_selfClosing = 0; ///< > 0 while the pool closes a session itself
    int m_lastConnected = -1;
    int m_lastTotal = -1;
};

} // namespace accel
