#pragma once

#include <QUrl>
#include <QWebEnginePage>

namespace accel::ui {

/// The page an EmbeddedHost runs: navigation is allowed only to the runtime server it was made
/// for (same scheme, host and port); everything else is refused and reported.
class EmbeddedHostPage : public QWebEnginePage
{
    Q_OBJECT
public:
    EmbeddedHostPage(QWebEngineProfile *profile, const QUrl &allowedOrigin, QObject *parent = nullptr);

    bool isAllowed(const QUrl &url) const;

Q_SIGNALS:
    void navigationBlocked(const QUrl &url);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message, int lineNumber,
                                  const QString &sourceId) override;

private:
    QUrl m_allowedOrigin;
};

} // namespace accel::ui
