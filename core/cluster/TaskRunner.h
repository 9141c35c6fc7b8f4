#pragma once

#include "cluster/ClusterProtocol.h"
#include "cluster/TaskSpec.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

class QProcess;
class QTimer;

namespace accel {

/// Runs one command task: argv through QProcess (no shell) in its own process group (setsid),
/// with the task's env and working dir, a timeout that kills the whole group, stdout+stderr
/// captured up to a cap and streamed as chunks, and the declared output files collected.
/// Emits finished() exactly once with a filled Result message (task/attempt/epoch set by the caller).
class TaskRunner : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxCapturedBytes = ClusterProtocol::kMaxOutputBytes;

    TaskRunner(const TaskSpec &spec, const QString &workDir, QObject *parent = nullptr);
    ~TaskRunner() override;

    void start();
    /// Kills the process group; finished() is not emitted after cancel().
    void cancel();
    qint64 pid() const;

Q_SIGNALS:
    void output(const QString &stream, const QString &data);
    void finished(const ClusterMessage &result);

private:
    void onFinished(int exitCode, int exitStatus);
    void finish(ClusterMessage result);
    void killGroup();

    TaskSpec m_spec;
    QString m_workDir;
    QProcess *m_process;
    QTimer *m_timeout;
    QElapsedTimer m_elapsed;
    QByteArray m_captured;
    bool m_truncated = false;
    bool m_timedOut = false;
    bool m_done = false;
    qint64 m_pgid = 0;
};

} // namespace accel
