#pragma once

#include "pool/HostFactory.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QWebEngineProfile;
class QWebEngineView;

namespace accel::ui {

class EmbeddedHost;

/// A host that is a QtWebEngine page in this process (ui/hosts EmbeddedHost). A dead renderer
/// (renderProcessTerminated) is reported as a crash; the pool then replaces the whole instance.
/// Its page lives in `profile`, shared with the factory's other hosts; the last instance (or
/// the factory) to go deletes the profile, always after the pages in it.
class EmbeddedHostInstance : public HostInstance
{
    Q_OBJECT
public:
    EmbeddedHostInstance(QString hostId, const QUrl &url, std::shared_ptr<QWebEngineProfile> profile,
                         QObject *parent);
    /// Deletes its view (if one was made) before the page, and the page before the profile.
    ~EmbeddedHostInstance() override;

    QString hostId() const override { return m_hostId; }
    HostKind kind() const override { return HostKind::Embedded; }
    qint64 processId() const override;
    void stop() override;

    EmbeddedHost *host() const { return m_host; }
    /// The page's view, created on first call (deleted with this instance).
    QWebEngineView *view();

private:
    QString m_hostId;
    std::shared_ptr<QWebEngineProfile> m_profile;
    EmbeddedHost *m_host;
    QPointer<QWebEngineView> m_view;
    bool m_done = false;
};

/// Spawns embedded hosts and announces their views so the Hosts panel can show them. Its hosts are
/// pages of one off-the-record profile, like tabs of one browser: they share the chunk cache, and
/// adjacent pipeline stages on them hand activations page to page (docs/host-protocol.md, "Links").
class EmbeddedHostFactory : public QObject, public HostFactory
{
    Q_OBJECT
public:
    explicit EmbeddedHostFactory(QObject *parent = nullptr);
    HostKind kind() const override { return HostKind::Embedded; }
    bool isAvailable(QString *whyNot = nullptr) const override;
    HostInstance *spawn(const QString &hostId, const QUrl &url, QObject *parent, QString *error) override;

Q_SIGNALS:
    /// A new embedded host exists; view() gives its page view.
    void hostSpawned(const QString &hostId, accel::ui::EmbeddedHostInstance *instance);

private:
    std::shared_ptr<QWebEngineProfile> m_profile; ///< created with the first host
};

} // namespace accel::ui
