// Trend, anomaly and forecast detectors on synthetic series with known answers.
#include "history/AnomalyDetector.h"
#include "history/Forecaster.h"
#include "history/SeriesAnalysis.h"
#include "history/Statistics.h"
#include "history/SyntheticSeries.h"
#include "history/TrendAnalyzer.h"

#include <QTest>

#include <cmath>
#include <numbers>

using namespace accel;

class tst_SeriesDetectors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statistics()
    {
        const std::vector<double> v{1, 2, 3, 4, 100};
        QCOMPARE(Statistics::median(v), 3.0);
        QCOMPARE(Statistics::mad(v), 1.0);
        QCOMPARE(Statistics::median(std::vector<double>{4, 1, 3, 2}), 2.5);
        QVERIFY(std::isnan(Statistics::median(std::vector<double>{})));
        // Student t: t = 2.228 with 10 df is the 5% two-sided critical value.
        QVERIFY(std::abs(Statistics::studentTwoSidedP(2.228, 10) - 0.05) < 1e-3);
        QVERIFY(std::abs(Statistics::normalTwoSidedP(1.96) - 0.05) < 1e-3);
        QCOMPARE(Statistics::studentTwoSidedP(0.0, 5), 1.0);
        QVERIFY(Statistics::mannWhitneyP(std::vector<double>{1, 2, 3, 4, 5, 6},
                                         std::vector<double>{11, 12, 13, 14, 15, 16}) < 0.01);
        QVERIFY(Statistics::mannWhitneyP(std::vector<double>{1, 3, 5, 7}, std::vector<double>{2, 4, 6, 8}) >
                0.5);
    }

    void trend_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("slope");
        QTest::addColumn<int>("noise");
        QTest::addColumn<bool>("significant");
        const int g = int(SyntheticSeries::Noise::Gaussian);
        const int heavy = int(SyntheticSeries::Noise::HeavyTailed);
        QTest::newRow("ramp up") << 200 << 0.05 << g << true;
        QTest::newRow("ramp down") << 200 << -0.05 << g << true;
        QTest::newRow("ramp, heavy tails") << 200 << 0.05 << heavy << true;
        QTest::newRow("flat") << 200 << 0.0 << g << false;
        QTest::newRow("flat, heavy tails") << 300 << 0.0 << heavy << false;
        QTest::newRow("long ramp, sampled Theil-Sen") << 5000 << 0.002 << g << true;
    }

    void trend()
    {
        QFETCH(int, n);
        QFETCH(double, slope);
        QFETCH(int, noise);
        QFETCH(bool, significant);
        SyntheticSeries gen(77);
        auto s = gen.make(n, 50.0, 1.0, SyntheticSeries::Noise(noise), {}, {}, {}, 0.0);
        for (int i = 0; i < n; ++i) {
            s.values[size_t(i)] += slope * i;
        }
        const auto r = TrendAnalyzer::analyze(s.values);
        QVERIFY(r.enoughHistory);
        QCOMPARE(r.significant, significant);
        QCOMPARE(r.exact, n <= 3000);
        // Theil-Sen recovers the slope within a few standard errors.
        QVERIFY2(std::abs(r.slopePerPoint - slope) < 6.0 / std::pow(n, 1.5) * std::sqrt(12.0) + 1e-3,
                 qPrintable(QString::number(r.slopePerPoint)));
    }

    void trendRobustToSpikes()
    {
        std::vector<double> v;
        for (int i = 0; i < 100; ++i) {
            v.push_back(10.0 + 0.1 * i);
        }
        v[50] = 1000.0;
        v[80] = -500.0;
        const auto r = TrendAnalyzer::analyze(v);
        QVERIFY(std::abs(r.slopePerPoint - 0.1) < 1e-9);
        QVERIFY(std::abs(r.intercept - 10.0) < 1e-9);
    }

    void trendNeedsHistory_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("empty") << 0;
        QTest::newRow("one") << 1;
        QTest::newRow("nine") << 9;
    }

    void trendNeedsHistory()
    {
        QFETCH(int, n);
        const std::vector<double> v(size_t(n), 1.0);
        const auto r = TrendAnalyzer::analyze(v);
        QVERIFY(!r.enoughHistory);
        QVERIFY(!r.significant);
        QVERIFY(!Forecaster::forecast(v).enoughHistory);
    }

    void constantSeries()
    {
        const std::vector<double> v(100, 7.0);
        const auto t = TrendAnalyzer::analyze(v);
        QVERIFY(t.enoughHistory);
        QVERIFY(!t.significant);
        QCOMPARE(t.slopePerPoint, 0.0);
        QVERIFY(AnomalyDetector::detect(v).empty());
        const auto f = Forecaster::forecast(v);
        QVERIFY(f.enoughHistory);
        QCOMPARE(f.steps.front().value, 7.0);
        QCOMPARE(f.steps.front().lower, 7.0); // no noise, no uncertainty
    }

    void anomalies_data()
    {
        QTest::addColumn<QList<int>>("spikes");
        QTest::addColumn<double>("spikeSigmas");
        QTest::addColumn<int>("noise");
        const int g = int(SyntheticSeries::Noise::Gaussian);
        QTest::newRow("single spike") << QList<int>{120} << 12.0 << g;
        QTest::newRow("negative spike") << QList<int>{40} << -12.0 << g;
        QTest::newRow("burst of three") << QList<int>{100, 101, 102} << 10.0 << g;
        QTest::newRow("spike in laplace noise")
            << QList<int>{200} << 15.0 << int(SyntheticSeries::Noise::Laplace);
        QTest::newRow("no spike") << QList<int>{} << 0.0 << g;
    }

    void anomalies()
    {
        QFETCH(QList<int>, spikes);
        QFETCH(double, spikeSigmas);
        QFETCH(int, noise);
        SyntheticSeries gen(3);
        const auto s = gen.make(300, 20.0, 1.0, SyntheticSeries::Noise(noise), {}, {},
                                {spikes.begin(), spikes.end()}, spikeSigmas);
        const auto found = AnomalyDetector::detect(s.values);
        for (int spike : spikes) {
            const bool hit = std::any_of(found.begin(), found.end(),
                                         [spike](const Anomaly &a) { return a.index == spike; });
            QVERIFY2(hit, qPrintable(QStringLiteral("spike %1 missed").arg(spike)));
        }
        // Few false alarms: at most 1% of the clean points.
        QVERIFY2(int(found.size()) - int(spikes.size()) <= 3, qPrintable(QString::number(found.size())));
        for (const Anomaly &a : found) {
            QVERIFY(a.methods != 0);
            QVERIFY(a.score > 3.5);
        }
    }

    // A regression is not an anomaly: after a step the new level is judged in its own segment.
    void stepIsNotAnAnomalyWithinSegments()
    {
        SyntheticSeries gen(8);
        const auto s = gen.make(300, 20.0, 1.0, SyntheticSeries::Noise::Gaussian, {150}, {10.0}, {220}, 12.0);
        Series series;
        series.values = s.values;
        SeriesAnalysis::Options o;
        const auto report = SeriesAnalysis::run(series, o);
        QCOMPARE(int(report.changePoints.changes.size()), 1);
        QCOMPARE(report.changePoints.changes[0].index, 150);
        QCOMPARE(int(report.anomalies.size()), 1);
        QCOMPARE(report.anomalies[0].index, 220);
        QCOMPARE(report.forecastFromIndex, 150);
        QVERIFY(report.forecast.enoughHistory);
        QVERIFY(std::abs(report.forecast.steps[0].value - 30.0) < 1.5);
        QVERIFY(SeriesAnalysis::isRegression(MetricDirection::LowerIsBetter, 20, 30));
        QVERIFY(!SeriesAnalysis::isRegression(MetricDirection::HigherIsBetter, 20, 30));
    }

    void forecastFollowsTrendWithWideningInterval()
    {
        SyntheticSeries gen(21);
        auto s = gen.make(200, 10.0, 0.5, SyntheticSeries::Noise::Gaussian, {}, {}, {}, 0.0);
        for (int i = 0; i < 200; ++i) {
            s.values[size_t(i)] += 0.2 * i;
        }
        Forecaster::Options o;
        o.horizon = 20;
        const auto f = Forecaster::forecast(s.values, o);
        QVERIFY(f.enoughHistory);
        QCOMPARE(int(f.steps.size()), 20);
        QVERIFY(std::abs(f.trendPerPoint - 0.2) < 0.05);
        // The 20-step forecast lands near the continued line 10 + 0.2 * 219.
        QVERIFY(std::abs(f.steps.back().value - (10.0 + 0.2 * 219)) < 2.0);
        for (size_t i = 1; i < f.steps.size(); ++i) {
            QVERIFY(f.steps[i].upper - f.steps[i].lower >= f.steps[i - 1].upper - f.steps[i - 1].lower);
            QVERIFY(f.steps[i].lower <= f.steps[i].value && f.steps[i].value <= f.steps[i].upper);
        }
        // The one-step interval covers about 95% of one-step errors: its half-width ~ 1.96 sigma.
        const double half = (f.steps[0].upper - f.steps[0].lower) / 2.0;
        QVERIFY(half > 1.0 * 0.5 && half < 3.0 * 0.5);
    }

    void seasonalityIsNotARegression()
    {
        // A daily cycle (period 24) in hourly data: no change points, the trend is flat.
        SyntheticSeries gen(13);
        auto s = gen.make(24 * 20, 100.0, 1.0, SyntheticSeries::Noise::Gaussian, {}, {}, {}, 0.0);
        for (size_t i = 0; i < s.values.size(); ++i) {
            s.values[i] += 3.0 * std::sin(2.0 * std::numbers::pi * double(i) / 24.0);
        }
        Series series;
        series.values = s.values;
        const auto report = SeriesAnalysis::run(series, SeriesAnalysis::Options());
        QVERIFY2(report.changePoints.changes.empty(),
                 qPrintable(QString::number(report.changePoints.changes.size())));
        QVERIFY(!report.trend.significant);
    }
};

QTEST_GUILESS_MAIN(tst_SeriesDetectors)
#include "tst_SeriesDetectors.moc"
