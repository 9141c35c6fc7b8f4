#pragma once

#include <QList>
#include <QString>

namespace accel {

/// `accelctl bench scheduler`: the real Coordinator + SqliteStore (WAL, synchronous=FULL, group
/// commits) driving in-process workers that finish each no-op task as soon as it is assigned,
/// next to raw durable SQLite inserts (one committed transaction per row, same pragmas) measured
/// in the same run on the same disk.
class SchedulerBenchmark
{
public:
    struct Row
    {
        int queuedTasks = 0;
        int workers = 0;
        double submitPerSec = 0;    ///< tasks accepted durably per second (one suite)
        double assignPerSec = 0;    ///< tasks assigned, run and recorded durably per second
        double rawInsertPerSec = 0; ///< raw durable single-row transactions per second
        qint64 commits = 0;         ///< store revisions used for the whole run
    };

    /// Runs one configuration in dir (a scratch directory). Needs a running QCoreApplication.
    static bool run(int queuedTasks, int workers, int slotsPerWorker, const QString &dir, Row *out,
                    QString *error);
    /// Raw durable inserts for about durationMs.
    static double rawDurableInsertsPerSec(const QString &dbPath, int durationMs, QString *error);
};

} // namespace accel
