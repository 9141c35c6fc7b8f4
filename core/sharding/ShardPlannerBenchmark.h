#pragma once

#include <QList>
#include <QString>

namespace accel {

class Clock;

/// `accelctl bench planner`: wall time of the exact (DP) optimal planner next to the even split,
/// on the same heterogeneous host sets (fixed seed), and how much lower the optimal bottleneck is.
class ShardPlannerBenchmark
{
public:
    struct Row
    {
        int layers = 0;
        int hosts = 0;
        double optimalMs = 0; ///< median planning time of the optimal strategy
        double evenMs = 0;    ///< median planning time of the even split (layer strategy)
        double optimalBottleneckMs = 0;
        double evenBottleneckMs = 0; ///< 0 when the even split does not fit the hosts' memory
        int optimalStages = 0;
    };

    /// One row per (layers, hosts); repeats each plan `repeats` times (median). Time from `clock`
    /// (nullptr = system).
    static QList<Row> run(const QList<int> &layerCounts, const QList<int> &hostCounts, int repeats,
                          const Clock *clock = nullptr);
    static QString format(const QList<Row> &rows);
};

} // namespace accel
