// LocalHaCluster: prerequisites, start (etcd members, then coordinators), stop and the queries
// about its processes. Coordinator processes are in LocalHaClusterCoordinators.cpp, etcd
// membership drills in LocalHaClusterMembers.cpp.
#include "cluster/LocalHaCluster.h"

#include "cluster/AccessToken.h"
#include "cluster/LocalHaClusterInternal.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

namespace accel {

using namespace local_ha_internal;

LocalHaCluster::LocalHaCluster(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_options.members = qBound(1, m_options.members, 7);
    m_options.coordinators = qBound(1, m_options.coordinators, 9);
}

LocalHaCluster::~LocalHaCluster()
{
    stop();
}

QStringList LocalHaCluster::nodeCandidates()
{
    QStringList out;
    const QString env = qEnvironmentVariable("ACCEL_NODE");
    if (!env.isEmpty()) {
        out << env;
    }
    const QDir dir(QCoreApplication::applicationDirPath());
    out << dir.filePath(kNode)
        << dir.filePath(QStringLiteral("../node/") + kNode)
        // Test executables live in build/tests/<group>/ or build/tests/<group>/<area>/.
        << dir.filePath(QStringLiteral("../../app/node/") + kNode)
        << dir.filePath(QStringLiteral("../../../app/node/") + kNode);
    return out;
}

QString LocalHaCluster::findNode(const QString &preferred)
{
    if (!preferred.isEmpty()) {
        return QFileInfo(preferred).isExecutable() ? preferred : QString();
    }
    for (const QString &candidate : nodeCandidates()) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable()) {
            return info.canonicalFilePath();
        }
    }
    return QStandardPaths::findExecutable(kNode);
}

QString LocalHaCluster::missingPrerequisites(const Options &options)
{
    QStringList missing;
    if (EtcdProcessCluster::findEtcd(options.etcdBinary).isEmpty()) {
        missing << QStringLiteral(
            "etcd is not installed (Debian: apt-get install etcd-server; or set ACCEL_ETCD)");
    }
    if (findNode(options.nodeBinary).isEmpty()) {
        missing << QStringLiteral("%1 was not found (searched %2 and PATH; set ACCEL_NODE)")
                       .arg(kNode, nodeCandidates().join(QLatin1String(", ")));
    }
    return missing.join(QLatin1String("; "));
}

void LocalHaCluster::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    }
}

void LocalHaCluster::fail(const QString &error)
{
    qCWarning(lcCluster).noquote() << "local HA cluster:" << error;
    stop();
    m_error = error;
    setState(State::Failed);
    Q_EMIT actionFinished(Action::Start, false, error);
}

void LocalHaCluster::finishBusy(Action action, bool ok, const QString &message)
{
    m_busy = false;
    Q_EMIT processesChanged();
    Q_EMIT actionFinished(action, ok, message);
}

void LocalHaCluster::start()
{
    if (m_state == State::Starting || m_state == State::Running) {
        return;
    }
    stop();
    m_error.clear();
    setState(State::Starting);
    const QString missing = missingPrerequisites(m_options);
    if (!missing.isEmpty()) {
        fail(missing);
        return;
    }
    m_nodeBinary = findNode(m_options.nodeBinary);
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/accel-ha-XXXXXX"));
    if (!m_dir->isValid()) {
        fail(QStringLiteral("cannot create a temporary directory: ") + m_dir->errorString());
        return;
    }
    QString error;
    m_token = AccessToken::loadOrCreate(m_dir->filePath(QStringLiteral("token")), &error);
    if (m_token.isEmpty()) {
        fail(error);
        return;
    }
    EtcdProcessCluster::Options etcdOptions;
    etcdOptions.members = m_options.members;
    etcdOptions.heartbeatIntervalMs = m_options.heartbeatIntervalMs;
    etcdOptions.electionTimeoutMs = m_options.electionTimeoutMs;
    etcdOptions.etcdBinary = m_options.etcdBinary;
    m_etcd = new EtcdProcessCluster(etcdOptions, this);
    Q_EMIT progress(QStringLiteral("starting %1 etcd members").arg(m_options.members));
    if (!m_etcd->launchAll(&error)) {
        fail(error);
        return;
    }
    m_client = new EtcdClient(m_etcd->clientUrls(), this, Clock::system());
    m_client->setTimeoutMs(3000);
    m_client->setAttemptTimeoutMs(1000);
    Q_EMIT processesChanged();
    QList<int> all;
    for (int i = 0; i < m_etcd->size(); ++i) {
        all << i;
    }
    const quint64 generation = m_generation;
    waitMembersReady(all, nowMs() + m_options.startTimeoutMs,
                     [this, generation](bool ok, const QString &why) {
                         if (generation != m_generation) {
                             return;
                         }
                         if (!ok) {
                             fail(why);
                             return;
                         }
                         startCoordinators();
                     });
}

