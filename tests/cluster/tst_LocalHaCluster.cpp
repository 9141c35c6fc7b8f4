// LocalHaCluster with real processes: 3 etcd members and 3 `accelerate-node --role coordinator
// --store etcd` on loopback, watched through an HaMonitor. A leader appears; SIGKILL of the leader
// hands over to another (time printed); the killed one restarts as follower; leadership transfer
// by clean resign moves it to another node; an etcd member is added and removed, killed and
// restarted; bad requests are refused; stop() leaves no process behind.
#include "cluster/HaCoordinatorsModel.h"
#include "cluster/HaMembersModel.h"
#include "cluster/HaMonitor.h"
#include "cluster/LocalHaCluster.h"
#include "common/Clock.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <memory>

using accel::HaCoordinatorStatus;
using accel::HaMonitor;
using accel::LocalHaCluster;

namespace {

bool processGone(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

class tst_LocalHaCluster : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<LocalHaCluster> m_cluster;
    std::unique_ptr<HaMonitor> m_monitor;
    std::unique_ptr<QAbstractItemModelTester> m_coordTester;
    std::unique_ptr<QAbstractItemModelTester> m_memberTester;
    struct Outcome
    {
        LocalHaCluster::Action action;
        bool ok;
        QString message;
    };
    QList<Outcome> m_outcomes;

    /// Waits for the outcome of `action`; false when none came in time.
    bool waitOutcome(LocalHaCluster::Action action, int timeoutMs, Outcome *out)
    {
        const bool came = QTest::qWaitFor(
            [&] {
                for (int i = 0; i < m_outcomes.size(); ++i) {
                    if (m_outcomes.at(i).action == action) {
                        *out = m_outcomes.takeAt(i);
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return came;
    }

    QString role(int index) const
    {
        const int row = m_monitor->coordinatorsModel()->rowOf(m_cluster->coordinatorUrl(index));
        return row < 0 ? QString()
                       : m_monitor->coordinatorsModel()
                             ->index(row, accel::HaCoordinatorsModel::RoleColumn)
                             .data()
                             .toString();
    }

    int leaderIndex() const { return m_cluster->indexOfCoordinator(m_monitor->leaderUrl()); }

    int reachableMembers() const
    {
        int n = 0;
        for (int i = 0; i < m_monitor->membersModel()->rowCount(); ++i) {
            n += m_monitor->membersModel()->member(i).reachable ? 1 : 0;
        }
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString missing = LocalHaCluster::missingPrerequisites({});
        if (!missing.isEmpty()) {
            QSKIP(qPrintable(missing));
        }
        m_cluster = std::make_unique<LocalHaCluster>(LocalHaCluster::Options{});
        connect(m_cluster.get(), &LocalHaCluster::actionFinished, this,
                [this](LocalHaCluster::Action a, bool ok, const QString &message) {
                    m_outcomes << Outcome{a, ok, message};
                });
        QSignalSpy states(m_cluster.get(), &LocalHaCluster::stateChanged);
        const qint64 t0 = accel::Clock::system()->nowMs();
        m_cluster->start();
        QCOMPARE(m_cluster->state(), LocalHaCluster::State::Starting);
        QVERIFY(m_cluster->isBusy());
        Outcome started{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::Start, 60000, &started));
        QVERIFY2(started.ok, qPrintable(started.message));
        QCOMPARE(m_cluster->state(), LocalHaCluster::State::Running);
        qInfo("local HA cluster (3 etcd + 3 coordinators) running after %lld ms",
              accel::Clock::system()->nowMs() - t0);
        QCOMPARE(m_cluster->coordinatorCount(), 3);
        QCOMPARE(m_cluster->etcdEndpoints().size(), 3);
        QCOMPARE(m_cluster->token().size(), 64);

        m_monitor = std::make_unique<HaMonitor>();
        m_coordTester = std::make_unique<QAbstractItemModelTester>(
            m_monitor->coordinatorsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_memberTester = std::make_unique<QAbstractItemModelTester>(
            m_monitor->membersModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_monitor->setIntervalMs(150);
        m_monitor->setTargets(m_cluster->etcdEndpoints(), m_cluster->coordinatorUrls(), m_cluster->token());
        m_monitor->start();
    }

    void cleanupTestCase()
    {
        m_monitor.reset();
        m_cluster.reset(); // kills everything, also after a failure
    }

    void startFailsClearly()
    {
        LocalHaCluster::Options options;
        options.nodeBinary = QStringLiteral("/nonexistent/accelerate-node");
        LocalHaCluster broken(options);
        QList<bool> results;
        QString message;
        connect(&broken, &LocalHaCluster::actionFinished, this,
                [&](LocalHaCluster::Action, bool ok, const QString &m) {
                    results << ok;
                    message = m;
                });
        broken.start();
        QCOMPARE(results, QList<bool>{false});
        QCOMPARE(broken.state(), LocalHaCluster::State::Failed);
        QVERIFY2(message.contains(QLatin1String("accelerate-node")), qPrintable(message));
        QCOMPARE(broken.errorString(), message);
        QCOMPARE(broken.memberCount(), 0);
        QVERIFY(!broken.addMember());
    }

    void leaderAppears()
    {
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0, 15000);
        const int leader = leaderIndex();
        QTRY_VERIFY_WITH_TIMEOUT(role((leader + 1) % 3) == QLatin1String("follower") &&
                                     role((leader + 2) % 3) == QLatin1String("follower"),
                                 10000);
        QVERIFY(m_monitor->leaderEpoch() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_monitor->membersModel()->rowCount(), 3, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(reachableMembers(), 3, 5000);
        QVERIFY(m_monitor->etcdLeaderId() != 0);
    }

    void killLeaderFailsOver()
    {
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0, 15000);
        const int old = leaderIndex();
        const qint64 oldEpoch = m_monitor->leaderEpoch();
        const qint64 t0 = accel::Clock::system()->nowMs();
        QVERIFY(m_cluster->signalCoordinator(old, SIGKILL));
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0 && leaderIndex() != old, 15000);
        const qint64 failoverMs = accel::Clock::system()->nowMs() - t0;
        qInfo("failover after SIGKILL of the leading coordinator: %lld ms (lease TTL 1 s, monitor every 150 "
              "ms)",
              failoverMs);
        QVERIFY(m_monitor->leaderEpoch() > oldEpoch);
        QTRY_VERIFY_WITH_TIMEOUT(!m_cluster->isCoordinatorRunning(old), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(role(old), QStringLiteral("down"), 5000);

        // The killed node comes back on its port as a follower.
        QVERIFY(!m_cluster->restartCoordinator(leaderIndex())); // running: refused
        QVERIFY(m_cluster->restartCoordinator(old));
        Outcome restarted{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::RestartCoordinator, 15000, &restarted));
        QVERIFY2(restarted.ok, qPrintable(restarted.message));
        QTRY_COMPARE_WITH_TIMEOUT(role(old), QStringLiteral("follower"), 10000);
    }

    void transferLeadership()
    {
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0, 15000);
        const int old = leaderIndex();
        QVERIFY(!m_cluster->transferLeadership(-1));
        const qint64 t0 = accel::Clock::system()->nowMs();
        QVERIFY(m_cluster->transferLeadership(old));
        QVERIFY(m_cluster->isBusy());
        QVERIFY(!m_cluster->transferLeadership(old)); // one at a time
        Outcome done{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::TransferLeadership, 20000, &done));
        QVERIFY2(done.ok, qPrintable(done.message));
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0 && leaderIndex() != old, 15000);
        qInfo("leadership moved by resign in %lld ms", accel::Clock::system()->nowMs() - t0);
        QTRY_COMPARE_WITH_TIMEOUT(role(old), QStringLiteral("follower"), 10000);
        QVERIFY(!m_cluster->isBusy());
    }

    void addAndRemoveMember()
    {
        QCOMPARE(m_cluster->memberCount(), 3);
        QVERIFY(m_cluster->addMember());
        QVERIFY(!m_cluster->addMember()); // busy
        Outcome added{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::AddMember, 40000, &added));
        QVERIFY2(added.ok, qPrintable(added.message));
        QCOMPARE(m_cluster->memberCount(), 4);
        QVERIFY(m_cluster->isMemberRunning(3));
        QTRY_COMPARE_WITH_TIMEOUT(m_monitor->membersModel()->rowCount(), 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(reachableMembers(), 4, 10000);

        quint64 newId = 0;
        for (int i = 0; i < 4; ++i) {
            if (m_monitor->membersModel()->member(i).clientUrl == m_cluster->memberClientUrl(3)) {
                newId = m_monitor->membersModel()->member(i).id;
            }
        }
        QVERIFY(newId != 0);
        QVERIFY(!m_cluster->removeMember(0));
        QVERIFY(m_cluster->removeMember(newId));
        Outcome removed{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::RemoveMember, 20000, &removed));
        QVERIFY2(removed.ok, qPrintable(removed.message));
        QVERIFY(m_cluster->isMemberRemoved(3));
        QVERIFY(!m_cluster->isMemberRunning(3));
        QCOMPARE(m_cluster->etcdEndpoints().size(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(m_monitor->membersModel()->rowCount(), 3, 10000);
        QCOMPARE(m_monitor->membersModel()->rowOfId(newId), -1);

        // Removing a member that does not exist is an error, not a crash.
        QVERIFY(m_cluster->removeMember(newId));
        Outcome again{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::RemoveMember, 20000, &again));
        QVERIFY(!again.ok);
    }

    void killAndRestartMember()
    {
        // A follower member, so the raft leader stays.
        int victim = -1;
        for (int i = 0; i < m_monitor->membersModel()->rowCount() && victim < 0; ++i) {
            const accel::HaMemberStatus &m = m_monitor->membersModel()->member(i);
            if (!m.isLeader) {
                victim = m_cluster->indexOfMember(m.clientUrl);
            }
        }
        QVERIFY(victim >= 0);
        QVERIFY(!m_cluster->restartMember(victim)); // running: refused
        QVERIFY(m_cluster->killMember(victim));
        QVERIFY(!m_cluster->isMemberRunning(victim));
        QTRY_COMPARE_WITH_TIMEOUT(reachableMembers(), 2, 5000);
        QVERIFY(m_cluster->restartMember(victim));
        Outcome restarted{};
        QVERIFY(waitOutcome(LocalHaCluster::Action::RestartMember, 30000, &restarted));
        QVERIFY2(restarted.ok, qPrintable(restarted.message));
        QTRY_COMPARE_WITH_TIMEOUT(reachableMembers(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0, 10000); // the coordinators lead throughout
    }

    void forceElectionThroughEtcd()
    {
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0, 15000);
        const qint64 epoch = m_monitor->leaderEpoch();
        QVERIFY(!m_monitor->forceElection(QByteArrayLiteral("no-slash")));
        QVERIFY(!m_monitor->forceElection(QByteArrayLiteral("/trailing/")));
        QSignalSpy forced(m_monitor.get(), &HaMonitor::electionForced);
        QVERIFY(m_monitor->forceElection(QByteArrayLiteral("/nobody-campaigns-here")));
        QVERIFY(forced.wait(5000));
        QCOMPARE(forced.first().at(0).toBool(), false);
        forced.clear();
        QVERIFY(m_monitor->forceElection(m_cluster->prefix()));
        QVERIFY(forced.wait(5000));
        QVERIFY2(forced.first().at(0).toBool(), qPrintable(forced.first().at(1).toString()));
        // Someone (maybe the same node) leads again, with a newer epoch.
        QTRY_VERIFY_WITH_TIMEOUT(leaderIndex() >= 0 && m_monitor->leaderEpoch() > epoch, 15000);
    }

    void refusesBadRequests()
    {
        QVERIFY(!m_cluster->signalCoordinator(-1, SIGKILL));
        QVERIFY(!m_cluster->signalCoordinator(99, SIGKILL));
        QVERIFY(!m_cluster->killMember(-1));
        QVERIFY(!m_cluster->killMember(99));
        QVERIFY(!m_cluster->restartMember(3)); // removed earlier
        QVERIFY(!m_cluster->restartCoordinator(99));
        QCOMPARE(m_cluster->indexOfCoordinator(QUrl(QStringLiteral("http://127.0.0.1:1"))), -1);
        QCOMPARE(m_cluster->indexOfCoordinator(QUrl()), -1);
    }

    void stopLeavesNoProcesses()
    {
        QList<qint64> pids;
        for (int i = 0; i < m_cluster->coordinatorCount(); ++i) {
            pids << m_cluster->coordinatorPid(i);
        }
        for (int i = 0; i < m_cluster->memberCount(); ++i) {
            if (m_cluster->isMemberRunning(i)) {
                pids << m_cluster->memberPid(i);
            }
        }
        QCOMPARE(pids.size(), 6);
        for (qint64 pid : pids) {
            QVERIFY(pid > 0 && !processGone(pid));
        }
        m_cluster->stop();
        QCOMPARE(m_cluster->state(), LocalHaCluster::State::Stopped);
        for (qint64 pid : pids) {
            QVERIFY2(processGone(pid), qPrintable(QString::number(pid)));
        }
        QCOMPARE(m_cluster->memberCount(), 0);
        QVERIFY(!m_cluster->addMember());
        QVERIFY(!m_cluster->transferLeadership(0));
        m_cluster->stop(); // idempotent
        // The monitor shows everything down, and keeps going.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_monitor->coordinatorsModel()->status(0).role == HaCoordinatorStatus::Role::Unreachable, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_monitor->leaderUrl().isValid(), 5000);
    }
};

QTEST_GUILESS_MAIN(tst_LocalHaCluster)
#include "tst_LocalHaCluster.moc"
