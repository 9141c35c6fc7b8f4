#pragma once

#include "hosts/HostKind.h"

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace accel {

/// One external browser (or helper) process started in its own process group (setsid), with a
/// throw-away profile directory it owns. stop() and the destructor end the whole group
/// (SIGTERM, then SIGKILL after the grace period) and delete the profile. When the leader exits
/// on its own, the rest of its group is killed too and exited() reports how it ended.
///
/// Ownership: a QObject with a parent (usually BrowserLauncher's caller). Thread: its own.
class BrowserProcess : public QObject
{
    Q_OBJECT
public:
    /// `profile` may be null (no profile directory to clean up).
    BrowserProcess(HostKind kind, QString program, QStringList arguments, QProcessEnvironment environment,
                   std::unique_ptr<QTemporaryDir> profile, QObject *parent = nullptr);
    ~BrowserProcess() override;

    /// Starts the process; false with `error` if it could not be started.
    bool start(QString *error = nullptr);
    /// Ends the whole process group: SIGTERM, wait up to graceMs, then SIGKILL. Blocks up to
    /// graceMs + 1 s. Safe to call twice.
    void stop(int graceMs = 3000);
    /// stop() without blocking, for the GUI thread: SIGTERM now, SIGKILL after graceMs if the
    /// leader is still there, then the group's helpers; then the profile is deleted and the
    /// object deletes itself. It becomes a child of the application object (so a stop still
    /// pending when the application ends is finished by the destructor); callers drop their
    /// pointer. Without an application object on this thread it stops synchronously instead.
    void stopInBackground(int graceMs = 3000);
    /// Sends `signal` to the whole group (tests: SIGKILL to simulate a crash, SIGSTOP to freeze).
    bool signalGroup(int signal);

    HostKind kind() const { return m_kind; }
    QString program() const { return m_program; }
    QStringList arguments() const { return m_arguments; }
    QString profileDir() const;
    /// Process id of the leader, which is also the process group id; 0 when not running.
    qint64 pid() const { return m_pid; }
    bool isRunning() const;
    /// The last ~64 KiB the browser wrote to stdout/stderr (diagnostics for failed launches).
    QByteArray outputTail() const { return m_output; }

Q_SIGNALS:
    /// The leader exited (by itself, crashed, or was stopped). `detail` is human-readable.
    void exited(int exitCode, bool crashed, const QString &detail);

private:
    void onFinished(int exitCode, QProcess::ExitStatus status);

    HostKind m_kind;
    QString m_program;
    QStringList m_arguments;
    QProcess *m_process;
    std::unique_ptr<QTemporaryDir> m_profile;
    qint64 m_pid = 0;
    bool m_stopping = false;
    QByteArray m_output;
};

} // namespace accel
