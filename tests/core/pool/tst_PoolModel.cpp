#include "common/Clock.h"
#include "pool/PoolModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace accel;

namespace {
PoolHostInfo info(const QString &id, PoolHostState state = PoolHostState::Ready)
{
    PoolHostInfo h;
    h.id = id;
    h.kind = HostKind::Chromium;
    h.state = state;
    h.health = 100;
    h.backends = {QStringLiteral("wasm-simd")};
    h.lastHeartbeatMs = 1000;
    return h;
}
} // namespace

class tst_PoolModel : public QObject
{
    Q_OBJECT
private slots:
    void insertUpdateRemove()
    {
        ManualClock clock(0);
        clock.setNs(3'500'000'000);
        PoolModel m(&clock);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy counts(&m, &PoolModel::countsChanged);
        QCOMPARE(m.columnCount(), int(PoolModel::ColumnCount));

        m.upsert(info(QStringLiteral("a")));
        m.upsert(info(QStringLiteral("b"), PoolHostState::Starting));
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.connectedCount(), 1);
        QCOMPARE(counts.last().at(0).toInt(), 1);
        QCOMPARE(counts.last().at(1).toInt(), 2);
        QCOMPARE(m.index(0, PoolModel::HostColumn).data().toString(), QStringLiteral("a"));
        QCOMPARE(m.index(0, PoolModel::KindColumn).data().toString(), QStringLiteral("chromium"));
        QCOMPARE(m.index(0, PoolModel::HeartbeatColumn).data().toString(), QStringLiteral("2.5 s ago"));
        QCOMPARE(m.index(0, PoolModel::LatencyColumn).data().toString(), QStringLiteral("-"));
        QCOMPARE(m.index(1, PoolModel::StateColumn).data().toString(), QStringLiteral("starting"));

        // Unchanged info: no signal at all.
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.upsert(info(QStringLiteral("a")));
        QCOMPARE(changed.count(), 0);

        // Health only: exactly that cell.
        PoolHostInfo a = info(QStringLiteral("a"));
        a.health = 42.4;
        m.upsert(a);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(), m.index(0, PoolModel::HealthColumn));
        QCOMPARE(changed.at(0).at(1).toModelIndex(), m.index(0, PoolModel::HealthColumn));
        QCOMPARE(m.index(0, PoolModel::HealthColumn).data(PoolModel::HealthRole).toDouble(), 42.4);
        QCOMPARE(m.index(0, PoolModel::HealthColumn).data().toString(), QStringLiteral("42"));

