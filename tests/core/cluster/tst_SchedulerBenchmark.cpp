// `accelctl bench scheduler` measures what it claims: every queued no-op task is assigned, run and
// recorded durably through the real Coordinator + SqliteStore, with group commits (far fewer store
// revisions than tasks), next to a raw durable insert rate from the same run. The throughput
// targets themselves depend on the machine and are checked by the command's exit code.
#include "cluster/SchedulerBenchmark.h"

#include <QTemporaryDir>
#include <QTest>

using namespace accel;

class tst_SchedulerBenchmark : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsEveryTaskWithGroupCommits_data()
    {
        QTest::addColumn<int>("tasks");
        QTest::addColumn<int>("workers");
        QTest::newRow("300 tasks, 8 workers") << 300 << 8;
        QTest::newRow("50 tasks, 1 worker") << 50 << 1;
    }

    void runsEveryTaskWithGroupCommits()
    {
        QFETCH(int, tasks);
        QFETCH(int, workers);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SchedulerBenchmark::Row row;
        QString error;
        QVERIFY2(SchedulerBenchmark::run(tasks, workers, 16, dir.path(), &row, &error), qPrintable(error));
        QCOMPARE(row.queuedTasks, tasks);
        QCOMPARE(row.workers, workers);
        QVERIFY(row.submitPerSec > 0);
        QVERIFY(row.assignPerSec > 0);
        QVERIFY(row.rawInsertPerSec > 0);
        // Each task needs durable writes for its assignment and its result: without group commits
        // that is at least two revisions per task.
        QVERIFY2(row.commits > 0 && row.commits < tasks,
                 qPrintable(QStringLiteral("%1 commits for %2 tasks").arg(row.commits).arg(tasks)));
    }

    void badDirectoryIsAnError()
    {
        SchedulerBenchmark::Row row;
        QString error;
        QVERIFY(!SchedulerBenchmark::run(10, 1, 1, QStringLiteral("/proc/no-such-dir/x"), &row, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SchedulerBenchmark)
#include "tst_SchedulerBenchmark.moc"
