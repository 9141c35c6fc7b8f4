#pragma once

#include "cluster/CoordinatorStore.h"
#include "cluster/etcd/EtcdError.h"
#include "cluster/etcd/EtcdTypes.h"

#include <QHash>
#include <QPointer>
#include <QStringList>

#include <memory>

namespace accel {

class Clock;
class EtcdBlockingClient;
class EtcdClient;
class EtcdWatch;
class LeaderElection;

/// CoordinatorStore on an etcd cluster (the HA backend). Every key lives under `keyPrefix`
/// (a namespace: several stores can share one cluster); revisions are etcd's cluster-wide ones,
/// so they grow by more than one when other clients write to the same cluster.
///
/// Calls are synchronous, as the interface requires: they block the calling thread on a socket
/// (EtcdBlockingClient, never a nested event loop) for at most timeoutMs, failing over between
/// endpoints. Watches are asynchronous streams (EtcdWatch) delivered on the context's thread.
///
/// Differences from SqliteStore that callers should know:
/// - lease TTLs are whole seconds (rounded up; etcd may raise them to its minimum TTL);
/// - compact() compacts the whole etcd cluster, not just this namespace;
/// - with setFence(), every txn carries `create_revision(electionKey) == epoch`; when that
///   compare fails, txn() returns StoreErrorCode::Io with a message starting "fenced:" (the
///   interface has no dedicated code; see fencedErrorPrefix()).
/// Thread: the creating thread only.
class EtcdStore : public CoordinatorStore
{
    Q_OBJECT
public:
    struct Options
    {
        QStringList endpoints;
        QByteArray keyPrefix = QByteArrayLiteral("/accel/");
        int timeoutMs = 5000;
        int attemptTimeoutMs = 1500;
    };

    explicit EtcdStore(const Options &options, QObject *parent = nullptr, const Clock *clock = nullptr);
    ~EtcdStore() override;

    QString backendName() const override { return QStringLiteral("etcd"); }
    StoreResult<RangeResponse> range(const QByteArray &key, const QByteArray &rangeEnd = {},
                                     qint64 limit = 0) override;
    StoreResult<TxnResponse> txn(const StoreTxn &txn) override;
    StoreResult<qint64> revision() override;
    StoreResult<Lease> grantLease(qint64 ttlMs) override;
    StoreResult<Lease> keepAlive(qint64 leaseId) override;
    StoreResult<bool> revokeLease(qint64 leaseId) override;
    StoreResult<qint64> leaseTimeToLive(qint64 leaseId) override;
    StoreResult<qint64> watch(const QByteArray &key, const QByteArray &rangeEnd, qint64 fromRevision,
                              QObject *context, WatchCallback callback) override;
    void cancelWatch(qint64 watchId) override;
    StoreResult<qint64> compact(qint64 revision) override;

    /// Fence every txn on `election` (not owned; may be destroyed first, then txns fail fenced).
    void setFence(const LeaderElection *election);
    static QString fencedErrorPrefix() { return QStringLiteral("fenced:"); }

    static StoreError toStoreError(const EtcdError &error);

private:
    QByteArray outer(const QByteArray &key) const;
    QByteArray outerEnd(const QByteArray &key, const QByteArray &rangeEnd) const;
    QByteArray inner(const QByteArray &key) const;
    KeyValue fromEtcd(const EtcdKeyValue &kv) const;
    EtcdClient *watchClient();

    Options m_options;
    const Clock *m_clock = nullptr;
    std::unique_ptr<EtcdBlockingClient> m_client;
    EtcdClient *m_watchClient = nullptr;
    QHash<qint64, EtcdWatch *> m_watches;
    qint64 m_nextWatchId = 1;
    bool m_fenced = false;
    QPointer<const LeaderElection> m_fence;
};

} // namespace accel
