#include "pool/BrowserHostFactory.h"

#include "hosts/BrowserProcess.h"

namespace accel {

BrowserHostInstance::BrowserHostInstance(QString hostId, BrowserProcess *process, QObject *parent)
    : HostInstance(parent)
    , m_hostId(std::move(hostId))
    , m_kind(process->kind())
    , m_process(process)
{
    process->setParent(this);
    connect(process, &BrowserProcess::exited, this,
            [this](int exitCode, bool crashed, const QString &detail) {
                if (m_done) {
                    return;
                }
                m_done = true;
                emit exited(crashed, QStringLiteral("%1 (exit code %2)").arg(detail).arg(exitCode));
            });
}

BrowserHostInstance::~BrowserHostInstance()
{
    m_done = true;
    releaseProcess();
}

void BrowserHostInstance::releaseProcess()
{
    if (BrowserProcess *process = m_process) {
        m_process = nullptr;
        process->disconnect(this);
        process->stopInBackground(kStopGraceMs); // no longer our child: it deletes itself
    }
}

qint64 BrowserHostInstance::processId() const
{
    return m_process ? m_process->pid() : 0;
}

void BrowserHostInstance::stop()
{
    if (m_done) {
        return;
    }
    m_done = true;
    releaseProcess();
    emit exited(false, QStringLiteral("stopped"));
}

BrowserHostFactory::BrowserHostFactory(HostKind kind, BrowserLaunchOptions options)
    : m_kind(kind)
    , m_options(std::move(options))
    , m_install(kind == HostKind::Embedded ? std::nullopt : BrowserLauncher::find(kind))
{}

bool BrowserHostFactory::isAvailable(QString *whyNot) const
{
    if (!m_install) {
        if (whyNot) {
            *whyNot = QStringLiteral("no %1 browser found (searched: %2)")
                          .arg(hostKindName(m_kind),
                               BrowserLauncher::candidates(m_kind).join(QStringLiteral(", ")));
        }
        return false;
    }
    return true;
}

HostInstance *BrowserHostFactory::spawn(const QString &hostId, const QUrl &url, QObject *parent,
                                        QString *error)
{
    if (!isAvailable(error)) {
        return nullptr;
    }
    BrowserProcess *process = BrowserLauncher::launch(*m_install, url, m_options, nullptr, error);
    if (!process) {
        return nullptr;
    }
    return new BrowserHostInstance(hostId, process, parent);
}

} // namespace accel
