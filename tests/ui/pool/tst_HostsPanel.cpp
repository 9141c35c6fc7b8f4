#include "../../core/pool/ProtocolHostFactory.h"

#include "common/Clock.h"
#include "hosts/RuntimeServer.h"
#include "pool/BreakerTimelineModel.h"
#include "pool/CircuitTimelineWidget.h"
#include "pool/DashboardWidget.h"
#include "pool/HealthChartView.h"
#include "pool/HostsPanel.h"
#include "pool/PoolModel.h"
#include "pool/PoolPanels.h"
#include "pool/ResourcePool.h"
#include "resilience/CircuitBreaker.h"

#include <QAction>
#include <QDir>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace accel;
using namespace accel::test;
using namespace accel::ui;

class tst_HostsPanel : public QObject
{
    Q_OBJECT
private:
    struct Fixture
    {
        RuntimeServer server;
        std::unique_ptr<ResourcePool> pool;
        ProtocolHostFactory *embedded = nullptr;
        std::unique_ptr<PoolPanels> panels;

        Fixture()
        {
            QString error;
            if (!server.start(&error)) {
                qFatal("server: %s", qPrintable(error));
            }
            PoolConfig c; // defaults: 2 embedded hosts
            c.updateIntervalMs = 50;
            pool = std::make_unique<ResourcePool>(&server, c);
            auto e = std::make_unique<ProtocolHostFactory>(HostKind::Embedded, 100);
            embedded = e.get();
            pool->addFactory(std::move(e));
            panels = std::make_unique<PoolPanels>(pool.get());
        }
        ~Fixture()
        {
            panels.reset();
            pool.reset();
            server.stop();
        }
        void select(int row)
        {
            QTableView *t = panels->hostsPanel()->table();
            t->selectionModel()->select(t->model()->index(row, 0),
                                        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        }
    };

private slots:
    void tableAndActions()
    {
        Fixture f;
        HostsPanel *panel = f.panels->hostsPanel();
        panel->resize(900, 600);
        panel->show();
        QSignalSpy counts(f.panels.get(), &PoolPanels::hostCountChanged);
        f.pool->start();
        QTRY_COMPARE(panel->table()->model()->rowCount(), 2);
        QTRY_COMPARE(f.panels->poolModel()->connectedCount(), 2);
        QTRY_VERIFY(!counts.isEmpty());
        QCOMPARE(counts.last().at(0).toInt(), 2);
        QCOMPARE(counts.last().at(1).toInt(), 2);

        // Nothing selected: per-host actions are off; launch actions without a factory are off.
        QVERIFY(!panel->isolateAction()->isEnabled());
        QVERIFY(panel->addEmbeddedAction()->isEnabled());
        QVERIFY(!panel->launchAction(HostKind::Firefox)->isEnabled());
        QVERIFY(!panel->launchAction(HostKind::Firefox)->toolTip().isEmpty());

        f.select(0);
        const QString id = panel->selectedHostIds().value(0);
        QVERIFY(!id.isEmpty());
        QVERIFY(panel->isolateAction()->isEnabled());
        panel->isolateAction()->trigger();
        QCOMPARE(f.pool->breaker(id)->state(), BreakerState::ForcedOpen);
        QTRY_COMPARE(f.panels->poolModel()->hostAt(0).breaker, BreakerState::ForcedOpen);
        panel->resetAction()->trigger();
        QCOMPARE(f.pool->breaker(id)->state(), BreakerState::Closed);

        panel->addEmbeddedAction()->trigger();
        QTRY_COMPARE(panel->table()->model()->rowCount(), 3);
        QVERIFY(panel->statusText().contains(QStringLiteral("Starting")));

        // Over the maximum (8 embedded): a readable error in the status line.
        for (int i = 0; i < 6; ++i) {
            panel->addEmbeddedAction()->trigger();
        }
        QVERIFY2(panel->statusText().contains(QStringLiteral("maximum")), qPrintable(panel->statusText()));

        f.select(0);
        panel->closeAction()->trigger();
        QVERIFY(!f.pool->host(id));
        QTRY_COMPARE(panel->table()->model()->rowCount(), 7);
    }

    void hostViewGrid()
    {
        Fixture f;
        HostsPanel *panel = f.panels->hostsPanel();
        panel->show();
        auto *view = new QLabel(QStringLiteral("page"));
        panel->addHostView(QStringLiteral("h1"), view);
        QCOMPARE(panel->hostViewCount(), 1);
        QVERIFY(panel->hostViewsVisible());
        panel->setHostViewsVisible(false);
        QVERIFY(!panel->hostViewsVisible());
        QVERIFY(!view->isVisible());
        // The view's owner deletes it: the grid forgets it.
        delete view;
        QCOMPARE(panel->hostViewCount(), 0);
        // Removing a live view hands it back unparented.
        auto *other = new QLabel(QStringLiteral("page 2"));
        panel->addHostView(QStringLiteral("h2"), other);
        panel->removeHostView(QStringLiteral("h2"));
        QCOMPARE(other->parent(), nullptr);
        delete other;
        panel->addHostView(QStringLiteral("h3"), nullptr); // ignored
        QCOMPARE(panel->hostViewCount(), 0);
    }

    void dashboardFollowsPool()
    {
        Fixture f;
        QWidget *dash = f.panels->takeDashboard();
        std::unique_ptr<QWidget> owner(dash);
        dash->resize(1100, 800);
        dash->show();
        f.pool->start();
        QTRY_COMPARE(f.panels->dashboard()->healthChart()->seriesHosts().size(), 2);
        QTRY_COMPARE(f.panels->dashboard()->timeline()->bandHosts().size(), 2);
        const QString id = f.pool->hosts().first().id;
        f.pool->isolateHost(id, QStringLiteral("operator test"));
        // The transition reaches the timeline with its reason.
        QTRY_VERIFY(f.panels->timelineModel()->rowCount() >= 3);
        bool found = false;
        for (int r = 0; r < f.panels->timelineModel()->rowCount(); ++r) {
            const auto &s = f.panels->timelineModel()->segmentAt(r);
            found |=
                s.hostId == id && s.state == BreakerState::ForcedOpen && s.reason.contains("operator test");
        }
        QVERIFY(found);
        const QString dir = qEnvironmentVariable("ACCEL_BUILD_DIR", QDir::currentPath());
        QVERIFY(dash->grab().save(QDir(dir).filePath(QStringLiteral("tst_HostsPanel-dashboard.png"))));
    }
};

QTEST_MAIN(tst_HostsPanel)
#include "tst_HostsPanel.moc"
