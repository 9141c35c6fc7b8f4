// Follower side of redundant coordinators, in process and without etcd: a CoordinatorServer without
// coordinator answers health itself and redirects everything else (307 + Location, upgrades
// too) to the leader or says 503 when none is known; ClusterClient follows the redirect and skips
// dead URLs; a Worker given a URL list ends up registered with the leader and moves on when the
// leader drops it.
#include "cluster/ClusterClient.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/SqliteStore.h"
#include "cluster/Worker.h"
#include "common/Clock.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using accel::ClusterClient;

class tst_CoordinatorRedirect : public QObject
{
    Q_OBJECT
private:
    const QByteArray m_token = QByteArrayLiteral("0123456789abcdef0123456789abcdef");
    std::unique_ptr<QTemporaryDir> m_tmp;
    accel::SqliteStore *m_store = nullptr;
    accel::Coordinator *m_coordinator = nullptr;
    accel::CoordinatorServer *m_leader = nullptr;
    accel::CoordinatorServer *m_follower = nullptr;
    QObject *m_owner = nullptr;
    QUrl m_leaderUrl;
    QUrl m_followerUrl;
    QUrl m_deadUrl;

    static QUrl urlOf(quint16 port) { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_owner = new QObject;
        m_store =
            new accel::SqliteStore(m_tmp->filePath(QStringLiteral("c.db")), accel::Clock::system(), m_owner);
        QVERIFY(m_store->open().ok());
        accel::CoordinatorConfig config;
        config.epoch = 7;
        config.heartbeatMs = 100;
        m_coordinator = new accel::Coordinator(m_store, accel::Clock::system(), config, m_owner);
        QString error;
        QVERIFY2(m_coordinator->start(&error), qPrintable(error));
        m_leader = new accel::CoordinatorServer(m_coordinator, m_token, m_owner);
        const quint16 leaderPort = m_leader->start(QHostAddress::LocalHost, 0, &error);
        QVERIFY2(leaderPort != 0, qPrintable(error));
        m_leaderUrl = urlOf(leaderPort);
        m_follower = new accel::CoordinatorServer(nullptr, m_token, m_owner);
        const quint16 followerPort = m_follower->start(QHostAddress::LocalHost, 0, &error);
        QVERIFY2(followerPort != 0, qPrintable(error));
        m_followerUrl = urlOf(followerPort);
        m_follower->setLeaderUrl(m_leaderUrl);
        m_follower->setNodeInfo({{QStringLiteral("role"), QStringLiteral("follower")},
                                 {QStringLiteral("leader"), m_leaderUrl.toString()},
                                 {QStringLiteral("epoch"), 7}});
        m_leader->setNodeInfo({{QStringLiteral("role"), QStringLiteral("leader")}});
        QTcpServer probe; // a port nobody listens on once the probe is gone
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_deadUrl = urlOf(probe.serverPort());
    }

    void cleanup()
    {
        // Transport first, then the coordinator, then its store; the rest (workers) with the owner.
        delete m_follower;
        delete m_leader;
        delete m_coordinator;
        delete m_store;
        delete m_owner;
        m_owner = nullptr;
    }

