#pragma once

// A redundant coordinator cluster made of real processes on loopback, for cluster tests: a real
// 3-member etcd (EtcdProcessCluster), N accelerate-node coordinators (--store etcd, lease TTL
// 1 s) and M workers given the list of all coordinators. Everything is killed on destruction.
// The same process layout as tst_CoordinatorFailover.

#include "NodeProcess.h"

#include "cluster/AccessToken.h"
#include "cluster/ClusterClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

class HaCluster
{
public:
    explicit HaCluster(const QByteArray &prefix, int coordinators = 3, int workers = 3)
        : m_prefix(prefix)
        , m_coordinatorCount(coordinators)
        , m_workerCount(workers)
    {}
    ~HaCluster() { stopAll(); }

    /// Starts etcd, the coordinators (waits for a leader) and the workers (waits until all are
    /// connected to the leader). False + *error on failure.
    bool start(QString *error)
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        if (!m_tmp->isValid()) {
            *error = QStringLiteral("no temporary directory");
            return false;
        }
        m_token = accel::AccessToken::loadOrCreate(path(QStringLiteral("token")), error);
        if (m_token.isEmpty()) {
            return false;
        }
        accel::EtcdProcessCluster::Options options;
        options.members = 3;
        m_etcd = std::make_unique<accel::EtcdProcessCluster>(options);
        if (!m_etcd->start(error)) {
            return false;
        }
        m_coordinators.resize(size_t(m_coordinatorCount));
        m_ports.assign(size_t(m_coordinatorCount), 0);
        for (int i = 0; i < m_coordinatorCount; ++i) {
            if (!startCoordinator(i, 0)) {
                *error = QStringLiteral("coordinator %1 did not start").arg(i);
                return false;
            }
        }
        if (!QTest::qWaitFor([&] { return leader() >= 0; }, 15000)) {
            *error = QStringLiteral("no coordinator became leader");
            return false;
        }
        for (int i = 0; i < m_workerCount; ++i) {
            const QString id = QStringLiteral("w%1").arg(i + 1);
            auto w = std::make_unique<NodeProcess>(
                QStringList{QStringLiteral("--role"), QStringLiteral("worker"),
                            QStringLiteral("--coordinator"), allUrls(), QStringLiteral("--token-file"),
                            path(QStringLiteral("token")), QStringLiteral("--data-dir"), path(id),
                            QStringLiteral("--worker-id"), id, QStringLiteral("--slots"), QStringLiteral("2"),
                            QStringLiteral("--allow-commands"), QStringLiteral("--no-browser-probe")},
                path(id + QStringLiteral(".log")));
            if (!w->waitStarted()) {
                *error = QStringLiteral("worker %1 did not start").arg(id);
                return false;
            }
            m_workers.push_back(std::move(w));
        }
        const bool connected = QTest::qWaitFor(
            [&] {
                const int lead = leader();
                if (lead < 0) {
                    return false;
                }
                accel::ClusterClient c(url(lead), m_token);
                int n = 0;
                for (const QJsonValue &w : c.get(QStringLiteral("/api/v1/workers"), 2000).json().array()) {
                    n += w.toObject().value(QStringLiteral("connected")).toBool() ? 1 : 0;
                }
                return n == m_workerCount;
            },
            20000);
        if (!connected) {
            *error = QStringLiteral("the workers did not all connect to the leader");
        }
        return connected;
    }

    void stopAll()
    {
        m_workers.clear(); // NodeProcess kills on destruction
        m_coordinators.clear();
        m_etcd.reset(); // kills every etcd member
    }

    /// Keeps the logs (and says where) instead of deleting them: call when a test failed.
    void keepLogs()
    {
        if (!m_tmp) {
            return;
        }
        for (int i = 0; i < m_coordinatorCount; ++i) {
            QFile log(path(QStringLiteral("c%1.log").arg(i)));
            if (log.open(QIODevice::ReadOnly)) {
                const QList<QByteArray> lines = log.readAll().split('\n');
                qWarning().noquote() << "--- coordinator" << i << "log tail:\n"
                                     << lines.mid(qMax(0, int(lines.size()) - 25)).join('\n');
            }
        }
        m_tmp->setAutoRemove(false);
        qWarning() << "logs kept in" << m_tmp->path();
    }

    QString path(const QString &name) const { return m_tmp->filePath(name); }
    QByteArray token() const { return m_token; }
    QByteArray statePrefix() const { return m_prefix + QByteArrayLiteral("/state"); }
    accel::EtcdProcessCluster *etcd() const { return m_etcd.get(); }
    int coordinatorCount() const { return m_coordinatorCount; }
    NodeProcess *coordinator(int i) const { return m_coordinators[size_t(i)].get(); }
    QUrl url(int i) const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_ports[size_t(i)])); }
    quint16 port(int i) const { return m_ports[size_t(i)]; }
    QString allUrls() const
    {
        QStringList list;
        for (int i = 0; i < m_coordinatorCount; ++i) {
            list << url(i).toString();
        }
        return list.join(QLatin1Char(','));
    }
    QList<QUrl> urlList() const
    {
        QList<QUrl> list;
        for (int i = 0; i < m_coordinatorCount; ++i) {
            list << url(i);
        }
        return list;
    }

    /// (Re)starts coordinator i; port 0 lets the OS choose (the first start), else the same port.
    bool startCoordinator(int i, quint16 port)
    {
        const QString portFile = path(QStringLiteral("c%1.port").arg(i));
        QFile::remove(portFile);
        m_coordinators[size_t(i)] = std::make_unique<NodeProcess>(
            QStringList{QStringLiteral("--role"),           QStringLiteral("coordinator"),
                        QStringLiteral("--store"),          QStringLiteral("etcd"),
                        QStringLiteral("--etcd-endpoints"), m_etcd->clientUrls().join(QLatin1Char(',')),
                        QStringLiteral("--etcd-prefix"),    QString::fromUtf8(m_prefix),
                        QStringLiteral("--lease-ttl"),      QStringLiteral("1"),
                        QStringLiteral("--data-dir"),       path(QStringLiteral("c%1").arg(i)),
                        QStringLiteral("--token-file"),     path(QStringLiteral("token")),
                        QStringLiteral("--listen"),         QStringLiteral("127.0.0.1:%1").arg(port),
                        QStringLiteral("--port-file"),      portFile,
                        QStringLiteral("--heartbeat-ms"),   QStringLiteral("200"),
                        QStringLiteral("--suspect-ms"),     QStringLiteral("700"),
                        QStringLiteral("--dead-ms"),        QStringLiteral("2500")},
            path(QStringLiteral("c%1.log").arg(i)));
        if (!m_coordinators[size_t(i)]->waitStarted()) {
            return false;
        }
        QFile file(portFile);
        if (!QTest::qWaitFor([&] { return file.exists() && file.size() > 0; }, 10000) ||
            !file.open(QIODevice::ReadOnly)) {
            return false;
        }
        m_ports[size_t(i)] = quint16(file.readAll().trimmed().toUInt());
        return m_ports[size_t(i)] != 0;
    }

    QJsonObject health(int i) const
    {
        if (!m_coordinators[size_t(i)] || !m_coordinators[size_t(i)]->isRunning()) {
            return {};
        }
        accel::ClusterClient c(url(i), m_token);
        const auto r = c.get(QStringLiteral("/api/v1/health"), 1500);
        return r.status == 200 ? r.json().object() : QJsonObject();
    }

    QString role(int i) const { return health(i).value(QStringLiteral("role")).toString(); }

    /// The one coordinator that says it leads (-1: none or several), not asking `skip`.
    int leader(int skip = -1) const
    {
        int found = -1;
        for (int i = 0; i < m_coordinatorCount; ++i) {
            if (i != skip && role(i) == QLatin1String("leader")) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

private:
    QByteArray m_prefix;
    int m_coordinatorCount;
    int m_workerCount;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_token;
    std::unique_ptr<accel::EtcdProcessCluster> m_etcd;
    std::vector<std::unique_ptr<NodeProcess>> m_coordinators;
    std::vector<quint16> m_ports;
    std::vector<std::unique_ptr<NodeProcess>> m_workers;
};
