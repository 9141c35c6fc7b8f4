#include "common/Clock.h"
#include "pool/BreakerTimelineModel.h"
#include "pool/CircuitTimelineWidget.h"
#include "pool/DashboardWidget.h"
#include "pool/HealthChartView.h"
#include "pool/HealthHistoryModel.h"
#include "pool/PoolColors.h"
#include "pool/PoolModel.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QImage>
#include <QTableView>
#include <QTest>

using namespace accel;
using namespace accel::ui;

namespace {

/// Drives the three models the way ResourcePool's throttled signals do: N hosts, health moving,
/// one host tripping Open -> HalfOpen -> Closed, all on a ManualClock.
struct FixturePool
{
    ManualClock clock{1'000'000'000};
    PoolModel pool{&clock};
    HealthHistoryModel health{600'000, 1'000};
    BreakerTimelineModel timeline{600'000};
    QList<PoolHostInfo> hosts;

    void addHosts(int n)
    {
        for (int i = 0; i < n; ++i) {
            PoolHostInfo h;
            h.id = QStringLiteral("embedded-%1").arg(i);
            h.kind = i % 2 ? HostKind::Chromium : HostKind::Embedded;
            h.state = PoolHostState::Ready;
            h.health = 100;
            h.backends = {QStringLiteral("wasm-simd")};
            h.lastHeartbeatMs = clock.nowMs();
            hosts.append(h);
            timeline.hostAppeared(h.id, h.breaker, clock.nowMs(), QStringLiteral("host added"));
        }
        publish();
    }
    void publish()
    {
        pool.upsert(hosts);
        health.record(hosts, clock.nowMs());
    }
    void transition(int i, BreakerState to, const QString &reason)
    {
        const BreakerState from = hosts[i].breaker;
        hosts[i].breaker = to;
        timeline.applyTransition({hosts[i].id, clock.nowMs(), from, to, reason});
    }
    void run(int seconds)
    {
        for (int s = 0; s < seconds; ++s) {
            clock.advanceMs(1000);
            for (int i = 0; i < hosts.size(); ++i) {
                hosts[i].health = 60 + 40 * ((s + i * 3) % 10) / 10.0;
                hosts[i].lastHeartbeatMs = clock.nowMs();
                hosts[i].latencyMs = 2 + i;
            }
            if (s == 10) {
                transition(0, BreakerState::Open, QStringLiteral("host crashed: renderer killed"));
                hosts[0].health = 20;
            } else if (s == 20) {
                transition(0, BreakerState::HalfOpen, QStringLiteral("open period of 5000 ms elapsed"));
            } else if (s == 25) {
                transition(0, BreakerState::Closed, QStringLiteral("3 probes succeeded"));
            }
            publish();
        }
    }
};

} // namespace

class tst_PoolDashboard : public QObject
{
    Q_OBJECT
private slots:
    void showsHosts_data()
    {
        QTest::addColumn<int>("hostCount");
        QTest::newRow("2 hosts") << 2;
        QTest::newRow("5 hosts") << 5;
    }
    void showsHosts()
    {
        QFETCH(int, hostCount);
        FixturePool f;
        QAbstractItemModelTester t1(&f.pool, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&f.health, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(&f.timeline, QAbstractItemModelTester::FailureReportingMode::QtTest);
        DashboardWidget dash(&f.pool, &f.health, &f.timeline, &f.clock);
        dash.resize(1100, 800);
        dash.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dash));

        QVERIFY(dash.healthChart()->seriesHosts().isEmpty());
        f.addHosts(hostCount);
        f.run(40);

        QCOMPARE(dash.healthChart()->seriesHosts().size(), hostCount);
        QCOMPARE(dash.timeline()->bandHosts().size(), hostCount);
        QCOMPARE(dash.hostTable()->model()->rowCount(), hostCount);
        QVERIFY(dash.healthChart()->pointCount(QStringLiteral("embedded-0")) >= 40);

        // The tripped host's band: its Open segment carries the reason in the hover text.
        int openRow = -1;
        for (int r = 0; r < f.timeline.rowCount(); ++r) {
            if (f.timeline.segmentAt(r).state == BreakerState::Open) {
                openRow = r;
            }
        }
        QVERIFY(openRow >= 0);
        QVERIFY(dash.timeline()->segmentText(openRow).contains(QStringLiteral("renderer killed")));
        // Hit-testing: the middle of the Open segment (started 30 s ago, 10 s long) finds it.
        QVERIFY(dash.timeline()->segmentAt(QPoint(0, 0)) < 0);
        const QRect r = dash.timeline()->rect();
        bool hit = false;
        for (int x = r.left(); x < r.right() && !hit; x += 2) {
            for (int y = r.top(); y < r.bottom() && !hit; y += 4) {
                hit = dash.timeline()->segmentAt(QPoint(x, y)) == openRow;
            }
        }
        QVERIFY(hit);

        // The timeline really paints the state colours.
        const QImage shot = dash.grab().toImage();
        QVERIFY(!shot.isNull());
        const QImage band = dash.timeline()->grab().toImage();
        bool sawOpen = false;
        bool sawClosed = false;
        const QRgb open = PoolColors::breakerColor(BreakerState::Open).rgb();
        const QRgb closed = PoolColors::breakerColor(BreakerState::Closed).rgb();
        for (int y = 30; y < band.height() && !(sawOpen && sawClosed); ++y) {
            for (int x = 0; x < band.width(); ++x) {
                const QRgb px = band.pixel(x, y) | 0xff000000;
                sawOpen |= px == open;
                sawClosed |= px == closed;
            }
        }
        QVERIFY(sawOpen);
        QVERIFY(sawClosed);

        const QString dir = qEnvironmentVariable("ACCEL_BUILD_DIR", QDir::currentPath());
        const QString path =
            QDir(dir).filePath(QStringLiteral("tst_PoolDashboard-%1hosts.png").arg(hostCount));
        QVERIFY2(shot.save(path), qPrintable(path));
        QVERIFY(QFileInfo(path).size() > 1000);
    }

    void historyIsBounded()
    {
        FixturePool f;
        DashboardWidget dash(&f.pool, &f.health, &f.timeline, &f.clock);
        f.addHosts(1);
        f.run(700); // longer than the 600 s history
        QVERIFY(f.health.rowCount() <= 602);
        QVERIFY(dash.healthChart()->pointCount(QStringLiteral("embedded-0")) <= 602);
        QVERIFY(dash.healthChart()->pointCount(QStringLiteral("embedded-0")) >= 590);
    }
};

QTEST_MAIN(tst_PoolDashboard)
#include "tst_PoolDashboard.moc"
