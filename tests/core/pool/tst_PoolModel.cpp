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
};

QTEST_GUILESS_MAIN(tst_PoolModel)
#include "tst_PoolModel.moc"
