// `accelctl bench scheduler`: coordinator assignments/s on SQLite next to raw durable inserts.
#include "../CommandRegistry.h"

#include "cluster/SchedulerBenchmark.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTextStream>

namespace {

int runSchedulerBench(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QList<int> sizes = {1000, 10000};
    int workers = 8;
    int slotCount = 16;
    QString dir;
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        if (a == QLatin1String("--help")) {
            out << "usage: accelctl bench scheduler [--tasks N[,N...]] [--workers 8] [--slots 16] [--dir "
                   "DIR]\n"
                   "Submits N no-op tasks, then 8 in-process workers drain the queue through the real\n"
                   "Coordinator and SqliteStore (WAL, synchronous=FULL, group commits); raw durable SQLite\n"
                   "inserts (one transaction per row, same settings) run in the same directory for "
                   "comparison.\n";
            return 0;
        }
        if (i + 1 >= args.size()) {
            err << "accelctl bench scheduler: " << a << " needs a value\n";
            return 2;
        }
        const QString v = args[++i];
        bool ok = true;
        if (a == QLatin1String("--tasks")) {
            sizes.clear();
            for (const QString &n : v.split(QLatin1Char(','))) {
                const int size = n.toInt(&ok);
                if (!ok || size < 1 || size > 1000000) {
                    break;
                }
                sizes.append(size);
            }
        } else if (a == QLatin1String("--workers")) {
            workers = v.toInt(&ok);
            ok = ok && workers >= 1 && workers <= 256;
        } else if (a == QLatin1String("--slots")) {
            slotCount = v.toInt(&ok);
            ok = ok && slotCount >= 1 && slotCount <= 1024;
        } else if (a == QLatin1String("--dir")) {
            dir = v;
        } else {
            ok = false;
        }
        if (!ok) {
            err << "accelctl bench scheduler: bad argument " << a << ' ' << v << '\n';
            return 2;
        }
    }
    QTemporaryDir tmp(dir.isEmpty() ? QDir::temp().filePath(QStringLiteral("accel-bench-XXXXXX"))
                                    : QDir(dir).filePath(QStringLiteral("accel-bench-XXXXXX")));
    if (!tmp.isValid()) {
        err << "accelctl bench scheduler: cannot create a scratch directory\n";
        return 1;
    }
    out << "scheduler benchmark: " << workers << " in-process workers x " << slotCount
        << " slots, SQLite WAL + synchronous=FULL in " << tmp.path() << "\n\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("queued"), 8)
               .arg(QStringLiteral("submit tasks/s"), 15)
               .arg(QStringLiteral("assign+done/s"), 14)
               .arg(QStringLiteral("raw inserts/s"), 14)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("commits"), 8);
    bool allMet = true;
    for (int size : sizes) {
        accel::SchedulerBenchmark::Row row;
        QString error;
        if (!accel::SchedulerBenchmark::run(size, workers, slotCount, tmp.path(), &row, &error)) {
            err << "accelctl bench scheduler: " << error << '\n';
            return 1;
        }
        const double ratio = row.assignPerSec / row.rawInsertPerSec;
        out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                   .arg(row.queuedTasks, 8)
                   .arg(row.submitPerSec, 15, 'f', 0)
                   .arg(row.assignPerSec, 14, 'f', 0)
                   .arg(row.rawInsertPerSec, 14, 'f', 0)
                   .arg(QString::number(ratio * 100, 'f', 0) + QLatin1Char('%'), 7)
                   .arg(row.commits, 8);
        out.flush();
        allMet = allMet && row.assignPerSec >= 2000 && ratio >= 0.25;
    }
    out << "\ntargets: >= 2000 assignments/s and >= 25% of the raw durable insert rate: "
        << (allMet ? "met" : "NOT met") << '\n';
    return allMet ? 0 : 1;
}

} // namespace

ACCELCTL_BENCHMARK("scheduler", "coordinator assignments/s (SQLite, 8 workers) vs raw durable inserts",
                   runSchedulerBench);
