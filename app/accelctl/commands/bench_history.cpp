// `accelctl bench history`: store insert rate next to raw SQLite, and detector times.
#include "../CommandRegistry.h"

#include "history/HistoryBenchmark.h"

#include <QTextStream>

namespace {

int runBenchHistory(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    accel::HistoryBenchmark::Options options;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto number = [&](int *target, int lo, int hi) {
            bool ok = false;
            const int v = i + 1 < args.size() ? args[++i].toInt(&ok) : 0;
            if (!ok || v < lo || v > hi) {
                err << "accelctl bench history: " << a << " needs " << lo << ".." << hi << '\n';
                return false;
            }
            *target = v;
            return true;
        };
        if (a == QLatin1String("--help")) {
            out << "usage: accelctl bench history [--inserts N] [--points N] [--dir DIR]\n"
                   "  --inserts N  points inserted by each writer (default 500000)\n"
                   "  --points N   length of the series the detectors analyse (default 100000)\n";
            return 0;
        } else if (a == QLatin1String("--inserts")) {
            if (!number(&options.insertPoints, 1000, 50'000'000)) {
                return 2;
            }
        } else if (a == QLatin1String("--points")) {
            if (!number(&options.analysisPoints, 1000, 10'000'000)) {
                return 2;
            }
        } else if (a == QLatin1String("--dir") && i + 1 < args.size()) {
            options.directory = args[++i];
        } else {
            err << "accelctl bench history: unknown argument " << a << '\n';
            return 2;
        }
    }
    const accel::HistoryBenchmark::Report report = accel::HistoryBenchmark::run(options);
    out << accel::HistoryBenchmark::format(report);
    return report.error.isEmpty() ? 0 : 1;
}

} // namespace

ACCELCTL_BENCHMARK("history", "MetricsStore inserts vs raw SQLite; time of each detector on a long series",
                   runBenchHistory);
