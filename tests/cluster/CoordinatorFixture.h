#pragma once

// One SQLite coordinator and its workers as real accelerate-node processes on loopback, for
// cluster tests: a fresh temporary directory per test function, the coordinator on an OS-chosen
// port (its data dir, token and log in that directory), workers started on demand. Use setUp()
// from a test's init() and tearDown() from its cleanup(): tearDown() kills every process and, when
// the test failed, prints the tail of each node's log before the directory is removed.

#include "NodeProcess.h"

#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>
#include <vector>

class CoordinatorFixture
{
public:
    /// `coordinatorFlags`: added to every coordinator start (timeouts such as --suspect-ms).
    explicit CoordinatorFixture(const QStringList &coordinatorFlags = {})
        : m_coordinatorFlags(coordinatorFlags)
    {}
    ~CoordinatorFixture() { stopAll(); }

    /// New temporary directory, then a coordinator on an OS-chosen port. False + *error on failure.
    bool setUp(QString *error)
    {
        tearDown();
        m_tmp = std::make_unique<QTemporaryDir>();
        if (!m_tmp->isValid()) {
            *error = QStringLiteral("no temporary directory");
            return false;
        }
        if (!QFile::exists(NodeProcess::binary())) {
            *error = NodeProcess::binary() + QStringLiteral(" does not exist");
            return false;
        }
        if (!startCoordinator(0)) {
            *error = QStringLiteral("the coordinator did not start (see coordinator.log)");
            return false;
        }
        return true;
    }

    /// Kills the workers, then the coordinator; on a failed test prints the logs' tails; removes
    /// the directory.
    void tearDown()
    {
        stopAll();
        if (m_tmp && QTest::currentTestFailed()) {
            for (const QString &log : std::as_const(m_logs)) {
                QFile f(path(log));
                if (f.open(QIODevice::ReadOnly)) {
                    qWarning().noquote() << log << ":\n" << f.readAll().right(4000);
                }
            }
        }
        m_logs.clear();
        m_tmp.reset();
    }

    /// (Re)starts the coordinator on `port` (0: OS-chosen) with the same data dir and waits for
    /// its port file and token. A running coordinator must be killed first.
    bool startCoordinator(quint16 port)
    {
        QFile::remove(path(QStringLiteral("port")));
        addLog(QStringLiteral("coordinator.log"));
        m_coordinator = std::make_unique<NodeProcess>(
            QStringList{QStringLiteral("--role"), QStringLiteral("coordinator"), QStringLiteral("--data-dir"),
                        path(QStringLiteral("coordinator")), QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--port-file"),
                        path(QStringLiteral("port")), QStringLiteral("--heartbeat-ms"),
                        QStringLiteral("200")} +
                m_coordinatorFlags,
            path(QStringLiteral("coordinator.log")));
        if (!m_coordinator->waitStarted()) {
            return false;
        }
        QFile portFile(path(QStringLiteral("port")));
        if (!QTest::qWaitFor([&] { return portFile.exists() && portFile.size() > 0; }, 10000) ||
            !portFile.open(QIODevice::ReadOnly)) {
            return false;
        }
        m_port = quint16(portFile.readAll().trimmed().toUInt());
        QFile tokenFile(tokenPath());
        if (!tokenFile.open(QIODevice::ReadOnly)) {
            return false;
        }
        m_token = tokenFile.readAll().trimmed();
        return m_port != 0 && !m_token.isEmpty();
    }

    /// Starts worker `id` (data dir and log named after it) that may run commands; `extraArgs`
    /// and `environment` go to the node. Null when the process did not start (it is still killed
    /// by tearDown()).
    NodeProcess *startWorker(const QString &id, const QStringList &extraArgs = {},
                             const QHash<QString, QString> &environment = {})
    {
        addLog(id + QStringLiteral(".log"));
        m_workers.push_back(std::make_unique<NodeProcess>(
            QStringList{QStringLiteral("--role"), QStringLiteral("worker"), QStringLiteral("--coordinator"),
                        base().toString(), QStringLiteral("--token-file"), tokenPath(),
                        QStringLiteral("--data-dir"), path(id), QStringLiteral("--worker-id"), id,
                        QStringLiteral("--allow-commands")} +
                extraArgs,
            path(id + QStringLiteral(".log")), environment));
        NodeProcess *worker = m_workers.back().get();
        return worker->waitStarted() ? worker : nullptr;
    }

    QString path(const QString &name) const { return m_tmp->filePath(name); }
    QString tokenPath() const { return path(QStringLiteral("coordinator/token")); }
    QUrl base() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    quint16 port() const { return m_port; }
    QByteArray token() const { return m_token; }
    NodeProcess *coordinator() const { return m_coordinator.get(); }
    /// Workers in the order they were started.
    NodeProcess *worker(int index) const { return m_workers[size_t(index)].get(); }

private:
    void stopAll()
    {
        m_workers.clear(); // NodeProcess kills on destruction
        m_coordinator.reset();
    }

    void addLog(const QString &name)
    {
        if (!m_logs.contains(name)) {
            m_logs << name;
        }
    }

    QStringList m_coordinatorFlags;
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<NodeProcess> m_coordinator;
    std::vector<std::unique_ptr<NodeProcess>> m_workers;
    QStringList m_logs;
    quint16 m_port = 0;
    QByteArray m_token;
};
