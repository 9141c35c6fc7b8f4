#include "cluster/Scheduler.h"

#include <QTest>

using namespace accel;

namespace {

WorkerCapabilities caps(int slotCount, QStringList labels = {}, bool commands = true)
{
    WorkerCapabilities c;
    c.slotCount = slotCount;
    c.labels = labels;
    c.commandTasks = commands;
    c.memoryMb = 4096;
    c.os = QStringLiteral("debian");
    c.kernel = QStringLiteral("linux");
    return c;
}

Scheduler::QueuedTask task(const QString &key, int priority = 0, QStringList labels = {})
{
    Scheduler::QueuedTask t;
    t.key = key;
    t.priority = priority;
    t.requirements.labels = labels;
    t.capabilities = {QStringLiteral("command")};
    return t;
}

} // namespace

class tst_Scheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void priorityThenSubmissionOrder()
    {
        Scheduler s;
        s.enqueue(task(QStringLiteral("a"), 0));
        s.enqueue(task(QStringLiteral("b"), 5));
        s.enqueue(task(QStringLiteral("c"), 0));
        s.enqueue(task(QStringLiteral("d"), 5));
        s.setWorker(QStringLiteral("w"), caps(1));
        QStringList order;
        for (int i = 0; i < 4; ++i) {
            const auto a = s.schedule(0);
            QCOMPARE(a.size(), 1);
            order << a.first().task;
            s.releaseSlot(QStringLiteral("w"));
        }
        QCOMPARE(order, (QStringList{QStringLiteral("b"), QStringLiteral("d"), QStringLiteral("a"),
                                     QStringLiteral("c")}));
    }

    void fairLoadAcrossWorkers()
    {
        Scheduler s;
        for (int i = 0; i < 9; ++i) {
            s.enqueue(task(QStringLiteral("t%1").arg(i)));
        }
        s.setWorker(QStringLiteral("w1"), caps(3));
        s.setWorker(QStringLiteral("w2"), caps(3));
        s.setWorker(QStringLiteral("w3"), caps(3));
        const auto a = s.schedule(0);
        QCOMPARE(a.size(), 9);
        QHash<QString, int> per;
        for (const auto &x : a) {
            ++per[x.worker];
        }
        QCOMPARE(per.value(QStringLiteral("w1")), 3);
        QCOMPARE(per.value(QStringLiteral("w2")), 3);
        QCOMPARE(per.value(QStringLiteral("w3")), 3);
        QCOMPARE(s.schedule(0).size(), 0);
    }

    void capabilityMatchingAndExplain_data()
    {
        QTest::addColumn<QStringList>("labels");
        QTest::addColumn<QString>("capability");
        QTest::addColumn<qint64>("memoryMb");
        QTest::addColumn<QString>("reason");
        QTest::newRow("label") << QStringList{QStringLiteral("gpu")} << QString() << qint64(0)
                               << QStringLiteral("lacks label 'gpu'");
        QTest::newRow("browser") << QStringList{} << QStringLiteral("browser:edge") << qint64(0)
                                 << QStringLiteral("lacks capability 'browser:edge'");
        QTest::newRow("memory") << QStringList{} << QString() << qint64(1 << 20)
                                << QStringLiteral("MB memory");
    }

    void capabilityMatchingAndExplain()
    {
        QFETCH(QStringList, labels);
        QFETCH(QString, capability);
        QFETCH(qint64, memoryMb);
        QFETCH(QString, reason);
        Scheduler s;
        auto t = task(QStringLiteral("t"), 0, labels);
        if (!capability.isEmpty()) {
            t.capabilities << capability;
        }
        t.requirements.minMemoryMb = memoryMb;
        s.enqueue(t);
        QCOMPARE(s.explain(QStringLiteral("t"), 0), QStringLiteral("no workers are connected"));
        s.setWorker(QStringLiteral("w"), caps(2));
        QVERIFY(s.schedule(0).isEmpty());
        QVERIFY2(s.explain(QStringLiteral("t"), 0).contains(reason),
                 qPrintable(s.explain(QStringLiteral("t"), 0)));
        QVERIFY(s.contains(QStringLiteral("t")));
        // A task nobody can run does not block the ones behind it.
        s.enqueue(task(QStringLiteral("ok")));
        const auto a = s.schedule(0);
        QCOMPARE(a.size(), 1);
        QCOMPARE(a.first().task, QStringLiteral("ok"));
    }

    void commandTasksNeedAllowedWorkers()
    {
        Scheduler s;
        s.enqueue(task(QStringLiteral("t")));
        s.setWorker(QStringLiteral("w"), caps(1, {}, false));
        QVERIFY(s.schedule(0).isEmpty());
        QVERIFY(s.explain(QStringLiteral("t"), 0).contains(QStringLiteral("'command'")));
    }

    void exclusionPreferenceAndBackoff()
    {
        Scheduler s;
        s.setWorker(QStringLiteral("w1"), caps(1));
        s.setWorker(QStringLiteral("w2"), caps(1));
        auto migrated = task(QStringLiteral("m"));
        migrated.excluded = {QStringLiteral("w1")};
        s.enqueue(migrated);
        auto a = s.schedule(0);
        QCOMPARE(a.size(), 1);
        QCOMPARE(a.first().worker, QStringLiteral("w2"));
        s.releaseSlot(QStringLiteral("w2"));
        auto inPlace = task(QStringLiteral("p"));
        inPlace.preferredWorker = QStringLiteral("w2");
        inPlace.notBeforeMs = 100;
        s.enqueue(inPlace);
        QVERIFY(s.schedule(50).isEmpty());
        QVERIFY(s.explain(QStringLiteral("p"), 50).contains(QStringLiteral("waiting")));
        a = s.schedule(100);
        QCOMPARE(a.size(), 1);
        QCOMPARE(a.first().worker, QStringLiteral("w2"));
        // When every matching worker is excluded, an excluded one is better than starving.
        Scheduler lone;
        lone.setWorker(QStringLiteral("only"), caps(1));
        auto t = task(QStringLiteral("x"));
        t.excluded = {QStringLiteral("only")};
        lone.enqueue(t);
        QCOMPARE(lone.schedule(0).size(), 1);
    }

    void notAcceptingWorkersGetNothing()
    {
        Scheduler s;
        s.setWorker(QStringLiteral("w"), caps(4));
        s.setAccepting(QStringLiteral("w"), false, QStringLiteral("quarantined"));
        s.enqueue(task(QStringLiteral("t")));
        QVERIFY(s.schedule(0).isEmpty());
        QVERIFY(s.explain(QStringLiteral("t"), 0).contains(QStringLiteral("quarantined")));
        s.setAccepting(QStringLiteral("w"), true);
        QCOMPARE(s.schedule(0).size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_Scheduler)
#include "tst_Scheduler.moc"
