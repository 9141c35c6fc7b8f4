#include "history/ChangePointTableModel.h"
#include "history/MetricCatalogue.h"
#include "history/SeriesAnalysisModel.h"
#include "history/SyntheticSeries.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QTest>

#include <cmath>

using namespace accel;

class tst_AnalysisModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void catalogue()
    {
        const auto &all = MetricCatalogue::all();
        QVERIFY(all.size() >= 30);
        QSet<QString> names;
        QSet<QString> sources;
        for (const MetricDefinition &d : all) {
            QVERIFY2(!names.contains(d.name), qPrintable(d.name));
            names.insert(d.name);
            sources.insert(d.source);
            QVERIFY(!d.unit.isEmpty());
            QVERIFY(!d.description.isEmpty());
            QVERIFY(d.direction == MetricDirection::LowerIsBetter ||
                    d.direction == MetricDirection::HigherIsBetter);
            QCOMPARE(MetricCatalogue::find(d.name), &d);
        }
        QVERIFY(sources.contains(QStringLiteral("pool")) && sources.contains(QStringLiteral("sharding")) &&
                sources.contains(QStringLiteral("cluster")));
        QCOMPARE(MetricCatalogue::find(QStringLiteral("pool.throughput"))->direction,
                 MetricDirection::HigherIsBetter);
        QVERIFY(!MetricCatalogue::find(QStringLiteral("nope")));
        MetricDirection d = MetricDirection::LowerIsBetter;
        QVERIFY(parseMetricDirection(QStringLiteral("higher"), &d));
        QCOMPARE(d, MetricDirection::HigherIsBetter);
        QVERIFY(!parseMetricDirection(QStringLiteral("up"), &d));
    }

    void modelsFollowTheAnalysis()
    {
        SeriesAnalysisModel points;
        ChangePointTableModel changes;
        QAbstractItemModelTester t1(&points, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&changes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(points.rowCount(), 0);

        SyntheticSeries gen(2);
        const auto s = gen.make(120, 10.0, 0.5, SyntheticSeries::Noise::Gaussian, {60}, {-8.0}, {30}, 20.0);
        Series series;
        series.values = s.values;
        for (int i = 0; i < 120; ++i) {
            series.timestampsMs.push_back(1'700'000'000'000 + i * 1000);
        }
        SeriesAnalysis::Options o;
        o.direction = MetricDirection::HigherIsBetter;
        const auto report = SeriesAnalysis::run(series, o);
        points.setAnalysis(series, report);
        changes.setAnalysis(series, report);
        QCOMPARE(points.rowCount(), 120 + 10);
        QCOMPARE(points.pointRows(), 120);
        QCOMPARE(changes.rowCount(), 1);
        QCOMPARE(changes.regressionCount(), 1); // higher is better and it went down
        QCOMPARE(changes.index(0, ChangePointTableModel::Verdict).data().toString(),
                 QStringLiteral("regression"));
        QCOMPARE(points.index(60, SeriesAnalysisModel::ChangeStart).data().toString(),
                 QStringLiteral("change"));
        QVERIFY(!points.index(59, SeriesAnalysisModel::ChangeStart).data().isValid());
        QVERIFY(std::isfinite(points.index(30, SeriesAnalysisModel::AnomalyScore)
                                  .data(SeriesAnalysisModel::NumericRole)
                                  .toDouble()));
        QCOMPARE(points.xOf(121), double(1'700'000'000'000 + 119 * 1000 + 2 * 1000));
        QVERIFY(std::isnan(points.numeric(10, SeriesAnalysisModel::Forecast)));
        QVERIFY(std::isfinite(points.numeric(125, SeriesAnalysisModel::Forecast)));
        QVERIFY(!points.index(125, SeriesAnalysisModel::Value).data().isValid());
        const QByteArray csv = points.toCsv();
        QCOMPARE(csv.count('\n'), 131);
        QVERIFY(csv.startsWith("x,value,trend"));
        points.clear();
        QCOMPARE(points.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_AnalysisModels)
#include "tst_AnalysisModels.moc"
