// `accelctl version` and `accelctl bench <name>`: the dispatcher for benchmarks that each area
// registers with ACCELCTL_BENCHMARK.
#include "../CommandRegistry.h"

#include "common/Version.h"

#include <QTextStream>

namespace {

int runVersion(const QStringList &)
{
    QTextStream(stdout) << "accelctl " << accel::projectVersion() << " (Qt " << qVersion() << ")\n";
    return 0;
}

int runBench(const QStringList &args)
{
    QTextStream out(stdout);
    const auto &all = accelctl::BenchmarkRegistry::all();
    if (args.isEmpty() || args.first() == QLatin1String("--help")) {
        out << "usage: accelctl bench <name> [args...]\n\nbenchmarks:\n";
        for (const accelctl::Benchmark &b : all) {
            out << "  " << b.name.leftJustified(12) << b.summary << '\n';
        }
        return args.isEmpty() ? 2 : 0;
    }
    QStringList rest = args;
    const QString name = rest.takeFirst();
    const accelctl::Benchmark *bench = accelctl::BenchmarkRegistry::find(name);
    if (!bench) {
        QTextStream(stderr) << "accelctl bench: unknown benchmark '" << name << "'\n";
        return 2;
    }
    return bench->run(rest);
}

} // namespace

ACCELCTL_COMMAND("version", "print the version", runVersion);
ACCELCTL_COMMAND("bench", "run a benchmark and print measured ratios (accelctl bench --help)", runBench);
