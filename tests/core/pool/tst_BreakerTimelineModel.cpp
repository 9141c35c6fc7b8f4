#include "pool/BreakerTimelineModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace accel;

class tst_BreakerTimelineModel : public QObject
{
    Q_OBJECT
private slots:
    void segments()
    {
        BreakerTimelineModel m(60'000);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.hostAppeared("a", BreakerState::Closed, 1000, "added");
        m.hostAppeared("a", BreakerState::Closed, 1100, "again"); // already open: no-op
        m.hostAppeared("b", BreakerState::Closed, 1200, "added");
        QCOMPARE(m.rowCount(), 2);

        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.applyTransition({"a", 2000, BreakerState::Closed, BreakerState::Open, "host crashed"});
        m.applyTransition({"a", 7000, BreakerState::Open, BreakerState::HalfOpen, "open period over"});
        m.applyTransition({"a", 8000, BreakerState::HalfOpen, BreakerState::Closed, "3 probes succeeded"});
        QCOMPARE(m.rowCount(), 5);
        QCOMPARE(changed.count(), 3); // each transition ends the previous segment (one cell)
        QCOMPARE(m.segmentAt(0).endMs, 2000);
        QCOMPARE(m.segmentAt(2).state, BreakerState::Open);
        QCOMPARE(m.segmentAt(2).reason, QStringLiteral("host crashed"));
        QCOMPARE(m.index(2, BreakerTimelineModel::ReasonColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("host crashed"));
        QCOMPARE(m.segmentAt(4).endMs, -1);
        QCOMPARE(m.index(4, BreakerTimelineModel::EndColumn).data().toString(), QStringLiteral("-"));

        // Same-state and empty-id transitions change nothing.
        m.applyTransition({"a", 9000, BreakerState::Closed, BreakerState::Closed, "noop"});
        m.applyTransition({"", 9000, BreakerState::Closed, BreakerState::Open, "noop"});
        QCOMPARE(m.rowCount(), 5);

        m.hostGone("b", 9500, "closed by operator");
        QCOMPARE(m.segmentAt(1).endMs, 9500);
        QVERIFY(m.segmentAt(1).reason.contains("closed by operator"));
        QCOMPARE(m.hostIds(), (QStringList{"a", "b"}));
    }

    void transitionWithoutBandStartsOne()
    {
        BreakerTimelineModel m(60'000);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.applyTransition({"z", 10, BreakerState::Closed, BreakerState::ForcedOpen, "isolated"});
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.index(0, BreakerTimelineModel::StateColumn)
                     .data(BreakerTimelineModel::BreakerStateRole)
                     .toInt(),
                 int(BreakerState::ForcedOpen));
    }

    void trimming()
    {
        BreakerTimelineModel m(10'000);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.hostAppeared("a", BreakerState::Closed, 0, "");
        for (int i = 1; i <= 20; ++i) {
            m.applyTransition({"a", i * 1000, i % 2 ? BreakerState::Closed : BreakerState::Open,
                               i % 2 ? BreakerState::Open : BreakerState::Closed, "flap"});
        }
        QCOMPARE(m.rowCount(), 21);
        m.trim(20'000);
        // Segments that ended before 10 s are gone; the rest, including the open one, stay.
        QCOMPARE(m.rowCount(), 12);
        QCOMPARE(m.segmentAt(0).endMs, 10'000);
        QCOMPARE(m.segmentAt(m.rowCount() - 1).endMs, -1);
    }
};

QTEST_GUILESS_MAIN(tst_BreakerTimelineModel)
#include "tst_BreakerTimelineModel.moc"
