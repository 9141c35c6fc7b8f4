#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace accel {

struct TaskRequirements;

/// What a worker offers, sent in its register message and matched by the Scheduler.
struct WorkerCapabilities
{
    struct Browser
    {
        QString name; ///< "chromium", "firefox", "edge"
        QString path;
        QStringList features; ///< compute features measured on this worker ("webgpu", "wasm-simd", ...)
        /// Feature probe of this browser (BrowserProber): "" (not probed: --no-browser-probe),
        /// "pending", "done" or "failed" (then probeError says why; features stay empty).
        QString probe;
        QString probeError;
    };

    int cpus = 0;
    qint64 memoryMb = 0;
    qint64 freeDiskMb = 0;
    QString os;     ///< QSysInfo::productType()
    QString kernel; ///< QSysInfo::kernelType()
    QString arch;
    QList<Browser> browsers;
    bool nativeBackend = false;   ///< a native (C++) model backend is available
    bool commandTasks = false;    ///< started with --allow-commands
    bool modelBenchmarks = false; ///< accelctl is installed: model benchmark tasks can run
    QStringList labels;
    int slotCount = 1; ///< tasks run concurrently

    /// Capability strings for matching: "command", "model-benchmark", "browser:NAME", "feature:F",
    /// "browser:NAME:F" (F measured in that browser), "native-backend".
    QStringList capabilityStrings() const;
    /// Why requirements are not met (empty when they are).
    QString mismatch(const TaskRequirements &req, const QStringList &requiredCapabilities) const;
    /// Same, with capabilityStrings() computed once by the caller.
    QString mismatch(const TaskRequirements &req, const QStringList &requiredCapabilities,
                     const QStringList &offered) const;

    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &o, WorkerCapabilities *out, QString *error);
    /// The `browsers` array alone (also the payload of a worker's capability update).
    static QJsonArray browsersToJson(const QList<Browser> &browsers);
    static bool browsersFromJson(const QJsonValue &v, QList<Browser> *out, QString *error);

    /// Inspects this machine: CPUs, memory, OS, disk at workDir, browsers (BrowserLauncher's
    /// discovery, so ACCEL_CHROMIUM/ACCEL_FIREFOX/ACCEL_EDGE apply). Features stay empty until a
    /// probe measured them.
    static WorkerCapabilities detect(const QString &workDir);
};

} // namespace accel
