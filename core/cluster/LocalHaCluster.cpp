#include "cluster/LocalHaCluster.h"

#include "cluster/AccessToken.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>

namespace accel {

namespace {

const QString kNode = QStringLiteral("accelerate-node");
constexpr int kTransferTimeoutMs = 5000;

qint64 nowMs()
{
    return Clock::system()->nowMs();
}

} // namespace

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

void LocalHaCluster::startCoordinators()
{
    Q_EMIT progress(QStringLiteral("etcd ready; starting %1 coordinators").arg(m_options.coordinators));
    m_coordinators.clear();
    for (int i = 0; i < m_options.coordinators; ++i) {
        Coordinator c;
        c.dataDir = m_dir->filePath(QStringLiteral("c%1").arg(i + 1));
        c.logFile = m_dir->filePath(QStringLiteral("c%1.log").arg(i + 1));
        m_coordinators << c;
    }
    for (int i = 0; i < m_coordinators.size(); ++i) {
        QString error;
        if (!launchCoordinator(i, &error)) {
            fail(error);
            return;
        }
    }
    // Ready once each has printed its port (onCoordinatorOutput); a deadline catches hangs.
    const quint64 generation = m_generation;
    QTimer::singleShot(m_options.startTimeoutMs, this, [this, generation] {
        if (generation == m_generation && m_state == State::Starting) {
            fail(QStringLiteral("coordinators did not report their ports within %1 ms. Log of c1:\n%2")
                     .arg(m_options.startTimeoutMs)
                     .arg(coordinatorLogTail(0)));
        }
    });
}

bool LocalHaCluster::launchCoordinator(int index, QString *error)
{
    Coordinator &c = m_coordinators[index];
    if (c.process) {
        c.process->deleteLater();
    }
    c.ready = false;
    c.pending.clear();
    auto *process = new QProcess(this);
    c.process = process;
    process->setProcessChannelMode(QProcess::MergedChannels);
    const QStringList args{
        QStringLiteral("--role"),
        QStringLiteral("coordinator"),
        QStringLiteral("--store"),
        QStringLiteral("etcd"),
        QStringLiteral("--etcd-endpoints"),
        etcdEndpoints().join(QLatin1Char(',')),
        QStringLiteral("--etcd-prefix"),
        QString::fromUtf8(m_options.prefix),
        QStringLiteral("--lease-ttl"),
        QString::number(m_options.leaseTtlSeconds),
        QStringLiteral("--data-dir"),
        c.dataDir,
        QStringLiteral("--token-file"),
        m_dir->filePath(QStringLiteral("token")),
        // A restart keeps the port, so the URL stays the same for the console and workers.
        QStringLiteral("--listen"),
        QStringLiteral("127.0.0.1:%1").arg(c.port),
    };
    connect(process, &QProcess::readyReadStandardOutput, this,
            [this, index, process] { onCoordinatorOutput(index, process); });
    connect(process, &QProcess::finished, this,
            [this, index, process] { onCoordinatorFinished(index, process); });
    connect(process, &QProcess::errorOccurred, this, [this, index, process](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            onCoordinatorFinished(index, process);
        }
    });
    process->start(m_nodeBinary, args);
    if (m_nodeBinary.isEmpty()) {
        *error = QStringLiteral("%1 was not found").arg(kNode);
        return false;
    }
    Q_EMIT progress(QStringLiteral("coordinator c%1 starting").arg(index + 1));
    return true;
}

void LocalHaCluster::onCoordinatorOutput(int index, QProcess *process)
{
    if (index >= m_coordinators.size() || m_coordinators.at(index).process != process) {
        return;
    }
    Coordinator &c = m_coordinators[index];
    const QByteArray chunk = process->readAllStandardOutput();
    QFile log(c.logFile);
    if (log.open(QIODevice::WriteOnly | QIODevice::Append)) {
        log.write(chunk);
    }
    if (c.ready) {
        return;
    }
    c.pending += chunk;
    if (c.pending.size() > 64 * 1024) {
        c.pending = c.pending.right(4096);
    }
    static const QRegularExpression listening(
        QStringLiteral("coordinator listening on https?://[^\\s:]+:(\\d+)"));
    const QRegularExpressionMatch m = listening.match(QString::fromUtf8(c.pending));
    if (!m.hasMatch()) {
        return;
    }
    c.port = quint16(m.captured(1).toUInt());
    c.ready = c.port != 0;
    c.pending.clear();
    Q_EMIT progress(QStringLiteral("coordinator c%1 listening on %2")
                        .arg(index + 1)
                        .arg(coordinatorUrl(index).toString()));
    Q_EMIT processesChanged();
    if (m_state == State::Starting) {
        for (const Coordinator &other : std::as_const(m_coordinators)) {
            if (!other.ready) {
                return;
            }
        }
        setState(State::Running);
        Q_EMIT actionFinished(Action::Start, true,
                              QStringLiteral("%1 etcd members and %2 coordinators running")
                                  .arg(m_etcd->size())
                                  .arg(m_coordinators.size()));
    } else if (m_busy && index == m_transferIndex) {
        m_transferIndex = -1;
        finishBusy(Action::TransferLeadership, true,
                   QStringLiteral("c%1 resigned and rejoined as follower").arg(index + 1));
    } else if (m_state == State::Running) {
        Q_EMIT actionFinished(Action::RestartCoordinator, true,
                              QStringLiteral("c%1 listening again").arg(index + 1));
    }
}

