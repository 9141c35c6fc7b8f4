#pragma once

#include <QHash>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <csignal>

/// One accelerate-node process of a cluster test. Killed (SIGCONT then SIGKILL) on destruction,
/// so nothing survives a failing test.
class NodeProcess
{
public:
    /// `environment`: extra variables for the node (on top of this process's environment).
    explicit NodeProcess(const QStringList &args, const QString &logPath,
                         const QHash<QString, QString> &environment = {})
    {
        if (!environment.isEmpty()) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
                env.insert(it.key(), it.value());
            }
            m_process.setProcessEnvironment(env);
        }
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(logPath, QIODevice::Append);
        m_process.start(binary(), args);
    }
    ~NodeProcess() { kill(); }
    bool waitStarted() { return m_process.waitForStarted(10000); }
    qint64 pid() const { return m_process.processId(); }
    void signal(int sig)
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), sig);
        }
    }
    void kill()
    {
        if (m_process.state() != QProcess::NotRunning) {
            signal(SIGCONT);
            signal(SIGKILL);
            m_process.waitForFinished(5000);
        }
    }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    static QString binary()
    {
        return qEnvironmentVariable("ACCEL_BUILD_DIR") + QStringLiteral("/app/node/accelerate-node");
    }

private:
    QProcess m_process;
};
