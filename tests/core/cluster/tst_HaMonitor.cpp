// HaMonitor and its models. Models: QAbstractItemModelTester, data-driven display and negative
// cases with a ManualClock. Polling: real coordinator HTTP servers in process (leader, follower,
// wrong token, a closed port) and a real 3-member etcd on loopback (member list, raft status per
// member, the chart series, a SIGKILLed member showing as down without stalling the rounds, quorum
// loss reported).
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/HaCoordinatorsModel.h"
#include "cluster/HaMembersModel.h"
#include "cluster/HaMonitor.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "common/Clock.h"

#include <QAbstractItemModelTester>
#include <QHostAddress>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using accel::HaCoordinatorsModel;
using accel::HaCoordinatorStatus;
using accel::HaMembersModel;
using accel::HaMemberStatus;
using accel::HaMonitor;

namespace {

const QByteArray kToken = QByteArrayLiteral("0123456789abcdef0123456789abcdef");

HaMemberStatus member(quint64 id, const QString &name, qint64 index)
{
    HaMemberStatus m;
    m.id = id;
    m.name = name;
    m.clientUrl = QStringLiteral("http://127.0.0.1:%1").arg(20000 + id);
    m.reachable = true;
    m.raftIndex = index;
    m.raftTerm = 2;
    m.lastSeenMs = 1000;
    return m;
}

/// A loopback port nothing listens on (bound, then closed).
quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

class tst_HaMonitor : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<accel::EtcdProcessCluster> m_etcd;

    bool startEtcd(int members)
    {
        accel::EtcdProcessCluster::Options o;
        o.members = members;
        m_etcd = std::make_unique<accel::EtcdProcessCluster>(o);
        QString error;
        if (!m_etcd->start(&error)) {
            qWarning() << error;
            return false;
        }
        return true;
    }

private Q_SLOTS:
    void cleanup() { m_etcd.reset(); } // kills the members even when a test failed

