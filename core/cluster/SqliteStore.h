#pragma once

#include "cluster/CoordinatorStore.h"

#include <QHash>
#include <QPointer>
#include <QSqlDatabase>
#include <QString>

#include <memory>

class QTimer;

namespace accel {

class Clock;

/// The embedded CoordinatorStore: one SQLite file in WAL mode with synchronous=FULL (a committed
/// transaction survives power loss). Each txn() is one BEGIN IMMEDIATE transaction that bumps
/// the revision counter once if it writes; every write is also appended to a change log so
/// watches can replay from an older revision (the log is compacted to the last
/// kRetainedRevisions revisions). Leases are persisted with their TTL; like etcd after a leader
/// change, their deadlines restart at full TTL when the store is reopened. Lease deadlines are
/// judged with the injected Clock; checkLeases() runs from a timer or explicitly in tests.
///
/// Thread: owned by and used from one thread (its SQLite connection lives there). One process
/// at a time: open() takes an exclusive lock file next to the database.
class SqliteStore final : public CoordinatorStore
{
    Q_OBJECT
public:
    static constexpr qint64 kRetainedRevisions = 10000;
    static constexpr int kMaxOpsPerTxn = 100000;

    SqliteStore(const QString &path, const Clock *clock, QObject *parent = nullptr);
    ~SqliteStore() override;

    /// Opens (creating if needed) the database. Must succeed before any other call.
    StoreResult<bool> open();
    void close();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }

    QString backendName() const override { return QStringLiteral("sqlite"); }
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

    /// Revokes every lease whose deadline has passed (deleting its keys). Returns how many.
    int checkLeases();

private:
    struct Watch
    {
        QByteArray key;
        QByteArray rangeEnd;
        QPointer<QObject> context;
        WatchCallback callback;
    };
    struct Impl;

    StoreError sqlError(const QString &what) const;
    StoreResult<TxnResponse> runTxn(const StoreTxn &txn, QList<WatchEvent> *events);
    void deliver(const QList<WatchEvent> &events);
    StoreResult<bool> revokeLocked(qint64 leaseId, QList<WatchEvent> *events);

    QString m_path;
    QString m_connectionName;
    const Clock *m_clock;
    bool m_open = false;
    std::unique_ptr<Impl> d;
    QHash<qint64, qint64> m_leaseDeadlineMs; ///< lease id -> Clock ms
    QHash<qint64, qint64> m_leaseTtlMs;
    QHash<qint64, Watch> m_watches;
    qint64 m_nextWatchId = 1;
    QTimer *m_leaseTimer = nullptr;
};

} // namespace accel
