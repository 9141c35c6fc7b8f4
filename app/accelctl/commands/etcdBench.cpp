// `accelctl bench failover`: coordinator failover time on a local 3-member etcd and etcd write
// throughput (raw puts vs EtcdStore) side by side. The benchmark itself lives in core.
#include "../CommandRegistry.h"

#include "cluster/etcd/EtcdFailoverBenchmark.h"

#include <QTextStream>

namespace {

int runFailoverBench(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.contains(QLatin1String("--help"))) {
        out << "usage: accelctl bench failover [--runs N] [--concurrency N] [--duration-ms N] [--ttl S]\n"
               "Starts 3 local etcd members (needs the etcd binary), measures leader loss -> new leader\n"
               "over N runs, then raw etcd puts vs EtcdStore writes at the same concurrency.\n";
        return 0;
    }
    accel::EtcdFailoverBenchmark::Options options;
    QString error;
    if (!accel::EtcdFailoverBenchmark::parseArgs(args, &options, &error)) {
        err << "accelctl bench failover: " << error << '\n';
        return 2;
    }
    const auto r = accel::EtcdFailoverBenchmark::run(options, out);
    if (!r.error.isEmpty()) {
        err << "accelctl bench failover: " << r.error << '\n';
        return 1;
    }
    out << "failover (leader crash -> new leader), " << r.failoverMs.size() << " runs: median "
        << r.medianFailoverMs << " ms, max " << r.maxFailoverMs
        << " ms (targets: median < 1500, max < 3000)\n";
    out << "writes at concurrency " << options.concurrency << ": raw async puts "
        << qRound(r.rawPutsPerSecond) << "/s, raw blocking puts " << qRound(r.blockingPutsPerSecond)
        << "/s, EtcdStore::put " << qRound(r.storePutsPerSecond) << "/s\n";
    // Against the faster raw path, so the ratio measures the store, not the transport.
    const double raw = qMax(r.rawPutsPerSecond, r.blockingPutsPerSecond);
    const double ratio = raw > 0 ? r.storePutsPerSecond / raw : 0;
    out << "EtcdStore / best raw puts = " << QString::number(ratio, 'f', 2) << " (target >= 0.50)\n";
    const bool met = r.medianFailoverMs < 1500 && r.maxFailoverMs < 3000 && ratio >= 0.5;
    out << (met ? "all targets met\n" : "TARGET MISSED\n");
    return met ? 0 : 1;
}

} // namespace

ACCELCTL_BENCHMARK("failover", "etcd coordinator failover time and EtcdStore vs raw put throughput",
                   runFailoverBench);
