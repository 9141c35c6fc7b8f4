#include "cluster/etcd/EtcdLease.h"

#include "cluster/etcd/EtcdClient.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QTimer>

namespace accel {

EtcdLease::EtcdLease(EtcdClient *client, qint64 ttlSeconds, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_ttlSeconds(qMax<qint64>(1, ttlSeconds))
    , m_keepAliveTimer(new QTimer(this))
    , m_deadlineTimer(new QTimer(this))
{
    m_keepAliveTimer->setInterval(int(qMax<qint64>(100, m_ttlSeconds * 1000 / 3)));
    m_deadlineTimer->setSingleShot(true);
    connect(m_keepAliveTimer, &QTimer::timeout, this, &EtcdLease::sendKeepAlive);
    connect(m_deadlineTimer, &QTimer::timeout, this, &EtcdLease::checkDeadline);
}

EtcdLease::~EtcdLease() = default;

bool EtcdLease::isValid() const
{
    return m_id != 0 && !m_lost && m_client && m_client->clock()->nowMs() < m_deadlineMs;
}

void EtcdLease::grant()
{
    if (!m_client) {
        return;
    }
    const qint64 sentMs = m_client->clock()->nowMs();
    m_client->leaseGrant(m_ttlSeconds, this, [this, sentMs](const EtcdResult<EtcdLeaseGrantResponse> &r) {
        if (!r.ok()) {
            Q_EMIT grantFailed(r.error());
            return;
        }
        m_id = r.value().id;
        m_ttlSeconds = r.value().ttlSeconds > 0 ? r.value().ttlSeconds : m_ttlSeconds;
        m_lost = false;
        m_suspended = false;
        m_deadlineMs = sentMs + m_ttlSeconds * 1000;
        m_keepAliveTimer->setInterval(int(qMax<qint64>(100, m_ttlSeconds * 1000 / 3)));
        m_keepAliveTimer->start();
        m_deadlineTimer->start(int(qMax<qint64>(0, m_deadlineMs - m_client->clock()->nowMs())));
        Q_EMIT granted(m_id);
    });
}

void EtcdLease::sendKeepAlive()
{
    if (!m_client || m_lost || m_id == 0 || m_keepAliveInFlight) {
        return;
    }
    m_keepAliveInFlight = true;
    const qint64 sentMs = m_client->clock()->nowMs();
    const qint64 id = m_id;
    m_client->leaseKeepAlive(id, this, [this, sentMs, id](const EtcdResult<EtcdLeaseKeepAliveResponse> &r) {
        m_keepAliveInFlight = false;
        if (id != m_id || m_lost) {
            return;
        }
        if (!r.ok()) {
            if (r.error().code == EtcdErrorCode::NotFound) {
                markLost(QStringLiteral("etcd no longer knows the lease: ") + r.error().message);
            } else {
                qCInfo(lcCluster) << "etcd lease" << id << "keepalive failed:" << r.error().toString();
            }
            return;
        }
        if (r.value().leaseGone()) {
            markLost(QStringLiteral("keepalive answered without a TTL: the lease expired or was revoked"));
            return;
        }
        m_deadlineMs = qMax(m_deadlineMs, sentMs + r.value().ttlSeconds * 1000);
        m_deadlineTimer->start(int(qMax<qint64>(0, m_deadlineMs - m_client->clock()->nowMs())));
        m_suspended = false;
        Q_EMIT renewed(m_deadlineMs);
    });
}

void EtcdLease::checkDeadline()
{
    if (!m_client || m_lost || m_id == 0) {
        return;
    }
    const qint64 leftMs = m_deadlineMs - m_client->clock()->nowMs();
    if (leftMs > 0) {
        m_deadlineTimer->start(int(leftMs));
        return;
    }
    if (!m_suspended) {
        m_suspended = true;
        qCInfo(lcCluster) << "etcd lease" << m_id << "suspended: no keepalive acknowledged within"
                          << m_ttlSeconds << "s";
        Q_EMIT suspended();
    }
}

void EtcdLease::markLost(const QString &reason)
{
    m_lost = true;
    m_keepAliveTimer->stop();
    m_deadlineTimer->stop();
    qCInfo(lcCluster) << "etcd lease" << m_id << "lost:" << reason;
    Q_EMIT lost(reason);
}

void EtcdLease::revoke()
{
    m_keepAliveTimer->stop();
    m_deadlineTimer->stop();
    const qint64 id = m_id;
    m_lost = true;
    if (!m_client || id == 0) {
        QTimer::singleShot(0, this, &EtcdLease::revoked);
        return;
    }
    m_client->leaseRevoke(id, this, [this](const EtcdResult<EtcdLeaseRevokeResponse> &r) {
        if (!r.ok() && r.error().code != EtcdErrorCode::NotFound) {
            qCWarning(lcCluster) << "etcd lease revoke failed (it will expire by TTL):"
                                 << r.error().toString();
        }
        Q_EMIT revoked();
    });
}

void EtcdLease::halt()
{
    m_keepAliveTimer->stop();
    m_deadlineTimer->stop();
    m_lost = true;
}

} // namespace accel