void LocalHaCluster::onCoordinatorFinished(int index, QProcess *process)
{
    if (index >= m_coordinators.size() || m_coordinators.at(index).process != process) {
        return;
    }
    Coordinator &c = m_coordinators[index];
    const bool wasReady = c.ready;
    c.ready = false;
    const QString how = process->exitStatus() == QProcess::CrashExit
                            ? QStringLiteral("killed by a signal")
                            : QStringLiteral("exited with code %1").arg(process->exitCode());
    Q_EMIT progress(QStringLiteral("coordinator c%1 %2").arg(index + 1).arg(how));
    if (m_state == State::Starting) {
        fail(QStringLiteral("coordinator c%1 %2 during start. Log:\n%3")
                 .arg(index + 1)
                 .arg(how, coordinatorLogTail(index)));
        return;
    }
    Q_EMIT processesChanged();
    if (m_busy && index == m_transferIndex) {
        // Resigned and exited: come back as a follower on the same port.
        QString error;
        if (!wasReady || !launchCoordinator(index, &error)) {
            m_transferIndex = -1;
            finishBusy(Action::TransferLeadership, false,
                       error.isEmpty() ? QStringLiteral("c%1 %2 before it was ready").arg(index + 1).arg(how)
                                       : error);
        }
    }
}

void LocalHaCluster::killCoordinatorNow(int index)
{
    Coordinator &c = m_coordinators[index];
    if (!c.process) {
        return;
    }
    QProcess *p = c.process;
    c.process = nullptr; // its finished() is ignored from now on
    if (p->state() != QProcess::NotRunning) {
        const qint64 pid = p->processId();
        if (pid > 0) {
            ::kill(pid_t(pid), SIGCONT);
            ::kill(pid_t(pid), SIGKILL);
        }
        p->waitForFinished(3000);
    }
    p->deleteLater(); // stop() may run inside one of its signals
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

bool LocalHaCluster::signalCoordinator(int index, int signal)
{
    if (m_state != State::Running || !isCoordinatorRunning(index)) {
        return false;
    }
    Q_EMIT progress(QStringLiteral("coordinator c%1: signal %2").arg(index + 1).arg(signal));
    return ::kill(pid_t(coordinatorPid(index)), signal) == 0;
}

bool LocalHaCluster::restartCoordinator(int index)
{
    if (m_state != State::Running || index < 0 || index >= m_coordinators.size() ||
        isCoordinatorRunning(index) || (m_busy && index == m_transferIndex)) {
        return false;
    }
    QString error;
    if (!launchCoordinator(index, &error)) {
        Q_EMIT actionFinished(Action::RestartCoordinator, false, error);
        return false;
    }
    return true;
}

bool LocalHaCluster::transferLeadership(int leaderIndex)
{
    if (m_state != State::Running || m_busy || !isCoordinatorRunning(leaderIndex) ||
        !m_coordinators.at(leaderIndex).ready) {
        return false;
    }
    m_busy = true;
    m_transferIndex = leaderIndex;
    Q_EMIT progress(QStringLiteral("coordinator c%1 resigns (SIGTERM)").arg(leaderIndex + 1));
    ::kill(pid_t(coordinatorPid(leaderIndex)), SIGTERM);
    const quint64 generation = m_generation;
    QProcess *process = m_coordinators.at(leaderIndex).process;
    QTimer::singleShot(kTransferTimeoutMs, this, [this, generation, leaderIndex, process] {
        // A node that does not finish its resign in time is killed; it still restarts.
        if (generation == m_generation && m_transferIndex == leaderIndex &&
            m_coordinators.at(leaderIndex).process == process && process->state() != QProcess::NotRunning) {
            qCWarning(lcCluster) << "local HA cluster: coordinator did not resign in time; SIGKILL";
            ::kill(pid_t(process->processId()), SIGKILL);
        }
    });
    return true;
}

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
