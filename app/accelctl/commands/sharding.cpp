// `accelctl plan` (a shard plan for a model over a host list, with its explanation) and
// `accelctl bench planner` (the exact planner's cost next to the even split). Logic lives in
// core/sharding; this file parses and prints.
#include "../CommandRegistry.h"

#include "model/DemoModel.h"
#include "model/ModelConfig.h"
#include "sharding/ShardPlanner.h"
#include "sharding/ShardPlannerBenchmark.h"

#include <QDir>
#include <QJsonDocument>
#include <QTextStream>

#include <cmath>

namespace {

const char *kPlanUsage =
    "usage: accelctl plan --model demo|DIR --hosts SPEC --strategy layer|browser|optimal\n"
    "                     [--stages N] [--exact-stages] [--tokens 64] [--hop-ms 0.5]\n"
    "                     [--hop-ms-per-mib 13] [--default-ms-per-layer MS | --assume-gflops 1.0] [--json]\n"
    "  SPEC: comma-separated ID:KIND[:MS_PER_LAYER[:MEMORY_MiB[:BACKEND]]], KIND one of\n"
    "        embedded, chromium, firefox, edge; \"-\" = unmeasured speed / unknown memory.\n"
    "        e.g. c1:chromium:2.5:512,f1:firefox:4:1024,e1:embedded:-:256\n"
    "  Unmeasured hosts get --default-ms-per-layer, or else the model's per-layer FLOPs at\n"
    "  --assume-gflops (default 1.0, the browser kernels' measured order of magnitude here).\n";

bool parseDouble(const QString &v, double lo, double hi, double *out)
{
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok || !std::isfinite(d) || d < lo || d > hi) {
        return false;
    }
    *out = d;
    return true;
}

int planCommand(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QString model;
    QString hostSpec;
    QString strategyName;
    bool json = false;
    double defaultMs = -1;
    double assumeGflops = 1.0;
    accel::ShardPlannerOptions options;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--help")) {
            out << kPlanUsage;
            return 0;
        }
        if (a == QLatin1String("--json")) {
            json = true;
            continue;
        }
        if (a == QLatin1String("--exact-stages")) {
            options.exactStageCount = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            err << "accelctl plan: " << a << " needs a value\n" << kPlanUsage;
            return 2;
        }
        const QString v = args.at(++i);
        bool ok = true;
        double d = 0;
        if (a == QLatin1String("--model")) {
            model = v;
        } else if (a == QLatin1String("--hosts")) {
            hostSpec = v;
        } else if (a == QLatin1String("--strategy")) {
            strategyName = v;
        } else if (a == QLatin1String("--stages")) {
            ok = parseDouble(v, 1, accel::ShardPlan::kMaxStages, &d) && d == std::floor(d);
            options.stageCount = int(d);
        } else if (a == QLatin1String("--tokens")) {
            ok = parseDouble(v, 1, 1 << 20, &d) && d == std::floor(d);
            options.tokensPerRequest = int(d);
        } else if (a == QLatin1String("--hop-ms")) {
            ok = parseDouble(v, 0, 1e6, &options.hop.fixedMs);
        } else if (a == QLatin1String("--hop-ms-per-mib")) {
            ok = parseDouble(v, 0, 1e6, &options.hop.msPerMiB);
        } else if (a == QLatin1String("--default-ms-per-layer")) {
            ok = parseDouble(v, 1e-9, 1e9, &defaultMs);
        } else if (a == QLatin1String("--assume-gflops")) {
            ok = parseDouble(v, 1e-6, 1e9, &assumeGflops);
        } else {
            err << "accelctl plan: unknown option " << a << "\n" << kPlanUsage;
            return 2;
        }
        if (!ok) {
            err << "accelctl plan: bad value for " << a << ": " << v << '\n';
            return 2;
        }
    }
    if (model.isEmpty() || hostSpec.isEmpty() || strategyName.isEmpty()) {
        err << "accelctl plan: --model, --hosts and --strategy are required\n" << kPlanUsage;
        return 2;
    }
    const auto strategy = accel::shardStrategyFromName(strategyName);
    if (!strategy || *strategy == accel::ShardStrategy::Manual) {
        err << "accelctl plan: unknown strategy \"" << strategyName << "\" (layer, browser, optimal)\n";
        return 2;
    }
    accel::ModelConfig config;
    if (model == QLatin1String("demo")) {
        config = accel::DemoModel::config();
    } else {
        accel::ModelError modelError;
        const auto loaded =
            accel::ModelConfig::fromFile(QDir(model).filePath(QStringLiteral("config.json")), &modelError);
        if (!loaded) {
            err << "accelctl plan: " << modelError.message << '\n';
            return 1;
        }
        config = *loaded;
    }
    accel::ShardError error;
    const auto hosts = accel::ShardHost::parseList(hostSpec, &error);
    if (!hosts) {
        err << "accelctl plan: " << error.message << '\n';
        return 2;
    }
    options.strategy = *strategy;
    options.defaultMsPerLayer =
        defaultMs > 0 ? defaultMs : config.layerFlops(options.tokensPerRequest) / (assumeGflops * 1e6);
    accel::ShardPlanner planner(accel::ShardModelFacts::fromConfig(config), options);
    const auto plan = planner.plan(*hosts, &error);
    if (!plan) {
        err << "accelctl plan: " << error.message << '\n';
        return 1;
    }
    if (json) {
        out << QJsonDocument(plan->toJson()).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "model: " << (model == QLatin1String("demo") ? QStringLiteral("demo (random weights)") : model)
        << ", " << config.layerCount << " layers, " << accel::toString(planner.facts().family) << " family\n";
    bool anyDefault = false;
    for (const accel::ShardHost &h : *hosts) {
        anyDefault = anyDefault || h.msPerLayer <= 0;
    }
    if (anyDefault) {
        out << "default for unmeasured hosts: " << QString::number(options.defaultMsPerLayer, 'f', 2)
            << " ms/layer"
            << (defaultMs > 0 ? QStringLiteral(" (given)")
                              : QStringLiteral(" (%1 GFLOP per layer at an assumed %2 GFLOP/s)")
                                    .arg(config.layerFlops(options.tokensPerRequest) / 1e9, 0, 'f', 3)
                                    .arg(assumeGflops))
            << '\n';
    }
    out << plan->describe();
    return 0;
}

