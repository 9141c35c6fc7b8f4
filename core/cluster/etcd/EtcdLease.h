#pragma once

#include "cluster/etcd/EtcdError.h"

#include <QObject>
#include <QPointer>

class QTimer;

namespace accel {

class EtcdClient;

/// An etcd lease kept alive with one keepalive every TTL/3 (each a one-message /v3/lease/keepalive
/// stream). Thread: the client's. The client must outlive the lease.
///
/// Two kinds of bad news, deliberately separate:
/// - suspended(): no keepalive was acknowledged within the TTL counted from when the last
///   acknowledged one was *sent* — the lease may already have expired on the server, so a holder of
///   leadership must stop acting now. Keepalives continue; renewed() follows if the lease survived
///   (e.g. etcd's raft leader changed and the new one extended every lease).
/// - lost(): etcd said the lease no longer exists (keepalive answered without a TTL, or NotFound).
///   Final; keepalives stop. grant() again for a new lease.
class EtcdLease : public QObject
{
    Q_OBJECT
public:
    EtcdLease(EtcdClient *client, qint64 ttlSeconds, QObject *parent = nullptr);
    ~EtcdLease() override;

    qint64 ttlSeconds() const { return m_ttlSeconds; }
    qint64 id() const { return m_id; }
    /// True while granted, not lost, and within the conservative deadline.
    bool isValid() const;
    /// Clock ms after which the lease may have expired on the server.
    qint64 deadlineMs() const { return m_deadlineMs; }

    void grant();
    /// Revokes the lease on the server (keys attached to it are deleted) and stops keepalives.
    void revoke();
    /// Stops keepalives without telling etcd: what a crashed holder looks like to the cluster.
    void halt();

Q_SIGNALS:
    void granted(qint64 leaseId);
    void grantFailed(const accel::EtcdError &error);
    void renewed(qint64 deadlineMs);
    void suspended();
    void lost(const QString &reason);
    void revoked();

private:
    void sendKeepAlive();
    void checkDeadline();
    void markLost(const QString &reason);

    QPointer<EtcdClient> m_client;
    qint64 m_ttlSeconds = 0;
    qint64 m_id = 0;
    qint64 m_deadlineMs = 0;
    bool m_lost = false;
    bool m_suspended = false;
    bool m_keepAliveInFlight = false;
    QTimer *m_keepAliveTimer = nullptr;
    QTimer *m_deadlineTimer = nullptr;
};

} // namespace accel
