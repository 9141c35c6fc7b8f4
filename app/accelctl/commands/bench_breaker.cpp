// `accelctl bench breaker [--calls N] [--repeats N] [--json] [--check]`: parses and prints only;
// the benchmark lives in core (resilience/BreakerBenchmark).
#include "../CommandRegistry.h"

#include "resilience/BreakerBenchmark.h"

#include <QJsonDocument>
#include <QTextStream>

namespace {

int usage(QTextStream &err, const QString &problem)
{
    if (!problem.isEmpty()) {
        err << "accelctl bench breaker: " << problem << '\n';
    }
    err << "usage: accelctl bench breaker [--calls N] [--repeats N] [--json] [--check]\n"
           "  --calls N    recorded calls per round (default 2000000)\n"
           "  --repeats N  interleaved rounds, the median is reported (default 5)\n"
           "  --json       print the report as JSON\n"
           "  --check      exit 1 when the targets (< 5x baseline, < 100 ns) are missed\n";
    return problem.isEmpty() ? 0 : 2;
}

int runBreakerBench(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    accel::BreakerBenchmark::Options options;
    bool json = false;
    bool check = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            return usage(out, QString());
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--check")) {
            check = true;
        } else if (a == QLatin1String("--calls") || a == QLatin1String("--repeats")) {
            if (i + 1 >= args.size()) {
                return usage(err, a + QStringLiteral(" needs a value"));
            }
            bool ok = false;
            const qint64 value = args.at(++i).toLongLong(&ok);
            if (!ok) {
                return usage(err,
                             a + QStringLiteral(" needs an integer, got '") + args.at(i) + QLatin1Char('\''));
            }
            if (a == QLatin1String("--calls")) {
                options.calls = value;
            } else {
                options.repeats = value > 1000 ? 1000 : int(value);
            }
        } else {
            return usage(err, QStringLiteral("unknown argument '") + a + QLatin1Char('\''));
        }
    }
    const QString invalid = accel::BreakerBenchmark::validate(options);
    if (!invalid.isEmpty()) {
        return usage(err, invalid);
    }
    const accel::BreakerBenchmark::Report report = accel::BreakerBenchmark::run(options);
    if (json) {
        out << QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
    } else {
        out << report.toText();
    }
    return (check && !report.targetsMet) ? 1 : 0;
}

} // namespace

ACCELCTL_BENCHMARK("breaker", "ns per recorded call: CircuitBreaker (count/time window) vs mutex+counter",
                   runBreakerBench);
