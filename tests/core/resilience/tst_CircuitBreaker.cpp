#include "resilience/CircuitBreaker.h"
#include "resilience/TripGate.h"

#include "common/Clock.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTest>

#include <memory>

using namespace accel;

namespace {

constexpr qint64 kMs = 1'000'000;

BreakerConfig testConfig(BreakerConfig::WindowType type = BreakerConfig::WindowType::Count)
{
    BreakerConfig c;
    c.windowType = type;
    c.windowSize = 10;
    c.windowDurationMs = 10'000;
    c.windowBucketCount = 10;
    c.minimumCalls = 10;
    c.failureRateThreshold = 0.5;
    c.slowCallRateThreshold = 0.5;
    c.slowCallDurationMs = 100;
    c.consecutiveFailureThreshold = 0;
    c.openDurationMs = 1'000;
    c.openBackoffMultiplier = 2.0;
    c.maxOpenDurationMs = 8'000;
    c.openJitterFraction = 0.0;
    c.openDecayAfterMs = 10'000;
    c.halfOpenPermittedCalls = 3;
    c.halfOpenSuccessThreshold = 2;
    c.halfOpenMaxWaitMs = 5'000;
    c.jitterSeed = 1;
    return c;
}

struct Harness
{
    explicit Harness(const BreakerConfig &config)
        : breaker(QStringLiteral("host-1"), config, &clock)
    {
        breaker.setEventListener([this](const BreakerEvent &e) { events.append(e); });
    }
    void successes(int n, qint64 durationMs = 10)
    {
        for (int i = 0; i < n; ++i) {
            breaker.recordSuccess(durationMs * kMs);
        }
    }
    void failures(int n, ErrorCategory c = ErrorCategory::Timeout, qint64 durationMs = 10)
    {
        for (int i = 0; i < n; ++i) {
            breaker.recordFailure(c, durationMs * kMs);
        }
    }
    QList<BreakerEvent> transitions() const
    {
        QList<BreakerEvent> out;
        for (const BreakerEvent &e : events) {
            if (e.kind == BreakerEvent::Kind::Transition) {
                out.append(e);
            }
        }
        return out;
    }
    /// Trip from Closed with failures (config must have minimumCalls <= 10 and rate <= 1).
    void tripNow() { failures(breaker.config().minimumCalls); }
    /// Open -> HalfOpen by waiting out the current open period.
    void waitOpen() { clock.advanceMs(breaker.snapshot().openRemainingMs); }

    ManualClock clock;
    CircuitBreaker breaker;
    QList<BreakerEvent> events;
};

class CountingClock final : public Clock
{
public:
    qint64 nowNs() const override
    {
        ++reads;
        return now;
    }
    mutable int reads = 0;
    qint64 now = 1'000'000'000;
};

class VetoGate : public TripGate
{
public:
    bool allow = false;
    int asked = 0;
    CircuitBreaker *destroyed = nullptr;
    bool mayOpen(const CircuitBreaker &, QString *whyNot) override
    {
        ++asked;
        if (!allow) {
            *whyNot = QStringLiteral("test veto");
        }
        return allow;
    }
    void breakerDetached(CircuitBreaker *b) override { destroyed = b; }
};

} // namespace