int benchPlanner(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QList<int> layers{12, 24, 48};
    QList<int> hostCounts{2, 3, 4, 5, 6, 7, 8};
    int repeats = 5;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--help")) {
            out << "usage: accelctl bench planner [--layers 12,24,48] [--hosts 2,3,4,5,6,7,8] [--repeats 5]\n"
                   "Times the exact optimal planner (dynamic programming) next to the even split on the "
                   "same\n"
                   "heterogeneous hosts (fixed seed) and compares their bottlenecks.\n";
            return 0;
        }
        if (i + 1 >= args.size()) {
            err << "accelctl bench planner: " << a << " needs a value\n";
            return 2;
        }
        const QString v = args.at(++i);
        auto parseList = [&v](int lo, int hi, QList<int> *outList) {
            outList->clear();
            for (const QString &part : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                bool ok = false;
                const int n = part.toInt(&ok);
                if (!ok || n < lo || n > hi) {
                    return false;
                }
                outList->append(n);
            }
            return !outList->isEmpty();
        };
        bool ok = false;
        if (a == QLatin1String("--layers")) {
            ok = parseList(1, 512, &layers);
        } else if (a == QLatin1String("--hosts")) {
            ok = parseList(1, accel::ShardPlanner::kMaxOptimalHosts, &hostCounts);
        } else if (a == QLatin1String("--repeats")) {
            repeats = v.toInt(&ok);
            ok = ok && repeats >= 1 && repeats <= 1000;
        }
        if (!ok) {
            err << "accelctl bench planner: bad argument " << a << ' ' << v << '\n';
            return 2;
        }
    }
    out << "planner benchmark: optimal (exact DP, O(2^H * H * L^2)) vs even split, median of " << repeats
        << " runs; GPT-2-small-sized layers, hosts 1..8 ms/layer and 40..100% of the model's memory\n\n";
    out << accel::ShardPlannerBenchmark::format(
        accel::ShardPlannerBenchmark::run(layers, hostCounts, repeats));
    out << "\ntime x = optimal planning time / even split planning time; opt/even = bottleneck ratio "
           "(lower is better, never above 1)\n";
    return 0;
}

} // namespace

ACCELCTL_COMMAND("plan", "shard plan of a model over hosts (layer, browser or optimal strategy)",
                 planCommand);
ACCELCTL_BENCHMARK("planner", "exact optimal shard planner (DP) time and bottleneck vs the even split",
                   benchPlanner);
