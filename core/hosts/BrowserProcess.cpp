#include "hosts/BrowserProcess.h"

#include "common/LogCategories.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTimer>

#include <signal.h>
#include <unistd.h>

namespace accel {

namespace {
constexpr qsizetype kOutputTailBytes = 64 * 1024;
}

BrowserProcess::BrowserProcess(HostKind kind, QString program, QStringList arguments,
                               QProcessEnvironment environment, std::unique_ptr<QTemporaryDir> profile,
                               QObject *parent)
    : QObject(parent)
    , m_kind(kind)
    , m_program(std::move(program))
    , m_arguments(std::move(arguments))
    , m_process(new QProcess(this))
    , m_profile(std::move(profile))
{
    m_process->setProgram(m_program);
    m_process->setArguments(m_arguments);
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Own session and process group: the browser's helpers (renderer, GPU, zygote) join it, so
    // one kill(-pgid) reaches all of them, and terminal signals to the app do not.
    m_process->setChildProcessModifier([] { ::setsid(); });
    connect(m_process, &QProcess::readyRead, this, [this] {
        m_output.append(m_process->readAll());
        if (m_output.size() > kOutputTailBytes) {
            m_output.remove(0, m_output.size() - kOutputTailBytes);
        }
    });
    connect(m_process, &QProcess::finished, this, &BrowserProcess::onFinished);
}

BrowserProcess::~BrowserProcess()
{
    // No exited() from a half-destroyed object.
    disconnect(m_process, nullptr, this, nullptr);
    stop(1000);
}

QString BrowserProcess::profileDir() const
{
    return m_profile ? m_profile->path() : QString();
}

bool BrowserProcess::isRunning() const
{
    return m_process->state() != QProcess::NotRunning;
}

bool BrowserProcess::start(QString *error)
{
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        const QString text = QStringLiteral("cannot start %1: %2").arg(m_program, m_process->errorString());
        qCWarning(lcHosts).noquote() << text;
        if (error) {
            *error = text;
        }
        return false;
    }
    m_pid = m_process->processId();
    qCInfo(lcHosts).noquote() << "started" << hostKindName(m_kind) << m_program << "pid" << m_pid;
    return true;
}

bool BrowserProcess::signalGroup(int signal)
{
    if (m_pid <= 0) {
        return false;
    }
    return ::kill(-pid_t(m_pid), signal) == 0;
}

void BrowserProcess::stop(int graceMs)
{
    if (m_pid <= 0) {
        return;
    }
    m_stopping = true;
    if (isRunning()) {
        signalGroup(SIGCONT); // a frozen (SIGSTOPped) group cannot act on SIGTERM
        signalGroup(SIGTERM);
        if (!m_process->waitForFinished(graceMs)) {
            signalGroup(SIGKILL);
            m_process->waitForFinished(1000);
        }
    }
    // Helpers that outlived the leader.
    signalGroup(SIGKILL);
    m_pid = 0;
    m_profile.reset();
}

void BrowserProcess::stopInBackground(int graceMs)
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || app->thread() != thread()) {
        stop(graceMs);
        setParent(nullptr);
        deleteLater();
        return;
    }
    setParent(app);
    if (m_pid <= 0 || !isRunning()) {
        stop(0); // only the helpers and the profile are left
        deleteLater();
        return;
    }
    m_stopping = true;
    signalGroup(SIGCONT);
    signalGroup(SIGTERM);
    connect(m_process, &QProcess::finished, this, [this] {
        signalGroup(SIGKILL); // helpers that outlived the leader
        m_pid = 0;
        m_profile.reset();
        deleteLater();
    });
    QTimer::singleShot(graceMs, this, [this] {
        if (isRunning()) {
            qCInfo(lcHosts) << "browser pid" << m_pid << "ignored SIGTERM; SIGKILL";
            signalGroup(SIGKILL);
        }
    });
}

void BrowserProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    const bool crashed = status == QProcess::CrashExit && !m_stopping;
    const QString detail =
        m_stopping ? QStringLiteral("stopped")
        : crashed  ? QStringLiteral("%1 crashed or was killed").arg(hostKindName(m_kind))
                   : QStringLiteral("%1 exited with code %2").arg(hostKindName(m_kind)).arg(exitCode);
    qCInfo(lcHosts).noquote() << "browser pid" << m_pid << detail;
    if (!m_stopping) {
        signalGroup(SIGKILL); // the leader is gone: do not leave its helpers behind
    }
    Q_EMIT exited(exitCode, crashed, detail);
}

} // namespace accel
