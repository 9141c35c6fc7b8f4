#include "hosts/EmbeddedHost.h"

#include "hosts/EmbeddedHostPage.h"

#include "common/LogCategories.h"

#include <QAction>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineView>

namespace accel::ui {

EmbeddedHost::EmbeddedHost(const QUrl &hostUrl, QObject *parent)
    // No storage name: off the record, nothing written to disk, nothing shared between hosts.
    : EmbeddedHost(hostUrl, nullptr, parent)
{}

EmbeddedHost::EmbeddedHost(const QUrl &hostUrl, QWebEngineProfile *profile, QObject *parent)
    : QObject(parent)
    , m_url(hostUrl)
    , m_profile(profile ? profile : new QWebEngineProfile(this))
    , m_restartAction(new QAction(tr("Restart host"), this))
{
    if (!profile) {
        m_profile->setHttpCacheType(QWebEngineProfile::NoCache);
        m_profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    }
    m_restartAction->setToolTip(tr("Discard this host's page and renderer and load it again"));
    connect(m_restartAction, &QAction::triggered, this, &EmbeddedHost::restart);
    createPage();
}

EmbeddedHost::~EmbeddedHost()
{
    // The page must go before its profile (QtWebEngine warns and may crash otherwise).
    if (m_view) {
        m_view->setPage(nullptr);
    }
    delete m_page;
    m_page = nullptr;
}

void EmbeddedHost::createPage()
{
    QUrl origin;
    origin.setScheme(m_url.scheme());
    origin.setHost(m_url.host());
    origin.setPort(m_url.port());
    m_page = new EmbeddedHostPage(m_profile, origin, this);
    m_page->settings()->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    m_page->settings()->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    connect(m_page, &QWebEnginePage::loadFinished, this, &EmbeddedHost::loadFinished);
    connect(m_page, &EmbeddedHostPage::navigationBlocked, this, &EmbeddedHost::navigationBlocked);
    connect(m_page, &QWebEnginePage::renderProcessTerminated, this,
            [this](QWebEnginePage::RenderProcessTerminationStatus status, int exitCode) {
                QString text;
                switch (status) {
                case QWebEnginePage::NormalTerminationStatus:
                    return; // a renderer that ends normally (navigation, shutdown) is no crash
                case QWebEnginePage::AbnormalTerminationStatus:
                    text = QStringLiteral("abnormal exit");
                    break;
                case QWebEnginePage::CrashedTerminationStatus:
                    text = QStringLiteral("crashed");
                    break;
                case QWebEnginePage::KilledTerminationStatus:
                    text = QStringLiteral("killed");
                    break;
                }
                m_crashed = true;
                qCWarning(lcHosts).noquote() << "embedded host renderer" << text << "exit code" << exitCode;
                Q_EMIT crashed(text, exitCode);
            });
    if (m_view) {
        m_view->setPage(m_page);
    }
}

void EmbeddedHost::start()
{
    m_crashed = false;
    m_page->load(m_url);
}

void EmbeddedHost::restart()
{
    if (m_view) {
        m_view->setPage(nullptr);
    }
    delete m_page;
    m_page = nullptr;
    createPage();
    start();
    Q_EMIT restarted();
}

void EmbeddedHost::stop()
{
    m_page->load(QUrl(QStringLiteral("about:blank")));
}

QWebEngineView *EmbeddedHost::view(QWidget *parent)
{
    if (!m_view) {
        m_view = new QWebEngineView(parent);
        m_view->setPage(m_page);
    }
    return m_view;
}

qint64 EmbeddedHost::renderProcessPid() const
{
    return m_page ? m_page->renderProcessPid() : 0;
}

} // namespace accel::ui
