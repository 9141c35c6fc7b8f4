#include "resilience/HealthScorer.h"

#include <QJsonArray>
#include <QTest>

#include <cmath>
#include <limits>

using namespace accel;

namespace {

HostObservations healthy(const QString &id = QStringLiteral("h"))
{
    HostObservations o;
    o.hostId = id;
    o.calls = 100;
    o.failures = 0;
    o.slowCalls = 0;
    o.latencyMs = 50;
    o.baselineLatencyMs = 50;
    o.heartbeatAgeMs = 500;
    o.heartbeatIntervalMs = 1000;
    o.observedForMs = 60'000;
    o.memoryUsedBytes = 100e6;
    o.memoryLimitBytes = 1000e6;
    return o;
}

const HealthFactor *factor(const HealthScore &s, const char *name)
{
    for (const HealthFactor &f : s.factors) {
        if (f.name == QLatin1String(name)) {
            return &f;
        }
    }
    return nullptr;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

class tst_HealthScorer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void perfectHostScores100()
    {
        const auto r =
            HealthScorer().score(healthy(), {healthy(QStringLiteral("p1")), healthy(QStringLiteral("p2"))});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->score, 100.0);
        QCOMPARE(r->coverage, 1.0);
        QCOMPARE(r->factors.size(), 7);
        double sum = 0;
        double weights = 0;
        for (const HealthFactor &f : r->factors) {
            QVERIFY(f.hasData);
            QCOMPARE(f.score, 1.0);
            QVERIFY(!f.explanation.isEmpty());
            sum += f.contribution;
            weights += f.weight;
        }
        QCOMPARE(sum, 100.0);
        QCOMPARE(weights, 100.0); // documented default weights sum to 100
    }

