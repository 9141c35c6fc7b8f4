#include "resilience/CircuitBreaker.h"
#include "resilience/FleetGuard.h"

#include "common/Clock.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace accel;

namespace {

constexpr qint64 kMs = 1'000'000;

BreakerConfig fastTrip()
{
    BreakerConfig c;
    c.windowSize = 4;
    c.minimumCalls = 4;
    c.failureRateThreshold = 0.5;
    c.openDurationMs = 1'000;
    c.maxOpenDurationMs = 1'000;
    c.openJitterFraction = 0.0;
    c.halfOpenPermittedCalls = 1;
    c.halfOpenSuccessThreshold = 1;
    c.jitterSeed = 3;
    return c;
}

struct Pool
{
    Pool(int hosts, FleetGuardConfig config)
        : guard(config)
    {
        for (int i = 0; i < hosts; ++i) {
            const QString id = QStringLiteral("h%1").arg(i);
            breakers.push_back(std::make_unique<CircuitBreaker>(id, fastTrip(), &clock));
            breakers.back()->setEventListener([this](const BreakerEvent &e) { events.append(e); });
            guard.attach(id, breakers.back().get());
        }
    }
    void fail(int host)
    {
        for (int i = 0; i < 4; ++i) {
            breakers[size_t(host)]->recordFailure(ErrorCategory::Timeout, kMs);
        }
    }
    ManualClock clock;
    FleetGuard guard;
    std::vector<std::unique_ptr<CircuitBreaker>> breakers;
    QList<BreakerEvent> events;
};

} // namespace

