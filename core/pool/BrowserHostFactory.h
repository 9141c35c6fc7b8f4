#pragma once

#include "hosts/BrowserLauncher.h"
#include "hosts/BrowserProcess.h"
#include "pool/HostFactory.h"

#include <QPointer>

namespace accel {

/// A host that is an external browser started by BrowserLauncher (own temp profile, own process
/// group). Reports the browser's exit — crash, kill -9, normal exit — through exited().
class BrowserHostInstance : public HostInstance
{
    Q_OBJECT
public:
    /// Takes ownership of `process` (reparented).
    BrowserHostInstance(QString hostId, BrowserProcess *process, QObject *parent);
    ~BrowserHostInstance() override;

    QString hostId() const override { return m_hostId; }
    HostKind kind() const override { return m_kind; }
    qint64 processId() const override;
    /// Ends the browser's process group (SIGTERM, SIGKILL after stopGraceMs) without blocking
    /// (BrowserProcess::stopInBackground); exited() is emitted at once. The destructor does the
    /// same for a browser still running.
    void stop() override;
    BrowserProcess *process() const { return m_process; }

    static constexpr int kStopGraceMs = 500;

private:
    void releaseProcess();

    QString m_hostId;
    HostKind m_kind;
    QPointer<BrowserProcess> m_process;
    bool m_done = false;
};

/// Spawns Chromium, Firefox or Edge hosts. Unavailable (with the reason) when the browser is not
/// installed; BrowserLauncher's discovery (incl. ACCEL_CHROMIUM/ACCEL_FIREFOX/ACCEL_EDGE) decides.
class BrowserHostFactory : public HostFactory
{
public:
    explicit BrowserHostFactory(HostKind kind, BrowserLaunchOptions options = {});
    HostKind kind() const override { return m_kind; }
    bool isAvailable(QString *whyNot = nullptr) const override;
    HostInstance *spawn(const QString &hostId, const QUrl &url, QObject *parent, QString *error) override;

private:
    HostKind m_kind;
    BrowserLaunchOptions m_options;
    std::optional<BrowserInstall> m_install;
};

} // namespace accel
