// CI regression verdicts: direction, threshold and significance each decide; too few or bad
// samples say so; store baselines must be like for like (same hardware and browser version).
#include "history/MetricsStore.h"
#include "history/RegressionGate.h"

#include <QTemporaryDir>
#include <QTest>

#include <vector>

using accel::MetricDirection;
using accel::RegressionGate;

namespace {

// n samples around `center` with a fixed +-2 % wobble (deterministic).
std::vector<double> around(double center, int n)
{
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        v.push_back(center * (1.0 + 0.02 * ((i % 5) - 2) / 2.0));
    }
    return v;
}

} // namespace

class tst_RegressionGate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void judge_data()
    {
        QTest::addColumn<double>("base");
        QTest::addColumn<double>("cand");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("direction");
        QTest::addColumn<int>("verdict");
        const int lower = int(MetricDirection::LowerIsBetter);
        const int higher = int(MetricDirection::HigherIsBetter);
        using V = RegressionGate::Verdict;
        QTest::newRow("latency up 20 %") << 100.0 << 120.0 << 20 << lower << int(V::Regressed);
        QTest::newRow("latency down 20 %") << 100.0 << 80.0 << 20 << lower << int(V::Improved);
        QTest::newRow("throughput down 20 %") << 100.0 << 80.0 << 20 << higher << int(V::Regressed);
        QTest::newRow("throughput up 20 %") << 100.0 << 120.0 << 20 << higher << int(V::Improved);
        QTest::newRow("below threshold") << 100.0 << 103.0 << 20 << lower << int(V::Unchanged);
        QTest::newRow("same") << 100.0 << 100.0 << 20 << lower << int(V::Unchanged);
        QTest::newRow("too few") << 100.0 << 150.0 << 3 << lower << int(V::InsufficientData);
    }

    void judge()
    {
        QFETCH(double, base);
        QFETCH(double, cand);
        QFETCH(int, n);
        QFETCH(int, direction);
        QFETCH(int, verdict);
        RegressionGate::Options options;
        options.direction = MetricDirection(direction);
        const auto b = around(base, n);
        const auto c = around(cand, n);
        const RegressionGate::Result r = RegressionGate::judge(b, c, options);
        QCOMPARE(int(r.verdict), verdict);
        QVERIFY(!r.reason.isEmpty());
        QCOMPARE(RegressionGate::toJson(r).value(QStringLiteral("verdict")).toString(),
                 RegressionGate::toString(r.verdict));
    }

    void oneOutlierDoesNotFailTheBuild()
    {
        // A big spike in a small candidate moves the mean a lot but neither the median nor the
        // rank test: unchanged.
        auto base = around(100.0, 10);
        auto cand = around(100.0, 10);
        cand[3] = 10'000.0;
        RegressionGate::Options options;
        QCOMPARE(RegressionGate::judge(base, cand, options).verdict, RegressionGate::Verdict::Unchanged);
    }

    void rejectsNonFinite()
    {
        auto base = around(100.0, 10);
        auto cand = around(120.0, 10);
        cand[0] = std::numeric_limits<double>::quiet_NaN();
        const auto r = RegressionGate::judge(base, cand, {});
        QCOMPARE(r.verdict, RegressionGate::Verdict::InsufficientData);
        QVERIFY(r.reason.contains(QStringLiteral("NaN")));
    }

    void fromStoreLikeForLike()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        accel::MetricsStore store(dir.filePath(QStringLiteral("m.sqlite")));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        accel::MetricTags v120;
        v120.host = QStringLiteral("h1");
        v120.browser = QStringLiteral("chromium");
        v120.browserVersion = QStringLiteral("120");
        accel::MetricTags v121 = v120;
        v121.browserVersion = QStringLiteral("121");
        const qint64 t0 = 1'700'000'000'000;
        QList<accel::MetricSample> samples;
        const auto base = around(50.0, 12);
        const auto slow = around(65.0, 12);
        for (int i = 0; i < 12; ++i) {
            samples.append({QStringLiteral("sharding.stage_latency"), v120, t0 + i * 1000, base[size_t(i)]});
            samples.append(
                {QStringLiteral("sharding.stage_latency"), v120, t0 + 100'000 + i * 1000, slow[size_t(i)]});
            samples.append(
                {QStringLiteral("sharding.stage_latency"), v121, t0 + 100'000 + i * 1000, base[size_t(i)]});
        }
        store.record(samples);
        QVERIFY2(store.flush(&error), qPrintable(error));

        accel::MetricQuery baseline;
        baseline.metric = QStringLiteral("sharding.stage_latency");
        baseline.tags = v120;
        baseline.fromMs = t0;
        baseline.toMs = t0 + 50'000;
        accel::MetricQuery candidate = baseline;
        candidate.fromMs = t0 + 100'000;
        candidate.toMs = t0 + 200'000;
        RegressionGate::Result r;
        QVERIFY2(RegressionGate::judgeFromStore(&store, baseline, candidate, {}, &r, &error),
                 qPrintable(error));
        QCOMPARE(r.verdict, RegressionGate::Verdict::Regressed);
        QCOMPARE(r.baselineCount, 12);
        QCOMPARE(r.candidateCount, 12);

        // Another browser version is not a baseline for this one.
        candidate.tags = v121;
        QVERIFY(!RegressionGate::judgeFromStore(&store, baseline, candidate, {}, &r, &error));
        QVERIFY(error.contains(QStringLiteral("same tags")));
    }
};

QTEST_GUILESS_MAIN(tst_RegressionGate)
#include "tst_RegressionGate.moc"
