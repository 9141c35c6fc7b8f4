#include "ProtocolHostFactory.h"

#include "common/Clock.h"
#include "hosts/RuntimeServer.h"
#include "pool/PoolModel.h"
#include "pool/ResourcePool.h"
#include "resilience/CircuitBreaker.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace accel;
using namespace accel::test;

namespace {

PoolConfig testConfig()
{
    PoolConfig c;
    c.limits = {{HostKind::Embedded, {2, 3}}, {HostKind::Chromium, {0, 2}}};
    c.restartBackoffMs = 1000;
    c.maxRestartBackoffMs = 8000;
    c.helloTimeoutMs = 3000;
    c.idleTimeoutMs = 10'000;
    c.updateIntervalMs = 20;
    c.breaker.consecutiveFailureThreshold = 3;
    c.breaker.openDurationMs = 5000;
    c.breaker.openJitterFraction = 0.0;
    c.breaker.halfOpenPermittedCalls = 3;
    c.breaker.halfOpenSuccessThreshold = 2;
    return c;
}

struct Fixture
{
    ManualClock clock;
    RuntimeServer server{RuntimeServerConfig{}, &clock};
    std::unique_ptr<ResourcePool> pool;
    ProtocolHostFactory *embedded = nullptr;
    ProtocolHostFactory *chromium = nullptr;

    explicit Fixture(PoolConfig config = testConfig())
    {
        QString error;
        if (!server.start(&error)) {
            qFatal("server: %s", qPrintable(error));
        }
        pool = std::make_unique<ResourcePool>(&server, config, &clock);
        auto e = std::make_unique<ProtocolHostFactory>(HostKind::Embedded, 100);
        auto c = std::make_unique<ProtocolHostFactory>(HostKind::Chromium, 100);
        embedded = e.get();
        chromium = c.get();
        pool->addFactory(std::move(e));
        pool->addFactory(std::move(c));
    }
    ~Fixture()
    {
        pool.reset();
        server.stop();
    }
    int readyCount() const
    {
        int n = 0;
        for (const PoolHostInfo &h : pool->hosts()) {
            n += h.state == PoolHostState::Ready ? 1 : 0;
        }
        return n;
    }
    PoolHostState stateOf(const QString &id) const
    {
        const auto h = pool->host(id);
        return h ? h->state : PoolHostState::Closing;
    }
};

} // namespace