        // Breaker and latency: the span between them, one row.
        a.breaker = BreakerState::Open;
        a.latencyMs = 7;
        m.upsert(a);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.at(1).at(0).toModelIndex(), m.index(0, PoolModel::BreakerColumn));
        QCOMPARE(changed.at(1).at(1).toModelIndex(), m.index(0, PoolModel::LatencyColumn));
        QCOMPARE(m.index(0, 0).data(PoolModel::BreakerStateRole).toInt(), int(BreakerState::Open));
        QCOMPARE(m.index(0, PoolModel::LatencyColumn).data().toString(), QStringLiteral("7 ms"));

        m.remove(QStringLiteral("a"));
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.hostIdAt(0), QStringLiteral("b"));
        QCOMPARE(m.connectedCount(), 0);
        m.remove(QStringLiteral("nope")); // no-op
        QCOMPARE(m.rowCount(), 1);
    }

    void rejectsBadInput()
    {
        PoolModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.upsert(PoolHostInfo{}); // no id
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(!m.index(5, 0).data().isValid());
        QCOMPARE(m.hostIdAt(-1), QString());
        QCOMPARE(m.rowOf(QStringLiteral("x")), -1);
    }

    void resetDropsDuplicates()
    {
        PoolModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.resetHosts({info("a"), info("b"), info("a")});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.headerData(PoolModel::HealthColumn, Qt::Horizontal).toString(), QStringLiteral("Health"));
        QCOMPARE(m.index(1, PoolModel::LatencyColumn).data(PoolModel::SortRole).toLongLong(), -1);
    }

    void weightsColumn_data()
    {
        QTest::addColumn<qint64>("weightBytes");
        QTest::addColumn<qint64>("limitBytes");
        QTest::addColumn<QString>("text");
        constexpr qint64 MiB = 1024 * 1024;
        QTest::newRow("unknown") << qint64(-1) << qint64(-1) << QStringLiteral("-");
        QTest::newRow("held unknown") << qint64(-1) << 2048 * MiB << QStringLiteral("-");
        QTest::newRow("limit unknown") << 5 * MiB << qint64(-1) << QStringLiteral("-");
        QTest::newRow("nothing held") << qint64(0) << 2048 * MiB << QStringLiteral("0.0 / 2048 MiB");
        QTest::newRow("12.3 of 2048")
            << 12 * MiB + 3 * MiB / 10 << 2048 * MiB << QStringLiteral("12.3 / 2048 MiB");
        QTest::newRow("fractional cap")
            << qint64(512 * 1024) << 5 * MiB / 2 << QStringLiteral("0.5 / 2.5 MiB");
        QTest::newRow("over 1 TiB") << 1536 * 1024 * MiB << 2048 * 1024 * MiB
                                    << QStringLiteral("1572864.0 / 2097152 MiB");
    }
    void weightsColumn()
    {
        QFETCH(qint64, weightBytes);
        QFETCH(qint64, limitBytes);
        QFETCH(QString, text);
        PoolModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.upsert(info(QStringLiteral("a")));
        QCOMPARE(m.index(0, PoolModel::WeightsColumn).data().toString(), QStringLiteral("-"));
        QCOMPARE(m.headerData(PoolModel::WeightsColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Weights"));

        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        PoolHostInfo a = info(QStringLiteral("a"));
        a.weightBytes = weightBytes;
        a.weightLimitBytes = limitBytes;
        m.upsert(a);
        const QModelIndex cell = m.index(0, PoolModel::WeightsColumn);
        QCOMPARE(cell.data().toString(), text);
        QCOMPARE(PoolModel::formatWeights(weightBytes, limitBytes), text);
        QCOMPARE(cell.data(PoolModel::WeightBytesRole).toLongLong(), weightBytes);
        QCOMPARE(cell.data(PoolModel::WeightLimitBytesRole).toLongLong(), limitBytes);
        QCOMPARE(cell.data(PoolModel::SortRole).toLongLong(), weightBytes);
        QCOMPARE(cell.data(Qt::ToolTipRole).isValid(), a.freeWeightBytes() >= 0);
        if (weightBytes == -1 && limitBytes == -1) {
            QCOMPARE(changed.count(), 0); // nothing changed
            return;
        }
        // Only the weights cell changed.
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(), cell);
        QCOMPARE(changed.at(0).at(1).toModelIndex(), cell);
    }

    void freeWeightBytes_data()
    {
        QTest::addColumn<qint64>("held");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<qint64>("reusable");
        QTest::addColumn<qint64>("free");
        QTest::newRow("plain") << qint64(3) << qint64(10) << qint64(0) << qint64(7);
        QTest::newRow("full") << qint64(10) << qint64(10) << qint64(0) << qint64(0);
        QTest::newRow("over the limit clamps to 0") << qint64(12) << qint64(10) << qint64(0) << qint64(0);
        QTest::newRow("reusable counts as free") << qint64(8) << qint64(10) << qint64(5) << qint64(7);
        QTest::newRow("reusable beyond held") << qint64(2) << qint64(10) << qint64(5) << qint64(10);
        QTest::newRow("negative reusable ignored") << qint64(2) << qint64(10) << qint64(-5) << qint64(8);
        QTest::newRow("held unknown") << qint64(-1) << qint64(10) << qint64(0) << qint64(-1);
        QTest::newRow("limit unknown") << qint64(1) << qint64(-1) << qint64(0) << qint64(-1);
    }
    void freeWeightBytes()
    {
        QFETCH(qint64, held);
        QFETCH(qint64, limit);
        QFETCH(qint64, reusable);
        QFETCH(qint64, free);
        QCOMPARE(accel::freeWeightBytes(held, limit, reusable), free);
        PoolHostInfo h;
        h.weightBytes = held;
        h.weightLimitBytes = limit;
        QCOMPARE(h.freeWeightBytes(reusable), free);
    }
};

QTEST_GUILESS_MAIN(tst_PoolModel)
#include "tst_PoolModel.moc"
