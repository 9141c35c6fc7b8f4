// HaView offscreen: the tables show the monitor's models (real coordinator HTTP servers in
// process), buttons follow the state (nothing selected / not local / local running / leader
// known), "Show workers" asks for the leader, the connect dialog validates its input, the chart
// grows a raftIndex series per member of a real etcd, and a real local HA cluster started from the
// button can be drilled (kill the selected coordinator) and stopped.
#include "cluster/ClusterConnection.h"
#include "cluster/ClusterPanel.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/HaConnectDialog.h"
#include "cluster/HaCoordinatorsModel.h"
#include "cluster/HaItemDelegate.h"
#include "cluster/HaMembersModel.h"
#include "cluster/HaMonitor.h"
#include "cluster/HaView.h"
#include "cluster/etcd/EtcdProcessCluster.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QChart>
#include <QHostAddress>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <memory>

using accel::HaCoordinatorsModel;
using accel::LocalHaCluster;
using accel::ui::HaView;

namespace {

const QByteArray kToken = QByteArrayLiteral("fedcba9876543210fedcba9876543210");

bool processGone(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

class tst_HaView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void idleState()
    {
        HaView view;
        view.resize(1000, 800);
        for (auto a :
             {HaView::Action::StopLocal, HaView::Action::KillCoordinator, HaView::Action::RestartCoordinator,
              HaView::Action::TransferLeadership, HaView::Action::KillMember, HaView::Action::RestartMember,
              HaView::Action::AddMember, HaView::Action::RemoveMember, HaView::Action::ShowWorkers}) {
            QVERIFY2(!view.action(a)->isEnabled(), QMetaEnum::fromType<HaView::Action>().valueToKey(int(a)));
        }
        QVERIFY(view.action(HaView::Action::StartLocal)->isEnabled());
        QVERIFY(view.action(HaView::Action::Connect)->isEnabled());
        QVERIFY(view.summaryText().contains(QLatin1String("Not watching")));
        QVERIFY(!view.grab().isNull());
    }

    void coordinatorsTable()
    {
        // Two real coordinator servers: a leader and a follower pointing to it.
        auto leader = std::make_unique<accel::CoordinatorServer>(nullptr, kToken);
        accel::CoordinatorServer follower(nullptr, kToken);
        QString error;
        const quint16 lp = leader->start(QHostAddress::LocalHost, 0, &error);
        const quint16 fp = follower.start(QHostAddress::LocalHost, 0, &error);
        QVERIFY(lp && fp);
        const QUrl leaderUrl(QStringLiteral("http://127.0.0.1:%1").arg(lp));
        const QUrl followerUrl(QStringLiteral("http://127.0.0.1:%1").arg(fp));
        leader->setLeaderUrl(leaderUrl);
        leader->setNodeInfo({{QStringLiteral("role"), QStringLiteral("leader")},
                             {QStringLiteral("ok"), true},
                             {QStringLiteral("epoch"), 12}});
        follower.setLeaderUrl(leaderUrl);
        follower.setNodeInfo({{QStringLiteral("role"), QStringLiteral("follower")},
                              {QStringLiteral("ok"), true},
                              {QStringLiteral("epoch"), 12}});

        HaView view;
        view.resize(1000, 800);
        view.monitor()->setIntervalMs(200);
        QAbstractItemModelTester tester(view.coordinatorsTable()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy showWorkers(&view, &HaView::showWorkersRequested);
        view.connectTo({}, {leaderUrl, followerUrl}, kToken);
        QAbstractItemModel *model = view.coordinatorsTable()->model();
        QCOMPARE(model->rowCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, HaCoordinatorsModel::RoleColumn).data().toString(),
                                  QStringLiteral("leader"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(1, HaCoordinatorsModel::RoleColumn).data().toString(),
                                  QStringLiteral("follower"), 5000);
        QCOMPARE(model->headerData(HaCoordinatorsModel::EpochColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Epoch"));
        QTRY_VERIFY(view.action(HaView::Action::ShowWorkers)->isEnabled());
        QVERIFY(view.summaryText().contains(leaderUrl.toString()));
        QVERIFY(view.summaryText().contains(QLatin1String("epoch 12")));
        // Not the local cluster: the drill stays off even with a selection.
        view.coordinatorsTable()->selectRow(0);
        QVERIFY(!view.action(HaView::Action::KillCoordinator)->isEnabled());
        QVERIFY(!view.action(HaView::Action::TransferLeadership)->isEnabled());
        view.action(HaView::Action::ShowWorkers)->trigger();
        QCOMPARE(showWorkers.size(), 1);
        QCOMPARE(showWorkers.first().at(0).toUrl(), leaderUrl);
        QCOMPARE(showWorkers.first().at(1).toByteArray(), kToken);
        QVERIFY(!view.grab().isNull());

        // The leader goes away: the row shows down, Show workers turns off.
        leader.reset(); // closes its listening socket
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, HaCoordinatorsModel::RoleColumn).data().toString(),
                                  QStringLiteral("down"), 5000);
        QTRY_VERIFY(!view.action(HaView::Action::ShowWorkers)->isEnabled());
        QVERIFY(view.summaryText().contains(QLatin1String("No coordinator leads")));
    }

    void delegate_data()
    {
        QTest::addColumn<int>("role");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("tinted");
        using Role = accel::HaCoordinatorStatus::Role;
        QTest::newRow("leader") << int(Role::Leader) << "leader" << true;
        QTest::newRow("follower") << int(Role::Follower) << "follower" << false;
        QTest::newRow("candidate") << int(Role::Candidate) << "candidate" << true;
        QTest::newRow("down") << int(Role::Unreachable) << "down" << true;
        QTest::newRow("unknown") << int(Role::Unknown) << "unknown" << false;
    }
    void delegate()
    {
        QFETCH(int, role);
        QFETCH(QString, text);
        QFETCH(bool, tinted);
        accel::HaCoordinatorsModel coordinators;
        coordinators.setUrls({QUrl(QStringLiteral("http://127.0.0.1:1"))});
        accel::HaCoordinatorStatus s = coordinators.status(0);
        s.role = accel::HaCoordinatorStatus::Role(role);
        coordinators.updateStatus(0, s);
        accel::ui::HaItemDelegate delegate(accel::ui::HaItemDelegate::Table::Coordinators);
        QCOMPARE(delegate.text(coordinators.index(0, HaCoordinatorsModel::RoleColumn)), text);
        QCOMPARE(delegate.tint(coordinators.index(0, HaCoordinatorsModel::RoleColumn)).isValid(), tinted);
        QCOMPARE(delegate.text(coordinators.index(0, HaCoordinatorsModel::LastSeenColumn)),
                 QStringLiteral("never"));
        QVERIFY(delegate.text(coordinators.index(0, HaCoordinatorsModel::UrlColumn)).isEmpty()); // left as is

        accel::HaMembersModel members;
        accel::HaMemberStatus up;
        up.id = 1;
        up.reachable = true;
        up.isLeader = true;
        accel::HaMemberStatus down;
        down.id = 2;
        down.error = QStringLiteral("Unreachable: Connection refused");
        members.setMembers({up, down});
        accel::ui::HaItemDelegate memberDelegate(accel::ui::HaItemDelegate::Table::Members);
        QCOMPARE(memberDelegate.text(members.index(0, accel::HaMembersModel::StateColumn)),
                 QStringLiteral("up"));
        QCOMPARE(memberDelegate.text(members.index(0, accel::HaMembersModel::LeaderColumn)),
                 QStringLiteral("leader"));
        QVERIFY(memberDelegate.tint(members.index(0, accel::HaMembersModel::LeaderColumn)).isValid());
        QCOMPARE(memberDelegate.text(members.index(1, accel::HaMembersModel::StateColumn)),
                 QStringLiteral("down: Unreachable: Connection refused"));
        QVERIFY(memberDelegate.tint(members.index(1, accel::HaMembersModel::StateColumn)).isValid());
        QVERIFY(!memberDelegate.tint(members.index(0, accel::HaMembersModel::StateColumn)).isValid());
    }

    void connectDialog_data()
    {
        QTest::addColumn<QString>("etcd");
        QTest::addColumn<QString>("coordinators");
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("ok");
        QTest::newRow("empty") << ""
                               << ""
                               << "" << false;
        QTest::newRow("etcd only") << "http://127.0.0.1:2379"
                                   << ""
                                   << "" << true;
        QTest::newRow("both, list") << "http://a:1, http://b:2 http://c:3"
                                    << "http://x:7420,http://y:7420"
                                    << "tok" << true;
        QTest::newRow("coordinators need a token") << ""
                                                   << "http://x:7420"
                                                   << "" << false;
        QTest::newRow("no port") << "http://127.0.0.1"
                                 << ""
                                 << "" << false;
        QTest::newRow("not http") << "ftp://127.0.0.1:21"
                                  << ""
                                  << "" << false;
        QTest::newRow("garbage") << "::::"
                                 << ""
                                 << "" << false;
        QTest::newRow("bad prefix") << "http://127.0.0.1:2379"
                                    << ""
                                    << "" << false;
    }
    void connectDialog()
    {
        QFETCH(QString, etcd);
        QFETCH(QString, coordinators);
        QFETCH(QString, token);
        QFETCH(bool, ok);
        HaView view;
        view.showConnectDialog();
        accel::ui::HaConnectDialog *dialog = view.connectDialog();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        dialog->etcdEdit()->setText(etcd);
        dialog->coordinatorsEdit()->setText(coordinators);
        dialog->tokenEdit()->setText(token);
        dialog->prefixEdit()->setText(QString::fromUtf8(QTest::currentDataTag()) ==
                                              QLatin1String("bad prefix")
                                          ? QStringLiteral("accel/")
                                          : QStringLiteral("/accel"));
        QCOMPARE(dialog->okButton()->isEnabled(), ok);
        QCOMPARE(dialog->problem().isEmpty(), ok);
        if (ok) {
            dialog->okButton()->click();
            QTRY_VERIFY(!dialog->isVisible());
            QCOMPARE(view.monitor()->etcdEndpoints(), dialog->etcdEndpoints());
            QCOMPARE(view.monitor()->coordinatorUrls().size(), dialog->coordinatorUrls().size());
            QVERIFY(view.monitor()->isRunning());
        } else {
            QVERIFY(!view.monitor()->isRunning());
        }
    }

    void chartGrows()
    {
        if (accel::EtcdProcessCluster::findEtcd().isEmpty()) {
            QSKIP("etcd is not installed (Debian: etcd-server)");
        }
        accel::EtcdProcessCluster etcd({});
        QString error;
        QVERIFY2(etcd.start(&error), qPrintable(error));
        HaView view;
        view.resize(1000, 800);
        view.monitor()->setIntervalMs(150);
        view.connectTo(etcd.clientUrls(), {}, {});
        QAbstractItemModelTester tester(view.membersTable()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE_WITH_TIMEOUT(view.membersTable()->model()->rowCount(), 3, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(view.chart()->series().size() == 6, 5000); // index + DB size per member
        const quint64 id = view.monitor()->membersModel()->member(0).id;
        QTRY_VERIFY_WITH_TIMEOUT(view.indexPointCount(id) >= 3, 5000);
        const int before = view.indexPointCount(id);
        QTRY_VERIFY_WITH_TIMEOUT(view.indexPointCount(id) > before, 5000);
        QVERIFY(view.summaryText().contains(QLatin1String("etcd raft leader")));
        view.monitor()->setHistoryLimit(4);
        QTRY_VERIFY_WITH_TIMEOUT(view.indexPointCount(id) == 4, 5000); // bounded
        QVERIFY(!view.grab().isNull());
        // Reconnecting elsewhere clears the chart.
        view.connectTo({}, {}, {});
        QCOMPARE(view.chart()->series().size(), 0);
    }

    void localClusterDrill()
    {
        const QString missing = LocalHaCluster::missingPrerequisites({});
        if (!missing.isEmpty()) {
            QSKIP(qPrintable(missing));
        }
        HaView view;
        view.resize(1000, 800);
        view.action(HaView::Action::StartLocal)->trigger();
        QVERIFY(!view.action(HaView::Action::StartLocal)->isEnabled());
        QVERIFY(view.action(HaView::Action::StopLocal)->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(view.localCluster()->state(), LocalHaCluster::State::Running, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(view.monitor()->leaderUrl().isValid(), 15000);
        QTRY_VERIFY(view.action(HaView::Action::TransferLeadership)->isEnabled());
        QVERIFY(view.action(HaView::Action::AddMember)->isEnabled());
        QVERIFY(!view.action(HaView::Action::KillCoordinator)->isEnabled()); // nothing selected
        QVERIFY(!view.action(HaView::Action::WatchLocal)->isEnabled());      // already watching it
        // Watching another setup turns the drill off; "Watch local" brings it back.
        view.connectTo({}, {QUrl(QStringLiteral("http://127.0.0.1:1"))}, kToken);
        QVERIFY(view.action(HaView::Action::WatchLocal)->isEnabled());
        QVERIFY(!view.action(HaView::Action::AddMember)->isEnabled());
        // The same cluster watched as a remote setup: transfer forces an election through etcd.
        const qint64 epoch = view.monitor()->leaderEpoch();
        view.connectTo(view.localCluster()->etcdEndpoints(), view.localCluster()->coordinatorUrls(),
                       view.localCluster()->token(), view.localCluster()->prefix());
        QVERIFY(!view.action(HaView::Action::AddMember)->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(view.action(HaView::Action::TransferLeadership)->isEnabled(), 10000);
        view.action(HaView::Action::TransferLeadership)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(view.statusText().contains(QLatin1String("New election forced")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(view.monitor()->leaderEpoch() > epoch, 15000);
        view.action(HaView::Action::WatchLocal)->trigger();
        QVERIFY(!view.action(HaView::Action::WatchLocal)->isEnabled());
        QCOMPARE(view.monitor()->coordinatorUrls(), view.localCluster()->coordinatorUrls());
        QTRY_VERIFY_WITH_TIMEOUT(view.monitor()->leaderUrl().isValid(), 15000);
        QTRY_VERIFY(view.action(HaView::Action::AddMember)->isEnabled());
        QList<qint64> pids;
        for (int i = 0; i < 3; ++i) {
            pids << view.localCluster()->coordinatorPid(i) << view.localCluster()->memberPid(i);
        }

        // Select the leader's row and kill it from the toolbar.
        const int row = view.monitor()->coordinatorsModel()->rowOf(view.monitor()->leaderUrl());
        const QUrl old = view.monitor()->leaderUrl();
        view.coordinatorsTable()->selectRow(row);
        QVERIFY(view.action(HaView::Action::KillCoordinator)->isEnabled());
        QVERIFY(!view.action(HaView::Action::RestartCoordinator)->isEnabled());
        view.action(HaView::Action::KillCoordinator)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(view.monitor()->leaderUrl().isValid() && view.monitor()->leaderUrl() != old,
                                 15000);
        QTRY_VERIFY(view.action(HaView::Action::RestartCoordinator)->isEnabled());
        QVERIFY(!view.action(HaView::Action::KillCoordinator)->isEnabled());

        // A member row selected: kill is offered, remove too (more than one member).
        view.membersTable()->selectRow(0);
        QVERIFY(view.action(HaView::Action::KillMember)->isEnabled());
        QVERIFY(view.action(HaView::Action::RemoveMember)->isEnabled());

        view.action(HaView::Action::StopLocal)->trigger();
        QCOMPARE(view.localCluster()->state(), LocalHaCluster::State::Stopped);
        for (qint64 pid : std::as_const(pids)) {
            QTRY_VERIFY2(processGone(pid), qPrintable(QString::number(pid)));
        }
        QVERIFY(view.action(HaView::Action::StartLocal)->isEnabled());
        QVERIFY(!view.action(HaView::Action::StopLocal)->isEnabled());
        QVERIFY(!view.action(HaView::Action::KillCoordinator)->isEnabled());
        QCOMPARE(view.monitor()->coordinatorsModel()->rowCount(), 0);
    }

    void panelHasRedundancyTab()
    {
        accel::ClusterConnection connection;
        accel::ui::ClusterPanel panel(&connection, {});
        QVERIFY(panel.haView());
        QCOMPARE(panel.tabs()->count(), 2);
        QCOMPARE(panel.tabs()->indexOf(panel.haView()), 1);
        QCOMPARE(panel.tabs()->indexOf(panel.workersTable()), 0);
    }
};

QTEST_MAIN(tst_HaView)
#include "tst_HaView.moc"
