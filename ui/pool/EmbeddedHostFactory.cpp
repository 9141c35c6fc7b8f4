#include "pool/EmbeddedHostFactory.h"

#include "hosts/EmbeddedHost.h"

#include <QCoreApplication>
#include <QWebEngineProfile>
#include <QWebEngineView>

namespace accel::ui {

EmbeddedHostInstance::EmbeddedHostInstance(QString hostId, const QUrl &url,
                                           std::shared_ptr<QWebEngineProfile> profile, QObject *parent)
    : HostInstance(parent)
    , m_hostId(std::move(hostId))
    , m_profile(std::move(profile))
    , m_host(new EmbeddedHost(url, m_profile.get(), this))
{
    connect(m_host, &EmbeddedHost::crashed, this, [this](const QString &status, int exitCode) {
        if (m_done) {
            return;
        }
        m_done = true;
        emit exited(true, QStringLiteral("renderer %1 (exit code %2)").arg(status).arg(exitCode));
    });
    m_host->start();
}

EmbeddedHostInstance::~EmbeddedHostInstance()
{
    m_done = true;
    delete m_view.data();
    delete m_host; // the page goes before m_profile may release the last reference to its profile
    m_host = nullptr;
}

qint64 EmbeddedHostInstance::processId() const
{
    return m_host->renderProcessPid();
}

void EmbeddedHostInstance::stop()
{
    if (m_done) {
        return;
    }
    m_done = true;
    m_host->stop();
    emit exited(false, QStringLiteral("stopped"));
}

QWebEngineView *EmbeddedHostInstance::view()
{
    if (!m_view) {
        m_view = m_host->view(nullptr);
    }
    return m_view;
}

EmbeddedHostFactory::EmbeddedHostFactory(QObject *parent)
    : QObject(parent)
{}

bool EmbeddedHostFactory::isAvailable(QString *whyNot) const
{
    // QtWebEngine needs a GUI application (QApplication/QGuiApplication) in this process.
    if (!qobject_cast<QCoreApplication *>(QCoreApplication::instance()) ||
        !QCoreApplication::instance()->inherits("QGuiApplication")) {
        if (whyNot) {
            *whyNot = QStringLiteral("embedded hosts need a GUI application");
        }
        return false;
    }
    return true;
}

HostInstance *EmbeddedHostFactory::spawn(const QString &hostId, const QUrl &url, QObject *parent,
                                         QString *error)
{
    if (!isAvailable(error)) {
        return nullptr;
    }
    if (!m_profile) {
        // No storage name: off the record, nothing written to disk.
        m_profile = std::make_shared<QWebEngineProfile>();
        m_profile->setHttpCacheType(QWebEngineProfile::NoCache);
        m_profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    }
    auto *inst = new EmbeddedHostInstance(hostId, url, m_profile, parent);
    emit hostSpawned(hostId, inst);
    return inst;
}

} // namespace accel::ui
