#pragma once

// A real in-process cluster for tests: Coordinator + CoordinatorServer on a SqliteStore in a
// temporary directory, listening on an OS-chosen loopback port, plus real Workers that run
// command tasks (real processes). Everything is torn down by the destructor, also when a test
// fails half-way (running task processes are cancelled by the Worker destructor).

#include "cluster/AccessToken.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/SqliteStore.h"
#include "cluster/Worker.h"
#include "common/Clock.h"

#include <QDir>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <vector>

namespace accel::test {

class LocalCluster
{
public:
    LocalCluster()
        : m_token(QByteArrayLiteral("0123456789abcdef0123456789abcdef-test-token"))
    {}
    ~LocalCluster()
    {
        m_workers.clear();
        stopCoordinator();
    }
    LocalCluster(const LocalCluster &) = delete;
    LocalCluster &operator=(const LocalCluster &) = delete;

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray token() const { return m_token; }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    quint16 port() const { return m_port; }
    Coordinator *coordinator() const { return m_coordinator.get(); }
    bool isCoordinatorRunning() const { return m_server != nullptr; }

    /// Starts the coordinator; port 0 = OS-chosen (the first start), or the previous port again.
    bool startCoordinator(QString *error, quint16 port = 0)
    {
        m_store =
            std::make_unique<SqliteStore>(m_dir.filePath(QStringLiteral("coordinator.db")), Clock::system());
        const auto opened = m_store->open();
        if (!opened) {
            *error = opened.error().message;
            return false;
        }
        CoordinatorConfig config;
        config.heartbeatMs = 200;
        config.suspectAfterMs = 1500;
        config.deadAfterMs = 4000;
        config.tickMs = 50;
        m_coordinator = std::make_unique<Coordinator>(m_store.get(), Clock::system(), config);
        if (!m_coordinator->start(error)) {
            return false;
        }
        m_server = std::make_unique<CoordinatorServer>(m_coordinator.get(), m_token);
        m_port = m_server->start(QHostAddress::LocalHost, port, error);
        return m_port != 0;
    }

    void stopCoordinator()
    {
        m_server.reset();
        m_coordinator.reset();
        m_store.reset();
    }

    Worker *addWorker(const QString &id, bool allowCommands = true, const QStringList &labels = {})
    {
        WorkerConfig c;
        c.coordinator = url();
        c.token = m_token;
        c.workerId = id;
        c.name = id;
        c.workDir = m_dir.filePath(QStringLiteral("worker-") + id);
        c.labels = labels;
        c.allowCommands = allowCommands;
        c.reconnectMinMs = 50;
        c.reconnectMaxMs = 500;
        m_workers.push_back(std::make_unique<Worker>(c));
        m_workers.back()->start();
        return m_workers.back().get();
    }

    void removeWorkers() { m_workers.clear(); }

    /// A suite of command tasks: {id, argv, maxRetries}.
    struct TaskDef
    {
        QString id;
        QStringList argv;
        int maxRetries = 0;
    };
    static QByteArray suiteJson(const QString &name, const QList<TaskDef> &tasks)
    {
        QJsonArray list;
        for (const TaskDef &t : tasks) {
            QJsonObject o{{QStringLiteral("id"), t.id},
                          {QStringLiteral("argv"), QJsonArray::fromStringList(t.argv)}};
            if (t.maxRetries > 0) {
                o.insert(QStringLiteral("retry"), QJsonObject{{QStringLiteral("maxRetries"), t.maxRetries}});
            }
            list.append(o);
        }
        return QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("tasks"), list}})
            .toJson(QJsonDocument::Compact);
    }

private:
    QTemporaryDir m_dir;
    QByteArray m_token;
    quint16 m_port = 0;
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<Coordinator> m_coordinator;
    std::unique_ptr<CoordinatorServer> m_server;
    std::vector<std::unique_ptr<Worker>> m_workers;
};

} // namespace accel::test