class tst_ResourcePool : public QObject
{
    Q_OBJECT
private slots:
    void startsConfiguredHosts()
    {
        Fixture f;
        PoolModel model(f.pool.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy counts(f.pool.get(), &ResourcePool::countsChanged);
        f.pool->start();
        QCOMPARE(f.pool->totalCount(), 2);
        QCOMPARE(f.embedded->spawnCount(), 2);
        QCOMPARE(f.chromium->spawnCount(), 0); // min 0
        QTRY_COMPARE(f.readyCount(), 2);
        QTRY_COMPARE(model.connectedCount(), 2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(counts.last().at(0).toInt(), 2);
        for (const PoolHostInfo &h : f.pool->hosts()) {
            QCOMPARE(h.kind, HostKind::Embedded);
            QVERIFY(h.backends.contains(QStringLiteral("wasm-simd")));
            QCOMPARE(h.breaker, BreakerState::Closed);
        }
        // Probes are real echo round trips: latency gets measured.
        QTRY_VERIFY(f.pool->hosts().first().latencyMs >= 0);
    }

    void crashedHostIsReplacedAndBreakerRecovers()
    {
        Fixture f;
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        const QString id = f.pool->hosts().first().id;
        f.pool->tick();
        const double healthBefore = f.pool->host(id)->health;
        QSignalSpy lost(f.pool.get(), &ResourcePool::hostLost);
        QSignalSpy replaced(f.pool.get(), &ResourcePool::hostReplaced);
        QSignalSpy transitions(f.pool.get(), &ResourcePool::breakerTransitions);

        f.embedded->instanceFor(id)->crash();
        QTRY_COMPARE(lost.count(), 1);
        QCOMPARE(lost.first().at(0).toString(), id);
        QVERIFY(lost.first().at(1).toString().contains(QStringLiteral("crashed")));
        QCOMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        QCOMPARE(f.pool->breaker(id)->state(), BreakerState::Open);
        f.pool->tick(); // scores are recomputed on publication
        QVERIFY2(f.pool->host(id)->health < healthBefore,
                 qPrintable(QStringLiteral("%1 -> %2").arg(healthBefore).arg(f.pool->host(id)->health)));
        bool incidents = false;
        const std::optional<HealthScore> score = f.pool->healthScore(id);
        QVERIFY(score.has_value());
        for (const HealthFactor &factor : score->factors) {
            incidents |= factor.name == QLatin1String("incidents") && factor.hasData && factor.score < 1.0;
        }
        QVERIFY(incidents);
        QTRY_VERIFY(!transitions.isEmpty()); // published on the next tick, with the reason

        // No replacement before the backoff has passed on the pool's clock.
        f.pool->tick();
        QCOMPARE(replaced.count(), 0);
        f.clock.advanceMs(1000);
        f.pool->tick();
        QCOMPARE(replaced.count(), 1);
        QCOMPARE(replaced.first().at(1).toInt(), 1);
        QCOMPARE(f.pool->totalCount(), 2);
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Ready));
        QCOMPARE(f.pool->host(id)->generation, 1);

        // The breaker keeps the host out until its open period ends, then probes close it.
        QVERIFY(f.pool->tryAcquire(id).granted == false);
        f.clock.advanceMs(5000);
        f.pool->tick();
        QTRY_COMPARE(f.pool->breaker(id)->state(), BreakerState::Closed);
    }

