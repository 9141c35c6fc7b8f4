// LocalHaCluster: the accelerate-node coordinator processes — launching, reading their output,
// exits, killing — and the coordinator fault drills (signal, restart, leadership transfer).
#include "cluster/LocalHaCluster.h"

#include "cluster/LocalHaClusterInternal.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "common/LogCategories.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>

namespace accel {

using namespace local_ha_internal;

namespace {

constexpr int kTransferTimeoutMs = 5000;

} // namespace

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

} // namespace accel
