#pragma once

#include "pool/HostFactory.h"

#include <QProcessEnvironment>

#include <memory>

namespace accel {

class EmbeddedHostGroup;

/// Embedded (QtWebEngine) hosts for processes that do not link QtWebEngine (accelctl,
/// accelerate-node): each host is an `accel-embedded-host URL` helper process in its own process
/// group, watched and stopped like a browser (BrowserHostInstance). The console uses the in-process
/// EmbeddedHostFactory (ui) instead.
///
/// The helper is found at $ACCEL_EMBEDDED_HOST, next to the running executable, in the build tree
/// (app/embedded-host) or on PATH.
///
/// With Sharing::OneBrowser every host is a page of one `accel-embedded-host --group` process
/// (EmbeddedHostGroup): one profile, like tabs of one browser, so pipeline stages on them hand
/// activations page to page. processId() is then the page's renderer.
class EmbeddedProcessHostFactory : public HostFactory
{
public:
    enum class Sharing { ProcessPerHost, OneBrowser };
    explicit EmbeddedProcessHostFactory(Sharing sharing = Sharing::ProcessPerHost);
    ~EmbeddedProcessHostFactory() override;
    HostKind kind() const override { return HostKind::Embedded; }
    bool isAvailable(QString *whyNot = nullptr) const override;
    HostInstance *spawn(const QString &hostId, const QUrl &url, QObject *parent, QString *error) override;

    QString program() const { return m_program; }
    /// The shared helper's pid (Sharing::OneBrowser, once a host was spawned), else 0.
    qint64 groupProcessId() const;
    /// Paths searched, in order (without PATH).
    static QStringList candidates();

private:
    QProcessEnvironment environment() const;

    QString m_program;
    Sharing m_sharing;
    std::unique_ptr<EmbeddedHostGroup> m_group;
};

} // namespace accel
