#include "pool/HealthHistoryModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace accel;

namespace {
PoolHostInfo info(const QString &id, double health, BreakerState b = BreakerState::Closed)
{
    PoolHostInfo h;
    h.id = id;
    h.health = health;
    h.breaker = b;
    return h;
}
} // namespace

class tst_HealthHistoryModel : public QObject
{
    Q_OBJECT
private slots:
    void sampling_data()
    {
        QTest::addColumn<qint64>("secondAtMs");
        QTest::addColumn<double>("secondHealth");
        QTest::addColumn<int>("rows");
        QTest::newRow("same value, too soon") << qint64(1500) << 90.0 << 1;
        QTest::newRow("same value, interval passed") << qint64(2000) << 90.0 << 2;
        QTest::newRow("changed value, soon") << qint64(1100) << 80.0 << 2;
    }
    void sampling()
    {
        QFETCH(qint64, secondAtMs);
        QFETCH(double, secondHealth);
        QFETCH(int, rows);
        HealthHistoryModel m(60'000, 1'000);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.record({info("a", 90)}, 1000);
        m.record({info("a", secondHealth)}, secondAtMs);
        QCOMPARE(m.rowCount(), rows);
        QCOMPARE(m.index(0, HealthHistoryModel::HealthColumn).data(HealthHistoryModel::HealthRole).toDouble(),
                 90.0);
    }

    void breakerChangeIsSampled()
    {
        HealthHistoryModel m(60'000, 1'000);
        m.record({info("a", 90)}, 1000);
        m.record({info("a", 90, BreakerState::Open)}, 1001);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(1, HealthHistoryModel::BreakerColumn).data().toString(), QStringLiteral("open"));
    }

    void boundedHistory()
    {
        HealthHistoryModel m(10'000, 1'000);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
        for (qint64 t = 0; t <= 60'000; t += 1000) {
            m.record({info("a", 50), info("b", 60)}, t);
        }
        // 11 timestamps (50..60 s inclusive) x 2 hosts survive.
        QCOMPARE(m.rowCount(), 22);
        QVERIFY(removed.count() > 0);
        QCOMPARE(m.sampleAt(0).timeMs, 50'000);
        QCOMPARE(m.hostIds(), (QStringList{"a", "b"}));
        // A host that stops reporting disappears once its samples age out.
        for (qint64 t = 61'000; t <= 75'000; t += 1000) {
            m.record({info("a", 50)}, t);
        }
        QCOMPARE(m.hostIds(), QStringList{"a"});
    }

    void timeNeverGoesBack()
    {
        HealthHistoryModel m(10'000, 1'000);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.record({info("a", 50)}, 5000);
        m.record({info("a", 40)}, 100); // clock skew in input: clamped, rows stay ordered
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.sampleAt(1).timeMs, 5000);
        m.record({info("", 40)}, 6000); // no id: ignored
        QCOMPARE(m.rowCount(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_HealthHistoryModel)
#include "tst_HealthHistoryModel.moc"
