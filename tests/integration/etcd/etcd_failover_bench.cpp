// Stand-alone runner of accel::EtcdFailoverBenchmark (the same code as `accelctl bench failover`,
// usable before accelctl includes the etcd commands). Exit code 0 when every target is met.
#include "cluster/etcd/EtcdFailoverBenchmark.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    args.removeFirst();
    accel::EtcdFailoverBenchmark::Options options;
    QString error;
    QTextStream out(stdout);
    if (!accel::EtcdFailoverBenchmark::parseArgs(args, &options, &error)) {
        QTextStream(stderr) << "etcd_failover_bench: " << error << '\n';
        return 2;
    }
    const auto r = accel::EtcdFailoverBenchmark::run(options, out);
    if (!r.error.isEmpty()) {
        QTextStream(stderr) << "etcd_failover_bench: " << r.error << '\n';
        return 1;
    }
    // Against the faster raw path, so the ratio measures the store, not the transport.
    const double raw = qMax(r.rawPutsPerSecond, r.blockingPutsPerSecond);
    const double ratio = raw > 0 ? r.storePutsPerSecond / raw : 0;
    out << "failover median " << r.medianFailoverMs << " ms, max " << r.maxFailoverMs << " ms over "
        << r.failoverMs.size() << " runs\n"
        << "raw async puts " << qRound(r.rawPutsPerSecond) << "/s, raw blocking puts "
        << qRound(r.blockingPutsPerSecond) << "/s, EtcdStore::put " << qRound(r.storePutsPerSecond)
        << "/s, store/best-raw " << QString::number(ratio, 'f', 2) << '\n';
    return (r.medianFailoverMs < 1500 && r.maxFailoverMs < 3000 && ratio >= 0.5) ? 0 : 1;
}