    // Factor by factor: change one input of a perfect host and check that factor and the total.
    void factorByFactor_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("change");
        QTest::addColumn<double>("factorScore");
        QTest::newRow("success 80%") << "successRate"
                                     << "failures=20" << 0.8;
        QTest::newRow("success 0% (all failures)") << "successRate"
                                                   << "failures=100" << 0.0;
        QTest::newRow("slow 25%") << "slowCallRate"
                                  << "slow=25" << 0.75;
        QTest::newRow("slow all") << "slowCallRate"
                                  << "slow=100" << 0.0;
        QTest::newRow("latency faster than baseline") << "latency"
                                                      << "latency=25" << 1.0;
        QTest::newRow("latency 2x (half way to 3x)") << "latency"
                                                     << "latency=100" << 0.5;
        QTest::newRow("latency 3x") << "latency"
                                    << "latency=150" << 0.0;
        QTest::newRow("latency 10x") << "latency"
                                     << "latency=500" << 0.0;
        QTest::newRow("heartbeat at grace") << "heartbeat"
                                            << "heartbeat=1500" << 1.0;
        QTest::newRow("heartbeat 3.25 intervals") << "heartbeat"
                                                  << "heartbeat=3250" << 0.5;
        QTest::newRow("heartbeat dead") << "heartbeat"
                                        << "heartbeat=5000" << 0.0;
        QTest::newRow("one crash") << "incidents"
                                   << "crashes=1" << 0.5;
        QTest::newRow("two reconnects") << "incidents"
                                        << "reconnects=2" << 0.6;
        QTest::newRow("many crashes floor at 0") << "incidents"
                                                 << "crashes=9" << 0.0;
        QTest::newRow("memory 70%") << "memory"
                                    << "memory=700" << 1.0;
        QTest::newRow("memory 82.5%") << "memory"
                                      << "memory=825" << 0.5;
        QTest::newRow("memory over limit") << "memory"
                                           << "memory=2000" << 0.0;
    }
    void factorByFactor()
    {
        QFETCH(QString, name);
        QFETCH(QString, change);
        QFETCH(double, factorScore);
        HostObservations o = healthy();
        const QString key = change.section(QLatin1Char('='), 0, 0);
        const double v = change.section(QLatin1Char('='), 1).toDouble();
        if (key == QLatin1String("failures")) {
            o.failures = qint64(v);
        } else if (key == QLatin1String("slow")) {
            o.slowCalls = qint64(v);
        } else if (key == QLatin1String("latency")) {
            o.latencyMs = v;
        } else if (key == QLatin1String("heartbeat")) {
            o.heartbeatAgeMs = v;
        } else if (key == QLatin1String("crashes")) {
            o.crashes = int(v);
        } else if (key == QLatin1String("reconnects")) {
            o.reconnects = int(v);
        } else if (key == QLatin1String("memory")) {
            o.memoryUsedBytes = v * 1e6;
        }
        const auto r = HealthScorer().score(o);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const HealthFactor *f = factor(r.value(), name.toLatin1().constData());
        QVERIFY(f);
        QVERIFY(f->hasData);
        QVERIFY2(qAbs(f->score - factorScore) < 1e-9, qPrintable(QString::number(f->score)));
        // No peers given: peers has no data, so the total is over the other 95 weight points.
        const double expected = 100.0 * (95.0 - f->weight * (1.0 - factorScore)) / 95.0;
        QVERIFY2(qAbs(r->score - expected) < 1e-9, qPrintable(QString::number(r->score)));
        QVERIFY(qAbs(r->coverage - 0.95) < 1e-12);
    }

    void noDataScoresNeutral()
    {
        HostObservations o;
        o.hostId = QStringLiteral("new");
        const auto r = HealthScorer().score(o);
        QVERIFY(r.ok());
        QCOMPARE(r->score, 50.0);
        QCOMPARE(r->coverage, 0.0);
        for (const HealthFactor &f : r->factors) {
            QVERIFY(!f.hasData);
            QVERIFY(std::isnan(f.rawValue));
            QCOMPARE(f.contribution, 0.0);
            QVERIFY(f.explanation.startsWith(QLatin1String("no data")));
        }
        // JSON: raw values without data are null, not NaN (which JSON cannot hold).
        const QJsonObject json = r->toJson();
        QVERIFY(json.value(QStringLiteral("factors"))
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(QStringLiteral("rawValue"))
                    .isNull());
    }

    void tooFewCallsAreNoData()
    {
        HostObservations o = healthy();
        o.calls = 4;
        o.failures = 4;
        const auto r = HealthScorer().score(o);
        QVERIFY(r.ok());
        QVERIFY(!factor(r.value(), "successRate")->hasData);
        QVERIFY(!factor(r.value(), "slowCallRate")->hasData);
        QCOMPARE(r->score, 100.0); // the other factors are perfect
    }

    void allFailuresEverywhere()
    {
        HostObservations o = healthy();
        o.failures = 100;
        o.slowCalls = 100;
        o.latencyMs = 1000;
        o.heartbeatAgeMs = 60'000;
        o.crashes = 3;
        o.memoryUsedBytes = 1000e6;
        const auto r = HealthScorer().score(o);
        QVERIFY(r.ok());
        QCOMPARE(r->score, 0.0);
    }

    void peerOutliers_data()
    {
        QTest::addColumn<int>("failures"); // host's failures of 100
        QTest::addColumn<double>("latencyMs");
        QTest::addColumn<double>("expectedPeerScore");
        // Peers: success 100%, 98%, 96%  -> mean 98%, sigma 1.63% floored to 5%: bound 88%.
        // Peers latency 50, 55, 45 -> mean 50, sigma 4.08 floored to 5: bound 60 ms.
        QTest::newRow("in the pack") << 2 << 50.0 << 1.0;
        QTest::newRow("at the success bound") << 12 << 50.0 << 1.0;
        QTest::newRow("one sigma below the bound") << 17 << 50.0 << 0.5;
        QTest::newRow("two sigma below the bound") << 22 << 50.0 << 0.0;
        QTest::newRow("slow outlier") << 2 << 65.0 << 0.5;
        QTest::newRow("worse of both") << 17 << 70.0 << 0.0;
    }
    void peerOutliers()
    {
        QFETCH(int, failures);
        QFETCH(double, latencyMs);
        QFETCH(double, expectedPeerScore);
        HostObservations host = healthy(QStringLiteral("me"));
        host.failures = failures;
        host.latencyMs = latencyMs;
        host.baselineLatencyMs = latencyMs; // isolate the peer factor from the baseline factor
        QList<HostObservations> peers;
        const int peerFailures[] = {0, 2, 4};
        const double peerLatency[] = {50, 55, 45};
        for (int i = 0; i < 3; ++i) {
            HostObservations p = healthy(QStringLiteral("p%1").arg(i));
            p.failures = peerFailures[i];
            p.latencyMs = peerLatency[i];
            peers.append(p);
        }
        peers.append(host); // the host itself in the list is skipped
        const auto r = HealthScorer().score(host, peers);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const HealthFactor *f = factor(r.value(), "peers");
        QVERIFY(f->hasData);
        QVERIFY2(qAbs(f->score - expectedPeerScore) < 1e-6,
                 qPrintable(QString::number(f->score) + f->explanation));
        QVERIFY(f->explanation.contains(QLatin1String("vs peers")));
    }

    void tooFewPeersIsNoData()
    {
        const auto r = HealthScorer().score(healthy(), {healthy(QStringLiteral("only"))});
        QVERIFY(r.ok());
        QVERIFY(!factor(r.value(), "peers")->hasData);
    }

    void invalidInputsAreRejected_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<bool>("onPeer");
        for (bool peer : {false, true}) {
            const char *who = peer ? "peer " : "host ";
            QTest::addRow("%sNaN latency", who) << "latencyMs=nan" << peer;
            QTest::addRow("%snegative latency", who) << "latencyMs=-1" << peer;
            QTest::addRow("%sinfinite baseline", who) << "baselineLatencyMs=inf" << peer;
            QTest::addRow("%snegative heartbeat", who) << "heartbeatAgeMs=-5" << peer;
            QTest::addRow("%szero interval", who) << "heartbeatIntervalMs=0" << peer;
            QTest::addRow("%sNaN memory", who) << "memoryUsedBytes=nan" << peer;
            QTest::addRow("%szero memory limit", who) << "memoryLimitBytes=0" << peer;
            QTest::addRow("%sfailures over calls", who) << "failures=101" << peer;
            QTest::addRow("%sslow over calls", who) << "slowCalls=101" << peer;
            QTest::addRow("%snegative calls", who) << "calls=-1" << peer;
            QTest::addRow("%snegative crashes", who) << "crashes=-1" << peer;
        }
    }
    void invalidInputsAreRejected()
    {
        QFETCH(QString, field);
        QFETCH(bool, onPeer);
        HostObservations bad = healthy(onPeer ? QStringLiteral("peer-x") : QStringLiteral("host-x"));
        const QString key = field.section(QLatin1Char('='), 0, 0);
        const QString text = field.section(QLatin1Char('='), 1);
        const double v = text == QLatin1String("nan")   ? kNaN
                         : text == QLatin1String("inf") ? std::numeric_limits<double>::infinity()
                                                        : text.toDouble();
        if (key == QLatin1String("latencyMs")) {
            bad.latencyMs = v;
        } else if (key == QLatin1String("baselineLatencyMs")) {
            bad.baselineLatencyMs = v;
        } else if (key == QLatin1String("heartbeatAgeMs")) {
            bad.heartbeatAgeMs = v;
        } else if (key == QLatin1String("heartbeatIntervalMs")) {
            bad.heartbeatIntervalMs = v;
        } else if (key == QLatin1String("memoryUsedBytes")) {
            bad.memoryUsedBytes = v;
        } else if (key == QLatin1String("memoryLimitBytes")) {
            bad.memoryLimitBytes = v;
        } else if (key == QLatin1String("failures")) {
            bad.failures = qint64(v);
        } else if (key == QLatin1String("slowCalls")) {
            bad.slowCalls = qint64(v);
        } else if (key == QLatin1String("calls")) {
            bad.calls = qint64(v);
        } else if (key == QLatin1String("crashes")) {
            bad.crashes = int(v);
        }
        QVERIFY(!HealthScorer::validate(bad).isEmpty());
        const auto r = onPeer ? HealthScorer().score(healthy(), {bad}) : HealthScorer().score(bad);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(bad.hostId), qPrintable(r.error()));
        if (onPeer) {
            QVERIFY(r.error().startsWith(QLatin1String("peer ")));
        }
        QVERIFY(!r.error().isEmpty());
    }

    void customWeightsAndInvalidConfig()
    {
        HealthScorerConfig c;
        c.successRateWeight = 1;
        c.slowCallRateWeight = 0;
        c.latencyWeight = 0;
        c.heartbeatWeight = 0;
        c.incidentsWeight = 0;
        c.memoryWeight = 0;
        c.peersWeight = 0;
        QCOMPARE(c.validate(), QString());
        HostObservations o = healthy();
        o.failures = 30;
        o.latencyMs = 1000; // weight 0: ignored
        const auto r = HealthScorer(c).score(o);
        QVERIFY(qAbs(r->score - 70.0) < 1e-9);

        HealthScorerConfig bad;
        bad.successRateWeight = -1;
        QVERIFY(!bad.validate().isEmpty());
        bad = HealthScorerConfig{};
        bad.peerK = qQNaN();
        QVERIFY(!bad.validate().isEmpty());
        bad = HealthScorerConfig{};
        bad.memoryFull = 0.5; // below comfortable
        QVERIFY(!bad.validate().isEmpty());
        HealthScorer fallback(bad);
        QCOMPARE(fallback.config().memoryFull, HealthScorerConfig{}.memoryFull);
    }
};

QTEST_GUILESS_MAIN(tst_HealthScorer)
#include "tst_HealthScorer.moc"