    void followerAnswersHealthAndLeader()
    {
        ClusterClient c(m_followerUrl, m_token);
        const auto health = c.get(QStringLiteral("/api/v1/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().object().value(QStringLiteral("role")).toString(), QStringLiteral("follower"));
        QCOMPARE(health.json().object().value(QStringLiteral("leader")).toString(), m_leaderUrl.toString());
        QCOMPARE(c.currentBase(), m_followerUrl); // answered there, not redirected
        const auto leader = c.get(QStringLiteral("/api/v1/leader"));
        QCOMPARE(leader.status, 200);
        QCOMPARE(leader.json().object().value(QStringLiteral("leader")).toString(), m_leaderUrl.toString());
        // The leader's own health carries the node fields next to the coordinator's.
        ClusterClient l(m_leaderUrl, m_token);
        const QJsonObject h = l.get(QStringLiteral("/api/v1/health")).json().object();
        QCOMPARE(h.value(QStringLiteral("role")).toString(), QStringLiteral("leader"));
        QCOMPARE(h.value(QStringLiteral("epoch")).toInt(), 7);
    }

    void clientFollowsRedirectsAndSkipsDeadUrls_data()
    {
        // Names, not URLs: the servers (and ports) are made in init(), after this runs.
        QTest::addColumn<QStringList>("order");
        QTest::newRow("follower only") << QStringList{QStringLiteral("follower")};
        QTest::newRow("dead, follower") << QStringList{QStringLiteral("dead"), QStringLiteral("follower")};
        QTest::newRow("dead, leader") << QStringList{QStringLiteral("dead"), QStringLiteral("leader")};
        QTest::newRow("follower, dead") << QStringList{QStringLiteral("follower"), QStringLiteral("dead")};
    }

    void clientFollowsRedirectsAndSkipsDeadUrls()
    {
        QFETCH(QStringList, order);
        QList<QUrl> urls;
        for (const QString &name : order) {
            urls << (name == QLatin1String("dead")       ? m_deadUrl
                     : name == QLatin1String("follower") ? m_followerUrl
                                                         : m_leaderUrl);
        }
        ClusterClient c(urls, m_token);
        const auto workers = c.get(QStringLiteral("/api/v1/workers"));
        QCOMPARE(workers.status, 200);
        QVERIFY(workers.json().isArray());
        QCOMPARE(c.currentBase(), m_leaderUrl);
        // A POST through the follower reaches the leader with its body (307 keeps the method).
        ClusterClient viaFollower(QList<QUrl>{m_followerUrl}, m_token);
        const auto submitted =
            viaFollower.post(QStringLiteral("/api/v1/suites"),
                             QByteArrayLiteral(R"({"name":"r","tasks":[{"id":"a","argv":["/bin/true"]}]})"));
        QCOMPARE(submitted.status, 201);
        QCOMPARE(m_coordinator->unfinishedCount(), 1);
    }

    void followerWithoutLeaderSays503()
    {
        m_follower->setLeaderUrl(QUrl());
        m_follower->setNodeInfo({{QStringLiteral("role"), QStringLiteral("candidate")},
                                 {QStringLiteral("ok"), false},
                                 {QStringLiteral("reason"), QStringLiteral("etcd without quorum")}});
        ClusterClient c(m_followerUrl, m_token);
        const auto r = c.get(QStringLiteral("/api/v1/suites"));
        QCOMPARE(r.status, 503);
        QVERIFY2(r.error.contains(QLatin1String("etcd without quorum")), qPrintable(r.error));
        const auto health = c.get(QStringLiteral("/api/v1/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().object().value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(c.get(QStringLiteral("/api/v1/leader")).status, 503);
        // Wrong token: nothing about the cluster.
        ClusterClient bad(m_followerUrl, QByteArrayLiteral("nope"));
        QCOMPARE(bad.get(QStringLiteral("/api/v1/health")).status, 401);
        QCOMPARE(bad.get(QStringLiteral("/api/v1/leader")).status, 401);
    }

    void workerFindsTheLeaderInItsList()
    {
        accel::WorkerConfig config;
        config.coordinators = {m_deadUrl, m_followerUrl, m_leaderUrl};
        config.coordinator = config.coordinators.first();
        config.token = m_token;
        config.workerId = QStringLiteral("w1");
        config.name = config.workerId;
        config.workDir = m_tmp->filePath(QStringLiteral("w1"));
        config.reconnectMinMs = 20;
        config.reconnectMaxMs = 100;
        auto *worker = new accel::Worker(config, m_owner);
        QSignalSpy registered(worker, &accel::Worker::registered);
        QSignalSpy lost(worker, &accel::Worker::disconnectedFromCoordinator);
        worker->start();
        QVERIFY(registered.wait(10000));
        QCOMPARE(worker->currentCoordinator(), m_leaderUrl);
        QCOMPARE(m_leader->workerConnections(), 1);
        // The leader steps down: the worker is dropped and goes looking again.
        m_leader->setCoordinator(nullptr);
        QCOMPARE(m_leader->workerConnections(), 0);
        QVERIFY(lost.wait(5000));
        // ... and registers again once a coordinator serves (same node, new term).
        m_leader->setCoordinator(m_coordinator);
        QVERIFY(registered.wait(10000));
        QCOMPARE(worker->currentCoordinator(), m_leaderUrl);
        worker->stop();
    }
};

QTEST_GUILESS_MAIN(tst_CoordinatorRedirect)
#include "tst_CoordinatorRedirect.moc"
