#include "cluster/FailureDetector.h"
#include "cluster/RecoveryPolicy.h"
#include "common/Clock.h"

#include <QTest>

using namespace accel;

/// RecoveryPolicy's progressive steps and FailureDetector's suspect/dead timeline.
class tst_RecoveryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decide_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("taskFailures");
        QTest::addColumn<int>("infraFailures");
        QTest::addColumn<int>("maxRetries");
        QTest::addColumn<int>("workerFailures");
        QTest::addColumn<int>("action");
        QTest::addColumn<bool>("quarantine");
        QTest::addColumn<QString>("finalStatus");
        using K = FailureKind;
        using A = RecoveryAction;
        QTest::newRow("flaky: first failure retries in place")
            << int(K::TaskFailed) << 0 << 0 << 2 << 0 << int(A::RetryInPlace) << false << QString();
        QTest::newRow("second failure migrates")
            << int(K::TaskFailed) << 1 << 0 << 2 << 0 << int(A::Migrate) << false << QString();
        QTest::newRow("budget spent fails")
            << int(K::TaskFailed) << 2 << 0 << 2 << 0 << int(A::Fail) << false << QStringLiteral("failed");
        QTest::newRow("no retries fails")
            << int(K::TaskFailed) << 0 << 0 << 0 << 0 << int(A::Fail) << false << QStringLiteral("failed");
        QTest::newRow("timeout retries")
            << int(K::TaskTimeout) << 0 << 0 << 1 << 0 << int(A::RetryInPlace) << false << QString();
        QTest::newRow("timeout spent is error")
            << int(K::TaskTimeout) << 1 << 0 << 1 << 0 << int(A::Fail) << false << QStringLiteral("error");
        QTest::newRow("crash on a bad worker quarantines")
            << int(K::TaskCrash) << 0 << 0 << 3 << 2 << int(A::Migrate) << true << QString();
        QTest::newRow("worker crash migrates")
            << int(K::WorkerCrash) << 0 << 0 << 0 << 0 << int(A::Migrate) << false << QString();
        QTest::newRow("worker hang migrates")
            << int(K::WorkerHang) << 0 << 0 << 0 << 0 << int(A::Migrate) << false << QString();
        QTest::newRow("partition migrates")
            << int(K::NetworkPartition) << 0 << 0 << 0 << 0 << int(A::Migrate) << false << QString();
        QTest::newRow("oom migrates")
            << int(K::WorkerOutOfMemory) << 0 << 0 << 0 << 0 << int(A::Migrate) << false << QString();
        QTest::newRow("third strike quarantines")
            << int(K::WorkerHang) << 0 << 1 << 0 << 2 << int(A::Migrate) << true << QString();
        QTest::newRow("disk full quarantines at once")
            << int(K::DiskFull) << 0 << 0 << 0 << 0 << int(A::Migrate) << true << QString();
        QTest::newRow("browser crash restarts in place")
            << int(K::BrowserCrash) << 0 << 0 << 0 << 0 << int(A::RetryInPlace) << false << QString();
        QTest::newRow("browser crash again migrates")
            << int(K::BrowserCrash) << 0 << 1 << 0 << 0 << int(A::Migrate) << false << QString();
        QTest::newRow("infra budget spent")
            << int(K::WorkerCrash) << 0 << 4 << 0 << 0 << int(A::Fail) << false << QStringLiteral("error");
        QTest::newRow("coordinator restart waits")
            << int(K::CoordinatorRestart) << 0 << 0 << 0 << 0 << int(A::AwaitReconnect) << false << QString();
    }

    void decide()
    {
        QFETCH(int, kind);
        QFETCH(int, taskFailures);
        QFETCH(int, infraFailures);
        QFETCH(int, maxRetries);
        QFETCH(int, workerFailures);
        QFETCH(int, action);
        QFETCH(bool, quarantine);
        QFETCH(QString, finalStatus);
        RecoveryPolicy policy(3);
        AttemptHistory h;
        h.attempts = taskFailures + infraFailures + 1;
        h.taskFailures = taskFailures;
        h.infraFailures = infraFailures;
        h.maxRetries = maxRetries;
        h.maxInfraAttempts = 5;
        const RecoveryDecision d = policy.decide(FailureKind(kind), h, workerFailures);
        QCOMPARE(RecoveryPolicy::actionName(d.action), RecoveryPolicy::actionName(RecoveryAction(action)));
        QCOMPARE(d.quarantineWorker, quarantine);
        QCOMPARE(d.finalStatus, finalStatus);
        QVERIFY(!d.reason.isEmpty());
    }

    void backoffDoubles()
    {
        RecoveryPolicy policy;
        AttemptHistory h;
        h.maxRetries = 5;
        h.backoffMs = 100;
        h.taskFailures = 2;
        QCOMPARE(policy.decide(FailureKind::TaskFailed, h, 0).delayMs, 400);
    }

    void workerFailureStrings_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::addColumn<int>("kind");
        QTest::newRow("timeout") << QStringLiteral("timeout") << int(FailureKind::TaskTimeout);
        QTest::newRow("crash") << QStringLiteral("crash") << int(FailureKind::TaskCrash);
        QTest::newRow("oom") << QStringLiteral("oom") << int(FailureKind::WorkerOutOfMemory);
        QTest::newRow("disk") << QStringLiteral("disk-full") << int(FailureKind::DiskFull);
        QTest::newRow("browser") << QStringLiteral("browser-crash") << int(FailureKind::BrowserCrash);
        QTest::newRow("none") << QStringLiteral("none") << 0;
    }

    void workerFailureStrings()
    {
        QFETCH(QString, failure);
        QFETCH(int, kind);
        FailureKind k = FailureKind::WorkerCrash;
        QCOMPARE(RecoveryPolicy::kindFromWorkerFailure(failure, &k), kind != 0);
        if (kind != 0) {
            QCOMPARE(int(k), kind);
        }
    }

    void detectorSuspectsBeforeDeclaringDead()
    {
        ManualClock clock;
        FailureDetector d(&clock, 1000, 3000);
        d.track(QStringLiteral("w1"));
        d.track(QStringLiteral("w2"));
        QVERIFY(d.evaluate().isEmpty());
        clock.advanceMs(1200);
        d.heartbeat(QStringLiteral("w2"));
        auto t = d.evaluate();
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].id, QStringLiteral("w1"));
        QCOMPARE(int(t[0].to), int(FailureDetector::State::Suspect));
        // A heartbeat from a suspect brings it back.
        d.heartbeat(QStringLiteral("w1"));
        t = d.evaluate();
        QCOMPARE(t.size(), 1);
        QCOMPARE(int(t[0].to), int(FailureDetector::State::Alive));
        clock.advanceMs(3000);
        t = d.evaluate();
        QCOMPARE(t.size(), 2);
        QCOMPARE(int(t[0].to), int(FailureDetector::State::Dead));
        QCOMPARE(t[0].silentMs, 3000);
        // Dead stays dead: a late heartbeat does not revive it, re-registering does.
        d.heartbeat(QStringLiteral("w1"));
        QVERIFY(d.evaluate().isEmpty());
        QCOMPARE(int(d.state(QStringLiteral("w1"))), int(FailureDetector::State::Dead));
        d.track(QStringLiteral("w1"));
        QCOMPARE(int(d.state(QStringLiteral("w1"))), int(FailureDetector::State::Alive));
        QCOMPARE(int(d.state(QStringLiteral("unknown"))), int(FailureDetector::State::Dead));
    }
};

QTEST_GUILESS_MAIN(tst_RecoveryPolicy)
#include "tst_RecoveryPolicy.moc"
