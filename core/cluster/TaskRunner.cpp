#include "cluster/TaskRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTimer>

#include <csignal>
#include <unistd.h>

namespace accel {

TaskRunner::TaskRunner(const TaskSpec &spec, const QString &workDir, QObject *parent)
    : QObject(parent)
    , m_spec(spec)
    , m_workDir(workDir)
    , m_process(new QProcess(this))
    , m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // Own process group, so a timeout or cancel kills everything the task started.
    m_process->setChildProcessModifier([] { ::setsid(); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] {
        const QByteArray chunk = m_process->readAllStandardOutput();
        if (m_captured.size() < kMaxCapturedBytes) {
            m_captured += chunk.left(kMaxCapturedBytes - m_captured.size());
        }
        if (m_captured.size() >= kMaxCapturedBytes && chunk.size() > 0) {
            m_truncated = true;
        }
        emit output(QStringLiteral("stdout"),
                    QString::fromUtf8(chunk.left(ClusterProtocol::kMaxLogChunkBytes / 2)));
    });
    connect(m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) { onFinished(exitCode, int(status)); });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            ClusterMessage r;
            r.status = QStringLiteral("error");
            r.failure = QStringLiteral("start-failed");
            r.exitCode = -1;
            r.message =
                QStringLiteral("cannot start '%1': %2").arg(m_spec.argv.value(0), m_process->errorString());
            finish(r);
        }
    });
    connect(m_timeout, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        killGroup();
    });
}

TaskRunner::~TaskRunner()
{
    m_done = true;
    if (m_process->state() != QProcess::NotRunning) {
        killGroup();
        m_process->waitForFinished(2000);
    }
}

qint64 TaskRunner::pid() const
{
    return m_process->processId();
}

void TaskRunner::start()
{
    QString dir = m_spec.workingDir.isEmpty() ? m_workDir : m_spec.workingDir;
    if (!QDir().mkpath(dir)) {
        ClusterMessage r;
        r.status = QStringLiteral("error");
        r.failure = QStringLiteral("disk-full");
        r.message = QStringLiteral("cannot create working directory %1").arg(dir);
        QMetaObject::invokeMethod(
            this, [this, r] { finish(r); }, Qt::QueuedConnection);
        return;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_spec.env.cbegin(); it != m_spec.env.cend(); ++it) {
        env.insert(it.key(), it.value());
    }
    m_process->setProcessEnvironment(env);
    m_process->setWorkingDirectory(dir);
    m_elapsed.start();
    m_timeout->start(int(std::min<qint64>(m_spec.timeoutMs, std::numeric_limits<int>::max())));
    m_process->start(m_spec.argv.first(), m_spec.argv.mid(1));
    m_pgid = m_process->processId();
}

void TaskRunner::cancel()
{
    m_done = true;
    m_timeout->stop();
    killGroup();
}

void TaskRunner::killGroup()
{
    if (m_pgid > 0) {
        ::kill(-pid_t(m_pgid), SIGKILL);
    }
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
    }
}

void TaskRunner::onFinished(int exitCode, int exitStatus)
{
    m_timeout->stop();
    // Reap what the task left behind in its group.
    if (m_pgid > 0) {
        ::kill(-pid_t(m_pgid), SIGKILL);
    }
    ClusterMessage r;
    r.exitCode = exitCode;
    if (m_timedOut) {
        r.status = QStringLiteral("error");
        r.failure = QStringLiteral("timeout");
        r.message = QStringLiteral("timed out after %1 ms; process group killed").arg(m_spec.timeoutMs);
    } else if (exitStatus == QProcess::CrashExit) {
        r.status = QStringLiteral("error");
        // On Unix QProcess reports the terminating signal as the exit code. An unrequested SIGKILL is
        // what the kernel's OOM killer sends.
        r.failure = exitCode == SIGKILL ? QStringLiteral("oom") : QStringLiteral("crash");
        r.message = exitCode == SIGKILL ? QStringLiteral("killed by SIGKILL (out of memory?)")
                                        : QStringLiteral("crashed with signal %1").arg(exitCode);
    } else if (exitCode == 0) {
        r.status = QStringLiteral("passed");
    } else {
        r.status = QStringLiteral("failed");
        r.message = QStringLiteral("exit code %1").arg(exitCode);
    }
    const QString dir = m_spec.workingDir.isEmpty() ? m_workDir : m_spec.workingDir;
    for (const QString &name : std::as_const(m_spec.outputs)) {
        QFile f(QDir(dir).filePath(name));
        ClusterMessage::Artifact a;
        a.name = name;
        if (!f.open(QIODevice::ReadOnly)) {
            if (r.status == QLatin1String("passed")) {
                r.status = QStringLiteral("failed");
                r.message = QStringLiteral("expected output '%1' was not produced").arg(name);
            }
            continue;
        }
        a.content = f.read(ClusterProtocol::kMaxArtifactBytes);
        a.truncated = !f.atEnd();
        r.artifacts.append(a);
    }
    finish(r);
}

void TaskRunner::finish(ClusterMessage r)
{
    if (m_done) {
        return;
    }
    m_done = true;
    r.type = ClusterMessage::Type::Result;
    r.durationMs = m_elapsed.isValid() ? m_elapsed.elapsed() : 0;
    r.output = QString::fromUtf8(m_captured);
    if (m_truncated) {
        r.output += QStringLiteral("\n[output truncated]");
    }
    emit finished(r);
}

} // namespace accel
