#include "common/EventWait.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace accel {

bool waitInEventLoop(const std::function<bool()> &done, int timeoutMs)
{
    if (done()) {
        return true;
    }
    bool expired = false;
    QTimer deadline;
    deadline.setSingleShot(true);
    deadline.setTimerType(Qt::PreciseTimer);
    QObject::connect(&deadline, &QTimer::timeout, [&expired] { expired = true; });
    QTimer recheck; // wakes the wait below for conditions that no event announces
    recheck.setInterval(50);
    deadline.start(std::max(0, timeoutMs));
    recheck.start();
    while (!done() && !expired) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return done();
}

void runEventLoopFor(int ms)
{
    waitInEventLoop([] { return false; }, ms);
}

} // namespace accel
