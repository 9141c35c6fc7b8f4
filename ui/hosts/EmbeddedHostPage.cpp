#include "hosts/EmbeddedHostPage.h"

#include "common/LogCategories.h"

namespace accel::ui {

EmbeddedHostPage::EmbeddedHostPage(QWebEngineProfile *profile, const QUrl &allowedOrigin, QObject *parent)
    : QWebEnginePage(profile, parent)
    , m_allowedOrigin(allowedOrigin)
{}

bool EmbeddedHostPage::isAllowed(const QUrl &url) const
{
    if (url == QUrl(QStringLiteral("about:blank"))) {
        return true; // EmbeddedHost::stop() unloads the page this way
    }
    return url.scheme() == m_allowedOrigin.scheme() && url.host() == m_allowedOrigin.host() &&
           url.port() == m_allowedOrigin.port() && url.userInfo().isEmpty();
}

bool EmbeddedHostPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    Q_UNUSED(type);
    if (isAllowed(url)) {
        return true;
    }
    qCWarning(lcHosts).noquote() << "embedded host: blocked navigation to" << url.toString(QUrl::RemoveQuery)
                                 << (isMainFrame ? "(main frame)" : "(sub frame)");
    Q_EMIT navigationBlocked(url);
    return false;
}

void EmbeddedHostPage::javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message,
                                                int lineNumber, const QString &sourceId)
{
    const QString where = QStringLiteral("%1:%2").arg(QUrl(sourceId).path()).arg(lineNumber);
    if (level == ErrorMessageLevel) {
        qCWarning(lcHosts).noquote() << "embedded host console:" << message << where;
    } else {
        qCDebug(lcHosts).noquote() << "embedded host console:" << message << where;
    }
}

} // namespace accel::ui
