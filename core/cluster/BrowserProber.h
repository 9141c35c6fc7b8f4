#pragma once

#include "cluster/WorkerCapabilities.h"

#include <QObject>
#include <QString>

class QProcess;
class QTimer;

namespace accel {

/// Probes a worker's browsers one at a time without blocking the worker's event loop: for each
/// browser it runs `accelctl probe --json --browser NAME --browser-path PATH --timeout-ms N` as a
/// subprocess (argument list; the browser never runs inside the worker process), bounded by the
/// timeout plus a grace period after which the probe is terminated, then killed. Every outcome —
/// features, a failed launch, a timeout, a missing accelctl, an unreadable report — ends as
/// browserProbed(); nothing here is fatal to the worker.
///
/// On Linux the probe subprocess gets SIGTERM when the worker dies (PR_SET_PDEATHSIG), and
/// `accelctl probe` stops its browser on SIGTERM, so a killed worker leaves no browser behind.
/// Owner: the Worker (QObject parent). Thread: the owner's.
class BrowserProber : public QObject
{
    Q_OBJECT
public:
    /// `accelctl`: program path (empty: the probe of every browser fails with that reason).
    BrowserProber(QString accelctl, int timeoutPerBrowserMs, QObject *parent = nullptr);
    ~BrowserProber() override;

    /// Probes `browsers` in order. Ignored while a round is running.
    void start(const QList<WorkerCapabilities::Browser> &browsers);
    bool isRunning() const;

    /// Time after the per-browser timeout before the subprocess is terminated.
    static constexpr int kGraceMs = 5000;

Q_SIGNALS:
    /// One browser done: probe "done" with features, or "failed" with probeError.
    void browserProbed(int index, const accel::WorkerCapabilities::Browser &browser);
    void finished();

private:
    void next();
    void onProcessFinished();
    void fail(const QString &error);

    QString m_accelctl;
    int m_timeoutMs;
    QList<WorkerCapabilities::Browser> m_browsers;
    int m_index = -1;
    QProcess *m_process = nullptr;
    QTimer *m_deadline;
    bool m_terminated = false;
};

} // namespace accel