class tst_FleetGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void capsOpenShare_data()
    {
        QTest::addColumn<int>("hosts");
        QTest::addColumn<double>("share");
        QTest::addColumn<int>("expectedOpen");
        QTest::newRow("10 hosts, 30%") << 10 << 0.3 << 3;
        QTest::newRow("10 hosts, 50%") << 10 << 0.5 << 5;
        QTest::newRow("4 hosts, 10%: at least one") << 4 << 0.1 << 1;
        QTest::newRow("1 host, 50%: at least one") << 1 << 0.5 << 1;
        QTest::newRow("3 hosts, 100%") << 3 << 1.0 << 3;
    }
    void capsOpenShare()
    {
        QFETCH(int, hosts);
        QFETCH(double, share);
        QFETCH(int, expectedOpen);
        FleetGuardConfig config;
        config.maxOpenShare = share;
        Pool pool(hosts, config);
        QCOMPARE(pool.guard.maxOpen(), expectedOpen);
        for (int i = 0; i < hosts; ++i) {
            pool.fail(i);
        }
        QCOMPARE(pool.guard.openCount(), expectedOpen);
        int suppressed = 0;
        for (const BreakerEvent &e : pool.events) {
            if (e.kind == BreakerEvent::Kind::TripSuppressed) {
                ++suppressed;
                QVERIFY2(e.reasonText.contains(QLatin1String("fleet guard")), qPrintable(e.reasonText));
            }
        }
        QCOMPARE(suppressed, hosts - expectedOpen);
        for (int i = expectedOpen; i < hosts; ++i) {
            QCOMPARE(pool.breakers[size_t(i)]->state(), BreakerState::Closed);
            QVERIFY(!pool.guard.mayOpen(QStringLiteral("h%1").arg(i)));
        }
    }

    void budgetFreesWhenHostsRecover()
    {
        FleetGuardConfig config;
        config.maxOpenShare = 0.25;
        Pool pool(4, config); // one may open
        pool.fail(0);
        pool.fail(1);
        QCOMPARE(pool.breakers[0]->state(), BreakerState::Open);
        QCOMPARE(pool.breakers[1]->state(), BreakerState::Closed);
        // Half-open still counts as open.
        pool.clock.advanceMs(1'000);
        QCOMPARE(pool.breakers[0]->state(), BreakerState::HalfOpen);
        pool.breakers[1]->recordFailure(ErrorCategory::Timeout, kMs);
        QCOMPARE(pool.breakers[1]->state(), BreakerState::Closed);
        // Host 0 recovers: host 1, still failing, may now open.
        QVERIFY(pool.breakers[0]->tryAcquire().isProbe());
        pool.breakers[0]->recordSuccess(kMs);
        QCOMPARE(pool.breakers[0]->state(), BreakerState::Closed);
        QVERIFY(pool.guard.mayOpen(QStringLiteral("h1")));
        pool.breakers[1]->recordFailure(ErrorCategory::Timeout, kMs);
        QCOMPARE(pool.breakers[1]->state(), BreakerState::Open);
    }

    void operatorIsolationUsesBudgetButIsNeverVetoed()
    {
        FleetGuardConfig config;
        config.maxOpenShare = 0.5;
        Pool pool(4, config); // two may open
        pool.breakers[0]->forceOpen(QStringLiteral("maintenance"));
        pool.breakers[1]->forceOpen(QStringLiteral("maintenance"));
        pool.breakers[2]->forceOpen(QStringLiteral("maintenance")); // operators win
        QCOMPARE(pool.guard.openCount(), 3);
        pool.fail(3);
        QCOMPARE(pool.breakers[3]->state(), BreakerState::Closed);
    }

    void alreadyOpenMayStayOpen()
    {
        Pool pool(2, FleetGuardConfig{});
        pool.fail(0);
        QVERIFY(pool.guard.mayOpen(QStringLiteral("h0")));
        QVERIFY(!pool.guard.mayOpen(QStringLiteral("h1")));
        QVERIFY(!pool.guard.mayOpen(QStringLiteral("unknown"))); // 1 open of 3 would exceed floor(1.5)=1
    }

    void detachAndLifetimes()
    {
        ManualClock clock;
        auto guard = std::make_unique<FleetGuard>();
        auto a = std::make_unique<CircuitBreaker>(QStringLiteral("a"), fastTrip(), &clock);
        auto b = std::make_unique<CircuitBreaker>(QStringLiteral("b"), fastTrip(), &clock);
        guard->attach(QStringLiteral("a"), a.get());
        guard->attach(QStringLiteral("b"), b.get());
        QCOMPARE(guard->size(), 2);
        QCOMPARE(a->tripGate(), guard.get());
        b.reset(); // a breaker destroyed while attached detaches itself
        QCOMPARE(guard->hostIds(), QStringList{QStringLiteral("a")});
        guard->attach(QStringLiteral("a2"), a.get()); // same breaker, new id: replaces
        QCOMPARE(guard->hostIds(), QStringList{QStringLiteral("a2")});
        guard->detach(QStringLiteral("a2"));
        QCOMPARE(a->tripGate(), nullptr);
        guard->attach(QStringLiteral("a"), a.get());
        guard.reset(); // the guard detaches from all
        QCOMPARE(a->tripGate(), nullptr);
        for (int i = 0; i < 4; ++i) {
            a->recordFailure(ErrorCategory::Timeout, kMs);
        }
        QCOMPARE(a->state(), BreakerState::Open);
    }

    void normalSelectionPrefersHealthyByScore()
    {
        Pool pool(4, FleetGuardConfig{});
        pool.fail(1);
        QVERIFY(!pool.guard.isPanic());
        const HostSelection s = pool.guard.selectHosts(
            2, {{QStringLiteral("h0"), 70.0}, {QStringLiteral("h2"), 90.0}, {QStringLiteral("h1"), 99.0}});
        QVERIFY(!s.panic);
        QCOMPARE(s.hostIds, (QStringList{QStringLiteral("h2"), QStringLiteral("h0")}));
        const HostSelection all = pool.guard.selectHosts(0);
        QCOMPARE(all.hostIds,
                 (QStringList{QStringLiteral("h0"), QStringLiteral("h2"), QStringLiteral("h3")}));
    }

    void panicSelection()
    {
        FleetGuardConfig config;
        config.maxOpenShare = 1.0;
        config.panicHealthyShare = 0.5;
        Pool pool(5, config);
        pool.breakers[0]->forceOpen(QStringLiteral("isolated"));
        pool.fail(1); // open, 1000 ms
        pool.clock.advanceMs(600);
        pool.fail(2); // open, 1000 ms, ends 600 ms later than h1
        pool.clock.advanceMs(400);
        QCOMPARE(pool.breakers[1]->state(), BreakerState::HalfOpen);
        // healthy: h3, h4 = 2 of 5 < 50%
        QVERIFY(pool.guard.isPanic());
        const HostSelection s =
            pool.guard.selectHosts(0, {{QStringLiteral("h4"), 80.0}, {QStringLiteral("h3"), 60.0}});
        QVERIFY(s.panic);
        QVERIFY(s.reason.contains(QLatin1String("panic")));
        QCOMPARE(s.hostIds, (QStringList{QStringLiteral("h4"), QStringLiteral("h3"), QStringLiteral("h1"),
                                         QStringLiteral("h2")})); // h0 isolated: never
        QCOMPARE(pool.guard.selectHosts(3).hostIds.size(), 3);
        // Recovery ends panic.
        pool.breakers[1]->tryAcquire();
        pool.breakers[1]->recordSuccess(kMs);
        QVERIFY(!pool.guard.isPanic());
        QCOMPARE(pool.guard.selectHosts(0).hostIds.size(), 3);
    }

    void emptyPool()
    {
        FleetGuard guard;
        QVERIFY(!guard.isPanic());
        QCOMPARE(guard.maxOpen(), 1);
        QVERIFY(guard.selectHosts(3).hostIds.isEmpty());
        QVERIFY(guard.mayOpen(QStringLiteral("x")));
    }

    void invalidConfig_data()
    {
        QTest::addColumn<double>("maxOpenShare");
        QTest::addColumn<double>("panicShare");
        QTest::newRow("zero share") << 0.0 << 0.5;
        QTest::newRow("share above one") << 1.5 << 0.5;
        QTest::newRow("nan panic") << 0.5 << qQNaN();
        QTest::newRow("negative panic") << 0.5 << -0.1;
    }
    void invalidConfig()
    {
        QFETCH(double, maxOpenShare);
        QFETCH(double, panicShare);
        FleetGuardConfig c;
        c.maxOpenShare = maxOpenShare;
        c.panicHealthyShare = panicShare;
        QVERIFY(!c.validate().isEmpty());
        FleetGuard guard(c); // falls back to defaults
        QCOMPARE(guard.config().maxOpenShare, FleetGuardConfig{}.maxOpenShare);
    }
};

QTEST_GUILESS_MAIN(tst_FleetGuard)
#include "tst_FleetGuard.moc"
