#include "cluster/BrowserProber.h"

#include "cluster/BrowserProbe.h"
#include "common/LogCategories.h"

#include <QProcess>
#include <QTimer>

#include <csignal>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace accel {

BrowserProber::BrowserProber(QString accelctl, int timeoutPerBrowserMs, QObject *parent)
    : QObject(parent)
    , m_accelctl(std::move(accelctl))
    , m_timeoutMs(std::max(1000, timeoutPerBrowserMs))
    , m_deadline(new QTimer(this))
{
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] {
        if (!m_process) {
            return;
        }
        if (!m_terminated) {
            // accelctl probe stops its browser on SIGTERM; SIGKILL only if it does not leave.
            m_terminated = true;
            m_process->terminate();
            m_deadline->start(2000);
        } else {
            m_process->kill();
        }
    });
}

BrowserProber::~BrowserProber()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->terminate();
        if (!m_process->waitForFinished(3000)) {
            m_process->kill();
            m_process->waitForFinished(1000);
        }
    }
}

bool BrowserProber::isRunning() const
{
    return m_index >= 0 && m_index < m_browsers.size();
}

void BrowserProber::start(const QList<WorkerCapabilities::Browser> &browsers)
{
    if (isRunning()) {
        return;
    }
    m_browsers = browsers;
    m_index = -1;
    next();
}

void BrowserProber::next()
{
    if (m_process) {
        m_process->deleteLater();
        m_process = nullptr;
    }
    ++m_index;
    if (m_index >= m_browsers.size()) {
        m_browsers.clear();
        m_index = -1;
        emit finished();
        return;
    }
    if (m_accelctl.isEmpty()) {
        fail(QStringLiteral("accelctl was not found: browsers cannot be probed on this worker"));
        return;
    }
    const WorkerCapabilities::Browser &b = m_browsers.at(m_index);
    m_terminated = false;
    m_process = new QProcess(this);
#ifdef Q_OS_LINUX
    // The probe (and through it the browser) must not outlive a worker that dies.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    connect(m_process, &QProcess::finished, this, &BrowserProber::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            fail(QStringLiteral("cannot start %1: %2").arg(m_accelctl, m_process->errorString()));
        }
    });
    QStringList args{QStringLiteral("probe"),        QStringLiteral("--json"),
                     QStringLiteral("--browser"),    b.name,
                     QStringLiteral("--timeout-ms"), QString::number(m_timeoutMs)};
    if (!b.path.isEmpty()) {
        args << QStringLiteral("--browser-path") << b.path;
    }
    qCInfo(lcCluster).noquote() << "worker: probing" << b.name << "(" << b.path << ")";
    m_deadline->start(m_timeoutMs + kGraceMs);
    m_process->start(m_accelctl, args);
}

void BrowserProber::fail(const QString &error)
{
    m_deadline->stop();
    WorkerCapabilities::Browser b = m_browsers.at(m_index);
    b.features.clear();
    b.probe = QStringLiteral("failed");
    b.probeError = error.left(4000);
    qCWarning(lcCluster).noquote() << "worker: probe of" << b.name << "failed:" << b.probeError;
    emit browserProbed(m_index, b);
    QTimer::singleShot(0, this, &BrowserProber::next);
}

void BrowserProber::onProcessFinished()
{
    m_deadline->stop();
    const QByteArray out = m_process->readAllStandardOutput();
    const QString err = QString::fromUtf8(m_process->readAllStandardError().right(600)).trimmed();
    WorkerCapabilities::Browser b = m_browsers.at(m_index);
    if (m_terminated) {
        fail(QStringLiteral("the probe did not finish within %1 ms").arg(m_timeoutMs + kGraceMs));
        return;
    }
    QList<BrowserProbe::Result> results;
    QString decodeError;
    if (!BrowserProbe::decodeReport(out, &results, &decodeError)) {
        fail(QStringLiteral("accelctl probe exited with code %1 and no report (%2)%3")
                 .arg(m_process->exitCode())
                 .arg(decodeError, err.isEmpty() ? QString() : QStringLiteral(": ") + err));
        return;
    }
    for (const BrowserProbe::Result &r : std::as_const(results)) {
        if (r.name != b.name) {
            continue;
        }
        if (!r.error.isEmpty()) {
            fail(r.error);
            return;
        }
        m_deadline->stop();
        b.features = r.features;
        b.probe = QStringLiteral("done");
        b.probeError.clear();
        qCInfo(lcCluster).noquote() << "worker:" << b.name << "has" << b.features.join(QStringLiteral(", "))
                                    << "(probed in" << r.probeMs << "ms)";
        emit browserProbed(m_index, b);
        QTimer::singleShot(0, this, &BrowserProber::next);
        return;
    }
    fail(QStringLiteral("the probe report has no entry for %1").arg(b.name));
}

} // namespace accel
