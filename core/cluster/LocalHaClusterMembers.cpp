// LocalHaCluster: etcd membership drills — kill, restart, add and remove a member, repeating
// requests while etcd refuses reconfiguration because it is settling.
#include "cluster/LocalHaCluster.h"

#include "cluster/LocalHaClusterInternal.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "common/LogCategories.h"

#include <QTimer>

namespace accel {

using namespace local_ha_internal;

bool LocalHaCluster::killMember(int index)
{
    if (m_state != State::Running || !isMemberRunning(index)) {
        return false;
    }
    Q_EMIT progress(QStringLiteral("etcd member %1: SIGKILL").arg(m_etcd->name(index)));
    m_etcd->kill(index);
    Q_EMIT processesChanged();
    return true;
}

bool LocalHaCluster::restartMember(int index)
{
    if (m_state != State::Running || m_busy || index < 0 || index >= memberCount() ||
        isMemberRunning(index) || m_etcd->isRetired(index)) {
        return false;
    }
    QString error;
    if (!m_etcd->relaunch(index, &error)) {
        Q_EMIT actionFinished(Action::RestartMember, false, error);
        return false;
    }
    m_busy = true;
    Q_EMIT processesChanged();
    Q_EMIT progress(QStringLiteral("etcd member %1 restarting").arg(m_etcd->name(index)));
    const quint64 generation = m_generation;
    waitMembersReady({index}, nowMs() + m_options.startTimeoutMs,
                     [this, generation, index](bool ok, const QString &why) {
                         if (generation == m_generation) {
                             finishBusy(Action::RestartMember, ok,
                                        ok ? QStringLiteral("%1 rejoined").arg(m_etcd->name(index)) : why);
                         }
                     });
    return true;
}

bool LocalHaCluster::isSettling(const EtcdError &error)
{
    // etcd refuses reconfiguration until every member has been connected for a while (strict
    // reconfig check, ~5 s after a start or restart) and while it has no leader: the change was not
    // applied, so trying again is safe.
    const QString m = error.message;
    return m.contains(QLatin1String("unhealthy cluster")) ||
           m.contains(QLatin1String("not enough started members")) ||
           m.contains(QLatin1String("no leader")) || error.code == EtcdErrorCode::Unreachable;
}

bool LocalHaCluster::addMember()
{
    if (m_state != State::Running || m_busy) {
        return false;
    }
    QString error;
    const int index = m_etcd->reserveMember(&error);
    if (index < 0) {
        Q_EMIT actionFinished(Action::AddMember, false, error);
        return false;
    }
    m_busy = true;
    Q_EMIT progress(
        QStringLiteral("etcd member add %1 (%2)").arg(m_etcd->name(index), m_etcd->peerUrl(index)));
    requestMemberAdd(index, nowMs() + m_options.startTimeoutMs, 1);
    return true;
}

void LocalHaCluster::requestMemberAdd(int index, qint64 deadlineMs, int attempt)
{
    const quint64 generation = m_generation;
    m_client->memberAdd(
        {m_etcd->peerUrl(index)}, this,
        [this, generation, index, deadlineMs, attempt](const EtcdResult<EtcdMemberAddResponse> &r) {
            if (generation != m_generation) {
                return;
            }
            // A retry after an ambiguous failure may find the first attempt applied.
            const bool applied =
                r.ok() || (attempt > 1 && r.error().message.contains(QLatin1String("already exists")));
            if (!applied) {
                if (isSettling(r.error()) && nowMs() < deadlineMs) {
                    Q_EMIT progress(
                        QStringLiteral("etcd is settling (%1); trying again").arg(r.error().message));
                    QTimer::singleShot(500, this, [this, generation, index, deadlineMs, attempt] {
                        if (generation == m_generation) {
                            requestMemberAdd(index, deadlineMs, attempt + 1);
                        }
                    });
                    return;
                }
                m_etcd->retire(index);
                finishBusy(Action::AddMember, false, QStringLiteral("member add: ") + r.error().toString());
                return;
            }
            launchAddedMember(index);
        });
}

void LocalHaCluster::launchAddedMember(int index)
{
    QString error;
    if (!m_etcd->launchReserved(index, &error)) {
        finishBusy(Action::AddMember, false, error);
        return;
    }
    Q_EMIT processesChanged();
    Q_EMIT progress(QStringLiteral("etcd member %1 started, joining").arg(m_etcd->name(index)));
    const quint64 generation = m_generation;
    waitMembersReady({index}, nowMs() + m_options.startTimeoutMs,
                     [this, generation, index](bool ok, const QString &why) {
                         if (generation == m_generation) {
                             finishBusy(Action::AddMember, ok,
                                        ok ? QStringLiteral("%1 joined").arg(m_etcd->name(index)) : why);
                         }
                     });
}

bool LocalHaCluster::removeMember(quint64 memberId)
{
    if (m_state != State::Running || m_busy || memberId == 0) {
        return false;
    }
    m_busy = true;
    Q_EMIT progress(QStringLiteral("etcd member remove %1").arg(QString::number(memberId, 16)));
    const quint64 generation = m_generation;
    // Find its peer URL first, to know which of our processes to stop afterwards.
    m_client->memberList(this, [this, generation, memberId](const EtcdResult<EtcdMemberListResponse> &list) {
        if (generation != m_generation) {
            return;
        }
        if (!list.ok()) {
            finishBusy(Action::RemoveMember, false,
                       QStringLiteral("member list: ") + list.error().toString());
            return;
        }
        int local = -1;
        bool found = false;
        for (const EtcdMember &m : list.value().members) {
            if (m.id == memberId) {
                found = true;
                local = indexOfMember(m.peerUrls.value(0));
            }
        }
        if (!found) {
            finishBusy(Action::RemoveMember, false,
                       QStringLiteral("no etcd member %1").arg(QString::number(memberId, 16)));
            return;
        }
        requestMemberRemove(memberId, local, nowMs() + m_options.startTimeoutMs, 1);
    });
    return true;
}

void LocalHaCluster::requestMemberRemove(quint64 memberId, int local, qint64 deadlineMs, int attempt)
{
    const quint64 generation = m_generation;
    m_client->memberRemove(
        memberId, this,
        [this, generation, memberId, local, deadlineMs,
         attempt](const EtcdResult<EtcdMemberRemoveResponse> &r) {
            if (generation != m_generation) {
                return;
            }
            const bool applied =
                r.ok() || (attempt > 1 && r.error().message.contains(QLatin1String("member not found")));
            if (!applied) {
                if (isSettling(r.error()) && nowMs() < deadlineMs) {
                    Q_EMIT progress(
                        QStringLiteral("etcd is settling (%1); trying again").arg(r.error().message));
                    QTimer::singleShot(500, this, [this, generation, memberId, local, deadlineMs, attempt] {
                        if (generation == m_generation) {
                            requestMemberRemove(memberId, local, deadlineMs, attempt + 1);
                        }
                    });
                    return;
                }
                finishBusy(Action::RemoveMember, false,
                           QStringLiteral("member remove: ") + r.error().toString());
                return;
            }
            if (local >= 0) {
                m_etcd->retire(local);
            }
            finishBusy(Action::RemoveMember, true,
                       QStringLiteral("member %1 removed").arg(QString::number(memberId, 16)));
        });
}

} // namespace accel
