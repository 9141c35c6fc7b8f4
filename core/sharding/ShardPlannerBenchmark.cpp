#include "sharding/ShardPlannerBenchmark.h"

#include "common/Clock.h"
#include "sharding/ShardPlanner.h"

#include <QRandomGenerator>

#include <algorithm>
#include <vector>

namespace accel {

namespace {

double median(std::vector<double> v)
{
    if (v.empty()) {
        return 0.0;
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

QList<ShardPlannerBenchmark::Row> ShardPlannerBenchmark::run(const QList<int> &layerCounts,
                                                             const QList<int> &hostCounts, int repeats,
                                                             const Clock *clock)
{
    const Clock *c = clock ? clock : Clock::system();
    QList<Row> rows;
    for (int layers : layerCounts) {
        for (int hostCount : hostCounts) {
            // GPT-2-small-shaped layers (7.1 M floats), heterogeneous hosts from a fixed seed:
            // 1..8 ms/layer and room for 40%..100% of the model each.
            ShardModelFacts facts;
            facts.layerCount = layers;
            facts.bytesPerLayer = 7'087'872LL * 4;
            facts.embeddingBytes = (50257LL + 1024) * 768 * 4;
            facts.finalBytes = 2 * 768 * 4;
            facts.activationBytesPerToken = 768 * 4;
            QRandomGenerator rng(quint32(layers * 1000 + hostCount));
            QList<ShardHost> hosts;
            const qint64 modelBytes = facts.embeddingBytes + facts.finalBytes + layers * facts.bytesPerLayer;
            for (int h = 0; h < hostCount; ++h) {
                ShardHost host;
                host.id = QStringLiteral("h%1").arg(h);
                host.kind = HostKind(1 + h % 4);
                host.msPerLayer = 1.0 + rng.bounded(7.0);
                host.freeMemoryBytes = qint64(modelBytes * (0.4 + rng.bounded(0.6)));
                hosts.append(host);
            }
            ShardPlannerOptions options;
            options.stageCount = hostCount;
            ShardPlanner planner(facts, options);
            Row row;
            row.layers = layers;
            row.hosts = hostCount;
            std::vector<double> opt;
            std::vector<double> even;
            for (int r = 0; r < std::max(1, repeats); ++r) {
                qint64 t0 = c->nowNs();
                const auto o = planner.plan(ShardStrategy::Optimal, hosts, nullptr);
                opt.push_back((c->nowNs() - t0) / 1e6);
                t0 = c->nowNs();
                const auto e = planner.plan(ShardStrategy::Layer, hosts, nullptr);
                even.push_back((c->nowNs() - t0) / 1e6);
                if (o) {
                    row.optimalBottleneckMs = o->bottleneckMs();
                    row.optimalStages = int(o->stages.size());
                }
                row.evenBottleneckMs = e ? e->bottleneckMs() : 0.0;
            }
            row.optimalMs = median(opt);
            row.evenMs = median(even);
            rows.append(row);
        }
    }
    return rows;
}

QString ShardPlannerBenchmark::format(const QList<Row> &rows)
{
    QString text = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                       .arg(QStringLiteral("layers"), 6)
                       .arg(QStringLiteral("hosts"), 5)
                       .arg(QStringLiteral("optimal ms"), 11)
                       .arg(QStringLiteral("even ms"), 9)
                       .arg(QStringLiteral("time x"), 8)
                       .arg(QStringLiteral("stages"), 6)
                       .arg(QStringLiteral("opt bottleneck"), 14)
                       .arg(QStringLiteral("even bottleneck"), 15)
                       .arg(QStringLiteral("opt/even"), 9);
    for (const Row &r : rows) {
        const bool evenFits = r.evenBottleneckMs > 0;
        text +=
            QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                .arg(r.layers, 6)
                .arg(r.hosts, 5)
                .arg(r.optimalMs, 11, 'f', 3)
                .arg(r.evenMs, 9, 'f', 4)
                .arg(r.evenMs > 0 ? r.optimalMs / r.evenMs : 0.0, 8, 'f', 0)
                .arg(r.optimalStages, 6)
                .arg(r.optimalBottleneckMs, 14, 'f', 2)
                .arg(evenFits ? QString::number(r.evenBottleneckMs, 'f', 2) : QStringLiteral("no fit"), 15)
                .arg(evenFits ? QString::number(r.optimalBottleneckMs / r.evenBottleneckMs, 'f', 2)
                              : QStringLiteral("-"),
                     9);
    }
    return text;
}

} // namespace accel
