#pragma once

#include "cluster/StoreTypes.h"

#include <QObject>

#include <functional>

namespace accel {

/// Durable coordinator state, shaped on etcd's v3 model so that an etcd implementation fits
/// behind the same interface: a flat ordered key space; a store-wide revision bumped once per
/// write transaction; per-key create/mod revision and version; leases with a TTL that delete
/// their keys on expiry; all-or-nothing transactions (compares, then success or failure ops);
/// prefix watches that can start from an older revision.
///
/// Thread: an implementation is used from the thread that created it. Watch callbacks are
/// delivered asynchronously (queued) on the context object's thread, in revision order, never
/// from inside the call that caused the change.
class CoordinatorStore : public QObject
{
    Q_OBJECT
public:
    using WatchCallback = std::function<void(const QList<WatchEvent> &events)>;

    explicit CoordinatorStore(QObject *parent = nullptr);
    ~CoordinatorStore() override;

    /// Human-readable backend name ("sqlite", "etcd").
    virtual QString backendName() const = 0;

    virtual StoreResult<RangeResponse> range(const QByteArray &key, const QByteArray &rangeEnd = {},
                                             qint64 limit = 0) = 0;
    virtual StoreResult<TxnResponse> txn(const StoreTxn &txn) = 0;
    /// Current store revision (0 for an empty, never written store).
    virtual StoreResult<qint64> revision() = 0;

    virtual StoreResult<Lease> grantLease(qint64 ttlMs) = 0;
    /// Renews the lease for its full TTL; LeaseNotFound once it expired or was revoked.
    virtual StoreResult<Lease> keepAlive(qint64 leaseId) = 0;
    virtual StoreResult<bool> revokeLease(qint64 leaseId) = 0;
    /// Remaining TTL in ms, or LeaseNotFound.
    virtual StoreResult<qint64> leaseTimeToLive(qint64 leaseId) = 0;

    /// Watches [key, rangeEnd) from fromRevision (0 = only future changes). Events before the
    /// compaction point cannot be replayed: Compacted. Returns the watch id (> 0).
    virtual StoreResult<qint64> watch(const QByteArray &key, const QByteArray &rangeEnd, qint64 fromRevision,
                                      QObject *context, WatchCallback callback) = 0;
    virtual void cancelWatch(qint64 watchId) = 0;
    /// Forget history before revision; watches from earlier revisions then fail with Compacted.
    virtual StoreResult<qint64> compact(qint64 revision) = 0;

    // Conveniences on top of txn/range.
    StoreResult<qint64> put(const QByteArray &key, const QByteArray &value, qint64 lease = 0);
    StoreResult<qint64> remove(const QByteArray &key, const QByteArray &rangeEnd = {});
    /// The key, or a KeyValue with createRevision 0 when it does not exist.
    StoreResult<KeyValue> get(const QByteArray &key);
    StoreResult<RangeResponse> prefix(const QByteArray &prefix, qint64 limit = 0);
};

} // namespace accel
