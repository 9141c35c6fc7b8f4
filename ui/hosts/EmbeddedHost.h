#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>

class QAction;
class QWebEngineProfile;
class QWebEngineView;
class QWidget;

namespace accel::ui {

class EmbeddedHostPage;

/// Runs the runtime page (a host URL from RuntimeServer::hostUrl) inside this process with
/// QtWebEngine: headless as a bare QWebEnginePage, or shown through view(). It gets its own
/// off-the-record profile (or a shared one), may only navigate to the runtime server, and reports a dead
/// renderer (renderProcessTerminated) as crashed(); restart() (or restartAction()) brings up a new page. The
/// page itself connects to the server; the server's HostSession is the protocol side.
///
/// Ownership: QObject with a parent; owns profile, page and its action. The view returned by
/// view() is owned by the widget parent passed in. Thread: GUI thread.
class EmbeddedHost : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddedHost(const QUrl &hostUrl, QObject *parent = nullptr);
    /// A page in `profile` (not owned; it must outlive this host). Pages of one profile share
    /// its link broker and chunk cache, like tabs of one browser.
    EmbeddedHost(const QUrl &hostUrl, QWebEngineProfile *profile, QObject *parent = nullptr);
    ~EmbeddedHost() override;

    QUrl url() const { return m_url; }
    /// Loads the page (again).
    void start();
    /// Throws the page (and its renderer) away and loads a fresh one.
    void restart();
    /// Unloads the page: the runtime says goodbye and disconnects.
    void stop();

    EmbeddedHostPage *page() const { return m_page; }
    /// A view showing this host's page, created on first call.
    QWebEngineView *view(QWidget *parent);
    QAction *restartAction() const { return m_restartAction; }
    /// Renderer process id (0 while none runs).
    qint64 renderProcessPid() const;
    bool isCrashed() const { return m_crashed; }

Q_SIGNALS:
    void loadFinished(bool ok);
    /// The renderer died. `status` is "crashed", "killed" or "abnormal exit".
    void crashed(const QString &status, int exitCode);
    void navigationBlocked(const QUrl &url);
    void restarted();

private:
    void createPage();

    QUrl m_url;
    QWebEngineProfile *m_profile;
    EmbeddedHostPage *m_page = nullptr;
    QPointer<QWebEngineView> m_view;
    QAction *m_restartAction;
    bool m_crashed = false;
};

} // namespace accel::ui
