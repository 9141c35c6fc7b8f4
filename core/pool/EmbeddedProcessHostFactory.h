#pragma once

#include "pool/HostFactory.h"

namespace accel {

/// Embedded (QtWebEngine) hosts for processes that do not link QtWebEngine (accelctl,
/// accelerate-node): each host is an `accel-embedded-host URL` helper process in its own process
/// group, watched and stopped like a browser (BrowserHostInstance). The console uses the in-process
/// EmbeddedHostFactory (ui) instead.
///
/// The helper is found at $ACCEL_EMBEDDED_HOST, next to the running executable, in the build tree
/// (app/embedded-host) or on PATH.
class EmbeddedProcessHostFactory : public HostFactory
{
public:
    EmbeddedProcessHostFactory();
    HostKind kind() const override { return HostKind::Embedded; }
    bool isAvailable(QString *whyNot = nullptr) const override;
    HostInstance *spawn(const QString &hostId, const QUrl &url, QObject *parent, QString *error) override;

    QString program() const { return m_program; }
    /// Paths searched, in order (without PATH).
    static QStringList candidates();

private:
    QString m_program;
};

} // namespace accel