void LocalHaCluster::waitMembersReady(const QList<int> &members, qint64 deadlineMs,
                                      const std::function<void(bool, const QString &)> &done)
{
    for (int i : members) {
        if (!m_etcd->isRunning(i)) {
            done(false,
                 QStringLiteral("etcd member %1 exited. Log:\n%2").arg(m_etcd->name(i), m_etcd->logTail(i)));
            return;
        }
    }
    struct Round
    {
        int outstanding = 0;
        QString notReady;
    };
    auto round = std::make_shared<Round>();
    round->outstanding = int(members.size());
    const quint64 generation = m_generation;
    for (int i : members) {
        m_client->statusOf(
            m_etcd->clientUrl(i), this,
            [this, round, i, members, deadlineMs, done, generation](const EtcdResult<EtcdStatusResponse> &r) {
                if (generation != m_generation) {
                    return;
                }
                if (!r.ok()) {
                    round->notReady = QStringLiteral("%1: %2").arg(m_etcd->name(i), r.error().toString());
                } else if (r.value().leader == 0) {
                    round->notReady = QStringLiteral("%1: no raft leader yet").arg(m_etcd->name(i));
                }
                if (--round->outstanding > 0) {
                    return;
                }
                if (round->notReady.isEmpty()) {
                    done(true, {});
                } else if (nowMs() > deadlineMs) {
                    done(false, QStringLiteral("etcd not ready in time (%1). Log of %2:\n%3")
                                    .arg(round->notReady, m_etcd->name(members.first()),
                                         m_etcd->logTail(members.first())));
                } else {
                    QTimer::singleShot(100, this, [this, members, deadlineMs, done, generation] {
                        if (generation == m_generation) {
                            waitMembersReady(members, deadlineMs, done);
                        }
                    });
                }
            });
    }
}

void LocalHaCluster::stop()
{
    ++m_generation;
    m_busy = false;
    m_transferIndex = -1;
    const bool hadProcesses = m_etcd || !m_coordinators.isEmpty();
    for (int i = 0; i < m_coordinators.size(); ++i) {
        killCoordinatorNow(i);
    }
    m_coordinators.clear();
    // deleteLater: stop() may run inside a callback of the client; answers still on their way
    // are dropped by the generation check.
    if (m_client) {
        m_client->deleteLater();
        m_client = nullptr;
    }
    if (m_etcd) {
        m_etcd->killAll();
        m_etcd->deleteLater();
        m_etcd = nullptr;
    }
    m_dir.reset();
    m_token.clear();
    if (hadProcesses) {
        Q_EMIT processesChanged();
    }
    setState(State::Stopped);
}

QStringList LocalHaCluster::etcdEndpoints() const
{
    QStringList urls;
    for (int i = 0; m_etcd && i < m_etcd->size(); ++i) {
        if (!m_etcd->isRetired(i)) {
            urls << m_etcd->clientUrl(i);
        }
    }
    return urls;
}

QList<QUrl> LocalHaCluster::coordinatorUrls() const
{
    QList<QUrl> urls;
    for (int i = 0; i < m_coordinators.size(); ++i) {
        urls << coordinatorUrl(i);
    }
    return urls;
}

QUrl LocalHaCluster::coordinatorUrl(int index) const
{
    if (index < 0 || index >= m_coordinators.size() || m_coordinators.at(index).port == 0) {
        return {};
    }
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_coordinators.at(index).port));
}

bool LocalHaCluster::isCoordinatorRunning(int index) const
{
    return index >= 0 && index < m_coordinators.size() && m_coordinators.at(index).process &&
           m_coordinators.at(index).process->state() != QProcess::NotRunning;
}

qint64 LocalHaCluster::coordinatorPid(int index) const
{
    return isCoordinatorRunning(index) ? m_coordinators.at(index).process->processId() : 0;
}

int LocalHaCluster::indexOfCoordinator(const QUrl &url) const
{
    const QString wanted = url.toString(QUrl::StripTrailingSlash);
    for (int i = 0; i < m_coordinators.size(); ++i) {
        if (!wanted.isEmpty() && coordinatorUrl(i).toString(QUrl::StripTrailingSlash) == wanted) {
            return i;
        }
    }
    return -1;
}

QString LocalHaCluster::coordinatorLogTail(int index, int lines) const
{
    if (index < 0 || index >= m_coordinators.size()) {
        return {};
    }
    QFile file(m_coordinators.at(index).logFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return QStringLiteral("(no log)");
    }
    const QList<QByteArray> all = file.readAll().split('\n');
    QStringList tail;
    for (qsizetype i = qMax<qsizetype>(0, all.size() - lines); i < all.size(); ++i) {
        tail << QString::fromUtf8(all.at(i));
    }
    return tail.join(QLatin1Char('\n'));
}

int LocalHaCluster::memberCount() const
{
    return m_etcd ? m_etcd->size() : 0;
}

bool LocalHaCluster::isMemberRunning(int index) const
{
    return m_etcd && index >= 0 && index < m_etcd->size() && m_etcd->isRunning(index);
}

bool LocalHaCluster::isMemberRemoved(int index) const
{
    return m_etcd && index >= 0 && index < m_etcd->size() && m_etcd->isRetired(index);
}

qint64 LocalHaCluster::memberPid(int index) const
{
    return isMemberRunning(index) ? m_etcd->pid(index) : 0;
}

QString LocalHaCluster::memberClientUrl(int index) const
{
    return m_etcd && index >= 0 && index < m_etcd->size() ? m_etcd->clientUrl(index) : QString();
}

int LocalHaCluster::indexOfMember(const QString &clientUrl) const
{
    for (int i = 0; i < memberCount(); ++i) {
        if (m_etcd->clientUrl(i) == clientUrl || m_etcd->peerUrl(i) == clientUrl) {
            return i;
        }
    }
    return -1;
}

} // namespace accel