    void restartsAreBounded()
    {
        PoolConfig c = testConfig();
        c.maxRestarts = 1;
        Fixture f(c);
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        const QString id = f.pool->hosts().first().id;
        f.embedded->instanceFor(id)->crash();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        f.clock.advanceMs(1000);
        f.pool->tick();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Ready));

        f.embedded->instanceFor(id)->crash();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        const int spawns = f.embedded->spawnCount();
        f.clock.advanceMs(60'000); // far past any backoff, inside the 10 min window
        f.pool->tick();
        QCOMPARE(f.embedded->spawnCount(), spawns);
        QCOMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        QVERIFY2(f.pool->host(id)->lastError.contains(QStringLiteral("not replaced")),
                 qPrintable(f.pool->host(id)->lastError));
        // Once the window has moved on, the slot is replaced again.
        f.clock.advanceMs(c.restartWindowMs);
        f.pool->tick();
        QCOMPARE(f.embedded->spawnCount(), spawns + 1);
    }

    void backoffGrows()
    {
        Fixture f;
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        const QString id = f.pool->hosts().first().id;
        f.embedded->instanceFor(id)->crash();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        f.clock.advanceMs(1000);
        f.pool->tick();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Ready));
        // Second loss: one restart in the window, so 1000 * 2^1 = 2000 ms.
        f.embedded->instanceFor(id)->crash();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        const int spawns = f.embedded->spawnCount();
        f.clock.advanceMs(1500);
        f.pool->tick();
        QCOMPARE(f.embedded->spawnCount(), spawns);
        f.clock.advanceMs(600);
        f.pool->tick();
        QCOMPARE(f.embedded->spawnCount(), spawns + 1);
    }

    void helloTimeout()
    {
        Fixture f;
        f.embedded->setSilent(true);
        QSignalSpy lost(f.pool.get(), &ResourcePool::hostLost);
        f.pool->start();
        QCOMPARE(f.readyCount(), 0);
        f.pool->tick();
        QCOMPARE(lost.count(), 0);
        f.clock.advanceMs(3001);
        f.pool->tick();
        QCOMPARE(lost.count(), 2);
        QVERIFY(lost.first().at(1).toString().contains(QStringLiteral("no hello")));
    }

    void operatorActions()
    {
        Fixture f;
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        const QString a = f.pool->hosts().at(0).id;
        const QString b = f.pool->hosts().at(1).id;

        // Isolate: the breaker is forced open and selection skips the host.
        QVERIFY(f.pool->isolateHost(a, QStringLiteral("test")));
        QCOMPARE(f.pool->breaker(a)->state(), BreakerState::ForcedOpen);
        const QStringList chosen = f.pool->acquire({ModelFamily::Vision, BackendPreference::Any, 2});
        QCOMPARE(chosen, QStringList{b});
        QVERIFY(f.pool->resetBreaker(a, QStringLiteral("test")));
        QCOMPARE(f.pool->breaker(a)->state(), BreakerState::Closed);

        // Drain waits for the lease.
        QVERIFY(f.pool->drainHost(b));
        QCOMPARE(int(f.stateOf(b)), int(PoolHostState::Draining));
        QSignalSpy removed(f.pool.get(), &ResourcePool::hostRemoved);
        f.pool->release(b);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().at(0).toString(), b);
        // Sizing brings the kind back to its minimum with a fresh host.
        f.pool->tick();
        QCOMPARE(f.pool->totalCount(), 2);

        // Limits and unknown kinds are errors, not crashes.
        QVERIFY(f.pool->addHost(HostKind::Embedded).ok()); // 3 of max 3
        const auto over = f.pool->addHost(HostKind::Embedded);
        QVERIFY(!over.ok());
        QVERIFY(over.error().contains(QStringLiteral("maximum")));
        const auto noFactory = f.pool->addHost(HostKind::Firefox);
        QVERIFY(!noFactory.ok());
        f.chromium->setAvailable(false);
        QVERIFY(!f.pool->addHost(HostKind::Chromium).ok());

        QVERIFY(f.pool->closeHost(a));
        QVERIFY(!f.pool->host(a));
        QVERIFY(!f.pool->closeHost(a));
        QVERIFY(!f.pool->restartHost(QStringLiteral("nope")));
        QVERIFY(!f.pool->isolateHost(QStringLiteral("nope"), {}));
    }

    void restartKeepsBreaker()
    {
        Fixture f;
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        const QString id = f.pool->hosts().first().id;
        const int spawns = f.embedded->spawnCount();
        QVERIFY(f.pool->restartHost(id));
        QCOMPARE(f.embedded->spawnCount(), spawns + 1);
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Ready));
        QCOMPARE(f.pool->breaker(id)->state(), BreakerState::Closed);
        QCOMPARE(f.pool->host(id)->generation, 1);
    }

    void idleExtrasClose()
    {
        Fixture f;
        f.pool->start();
        const auto extra = f.pool->addHost(HostKind::Chromium); // min 0: an extra
        QVERIFY(extra.ok());
        QTRY_COMPARE(int(f.stateOf(extra.value())), int(PoolHostState::Ready));
        f.clock.advanceMs(9000);
        f.pool->tick();
        QVERIFY(f.pool->host(extra.value()));
        f.clock.advanceMs(1001);
        f.pool->tick();
        QVERIFY(!f.pool->host(extra.value()));
        QCOMPARE(f.pool->totalCount(), 2); // the minimum stays however idle
    }

    void updatesAreThrottled()
    {
        Fixture f;
        QSignalSpy updates(f.pool.get(), &ResourcePool::hostsUpdated);
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        updates.clear();
        // 20 failures recorded in a burst reach views as at most one update per tick.
        const QString id = f.pool->hosts().first().id;
        for (int i = 0; i < 20; ++i) {
            f.pool->recordFailure(id, ErrorCategory::Timeout, 1000); // counts: the host info must change
        }
        QVERIFY(updates.count() == 0);
        f.pool->tick();
        QCOMPARE(updates.count(), 1);
    }

    void weightCapReachesWelcome_data()
    {
        QTest::addColumn<qint64>("capBytes");
        QTest::newRow("no cap: field omitted") << qint64(0);
        QTest::newRow("8 MiB") << qint64(8 * 1024 * 1024);
        QTest::newRow("3 GiB") << qint64(3) * 1024 * 1024 * 1024;
    }
    void weightCapReachesWelcome()
    {
        QFETCH(qint64, capBytes);
        PoolConfig config = testConfig();
        config.weightLimitBytes = capBytes;
        Fixture f(config);
        QCOMPARE(f.server.config().weightLimitBytes, capBytes);
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        for (const PoolHostInfo &h : f.pool->hosts()) {
            ProtocolHostInstance *host = f.embedded->instanceFor(h.id);
            QVERIFY(host);
            QTRY_VERIFY(!host->welcome().isEmpty());
            const QJsonValue sent = host->welcome().value(QStringLiteral("weightLimitBytes"));
            if (capBytes == 0) {
                QVERIFY(sent.isUndefined());
            } else {
                QCOMPARE(sent.toInteger(), capBytes);
            }
            QCOMPARE(f.pool->session(h.id)->weightLimitBytes(), capBytes);
        }
    }

    void metricsReachHostInfo_data()
    {
        QTest::addColumn<QJsonObject>("values");
        QTest::addColumn<qint64>("weightBytes");
        QTest::addColumn<qint64>("limitBytes");
        QTest::addColumn<QString>("cell");
        constexpr qint64 MiB = 1024 * 1024;
        const auto m = [](qint64 weight, qint64 limit) {
            return QJsonObject{{QStringLiteral("uptimeMs"), 10},
                               {QStringLiteral("weightBytes"), double(weight)},
                               {QStringLiteral("weightLimitBytes"), double(limit)}};
        };
        QTest::newRow("fresh page, runtime default")
            << m(0, 2048 * MiB) << qint64(0) << 2048 * MiB << QStringLiteral("0.0 / 2048 MiB");
        QTest::newRow("deployed under a cap") << m(12 * MiB + 314573, 16 * MiB) << 12 * MiB + 314573
                                              << 16 * MiB << QStringLiteral("12.3 / 16 MiB");
        QTest::newRow("odd limit") << m(MiB, 3 * MiB + MiB / 2) << MiB << 3 * MiB + MiB / 2
                                   << QStringLiteral("1.0 / 3.5 MiB");
        QTest::newRow("full") << m(4 * MiB, 4 * MiB) << 4 * MiB << 4 * MiB << QStringLiteral("4.0 / 4 MiB");
        // Only one of the pair: the pool does not guess the other.
        QTest::newRow("held without limit") << QJsonObject{{QStringLiteral("weightBytes"), 100}} << qint64(-1)
                                            << qint64(-1) << QStringLiteral("-");
        QTest::newRow("old page without weight metrics") << QJsonObject{{QStringLiteral("framesIn"), 3}}
                                                         << qint64(-1) << qint64(-1) << QStringLiteral("-");
    }
    void metricsReachHostInfo()
    {
        QFETCH(QJsonObject, values);
        QFETCH(qint64, weightBytes);
        QFETCH(qint64, limitBytes);
        QFETCH(QString, cell);
        Fixture f;
        PoolModel model(f.pool.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        QTRY_COMPARE(model.connectedCount(), 2);
        const QString id = f.pool->hosts().first().id;
        const QString other = f.pool->hosts().last().id;
        QCOMPARE(f.pool->host(id)->weightBytes, qint64(-1)); // nothing reported yet
        const int row = model.rowOf(id);
        QCOMPARE(model.index(row, PoolModel::WeightsColumn).data().toString(), QStringLiteral("-"));
        QCOMPARE(model.headerData(PoolModel::WeightsColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Weights"));

        // A first report with numbers no row uses, published, so every row is a visible change.
        f.embedded->instanceFor(id)->sendMetrics(
            {{QStringLiteral("weightBytes"), 7}, {QStringLiteral("weightLimitBytes"), 9}});
        QTRY_COMPARE(model.index(row, PoolModel::WeightsColumn).data(PoolModel::WeightBytesRole).toLongLong(),
                     qint64(7));

        QSignalSpy updates(f.pool.get(), &ResourcePool::hostsUpdated);
        QSignalSpy received(f.pool->session(id), &HostSession::metricsReceived);
        f.embedded->instanceFor(id)->sendMetrics(values);
        QVERIFY(received.wait());
        QCOMPARE(f.pool->host(id)->weightBytes, weightBytes);
        QCOMPARE(f.pool->host(id)->weightLimitBytes, limitBytes);
        QCOMPARE(f.pool->session(id)->lastMetrics().keys(), values.keys());
        QTRY_VERIFY(!updates.isEmpty());
        bool published = false;
        for (const QList<QVariant> &args : std::as_const(updates)) {
            for (const PoolHostInfo &h : args.at(0).value<QList<PoolHostInfo>>()) {
                published = published || (h.id == id && h.weightBytes == weightBytes);
            }
        }
        QVERIFY(published);
        QTRY_COMPARE(model.index(row, PoolModel::WeightsColumn).data().toString(), cell);
        QCOMPARE(model.index(row, PoolModel::WeightsColumn).data(PoolModel::WeightBytesRole).toLongLong(),
                 weightBytes);
        QCOMPARE(
            model.index(row, PoolModel::WeightsColumn).data(PoolModel::WeightLimitBytesRole).toLongLong(),
            limitBytes);
        QCOMPARE(f.pool->host(id)->freeWeightBytes(), limitBytes < 0 ? qint64(-1) : limitBytes - weightBytes);
        QCOMPARE(f.pool->host(other)->weightBytes, qint64(-1)); // the other host reported nothing
    }

    void badWeightMetricsAreRefused()
    {
        Fixture f;
        f.pool->start();
        QTRY_COMPARE(f.readyCount(), 2);
        const QString id = f.pool->hosts().first().id;
        ProtocolHostInstance *host = f.embedded->instanceFor(id);
        host->sendMetrics({{QStringLiteral("weightBytes"), 5}, {QStringLiteral("weightLimitBytes"), 10}});
        QTRY_COMPARE(f.pool->host(id)->weightLimitBytes, qint64(10));
        // Negative and fractional byte counts fail the codec: the session answers with an error
        // and keeps the last good values, and so does the pool.
        host->sendMetrics({{QStringLiteral("weightBytes"), -5}, {QStringLiteral("weightLimitBytes"), 10}});
        host->sendMetrics({{QStringLiteral("weightBytes"), 1.5}, {QStringLiteral("weightLimitBytes"), 10}});
        host->sendMetrics({{QStringLiteral("weightBytes"), 7}, {QStringLiteral("weightLimitBytes"), 10}});
        QTRY_COMPARE(f.pool->host(id)->weightBytes, qint64(7)); // the good message after the bad ones arrived
        QCOMPARE(f.pool->host(id)->weightLimitBytes, qint64(10));
        QVERIFY(f.pool->session(id)->isReady());
        // A lost host holds nothing we know of.
        host->crash();
        QTRY_COMPARE(int(f.stateOf(id)), int(PoolHostState::Lost));
        QCOMPARE(f.pool->host(id)->weightBytes, qint64(-1));
        QCOMPARE(f.pool->host(id)->weightLimitBytes, qint64(-1));
    }
};

QTEST_GUILESS_MAIN(tst_ResourcePool)
#include "tst_ResourcePool.moc"