    void roleFromString_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("role");
        QTest::newRow("leader") << "leader" << int(HaCoordinatorStatus::Role::Leader);
        QTest::newRow("follower") << "follower" << int(HaCoordinatorStatus::Role::Follower);
        QTest::newRow("candidate") << "candidate" << int(HaCoordinatorStatus::Role::Candidate);
        QTest::newRow("stopping") << "stopping" << int(HaCoordinatorStatus::Role::Stopping);
        QTest::newRow("empty") << "" << int(HaCoordinatorStatus::Role::Unknown);
        QTest::newRow("case matters") << "Leader" << int(HaCoordinatorStatus::Role::Unknown);
        QTest::newRow("garbage") << "\x01zz" << int(HaCoordinatorStatus::Role::Unknown);
    }
    void roleFromString()
    {
        QFETCH(QString, text);
        QFETCH(int, role);
        QCOMPARE(int(HaCoordinatorStatus::roleFromString(text)), role);
    }

    void coordinatorsModel()
    {
        accel::ManualClock clock;
        HaCoordinatorsModel model(&clock);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QUrl a(QStringLiteral("http://127.0.0.1:1001"));
        const QUrl b(QStringLiteral("http://127.0.0.1:1002"));
        model.setUrls({a, b});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(HaCoordinatorsModel::ColumnCount));
        QCOMPARE(model.index(0, HaCoordinatorsModel::LastSeenColumn).data().toString(),
                 QStringLiteral("never"));
        QCOMPARE(model.leaderRow(), -1);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        HaCoordinatorStatus s = model.status(1);
        s.role = HaCoordinatorStatus::Role::Leader;
        s.ok = true;
        s.epoch = 42;
        s.lastSeenMs = clock.nowMs();
        model.updateStatus(1, s);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1); // only the changed row
        QCOMPARE(changed.first().at(1).toModelIndex().row(), 1);
        model.updateStatus(1, s); // unchanged: no signal
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.leaderRow(), 1);
        QCOMPARE(model.rowOf(b), 1);
        QCOMPARE(model.rowOf(QUrl(QStringLiteral("http://127.0.0.1:1002/"))), 1);
        QCOMPARE(model.rowOf(QUrl(QStringLiteral("http://127.0.0.1:9"))), -1);
        QCOMPARE(model.index(1, HaCoordinatorsModel::RoleColumn).data().toString(), QStringLiteral("leader"));
        QCOMPARE(model.index(1, HaCoordinatorsModel::EpochColumn).data().toLongLong(), qint64(42));
        QCOMPARE(model.index(1, HaCoordinatorsModel::HealthColumn).data().toString(), QStringLiteral("ok"));
        QVERIFY(model.index(1, 0).data(HaCoordinatorsModel::IsLeaderRole).toBool());
        clock.advanceMs(2500);
        QCOMPARE(model.index(1, HaCoordinatorsModel::LastSeenColumn)
                     .data(HaCoordinatorsModel::LastSeenAgeMsRole)
                     .toLongLong(),
                 qint64(2500));
        QCOMPARE(model.index(1, HaCoordinatorsModel::LastSeenColumn).data().toString(),
                 QStringLiteral("2.5 s"));

        // A second node claiming leadership: disputed, no leader row.
        HaCoordinatorStatus other = model.status(0);
        other.role = HaCoordinatorStatus::Role::Leader;
        model.updateStatus(0, other);
        QCOMPARE(model.leaderRow(), -1);
        // Down with an error: the error is the health text.
        other.role = HaCoordinatorStatus::Role::Unreachable;
        other.error = QStringLiteral("Connection refused");
        model.updateStatus(0, other);
        QCOMPARE(model.index(0, HaCoordinatorsModel::RoleColumn).data().toString(), QStringLiteral("down"));
        QCOMPARE(model.index(0, HaCoordinatorsModel::HealthColumn).data().toString(),
                 QStringLiteral("Connection refused"));

        // Out of range is ignored, never a crash.
        const int before = int(changed.size());
        model.updateStatus(-1, s);
        model.updateStatus(7, s);
        QCOMPARE(int(changed.size()), before);
        QVERIFY(!model.index(5, 0).isValid());
        model.setHeaderLabels({QStringLiteral("too few")});
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Coordinator"));
    }

    void membersModel()
    {
        HaMembersModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setMembers({member(1, QStringLiteral("e1"), 10), member(2, QStringLiteral("e2"), 10),
                          member(3, QStringLiteral("e3"), 10)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.size(), 3);
        QCOMPARE(model.index(1, HaMembersModel::IdColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(2, HaMembersModel::IndexColumn).data().toLongLong(), qint64(10));

        // e2 advances, e3 leaves, e4 joins (added, not started: no name, no client URL yet).
        HaMemberStatus joining;
        joining.id = 0xabc;
        model.setMembers({member(1, QStringLiteral("e1"), 10), member(2, QStringLiteral("e2"), 11), joining});
        QCOMPARE(removed.size(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOfId(3), -1);
        QCOMPARE(model.rowOfId(0xabc), 2);
        QCOMPARE(model.index(2, HaMembersModel::NameColumn).data().toString(),
                 QStringLiteral("(not started)"));
        QVERIFY(!model.index(2, HaMembersModel::IndexColumn).data().isValid()); // never seen: blank
        QCOMPARE(model.index(2, HaMembersModel::StateColumn).data().toString(), QStringLiteral("down"));
        QCOMPARE(model.index(1, HaMembersModel::IndexColumn).data().toLongLong(), qint64(11));
        bool sawRow1 = false;
        bool sawRow0 = false;
        for (const QList<QVariant> &args : std::as_const(changed)) {
            sawRow1 = sawRow1 || args.at(0).toModelIndex().row() == 1;
            sawRow0 = sawRow0 || args.at(0).toModelIndex().row() == 0;
        }
        QVERIFY(sawRow1);
        QVERIFY(!sawRow0); // unchanged rows stay quiet

        // Leader and an unreachable member.
        HaMemberStatus leader = member(1, QStringLiteral("e1"), 12);
        leader.isLeader = true;
        HaMemberStatus down = member(2, QStringLiteral("e2"), 11);
        down.reachable = false;
        down.error = QStringLiteral("Unreachable: Connection refused");
        model.setMembers({leader, down});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, HaMembersModel::LeaderColumn).data().toString(), QStringLiteral("leader"));
        QCOMPARE(model.index(1, HaMembersModel::StateColumn).data().toString(),
                 QStringLiteral("down: Unreachable: Connection refused"));
        QCOMPARE(model.index(1, HaMembersModel::IndexColumn).data().toLongLong(),
                 qint64(11)); // last known value kept
        model.setMembers({});
        QCOMPARE(model.rowCount(), 0);
    }

    void formatBytes_data()
    {
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << "0 B";
        QTest::newRow("bytes") << qint64(1023) << "1023 B";
        QTest::newRow("KiB") << qint64(20480) << "20.0 KiB";
        QTest::newRow("MiB") << qint64(3 * 1024 * 1024 + 512 * 1024) << "3.5 MiB";
    }
    void formatBytes()
    {
        QFETCH(qint64, bytes);
        QFETCH(QString, text);
        QCOMPARE(HaMembersModel::formatBytes(bytes), text);
    }

    void coordinatorHealth_data()
    {
        QTest::addColumn<QString>("nodeRole");
        QTest::addColumn<bool>("wrongToken");
        QTest::addColumn<bool>("closed");
        QTest::addColumn<int>("expectedRole");
        QTest::addColumn<QString>("errorContains");
        QTest::newRow("leader") << "leader" << false << false << int(HaCoordinatorStatus::Role::Leader) << "";
        QTest::newRow("follower") << "follower" << false << false << int(HaCoordinatorStatus::Role::Follower)
                                  << "";
        QTest::newRow("candidate") << "candidate" << false << false
                                   << int(HaCoordinatorStatus::Role::Candidate) << "";
        QTest::newRow("wrong token") << "leader" << true << false
                                     << int(HaCoordinatorStatus::Role::Unreachable) << "401";
        QTest::newRow("nothing listens")
            << "" << false << true << int(HaCoordinatorStatus::Role::Unreachable) << "refused";
    }
    void coordinatorHealth()
    {
        QFETCH(QString, nodeRole);
        QFETCH(bool, wrongToken);
        QFETCH(bool, closed);
        QFETCH(int, expectedRole);
        QFETCH(QString, errorContains);
        // A real coordinator HTTP server in its follower form (no Coordinator behind it), with the
        // node info a CoordinatorNode would publish.
        accel::CoordinatorServer server(nullptr, kToken);
        QString error;
        const quint16 port = closed ? closedPort() : server.start(QHostAddress::LocalHost, 0, &error);
        QVERIFY2(port != 0, qPrintable(error));
        const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
        if (!closed) {
            const bool leads = nodeRole == QLatin1String("leader");
            server.setLeaderUrl(nodeRole == QLatin1String("candidate")
                                    ? QUrl()
                                    : (leads ? url : QUrl(QStringLiteral("http://127.0.0.1:1"))));
            server.setNodeInfo({{QStringLiteral("role"), nodeRole},
                                {QStringLiteral("ok"), nodeRole != QLatin1String("candidate")},
                                {QStringLiteral("epoch"), 77},
                                {QStringLiteral("leaseValid"), true},
                                {QStringLiteral("reason"), nodeRole == QLatin1String("candidate")
                                                               ? QStringLiteral("no leader elected yet")
                                                               : QString()}});
        }
        HaMonitor monitor;
        monitor.setIntervalMs(500);
        monitor.setTargets({}, {url}, wrongToken ? QByteArrayLiteral("wrong-token-wrong-token") : kToken);
        QAbstractItemModelTester tester(monitor.coordinatorsModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy polled(&monitor, &HaMonitor::polled);
        QVERIFY(monitor.pollNow());
        QVERIFY(!monitor.pollNow()); // one round at a time
        QVERIFY(polled.wait(5000));
        const HaCoordinatorStatus s = monitor.coordinatorsModel()->status(0);
        QCOMPARE(int(s.role), expectedRole);
        if (errorContains.isEmpty()) {
            QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
            QCOMPARE(s.epoch, qint64(77));
            QVERIFY(s.leaseValid);
            QVERIFY(s.lastSeenMs >= 0);
        } else {
            QVERIFY2(s.error.contains(errorContains, Qt::CaseInsensitive), qPrintable(s.error));
            QCOMPARE(s.lastSeenMs, qint64(-1));
        }
        QCOMPARE(monitor.leaderUrl(), expectedRole == int(HaCoordinatorStatus::Role::Leader) ? url : QUrl());
    }

    void etcdMembers()
    {
        if (accel::EtcdProcessCluster::findEtcd().isEmpty()) {
            QSKIP("etcd is not installed (Debian: etcd-server)");
        }
        QVERIFY(startEtcd(3));
        HaMonitor monitor;
        monitor.setIntervalMs(200);
        QAbstractItemModelTester tester(monitor.membersModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // One endpoint is enough: the rest comes from the member list.
        monitor.setTargets({m_etcd->clientUrl(0)}, {}, {});
        int sampled = 0;
        connect(&monitor, &HaMonitor::sampled, this,
                [&sampled](quint64 memberId, const HaMonitor::Sample &s) {
                    sampled += memberId != 0 && s.tMs > 0 ? 1 : 0;
                });
        monitor.start();
        QTRY_COMPARE_WITH_TIMEOUT(monitor.membersModel()->rowCount(), 3, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.etcdLeaderId() != 0, 5000);
        const HaMembersModel *model = monitor.membersModel();
        QTRY_VERIFY_WITH_TIMEOUT(
            model->member(0).reachable && model->member(1).reachable && model->member(2).reachable, 5000);
        int leaders = 0;
        QStringList urls;
        for (int i = 0; i < 3; ++i) {
            const HaMemberStatus &m = model->member(i);
            leaders += m.isLeader ? 1 : 0;
            urls << m.clientUrl;
            QVERIFY(m.raftTerm > 0);
            QVERIFY(m.raftIndex > 0);
            QVERIFY(m.raftAppliedIndex > 0);
            QVERIFY(m.dbSizeBytes > 0);
            QVERIFY(!m.name.isEmpty());
        }
        QCOMPARE(leaders, 1);
        urls.sort();
        QStringList expected = m_etcd->clientUrls();
        expected.sort();
        QCOMPARE(urls, expected);

        // Writes move raftIndex; the series show it.
        const quint64 id = model->member(0).id;
        const qint64 indexBefore = model->member(0).raftIndex;
        accel::EtcdClient client(m_etcd->clientUrls());
        int written = 0;
        for (int i = 0; i < 20; ++i) {
            accel::EtcdPutRequest put;
            put.key = QByteArrayLiteral("/ha-monitor-test/k") + QByteArray::number(i);
            put.value = QByteArray(1000, 'x');
            client.put(put, this, [&written](const accel::EtcdResult<accel::EtcdPutResponse> &r) {
                written += r.ok() ? 1 : 0;
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(written, 20, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            monitor.membersModel()->member(monitor.membersModel()->rowOfId(id)).raftIndex >= indexBefore + 20,
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.series(id).size() >= 5, 5000);
        const QList<HaMonitor::Sample> series = monitor.series(id);
        for (int i = 1; i < series.size(); ++i) {
            QVERIFY(series.at(i).tMs >= series.at(i - 1).tMs);
            QVERIFY(series.at(i).raftIndex >= series.at(i - 1).raftIndex);
        }
        QVERIFY(series.last().raftIndex >= indexBefore + 20);
        QVERIFY(sampled > 0);
        monitor.setHistoryLimit(3);
        QCOMPARE(monitor.series(id).size(), 3);
        const int sampledBefore = sampled;
        QTRY_VERIFY_WITH_TIMEOUT(sampled > sampledBefore + 9, 5000);
        QCOMPARE(monitor.series(id).size(), 3); // bounded while it keeps sampling
    }

    void memberDownAndQuorumLoss()
    {
        if (accel::EtcdProcessCluster::findEtcd().isEmpty()) {
            QSKIP("etcd is not installed (Debian: etcd-server)");
        }
        QVERIFY(startEtcd(3));
        HaMonitor monitor;
        monitor.setIntervalMs(300);
        QAbstractItemModelTester tester(monitor.membersModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        monitor.setTargets(m_etcd->clientUrls(), {}, {});
        monitor.start();
        QTRY_COMPARE_WITH_TIMEOUT(monitor.membersModel()->rowCount(), 3, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.etcdLeaderId() != 0, 5000);

        // SIGKILL one member: its row goes down with an error, the others stay up, rounds go on.
        const QString victimUrl = m_etcd->clientUrl(2);
        m_etcd->kill(2);
        auto rowOf = [&monitor](const QString &url) {
            for (int i = 0; i < monitor.membersModel()->rowCount(); ++i) {
                if (monitor.membersModel()->member(i).clientUrl == url) {
                    return i;
                }
            }
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!monitor.membersModel()->member(rowOf(victimUrl)).reachable, 5000);
        QVERIFY(!monitor.membersModel()->member(rowOf(victimUrl)).error.isEmpty());
        QCOMPARE(monitor.membersModel()->rowCount(), 3); // still a member, just down
        const int rounds = monitor.roundsCompleted();
        QTRY_VERIFY_WITH_TIMEOUT(monitor.roundsCompleted() >= rounds + 3, 5000); // never stalls
        QVERIFY(monitor.membersModel()->member(rowOf(m_etcd->clientUrl(0))).reachable);
        QVERIFY(monitor.etcdLeaderId() != 0);

        // Kill a second one: no quorum. The survivor says it has no leader (etcd 3.4 still answers
        // the member list from its local copy, so the rows stay).
        m_etcd->kill(1);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.etcdLeaderId() == 0, 8000);
        QCOMPARE(monitor.membersModel()->rowCount(), 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!monitor.membersModel()->member(i).isLeader);
        }
        QVERIFY(monitor.membersModel()->member(rowOf(m_etcd->clientUrl(0))).reachable);
        QVERIFY(!monitor.membersModel()->member(rowOf(m_etcd->clientUrl(1))).reachable);

        // Quorum back: a leader again, both restarted members up.
        QString error;
        QVERIFY2(m_etcd->restart(1, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(monitor.etcdLeaderId() != 0, 10000);
        QVERIFY(monitor.etcdError().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(monitor.membersModel()->member(rowOf(m_etcd->clientUrl(1))).reachable, 5000);
    }

    void clearStops()
    {
        HaMonitor monitor;
        monitor.setTargets({QStringLiteral("http://127.0.0.1:%1").arg(closedPort())}, {}, {});
        monitor.start();
        QVERIFY(monitor.isRunning());
        monitor.clear();
        QVERIFY(!monitor.isRunning());
        QCOMPARE(monitor.membersModel()->rowCount(), 0);
        QCOMPARE(monitor.coordinatorsModel()->rowCount(), 0);
        QVERIFY(monitor.etcdEndpoints().isEmpty());
        // Nothing to poll: a round completes at once and says nothing.
        QSignalSpy polled(&monitor, &HaMonitor::polled);
        QVERIFY(monitor.pollNow());
        QCOMPARE(polled.size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_HaMonitor)
#include "tst_HaMonitor.moc"
