#include "resilience/BreakerBenchmark.h"

#include <QJsonArray>
#include <QTest>

using accel::BreakerBenchmark;

// Checks the benchmark's plumbing and report, not the machine's speed (that is what
// `accelctl bench breaker --check` is for).
class tst_BreakerBenchmark : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void optionsAreValidated_data()
    {
        QTest::addColumn<qint64>("calls");
        QTest::addColumn<int>("repeats");
        QTest::addColumn<bool>("valid");
        QTest::newRow("defaults") << BreakerBenchmark::Options{}.calls << BreakerBenchmark::Options{}.repeats
                                  << true;
        QTest::newRow("too few calls") << qint64(999) << 3 << false;
        QTest::newRow("negative calls") << qint64(-5) << 3 << false;
        QTest::newRow("zero repeats") << qint64(10'000) << 0 << false;
        QTest::newRow("too many repeats") << qint64(10'000) << 101 << false;
    }
    void optionsAreValidated()
    {
        QFETCH(qint64, calls);
        QFETCH(int, repeats);
        QFETCH(bool, valid);
        BreakerBenchmark::Options o;
        o.calls = calls;
        o.repeats = repeats;
        QCOMPARE(BreakerBenchmark::validate(o).isEmpty(), valid);
    }

    void smallRunProducesAReport()
    {
        BreakerBenchmark::Options o;
        o.calls = 20'000;
        o.repeats = 3;
        const BreakerBenchmark::Report r = BreakerBenchmark::run(o);
        QStringList ids;
        for (const BreakerBenchmark::Row &row : r.rows) {
            ids.append(row.id);
            QVERIFY2(row.nsPerCall > 0 && row.wallNsPerCall > 0, qPrintable(row.id));
            QVERIFY(row.ratioToBaseline > 0);
        }
        QCOMPARE(ids.first(), QStringLiteral("baseline"));
        QVERIFY(ids.contains(QStringLiteral("count")));
        QVERIFY(ids.contains(QStringLiteral("time")));
        QCOMPARE(r.rows.first().ratioToBaseline, 1.0);
        const QString text = r.toText();
        QVERIFY(text.contains(QLatin1String(" ns")));
        QVERIFY(text.contains(QLatin1String("x baseline")));
        QVERIFY(text.contains(r.targetsMet ? QLatin1String(": met") : QLatin1String(": MISSED")));
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value(QStringLiteral("rows")).toArray().size(), r.rows.size());
        QCOMPARE(json.value(QStringLiteral("targetsMet")).toBool(), r.targetsMet);
    }
};

QTEST_GUILESS_MAIN(tst_BreakerBenchmark)
#include "tst_BreakerBenchmark.moc"
