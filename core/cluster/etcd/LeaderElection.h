#pragma once

#include "cluster/etcd/EtcdError.h"
#include "cluster/etcd/EtcdTypes.h"

#include <QObject>
#include <QPointer>

class QTimer;

namespace accel {

class EtcdClient;
class EtcdLease;
class EtcdWatch;

/// Leader election on etcd: every candidate holds a lease (keepalive every TTL/3) and campaigns with
/// a txn `create_revision(key) == 0 → put(key, candidateId, lease)`. The winner's epoch is the
/// create revision of the election key: strictly increasing across leaders, so it fences: a
/// fencedTxn() only applies while the key still has that create revision.
///
/// Followers watch the key and campaign again at once when it is deleted (lease expiry or resign),
/// plus every retryIntervalMs as a backstop. A leader steps down when its lease is suspended (no
/// keepalive acknowledged within the TTL: it may have expired), lost, or its key disappears; if the
/// lease survived (renewed after a suspension) and the key is still ours it is elected again with the
/// same epoch. Thread: the client's; the client must outlive the election.
class LeaderElection : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QByteArray key = QByteArrayLiteral("/accel/election/coordinator");
        QByteArray candidateId;
        qint64 ttlSeconds = 1;
        int retryIntervalMs = 500;
    };

    LeaderElection(EtcdClient *client, const Options &options, QObject *parent = nullptr);
    /// Sends nothing: destroying a leading election looks like a crash to etcd (the key goes when
    /// the lease expires). Call resign() first for a clean handover.
    ~LeaderElection() override;

    void start();
    /// Clean shutdown: deletes the key if it is still ours, revokes the lease, emits resigned().
    void resign();
    /// Stops all keepalives and campaigning without telling etcd (a crashed candidate).
    void halt();

    bool isLeader() const { return m_leader; }
    /// Our epoch while leader (create revision of the election key), else 0.
    qint64 epoch() const { return m_leader ? m_epoch : 0; }
    QByteArray candidateId() const { return m_options.candidateId; }
    /// The leader last observed (ourselves included); empty when none is known.
    QByteArray observedLeader() const { return m_observedLeader; }
    qint64 observedEpoch() const { return m_observedEpoch; }
    qint64 leaseId() const;
    /// True while our lease is granted and renewed within its TTL: false means etcd is unreachable
    /// or without quorum (what we observe about the leader may be stale then).
    bool hasValidLease() const;

    /// `txn` with an extra first compare `create_revision(key) == epoch()`, so it fails once another
    /// candidate has become leader. When we are not leader the fence compares against -1, which no
    /// key ever has, so the txn fails. A range of the election key is appended to the failure ops
    /// so the caller can tell who leads now (see isFenceFailure()).
    EtcdTxnRequest fencedTxn(EtcdTxnRequest txn) const;
    static bool isFenceFailure(const EtcdTxnResponse &response, const QByteArray &electionKey, qint64 epoch);

Q_SIGNALS:
    void elected(qint64 epoch);
    void steppedDown(const QString &reason);
    /// Any change of the observed leader (id empty: none). Also emitted for ourselves.
    void leaderChanged(const QByteArray &leaderId, qint64 epoch);
    void resigned();
    void errorOccurred(const accel::EtcdError &error);

private:
    void newLease();
    void campaign();
    void onCampaignResult(const EtcdResult<EtcdTxnResponse> &result);
    void onWatchEvents(const QList<accel::EtcdWatchEvent> &events);
    void becomeLeader(qint64 epoch);
    void stepDown(const QString &reason);
    void observe(const QByteArray &leaderId, qint64 epoch);

    QPointer<EtcdClient> m_client;
    Options m_options;
    EtcdLease *m_lease = nullptr;
    EtcdWatch *m_watch = nullptr;
    QTimer *m_retry = nullptr;
    bool m_running = false;
    bool m_leader = false;
    bool m_campaignInFlight = false;
    qint64 m_epoch = 0;
    QByteArray m_observedLeader;
    qint64 m_observedEpoch = 0;
};

} // namespace accel
