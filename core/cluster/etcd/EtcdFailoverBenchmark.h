#pragma once

#include <QList>
#include <QString>

class QTextStream;

namespace accel {

/// `accelctl bench failover`: starts a local 3-member etcd (EtcdProcessCluster, 50/500 ms), then
/// 1. N times: two LeaderElection candidates (lease TTL 1 s); the leader crashes (stops keepalives
///    without resigning); measures leader loss → the other candidate elected;
/// 2. side by side for the same duration and concurrency: raw etcd puts (async EtcdClient),
///    raw puts through the blocking client, and EtcdStore::put (a txn) from one thread per writer.
/// Blocks the calling thread (runs local event loops); meant for CLIs.
class EtcdFailoverBenchmark
{
public:
    struct Options
    {
        int runs = 10;
        int concurrency = 8;
        int durationMs = 2000;
        qint64 leaseTtlSeconds = 1;
    };
    struct Result
    {
        QList<qint64> failoverMs;
        qint64 medianFailoverMs = 0;
        qint64 maxFailoverMs = 0;
        double rawPutsPerSecond = 0;
        double blockingPutsPerSecond = 0;
        double storePutsPerSecond = 0;
        QString error; ///< non-empty when the benchmark could not run
    };

    static Result run(const Options &options, QTextStream &progress);
    /// Parses `--runs N --concurrency N --duration-ms N --ttl S`; false + *error on bad input.
    static bool parseArgs(const QStringList &args, Options *options, QString *error);
};

} // namespace accel
