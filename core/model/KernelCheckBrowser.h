#pragma once

#include "model/ModelError.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QProcess;
class QTemporaryDir;

namespace accel {

/// A headless external browser that opens the kernel check page: Chromium (WebGPU through
/// SwiftShader with --enable-unsafe-webgpu) or Firefox (WebGPU through user.js prefs). Each run
/// gets a fresh temporary profile; the browser starts in its own process group (setsid) and the
/// whole group is SIGKILLed by stop() and by the destructor, so no renderer or GPU process
/// outlives it. Started from an argument list, never a shell. (The product's host launcher lives
/// in core/hosts; this one serves the model checks and `accelctl bench kernels`.)
class KernelCheckBrowser : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Chromium = 1, Firefox };

    explicit KernelCheckBrowser(Kind kind, QObject *parent = nullptr);
    ~KernelCheckBrowser() override;

    static QString kindName(Kind kind);
    /// The executable found on PATH (or $ACCEL_CHROMIUM / $ACCEL_FIREFOX), empty when absent.
    static QString findExecutable(Kind kind);

    bool start(const QUrl &url, ModelError *error);
    void stop();
    bool isRunning() const;

private:
    Kind m_kind;
    std::unique_ptr<QTemporaryDir> m_profile;
    QProcess *m_process = nullptr;
    qint64 m_pid = 0;
};

class KernelCheck;

/// Publishes `check` on a fresh loopback KernelCheckServer, opens it in a fresh browser of `kind`,
/// runs a local event loop until the page reports /done or `timeoutMs` passes, then kills the
/// browser. False with a clear error when the browser cannot start or the page times out.
bool runKernelCheckInBrowser(KernelCheck *check, KernelCheckBrowser::Kind kind, int timeoutMs,
                             ModelError *error);

} // namespace accel