class tst_CircuitBreaker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hardFailureOpensAtOnce()
    {
        // Closed: one hard failure opens, whatever the window says; counted once in the totals.
        Harness h(testConfig());
        h.successes(5);
        h.breaker.tripNow(ErrorCategory::BrowserCrashed, QStringLiteral("renderer gone"));
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        QCOMPARE(h.transitions().last().reason, BreakerReason::HardFailure);
        QVERIFY(h.transitions().last().reasonText.contains(QStringLiteral("renderer gone")));
        QCOMPARE(h.breaker.snapshot().totalFailures, quint64(1));
        // Open: nothing more happens.
        h.breaker.tripNow(ErrorCategory::BrowserCrashed, QStringLiteral("again"));
        QCOMPARE(h.transitions().size(), 1);
        // HalfOpen: back to Open with a longer open period.
        h.waitOpen();
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        const qint64 firstOpenMs = 1000;
        h.breaker.tripNow(ErrorCategory::ConnectionLost, QStringLiteral("socket closed"));
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        QVERIFY(h.breaker.snapshot().openRemainingMs > firstOpenMs);
    }

    void hardFailureRespectsOperatorStatesAndGate()
    {
        Harness isolated(testConfig());
        isolated.breaker.forceOpen(QStringLiteral("operator"));
        isolated.breaker.tripNow(ErrorCategory::BrowserCrashed, QStringLiteral("x"));
        QCOMPARE(isolated.breaker.state(), BreakerState::ForcedOpen);

        Harness metrics(testConfig());
        metrics.breaker.setMetricsOnly(true);
        metrics.breaker.tripNow(ErrorCategory::BrowserCrashed, QStringLiteral("x"));
        QCOMPARE(metrics.breaker.state(), BreakerState::MetricsOnly);
        QCOMPARE(metrics.events.last().kind, BreakerEvent::Kind::ThresholdExceeded);

        Harness vetoed(testConfig());
        VetoGate gate;
        vetoed.breaker.setTripGate(&gate);
        vetoed.breaker.tripNow(ErrorCategory::BrowserCrashed, QStringLiteral("x"));
        QCOMPARE(vetoed.breaker.state(), BreakerState::Closed);
        QCOMPARE(gate.asked, 1);
        QCOMPARE(vetoed.events.last().kind, BreakerEvent::Kind::TripSuppressed);
        vetoed.breaker.setTripGate(nullptr);

        // A category that does not count (model errors) never opens.
        Harness model(testConfig());
        model.breaker.tripNow(ErrorCategory::Model, QStringLiteral("bad weights"));
        QCOMPARE(model.breaker.state(), BreakerState::Closed);
    }

    void initTestCase()
    {
        // Transitions are logged at info level; the random walks make thousands. Events are
        // asserted directly instead.
        QLoggingCategory::setFilterRules(QStringLiteral("accel.resilience.info=false"));
    }

    void failureRateThreshold_data()
    {
        QTest::addColumn<BreakerConfig::WindowType>("type");
        QTest::addColumn<int>("successes");
        QTest::addColumn<int>("failures");
        QTest::addColumn<BreakerState>("expected");
        for (auto type : {BreakerConfig::WindowType::Count, BreakerConfig::WindowType::Time}) {
            const QByteArray t = toString(type).toUtf8();
            QTest::newRow(QByteArray(t + ": 40% stays closed").constData())
                << type << 6 << 4 << BreakerState::Closed;
            QTest::newRow(QByteArray(t + ": exactly 50% trips").constData())
                << type << 5 << 5 << BreakerState::Open;
            QTest::newRow(QByteArray(t + ": 100% trips").constData())
                << type << 0 << 10 << BreakerState::Open;
            QTest::newRow(QByteArray(t + ": no failures").constData())
                << type << 10 << 0 << BreakerState::Closed;
        }
    }
    void failureRateThreshold()
    {
        QFETCH(BreakerConfig::WindowType, type);
        QFETCH(int, successes);
        QFETCH(int, failures);
        QFETCH(BreakerState, expected);
        Harness h(testConfig(type));
        h.successes(successes);
        h.failures(failures);
        QCOMPARE(h.breaker.state(), expected);
        if (expected == BreakerState::Open) {
            QCOMPARE(h.transitions().size(), 1);
            QCOMPARE(h.transitions().first().reason, BreakerReason::FailureRate);
            QVERIFY(h.transitions().first().reasonText.contains(QLatin1String("failure rate")));
            QCOMPARE(h.breaker.snapshot().trips, quint64(1));
        } else {
            const BreakerSnapshot s = h.breaker.snapshot();
            QCOMPARE(s.windowCalls, qint64(successes + failures));
            QCOMPARE(s.failureRate, double(failures) / double(successes + failures));
            QVERIFY(s.ratesJudged);
        }
    }

    void thresholdHoldsExactly_data()
    {
        QTest::addColumn<double>("threshold");
        QTest::addColumn<int>("failuresToTrip"); // of 10 calls
        QTest::newRow("10%") << 0.1 << 1;
        QTest::newRow("30%") << 0.3 << 3;
        QTest::newRow("70%") << 0.7 << 7;
        QTest::newRow("100%") << 1.0 << 10;
    }
    void thresholdHoldsExactly()
    {
        QFETCH(double, threshold);
        QFETCH(int, failuresToTrip);
        for (bool slowRate : {false, true}) {
            BreakerConfig c = testConfig();
            (slowRate ? c.slowCallRateThreshold : c.failureRateThreshold) = threshold;
            Harness below(c);
            Harness at(c);
            for (Harness *h : {&below, &at}) {
                const int bad = h == &at ? failuresToTrip : failuresToTrip - 1;
                h->successes(10 - bad, 1);
                if (slowRate) {
                    h->successes(bad, 1'000);
                } else {
                    h->failures(bad);
                }
            }
            QCOMPARE(below.breaker.state(), BreakerState::Closed);
            QCOMPARE(at.breaker.state(), BreakerState::Open);
        }
    }

    void minimumCallsGuard_data()
    {
        QTest::addColumn<BreakerConfig::WindowType>("type");
        QTest::newRow("count") << BreakerConfig::WindowType::Count;
        QTest::newRow("time") << BreakerConfig::WindowType::Time;
    }
    void minimumCallsGuard()
    {
        QFETCH(BreakerConfig::WindowType, type);
        Harness h(testConfig(type));
        h.failures(9);
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        const BreakerSnapshot s = h.breaker.snapshot();
        QVERIFY(!s.ratesJudged);
        QCOMPARE(s.failureRate, 1.0);
        h.failures(1);
        QCOMPARE(h.breaker.state(), BreakerState::Open);
    }

    void successReachingMinimumCallsTrips()
    {
        // The rate is already over the threshold; the call that satisfies the minimum trips,
        // even when it is a success.
        Harness h(testConfig());
        h.failures(8);
        h.successes(1);
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        h.successes(1); // 8/10 failures
        QCOMPARE(h.breaker.state(), BreakerState::Open);
    }

    void slowCallsAloneTrip_data()
    {
        QTest::addColumn<BreakerConfig::WindowType>("type");
        QTest::addColumn<qint64>("durationMs");
        QTest::addColumn<int>("slowCount");
        QTest::addColumn<BreakerState>("expected");
        for (auto type : {BreakerConfig::WindowType::Count, BreakerConfig::WindowType::Time}) {
            const QByteArray t = toString(type).toUtf8();
            QTest::newRow(QByteArray(t + ": at threshold is not slow").constData())
                << type << qint64(100) << 10 << BreakerState::Closed;
            QTest::newRow(QByteArray(t + ": 1 ms over is slow").constData())
                << type << qint64(101) << 5 << BreakerState::Open;
            QTest::newRow(QByteArray(t + ": below slow rate").constData())
                << type << qint64(5'000) << 4 << BreakerState::Closed;
        }
    }
    void slowCallsAloneTrip()
    {
        QFETCH(BreakerConfig::WindowType, type);
        QFETCH(qint64, durationMs);
        QFETCH(int, slowCount);
        QFETCH(BreakerState, expected);
        Harness h(testConfig(type));
        h.successes(10 - slowCount, 1);
        h.successes(slowCount, durationMs);
        QCOMPARE(h.breaker.state(), expected);
        QCOMPARE(h.breaker.snapshot().totalFailures, quint64(0));
        if (expected == BreakerState::Open) {
            QCOMPARE(h.transitions().first().reason, BreakerReason::SlowCallRate);
            QVERIFY(h.transitions().first().reasonText.contains(QLatin1String("slow-call rate")));
        }
    }

    void slowFailuresCountAsBoth()
    {
        Harness h(testConfig());
        h.successes(6, 1);
        h.failures(4, ErrorCategory::Timeout, 500);
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.state, BreakerState::Closed);
        QCOMPARE(s.windowFailures, qint64(4));
        QCOMPARE(s.windowSlowCalls, qint64(4));
        h.successes(1, 500); // evicts a fast success: 4 failures + 5 slow in 10
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        QCOMPARE(h.transitions().first().reason, BreakerReason::SlowCallRate);
    }

    void countWindowRollsOver()
    {
        Harness h(testConfig());
        h.failures(4);
        h.successes(6);
        QCOMPARE(h.breaker.snapshot().windowFailures, qint64(4));
        h.successes(4); // the 4 failures leave the last-10 window
        BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.windowCalls, qint64(10));
        QCOMPARE(s.windowFailures, qint64(0));
        h.failures(4);
        QCOMPARE(h.breaker.state(), BreakerState::Closed); // 4/10 again, not 8/18
        h.failures(1);
        QCOMPARE(h.breaker.state(), BreakerState::Open);
    }

    void timeWindowRollsOver()
    {
        Harness h(testConfig(BreakerConfig::WindowType::Time)); // 10 s in 1 s buckets
        h.failures(4);
        h.clock.advanceMs(9'999 - (h.clock.nowMs() % 1000)); // still inside the window
        h.successes(5);
        QCOMPARE(h.breaker.snapshot().windowCalls, qint64(9));
        h.clock.advanceMs(1'000); // the failures' bucket leaves
        BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.windowCalls, qint64(5));
        QCOMPARE(s.windowFailures, qint64(0));
        QVERIFY(!s.ratesJudged);
        h.failures(4);
        h.successes(1); // 4/10
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        h.clock.advanceMs(20'000); // idle longer than the window: everything leaves
        QCOMPARE(h.breaker.snapshot().windowCalls, qint64(0));
    }

    void timeWindowTripsWhenHealthyCallsLeave()
    {
        BreakerConfig c = testConfig(BreakerConfig::WindowType::Time);
        c.minimumCalls = 4;
        Harness h(c);
        h.clock.setNs(100 * 1'000 * kMs); // a bucket boundary
        h.successes(6);
        h.clock.advanceMs(5'000);
        h.failures(4); // 4/10 = 40%
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        h.clock.advanceMs(4'999);
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        h.clock.advanceMs(1); // the successes leave: 4/4 failures, judged without a new call
        QCOMPARE(h.breaker.peekState(), BreakerState::Closed);
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        QCOMPARE(h.transitions().last().reason, BreakerReason::FailureRate);
    }

    void consecutiveFailureTrip_data()
    {
        QTest::addColumn<int>("threshold");
        QTest::addColumn<QString>("sequence"); // f failure, s success, m model error
        QTest::addColumn<BreakerState>("expected");
        QTest::newRow("off") << 0 << "fffffffff" << BreakerState::Closed;
        QTest::newRow("three in a row") << 3 << "fff" << BreakerState::Open;
        QTest::newRow("success resets") << 3 << "ffsff" << BreakerState::Closed;
        QTest::newRow("model error does not reset or count") << 3 << "ffmf" << BreakerState::Open;
        QTest::newRow("model errors alone") << 3 << "mmmmm" << BreakerState::Closed;
        QTest::newRow("one") << 1 << "sf" << BreakerState::Open;
    }
    void consecutiveFailureTrip()
    {
        QFETCH(int, threshold);
        QFETCH(QString, sequence);
        QFETCH(BreakerState, expected);
        BreakerConfig c = testConfig();
        c.minimumCalls = 10; // the window alone would never judge 9 calls
        c.consecutiveFailureThreshold = threshold;
        Harness h(c);
        for (QChar ch : sequence) {
            if (ch == u'f') {
                h.failures(1);
            } else if (ch == u'm') {
                h.failures(1, ErrorCategory::Model);
            } else {
                h.successes(1);
            }
        }
        QCOMPARE(h.breaker.state(), expected);
        if (expected == BreakerState::Open) {
            QCOMPARE(h.transitions().first().reason, BreakerReason::ConsecutiveFailures);
        }
    }

    void openRejectsThenHalfOpensLazily()
    {
        Harness h(testConfig());
        h.tripNow();
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        h.clock.advanceMs(999);
        Permission p = h.breaker.tryAcquire();
        QVERIFY(!p.granted);
        QCOMPARE(p.reason, BreakerReason::OpenRejected);
        QCOMPARE(p.retryAfterMs, qint64(1));
        QCOMPARE(h.events.last().kind, BreakerEvent::Kind::Rejected);
        QVERIFY(h.events.last().reasonText.contains(QLatin1String("failure rate")));
        QCOMPARE(h.breaker.peekState(), BreakerState::Open);
        QCOMPARE(h.breaker.peekFreeProbeSlots(), 0);
        h.clock.advanceMs(1);
        QCOMPARE(h.breaker.peekState(), BreakerState::HalfOpen);
        QCOMPARE(h.breaker.peekFreeProbeSlots(), 3);
        QCOMPARE(h.transitions().size(), 1); // peek does not transition
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        QCOMPARE(h.transitions().size(), 2);
        QCOMPARE(h.transitions().last().reason, BreakerReason::OpenElapsed);
        QCOMPARE(h.breaker.snapshot().totalRejected, quint64(1));
    }

    void outcomesWhileOpenDoNotJudge()
    {
        Harness h(testConfig());
        h.tripNow();
        h.failures(20); // stragglers granted before the trip
        h.successes(3);
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.state, BreakerState::Open);
        QCOMPARE(s.windowCalls, qint64(0));
        QCOMPARE(s.totalFailures, quint64(30));
        QCOMPARE(s.totalSuccesses, quint64(3));
        QCOMPARE(s.trips, quint64(1));
    }

    void halfOpenProbes_data()
    {
        QTest::addColumn<int>("permitted");
        QTest::addColumn<int>("needed");
        QTest::addColumn<QString>("outcomes"); // s success, f failure, w slow success, i ignored (cancelled)
        QTest::addColumn<BreakerState>("expected");
        QTest::addColumn<int>("expectedTrips");
        QTest::newRow("2 of 3 succeed") << 3 << 2 << "ss" << BreakerState::Closed << 1;
        QTest::newRow("fail then 2 succeed") << 3 << 2 << "fss" << BreakerState::Closed << 1;
        QTest::newRow("two failures reopen") << 3 << 2 << "ff" << BreakerState::Open << 2;
        QTest::newRow("slow success is a failed probe") << 3 << 2 << "wsw" << BreakerState::Open << 2;
        QTest::newRow("1 of 1") << 1 << 1 << "s" << BreakerState::Closed << 1;
        QTest::newRow("1 of 1 fails") << 1 << 1 << "f" << BreakerState::Open << 2;
        QTest::newRow("all 5 needed, one fails") << 5 << 5 << "ssssf" << BreakerState::Open << 2;
        QTest::newRow("undecided") << 3 << 2 << "s" << BreakerState::HalfOpen << 1;
        QTest::newRow("ignored frees a slot") << 3 << 2 << "iss" << BreakerState::Closed << 1;
    }
    void halfOpenProbes()
    {
        QFETCH(int, permitted);
        QFETCH(int, needed);
        QFETCH(QString, outcomes);
        QFETCH(BreakerState, expected);
        QFETCH(int, expectedTrips);
        BreakerConfig c = testConfig();
        c.halfOpenPermittedCalls = permitted;
        c.halfOpenSuccessThreshold = needed;
        Harness h(c);
        h.tripNow();
        h.waitOpen();
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        for (QChar ch : outcomes) {
            const Permission p = h.breaker.tryAcquire();
            QVERIFY(p.isProbe());
            if (ch == u's') {
                h.breaker.recordSuccess(1 * kMs);
            } else if (ch == u'w') {
                h.breaker.recordSuccess(1'000 * kMs);
            } else if (ch == u'i') {
                h.breaker.recordFailure(ErrorCategory::Cancelled, 1 * kMs);
            } else {
                h.breaker.recordFailure(ErrorCategory::GpuDeviceLost, 1 * kMs);
            }
        }
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.state, expected);
        QCOMPARE(s.trips, quint64(expectedTrips));
        if (expected == BreakerState::Closed) {
            QCOMPARE(h.transitions().last().reason, BreakerReason::ProbesSucceeded);
            QCOMPARE(s.windowCalls, qint64(0)); // fresh window after closing
        } else if (expected == BreakerState::Open) {
            QCOMPARE(h.transitions().last().reason, BreakerReason::ProbeFailed);
        }
    }

    void halfOpenProbeLimit()
    {
        Harness h(testConfig()); // 3 probes
        h.tripNow();
        h.waitOpen();
        for (int i = 0; i < 3; ++i) {
            QVERIFY(h.breaker.tryAcquire().isProbe());
        }
        const Permission p = h.breaker.tryAcquire();
        QVERIFY(!p.granted);
        QCOMPARE(p.reason, BreakerReason::ProbesExhausted);
        QCOMPARE(h.events.last().kind, BreakerEvent::Kind::Rejected);
        QCOMPARE(h.breaker.snapshot().halfOpenProbesInFlight, 3);
        // One answer does not free a slot (it is counted), so the 4th caller is still refused.
        h.breaker.recordSuccess(1 * kMs);
        QVERIFY(!h.breaker.tryAcquire().granted);
        h.breaker.recordSuccess(1 * kMs);
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        // The third probe's late answer lands in the fresh Closed window.
        h.breaker.recordSuccess(1 * kMs);
        QCOMPARE(h.breaker.snapshot().windowCalls, qint64(1));
    }

    void halfOpenMaxWait()
    {
        Harness h(testConfig()); // max wait 5 s, open 1 s
        h.tripNow();
        h.waitOpen();
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        // Without probes handed out, there is nothing to wait for: it stays HalfOpen.
        h.clock.advanceMs(60'000);
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        QVERIFY(h.breaker.tryAcquire().isProbe());
        QVERIFY(h.breaker.tryAcquire().isProbe());
        h.breaker.recordSuccess(1 * kMs); // one answered, one lost
        h.clock.advanceMs(4'999);
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        h.clock.advanceMs(1);
        QCOMPARE(h.breaker.peekState(), BreakerState::Open);
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        const BreakerEvent e = h.transitions().last();
        QCOMPARE(e.reason, BreakerReason::HalfOpenMaxWait);
        QVERIFY2(e.reasonText.contains(QLatin1String("1 of 2 probes answered")), qPrintable(e.reasonText));
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.trips, quint64(1));              // not a new trip
        QCOMPARE(s.openRemainingMs, qint64(1'000)); // same open period, no growth
        QCOMPARE(s.halfOpenProbesInFlight, 0);
        // The lost probe's late answer does not count as a probe later.
        h.waitOpen();
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
        QCOMPARE(h.breaker.state(), BreakerState::HalfOpen);
        QCOMPARE(h.breaker.snapshot().halfOpenFailures, 0);
    }

    void openDurationGrowsAndCaps()
    {
        Harness h(testConfig()); // 1 s, x2, cap 8 s, no jitter
        h.tripNow();
        QList<qint64> durations;
        for (int i = 0; i < 6; ++i) {
            durations.append(h.breaker.snapshot().currentOpenDurationMs);
            QCOMPARE(h.breaker.snapshot().openRemainingMs, durations.last());
            h.waitOpen();
            QVERIFY(h.breaker.tryAcquire().isProbe());
            h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
            QVERIFY(h.breaker.tryAcquire().isProbe());
            h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs); // 2 failures of 3: reopen
            QCOMPARE(h.breaker.state(), BreakerState::Open);
        }
        QCOMPARE(durations, (QList<qint64>{1'000, 2'000, 4'000, 8'000, 8'000, 8'000}));
        QCOMPARE(h.breaker.snapshot().trips, quint64(7));
    }

    void openDurationDecaysAfterSustainedHealth()
    {
        Harness h(testConfig());      // decay one level per 10 s closed
        h.tripNow();                  // level 0 -> 1, open 1 s
        for (int i = 0; i < 2; ++i) { // reopen twice: level 3, open 4 s
            h.waitOpen();
            h.breaker.tryAcquire();
            h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
            h.breaker.tryAcquire();
            h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
        }
        QCOMPARE(h.breaker.snapshot().openLevel, 3);
        h.waitOpen();
        h.breaker.tryAcquire();
        h.breaker.recordSuccess(1 * kMs);
        h.breaker.tryAcquire();
        h.breaker.recordSuccess(1 * kMs);
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        QCOMPARE(h.breaker.snapshot().nextOpenDurationMs, qint64(8'000));
        h.clock.advanceMs(9'999);
        QCOMPARE(h.breaker.snapshot().openLevel, 3);
        h.clock.advanceMs(1);
        QCOMPARE(h.breaker.snapshot().openLevel, 2);
        QCOMPARE(h.breaker.snapshot().nextOpenDurationMs, qint64(4'000));
        h.clock.advanceMs(25'000); // two more whole periods, observed at once
        QCOMPARE(h.breaker.snapshot().openLevel, 0);
        h.clock.advanceMs(100'000);
        QCOMPARE(h.breaker.snapshot().openLevel, 0);
        h.tripNow();
        QCOMPARE(h.breaker.snapshot().currentOpenDurationMs, qint64(1'000));
    }

    void unhealthyClosedPeriodsDoNotDecayEarly()
    {
        // A trip soon after closing grows the open time: decay needs a whole healthy period.
        Harness h(testConfig());
        h.tripNow();
        h.waitOpen();
        h.breaker.tryAcquire();
        h.breaker.recordSuccess(1 * kMs);
        h.breaker.tryAcquire();
        h.breaker.recordSuccess(1 * kMs);
        h.clock.advanceMs(5'000);
        h.tripNow();
        QCOMPARE(h.breaker.snapshot().currentOpenDurationMs, qint64(2'000));
    }

    void jitterIsBoundedAndDeterministic_data()
    {
        QTest::addColumn<double>("jitter");
        QTest::newRow("10%") << 0.1;
        QTest::newRow("50%") << 0.5;
        QTest::newRow("99%") << 0.99;
    }
    void jitterIsBoundedAndDeterministic()
    {
        QFETCH(double, jitter);
        auto run = [jitter](quint64 seed) {
            BreakerConfig c = testConfig();
            c.openJitterFraction = jitter;
            c.maxOpenDurationMs = 1'000'000;
            c.jitterSeed = seed;
            c.openBackoffMultiplier = 1.0;
            Harness h(c);
            QList<qint64> out;
            h.tripNow();
            for (int i = 0; i < 20; ++i) {
                out.append(h.breaker.snapshot().currentOpenDurationMs);
                h.waitOpen();
                h.breaker.tryAcquire();
                h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
                h.breaker.tryAcquire();
                h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
            }
            return out;
        };
        const QList<qint64> a = run(7);
        QCOMPARE(run(7), a);
        QVERIFY(run(8) != a);
        QSet<qint64> distinct;
        for (qint64 d : a) {
            QVERIFY2(d >= qint64(1'000 * (1.0 - jitter)) - 1 && d <= qint64(1'000 * (1.0 + jitter)) + 1,
                     qPrintable(QString::number(d)));
            distinct.insert(d);
        }
        QVERIFY(distinct.size() > 5);
    }

    void jitterNeverExceedsCap()
    {
        BreakerConfig c = testConfig();
        c.openJitterFraction = 0.9;
        c.maxOpenDurationMs = 1'000; // equal to the base: jitter may only shorten
        Harness h(c);
        h.tripNow();
        for (int i = 0; i < 30; ++i) {
            QVERIFY(h.breaker.snapshot().currentOpenDurationMs <= 1'000);
            h.waitOpen();
            h.breaker.tryAcquire();
            h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
            h.breaker.tryAcquire();
            h.breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
        }
    }

    void forcedOpenIsolates()
    {
        Harness h(testConfig());
        h.breaker.forceOpen(QStringLiteral("maintenance"));
        QCOMPARE(h.breaker.state(), BreakerState::ForcedOpen);
        QVERIFY(h.transitions().last().reasonText.contains(QLatin1String("maintenance")));
        QCOMPARE(h.transitions().last().reason, BreakerReason::Operator);
        h.clock.advanceMs(10'000'000); // never half-opens by itself
        const Permission p = h.breaker.tryAcquire();
        QVERIFY(!p.granted);
        QCOMPARE(p.reason, BreakerReason::Isolated);
        QCOMPARE(h.events.last().kind, BreakerEvent::Kind::Rejected);
        h.successes(20);
        QCOMPARE(h.breaker.state(), BreakerState::ForcedOpen);
        h.breaker.reset(QStringLiteral("back"));
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        QVERIFY(h.breaker.tryAcquire().granted);
    }

    void disabledAllowsAndRecordsNothing()
    {
        Harness h(testConfig());
        h.breaker.disable();
        h.failures(100);
        for (int i = 0; i < 10; ++i) {
            QVERIFY(h.breaker.tryAcquire().granted);
        }
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.state, BreakerState::Disabled);
        QCOMPARE(s.totalFailures, quint64(0));
        QCOMPARE(s.windowCalls, qint64(0));
        QCOMPARE(h.transitions().size(), 1);
    }

    void metricsOnlyRecordsButNeverBlocks()
    {
        Harness h(testConfig());
        h.breaker.setMetricsOnly(true, QStringLiteral("tuning"));
        h.failures(30);
        QCOMPARE(h.breaker.state(), BreakerState::MetricsOnly);
        QVERIFY(h.breaker.tryAcquire().granted);
        BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.windowCalls, qint64(10));
        QCOMPARE(s.failureRate, 1.0);
        QCOMPARE(s.trips, quint64(0));
        int exceeded = 0;
        for (const BreakerEvent &e : h.events) {
            exceeded += e.kind == BreakerEvent::Kind::ThresholdExceeded ? 1 : 0;
        }
        QCOMPARE(exceeded, 1); // once per episode, not once per call
        h.successes(10);       // healthy again: the episode ends
        h.failures(10);
        exceeded = 0;
        for (const BreakerEvent &e : h.events) {
            exceeded += e.kind == BreakerEvent::Kind::ThresholdExceeded ? 1 : 0;
        }
        QCOMPARE(exceeded, 2);
        // Leaving metrics-only judges the kept window for real: 10/10 failures trip at once.
        h.breaker.setMetricsOnly(false);
        QCOMPARE(h.breaker.state(), BreakerState::Open);
        QCOMPARE(h.transitions().last().reason, BreakerReason::FailureRate);
        h.breaker.setMetricsOnly(false); // not in metrics-only: no-op
        QCOMPARE(h.breaker.state(), BreakerState::Open);

        // A healthy kept window stays closed and keeps counting.
        h.breaker.setMetricsOnly(true);
        h.successes(6);
        h.failures(4);
        h.breaker.setMetricsOnly(false);
        QCOMPARE(h.breaker.state(), BreakerState::Closed);
        QCOMPARE(h.breaker.snapshot().windowCalls, qint64(10)); // window kept
        h.failures(1);                                          // 5/10
        QCOMPARE(h.breaker.state(), BreakerState::Open);
    }

    void resetClearsEverything()
    {
        Harness h(testConfig());
        h.tripNow();
        h.waitOpen();
        h.breaker.tryAcquire();
        h.breaker.reset();
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.state, BreakerState::Closed);
        QCOMPARE(s.openLevel, 0);
        QCOMPARE(s.halfOpenProbesInFlight, 0);
        QCOMPARE(s.windowCalls, qint64(0));
        QCOMPARE(s.trips, quint64(1)); // totals are history
    }

    void errorClassification_data()
    {
        QTest::addColumn<ErrorCategory>("category");
        QTest::addColumn<bool>("trips");
        QTest::newRow("connection lost") << ErrorCategory::ConnectionLost << true;
        QTest::newRow("timeout") << ErrorCategory::Timeout << true;
        QTest::newRow("browser crashed") << ErrorCategory::BrowserCrashed << true;
        QTest::newRow("gpu device lost") << ErrorCategory::GpuDeviceLost << true;
        QTest::newRow("out of memory") << ErrorCategory::OutOfMemory << true;
        QTest::newRow("shader compile") << ErrorCategory::ShaderCompile << true;
        QTest::newRow("protocol") << ErrorCategory::Protocol << true;
        QTest::newRow("model") << ErrorCategory::Model << false;
        QTest::newRow("cancelled") << ErrorCategory::Cancelled << false;
    }
    void errorClassification()
    {
        QFETCH(ErrorCategory, category);
        QFETCH(bool, trips);
        Harness h(testConfig());
        h.failures(10, category);
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.state, trips ? BreakerState::Open : BreakerState::Closed);
        QCOMPARE(s.failuresByCategory[size_t(int(category) - 1)], quint64(10));
        QCOMPARE(s.totalFailures, quint64(trips ? 10 : 0));
        QCOMPARE(s.totalIgnoredFailures, quint64(trips ? 0 : 10));
        const bool model = originOf(category) == ErrorOrigin::Model;
        QCOMPARE(s.modelFailures, quint64(model ? 10 : 0));
        QCOMPARE(s.localFailures, quint64(model ? 0 : 10));

        // The counted set is configurable: count only this category.
        BreakerConfig c = testConfig();
        c.countedCategories = {category};
        Harness only(c);
        only.failures(10, category);
        QCOMPARE(only.breaker.state(), BreakerState::Open);
        Harness other(c);
        other.failures(10,
                       category == ErrorCategory::Timeout ? ErrorCategory::Protocol : ErrorCategory::Timeout);
        QCOMPARE(other.breaker.state(), BreakerState::Closed);
    }

    void invalidCategoryIsRejectedWithoutCrash()
    {
        Harness h(testConfig());
        h.breaker.recordFailure(ErrorCategory(0), 1);
        h.breaker.recordFailure(ErrorCategory(200), 1);
        const BreakerSnapshot s = h.breaker.snapshot();
        QCOMPARE(s.totalFailures + s.totalIgnoredFailures, quint64(0));
        QCOMPARE(s.windowCalls, qint64(0));
    }

    void invalidConfigFallsBackToDefaults()
    {
        BreakerConfig bad = testConfig();
        bad.windowSize = 0;
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("bad"), bad, &clock);
        QVERIFY(b.config() == BreakerConfig());
    }

    void negativeDurationIsFast()
    {
        Harness h(testConfig());
        h.breaker.recordSuccess(-5);
        QCOMPARE(h.breaker.snapshot().totalSlowCalls, quint64(0));
    }

    void everyTransitionAndRejectionHasAReason()
    {
        Harness h(testConfig());
        h.tripNow();
        h.breaker.tryAcquire();
        h.waitOpen();
        for (int i = 0; i < 4; ++i) {
            h.breaker.tryAcquire();
        }
        h.failures(2);
        h.waitOpen();
        h.breaker.tryAcquire();
        h.breaker.tryAcquire();
        h.successes(2);
        h.breaker.forceOpen(QString());
        h.breaker.tryAcquire();
        h.breaker.disable();
        h.breaker.setMetricsOnly(true);
        h.breaker.reset();
        QList<BreakerState> path;
        for (const BreakerEvent &e : h.events) {
            QVERIFY2(!e.reasonText.isEmpty(), qPrintable(toString(e.reason)));
            QCOMPARE(e.breakerName, QStringLiteral("host-1"));
            QVERIFY(e.timestampNs > 0);
            if (e.kind == BreakerEvent::Kind::Transition) {
                QVERIFY(e.from != e.to);
                if (!path.isEmpty()) {
                    QCOMPARE(e.from, path.last());
                }
                path.append(e.to);
            } else {
                QCOMPARE(e.from, e.to);
            }
            const QJsonObject json = e.toJson();
            QCOMPARE(json.value(QStringLiteral("reasonText")).toString(), e.reasonText);
        }
        QCOMPARE(path, (QList<BreakerState>{BreakerState::Open, BreakerState::HalfOpen, BreakerState::Open,
                                            BreakerState::HalfOpen, BreakerState::Closed,
                                            BreakerState::ForcedOpen, BreakerState::Disabled,
                                            BreakerState::MetricsOnly, BreakerState::Closed}));
        int rejected = 0;
        for (const BreakerEvent &e : h.events) {
            rejected += e.kind == BreakerEvent::Kind::Rejected ? 1 : 0;
        }
        QCOMPARE(rejected, 3); // open, probes exhausted, isolated
        QCOMPARE(h.breaker.snapshot().totalRejected, quint64(3));
    }

    void tripGateCanVeto()
    {
        VetoGate gate;
        {
            Harness h(testConfig());
            h.breaker.setTripGate(&gate);
            h.failures(15);
            QCOMPARE(h.breaker.state(), BreakerState::Closed);
            int suppressed = 0;
            for (const BreakerEvent &e : h.events) {
                if (e.kind == BreakerEvent::Kind::TripSuppressed) {
                    ++suppressed;
                    QVERIFY(e.reasonText.contains(QLatin1String("test veto")));
                }
            }
            QCOMPARE(suppressed, 1);
            QCOMPARE(gate.asked, 6);
            gate.allow = true;
            h.failures(1);
            QCOMPARE(h.breaker.state(), BreakerState::Open);
            // Reopening from HalfOpen does not ask (the host already counts as open).
            const int asked = gate.asked;
            h.waitOpen();
            h.breaker.tryAcquire();
            h.breaker.tryAcquire();
            gate.allow = false;
            h.failures(2);
            QCOMPARE(h.breaker.state(), BreakerState::Open);
            QCOMPARE(gate.asked, asked);
            // Operators are not vetoed.
            h.breaker.reset();
            h.breaker.forceOpen(QStringLiteral("op"));
            QCOMPARE(h.breaker.state(), BreakerState::ForcedOpen);
        }
        QVERIFY(gate.destroyed != nullptr);
    }

    // The hot-path contract behind `accelctl bench breaker`: a Closed breaker with a count window
    // reads no clock per call; a time window reads it once per record and never on tryAcquire.
    void hotPathClockReads_data()
    {
        QTest::addColumn<BreakerConfig::WindowType>("type");
        QTest::addColumn<int>("readsPerRecord");
        QTest::newRow("count") << BreakerConfig::WindowType::Count << 0;
        QTest::newRow("time") << BreakerConfig::WindowType::Time << 1;
    }
    void hotPathClockReads()
    {
        QFETCH(BreakerConfig::WindowType, type);
        QFETCH(int, readsPerRecord);
        CountingClock clock;
        BreakerConfig c = testConfig(type);
        c.minimumCalls = 5;
        CircuitBreaker breaker(QStringLiteral("hot"), c, &clock);
        clock.reads = 0;
        for (int i = 0; i < 100; ++i) {
            QVERIFY(breaker.tryAcquire().granted);
            if (i % 10 == 0) {
                breaker.recordFailure(ErrorCategory::Timeout, 1 * kMs);
            } else {
                breaker.recordSuccess(1 * kMs);
            }
            breaker.recordFailure(ErrorCategory::Model, 1 * kMs);
        }
        QCOMPARE(clock.reads, 200 * readsPerRecord);
        QCOMPARE(breaker.state(), BreakerState::Closed);
        QCOMPARE(breaker.snapshot().totalSuccesses, quint64(90));
    }

    void snapshotJson()
    {
        Harness h(testConfig());
        h.failures(2, ErrorCategory::Model);
        h.failures(3, ErrorCategory::OutOfMemory);
        const QJsonObject json = h.breaker.snapshot().toJson();
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("closed"));
        QCOMPARE(json.value(QStringLiteral("modelFailures")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("localFailures")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("failuresByCategory"))
                     .toObject()
                     .value(QStringLiteral("outOfMemory"))
                     .toInt(),
                 3);
    }

    // Property: any sequence of calls, outcomes, clock moves and operator actions keeps the
    // breaker in a consistent state.
    void randomSequencesKeepInvariants_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 40; ++seed) {
            QTest::addRow("seed %u", seed) << seed;
        }
    }
    void randomSequencesKeepInvariants()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        BreakerConfig c;
        c.windowType = rng.bounded(2) ? BreakerConfig::WindowType::Count : BreakerConfig::WindowType::Time;
        c.windowSize = 1 + int(rng.bounded(20));
        c.windowDurationMs = 100 + rng.bounded(5'000);
        c.windowBucketCount = 1 + int(rng.bounded(20));
        c.minimumCalls = 1 + int(rng.bounded(quint32(c.windowSize)));
        c.failureRateThreshold = 0.05 + 0.95 * rng.generateDouble();
        c.slowCallRateThreshold = 0.05 + 0.95 * rng.generateDouble();
        c.slowCallDurationMs = 1 + rng.bounded(100);
        c.consecutiveFailureThreshold = int(rng.bounded(5));
        c.openDurationMs = 1 + rng.bounded(1'000);
        c.openBackoffMultiplier = 1.0 + 3.0 * rng.generateDouble();
        c.maxOpenDurationMs = c.openDurationMs * (1 + rng.bounded(50));
        c.openJitterFraction = 0.9 * rng.generateDouble();
        c.openDecayAfterMs = 1 + rng.bounded(5'000);
        c.halfOpenPermittedCalls = 1 + int(rng.bounded(6));
        c.halfOpenSuccessThreshold = 1 + int(rng.bounded(quint32(c.halfOpenPermittedCalls)));
        c.halfOpenMaxWaitMs = 1 + rng.bounded(3'000);
        c.jitterSeed = seed;
        QCOMPARE(c.validate(), QString());

        Harness h(c);
        int outstanding = 0; // granted calls without an outcome yet
        int transitionsSeen = 0;
        for (int step = 0; step < 3'000; ++step) {
            const quint32 action = rng.bounded(100);
            if (action < 35) {
                const Permission p = h.breaker.tryAcquire();
                const BreakerState s = h.breaker.peekState();
                if (p.granted) {
                    ++outstanding;
                    QVERIFY(s != BreakerState::Open && s != BreakerState::ForcedOpen);
                } else {
                    QVERIFY(s == BreakerState::Open || s == BreakerState::HalfOpen ||
                            s == BreakerState::ForcedOpen);
                }
            } else if (action < 80) {
                if (outstanding > 0 || rng.bounded(4) == 0) {
                    outstanding = std::max(0, outstanding - 1);
                    const qint64 durationNs = qint64(rng.bounded(200)) * kMs - kMs;
                    if (rng.bounded(2)) {
                        h.breaker.recordSuccess(durationNs);
                    } else {
                        const auto category = ErrorCategory(1 + rng.bounded(kErrorCategoryCount));
                        h.breaker.recordFailure(category, durationNs);
                    }
                }
            } else if (action < 97) {
                h.clock.advanceMs(rng.bounded(2'000));
            } else {
                switch (rng.bounded(5)) {
                case 0:
                    h.breaker.forceOpen(QStringLiteral("random"));
                    break;
                case 1:
                    h.breaker.disable();
                    break;
                case 2:
                    h.breaker.setMetricsOnly(rng.bounded(2) == 0);
                    break;
                default:
                    h.breaker.reset();
                    break;
                }
            }
            const BreakerSnapshot s = h.breaker.snapshot();
            QVERIFY(int(s.state) >= int(BreakerState::Closed) &&
                    int(s.state) <= int(BreakerState::MetricsOnly));
            QVERIFY(s.windowCalls >= 0 && s.windowFailures >= 0 && s.windowSlowCalls >= 0);
            QVERIFY(s.windowFailures <= s.windowCalls && s.windowSlowCalls <= s.windowCalls);
            if (c.windowType == BreakerConfig::WindowType::Count) {
                QVERIFY(s.windowCalls <= c.windowSize);
            }
            QVERIFY(s.failureRate >= 0.0 && s.failureRate <= 1.0);
            QVERIFY(s.slowCallRate >= 0.0 && s.slowCallRate <= 1.0);
            QVERIFY(s.openLevel >= 0 && s.openLevel <= 64);
            QVERIFY(s.currentOpenDurationMs <= c.maxOpenDurationMs);
            QVERIFY(s.nextOpenDurationMs <= c.maxOpenDurationMs);
            QVERIFY(s.timeInStateMs >= 0);
            if (s.state == BreakerState::Closed) {
                // Closed never sits on a window that should have tripped it (no gate here).
                if (s.ratesJudged) {
                    QVERIFY(s.failureRate < c.failureRateThreshold);
                    QVERIFY(s.slowCallRate < c.slowCallRateThreshold);
                }
                if (c.consecutiveFailureThreshold > 0) {
                    QVERIFY(s.consecutiveFailures < c.consecutiveFailureThreshold);
                }
            }
            if (s.state == BreakerState::Open) {
                QVERIFY(s.openRemainingMs > 0 || h.breaker.peekState() == BreakerState::Open);
                QVERIFY(s.openRemainingMs <= s.currentOpenDurationMs);
                QCOMPARE(s.windowCalls, qint64(0));
                QVERIFY(s.trips > 0);
            } else {
                QCOMPARE(s.openRemainingMs, qint64(0));
            }
            if (s.state == BreakerState::HalfOpen) {
                QVERIFY(s.halfOpenProbesInFlight >= 0);
                QVERIFY(s.halfOpenProbesInFlight + s.halfOpenSuccesses + s.halfOpenFailures <=
                        c.halfOpenPermittedCalls);
                QVERIFY(s.halfOpenSuccesses < c.halfOpenSuccessThreshold);
                QVERIFY(s.halfOpenFailures <= c.halfOpenPermittedCalls - c.halfOpenSuccessThreshold);
            } else {
                QCOMPARE(s.halfOpenProbesInFlight, 0);
                QCOMPARE(s.halfOpenSuccesses + s.halfOpenFailures, 0);
            }
            quint64 byCategory = 0;
            for (quint64 n : s.failuresByCategory) {
                byCategory += n;
            }
            QCOMPARE(byCategory, s.totalFailures + s.totalIgnoredFailures);
            QCOMPARE(s.localFailures + s.modelFailures, byCategory);
            transitionsSeen = int(h.transitions().size());
        }
        // The walk must have exercised the machine, or the property says nothing.
        QVERIFY2(transitionsSeen > 3, qPrintable(QString::number(transitionsSeen)));
        // Events form a connected path.
        BreakerState last = BreakerState::Closed;
        for (const BreakerEvent &e : h.transitions()) {
            QCOMPARE(e.from, last);
            last = e.to;
        }
        QCOMPARE(last, h.breaker.state());
    }
};

QTEST_GUILESS_MAIN(tst_CircuitBreaker)
#include "tst_CircuitBreaker.moc"
