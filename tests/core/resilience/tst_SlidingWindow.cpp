#include "resilience/SlidingWindow.h"

#include <QTest>

using accel::SlidingWindow;

namespace {
constexpr qint64 kMs = 1'000'000;
}

class tst_SlidingWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void countWindowKeepsLastN_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<QString>(
            "outcomes"); // f = failure, s = slow success, . = fast success, F = slow failure
        QTest::addColumn<qint64>("calls");
        QTest::addColumn<qint64>("failures");
        QTest::addColumn<qint64>("slow");
        QTest::newRow("empty") << 3 << "" << qint64(0) << qint64(0) << qint64(0);
        QTest::newRow("partial") << 3 << "f." << qint64(2) << qint64(1) << qint64(0);
        QTest::newRow("exactly full") << 3 << "fsF" << qint64(3) << qint64(2) << qint64(2);
        QTest::newRow("oldest evicted") << 3 << "ff..." << qint64(3) << qint64(0) << qint64(0);
        QTest::newRow("wrap twice") << 2 << "fFs.sf" << qint64(2) << qint64(1) << qint64(1);
        QTest::newRow("size one") << 1 << "ffF." << qint64(1) << qint64(0) << qint64(0);
    }
    void countWindowKeepsLastN()
    {
        QFETCH(int, size);
        QFETCH(QString, outcomes);
        QFETCH(qint64, calls);
        QFETCH(qint64, failures);
        QFETCH(qint64, slow);
        SlidingWindow w = SlidingWindow::countBased(size);
        for (QChar c : outcomes) {
            w.record(0, c == u'f' || c == u'F', c == u's' || c == u'F');
        }
        QCOMPARE(w.calls(), calls);
        QCOMPARE(w.failures(), failures);
        QCOMPARE(w.slowCalls(), slow);
        w.clear();
        QCOMPARE(w.calls(), qint64(0));
        w.record(0, true, false);
        QCOMPARE(w.failures(), qint64(1));
    }

    void timeWindowRollsOverByBucket_data()
    {
        QTest::addColumn<qint64>("advanceMs");
        QTest::addColumn<qint64>("expectedCalls");
        // 10 s window, 10 buckets of 1 s. Calls at t=0.5 s (2 calls) and t=3.5 s (1 call).
        QTest::newRow("same time") << qint64(0) << qint64(3);
        QTest::newRow("first bucket still inside") << qint64(6'400) << qint64(3);   // t=9.9 s
        QTest::newRow("first bucket leaves at 10 s") << qint64(6'500) << qint64(1); // t=10.0 s
        QTest::newRow("second bucket leaves at 13 s") << qint64(9'500) << qint64(0);
        QTest::newRow("long idle gap") << qint64(1'000'000) << qint64(0);
    }
    void timeWindowRollsOverByBucket()
    {
        QFETCH(qint64, advanceMs);
        QFETCH(qint64, expectedCalls);
        SlidingWindow w = SlidingWindow::timeBased(10'000 * kMs, 10);
        const qint64 t0 = 500 * kMs;
        w.record(t0, true, false);
        w.record(t0, false, true);
        w.record(t0 + 3'000 * kMs, true, true);
        const qint64 now = t0 + 3'000 * kMs + advanceMs * kMs;
        w.advanceTo(now);
        QCOMPARE(w.calls(), expectedCalls);
        QVERIFY(w.failures() <= w.calls());
        QVERIFY(w.slowCalls() <= w.calls());
        // A new call after the gap lands in a fresh bucket.
        w.record(now, false, false);
        QCOMPARE(w.calls(), expectedCalls + 1);
    }

    void timeWindowIgnoresBackwardsClock()
    {
        SlidingWindow w = SlidingWindow::timeBased(1'000 * kMs, 10);
        w.record(5'000 * kMs, true, false);
        w.record(4'000 * kMs, true, false); // clock went back: counted as "now"
        QCOMPARE(w.calls(), qint64(2));
        w.advanceTo(5'050 * kMs);
        QCOMPARE(w.calls(), qint64(2));
        w.advanceTo(6'000 * kMs); // 5.0 s bucket leaves at 6.0 s
        QCOMPARE(w.calls(), qint64(0));
    }

    void timeWindowNegativeTimes()
    {
        SlidingWindow w = SlidingWindow::timeBased(1'000 * kMs, 4);
        w.record(-1, true, true);
        QCOMPARE(w.calls(), qint64(1));
        // Buckets of 250 ms: -1 ns is in bucket -1, which leaves when bucket 3 (750 ms) starts.
        w.advanceTo(749 * kMs);
        QCOMPARE(w.calls(), qint64(1));
        w.advanceTo(750 * kMs);
        QCOMPARE(w.calls(), qint64(0));
    }

    void totalsMatchRecomputation()
    {
        // Deterministic pseudo-random stream: running totals must equal a recount of the last N.
        SlidingWindow w = SlidingWindow::countBased(7);
        QList<QPair<bool, bool>> history;
        quint32 x = 12345;
        for (int i = 0; i < 500; ++i) {
            x = x * 1664525u + 1013904223u;
            const bool failed = (x >> 16) & 1;
            const bool slow = (x >> 17) & 1;
            w.record(0, failed, slow);
            history.append({failed, slow});
            const auto recent = history.mid(std::max<qsizetype>(0, history.size() - 7));
            qint64 f = 0, s = 0;
            for (const auto &h : recent) {
                f += h.first;
                s += h.second;
            }
            QCOMPARE(w.calls(), qint64(recent.size()));
            QCOMPARE(w.failures(), f);
            QCOMPARE(w.slowCalls(), s);
        }
    }
};

QTEST_GUILESS_MAIN(tst_SlidingWindow)
#include "tst_SlidingWindow.moc"
