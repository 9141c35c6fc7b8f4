#include "common/EventWait.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <thread>

#include <sys/resource.h>

using namespace accel;

namespace {

// CPU time (user + system) this process has used, in ms.
double cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

} // namespace

class tst_EventWait : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void returnsWhenAnEventMakesItTrue()
    {
        bool fired = false;
        QTimer::singleShot(30, [&fired] { fired = true; });
        QElapsedTimer t;
        t.start();
        QVERIFY(waitInEventLoop([&] { return fired; }, 5000));
        QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
    }

    void timesOutAndSaysSo()
    {
        QElapsedTimer t;
        t.start();
        QVERIFY(!waitInEventLoop([] { return false; }, 120));
        QVERIFY2(t.elapsed() >= 115 && t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(waitInEventLoop([] { return true; }, 0));
    }

    void noticesAConditionNoEventAnnounces()
    {
        std::atomic<bool> flag{false};
        std::thread other([&flag] {
            std::this_thread::sleep_for(std::chrono::milliseconds(40));
            flag = true;
        });
        QElapsedTimer t;
        t.start();
        const bool ok = waitInEventLoop([&] { return flag.load(); }, 5000);
        other.join();
        QVERIFY(ok);
        QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
    }

    // The reason it exists: processEvents(WaitForMoreEvents, ms) in a loop never sleeps and burns a
    // core (which, on a 2-core machine, a benchmark's browser pages then lack).
    void sleepsWhileWaiting()
    {
        const double before = cpuMs();
        QElapsedTimer t;
        t.start();
        runEventLoopFor(400);
        const double used = cpuMs() - before;
        QVERIFY2(t.elapsed() >= 395, qPrintable(QString::number(t.elapsed())));
        QVERIFY2(used < 100, qPrintable(QStringLiteral("%1 ms of CPU in a 400 ms wait").arg(used)));
    }
};

QTEST_GUILESS_MAIN(tst_EventWait)
#include "tst_EventWait.moc"
