#include "common/Clock.h"

#include <QTest>

using accel::Clock;
using accel::ManualClock;

class tst_Clock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void systemClockIsMonotonic()
    {
        const Clock *clock = Clock::system();
        QVERIFY(clock);
        qint64 previous = clock->nowNs();
        for (int i = 0; i < 10000; ++i) {
            const qint64 now = clock->nowNs();
            QVERIFY2(now >= previous, "steady clock went backwards");
            previous = now;
        }
    }

    void manualClockMovesOnlyWhenTold_data()
    {
        QTest::addColumn<qint64>("startNs");
        QTest::addColumn<qint64>("advanceMs");
        QTest::addColumn<qint64>("expectedMs");
        QTest::newRow("zero") << qint64(0) << qint64(0) << qint64(0);
        QTest::newRow("one second") << qint64(0) << qint64(1000) << qint64(1000);
        QTest::newRow("offset start") << qint64(5'000'000'000) << qint64(250) << qint64(5250);
    }

    void manualClockMovesOnlyWhenTold()
    {
        QFETCH(qint64, startNs);
        QFETCH(qint64, advanceMs);
        QFETCH(qint64, expectedMs);
        ManualClock clock(startNs);
        QCOMPARE(clock.nowNs(), startNs);
        QCOMPARE(clock.nowNs(), startNs); // reading does not move it
        clock.advanceMs(advanceMs);
        QCOMPARE(clock.nowMs(), expectedMs);
    }
};

QTEST_GUILESS_MAIN(tst_Clock)
#include "tst_Clock.moc"
