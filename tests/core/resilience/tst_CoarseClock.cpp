#include "resilience/CoarseClock.h"

#include <QTest>

using accel::Clock;
using accel::CoarseClock;

class tst_CoarseClock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void monotonicAndCloseToSteady()
    {
        const CoarseClock *coarse = CoarseClock::instance();
        QVERIFY(coarse);
        qint64 previous = coarse->nowNs();
        for (int i = 0; i < 100000; ++i) {
            const qint64 now = coarse->nowNs();
            QVERIFY2(now >= previous, "coarse clock went backwards");
            previous = now;
        }
        // Same epoch as the steady clock: coarse lags by at most its resolution (allow slack for
        // a descheduled test on a loaded machine).
        const qint64 resolution = CoarseClock::resolutionNs();
        QVERIFY(resolution >= 0);
        const qint64 before = Clock::system()->nowNs();
        const qint64 c = coarse->nowNs();
        const qint64 after = Clock::system()->nowNs();
        QVERIFY2(c <= after, qPrintable(QStringLiteral("coarse %1 after steady %2").arg(c).arg(after)));
        QVERIFY2(c >= before - resolution - 50'000'000,
                 qPrintable(QStringLiteral("coarse %1 lags steady %2 by more than %3 ns + 50 ms")
                                .arg(c)
                                .arg(before)
                                .arg(resolution)));
    }
};

QTEST_GUILESS_MAIN(tst_CoarseClock)
#include "tst_CoarseClock.moc"
