// `accelctl bench pipeline`: relayed and direct hops measured side by side (PipelineBench.h).
#include "PipelineBench.h"

#include <QElapsedTimer>

namespace accel::pipelinebench {

namespace {

/// One sequential request through `executor`: wall ms minus the compute its `stageCount` runs
/// reported (runTiming on the sessions of `hosts`), or -1 when it did not complete.
/// With a direct hop, `transitMs` gets the time from the first page posting its output to the
/// second page receiving it, on the pages' clocks (performance.timeOrigin + now()).
double overheadOfOneRequest(Bench &bench, PipelineExecutor *executor, const QStringList &hosts,
                            int stageCount, double *transitMs = nullptr)
{
    bool done = false;
    double forwardedAt = 0;
    double lastReceivedAt = 0;
    int timed = 0;
    double computeMs = 0;
    double wallMs = -1;
    QElapsedTimer timer;
    QList<QMetaObject::Connection> connections;
    connections << QObject::connect(executor, &PipelineExecutor::requestFinished, [&] {
        wallMs = double(timer.nsecsElapsed()) / 1e6;
        done = true;
    });
    for (const QString &id : hosts) {
        if (HostSession *s = bench.server->session(id)) {
            connections << QObject::connect(s, &HostSession::runTimed,
                                            [&](quint64, const hostproto::RunTiming &t) {
                                                computeMs += t.computeMs;
                                                ++timed;
                                                if (t.forwardedAtMs > 0) {
                                                    forwardedAt = t.forwardedAtMs;
                                                } else if (stageCount > 1 && t.receivedAtMs > 0) {
                                                    lastReceivedAt = t.receivedAtMs;
                                                }
                                            });
        }
    }
    timer.start();
    executor->submit(bench.tokens);
    const bool ok = waitUntil([&] { return done && timed >= stageCount; }, 60000);
    for (const auto &c : std::as_const(connections)) {
        QObject::disconnect(c);
    }
    if (transitMs && forwardedAt > 0 && lastReceivedAt > 0) {
        *transitMs = lastReceivedAt - forwardedAt;
    }
    return ok ? wallMs - computeMs : -1;
}

} // namespace

HopComparison compareHops(Bench &bench, const QString &a, const QString &b, int rounds)
{
    HopComparison result;
    const int layers = bench.package->layerCount();
    PipelineExecutor::Config timed;
    timed.timing = true;
    PipelineExecutor::Config relayed = timed;
    relayed.directHops = false;
    auto one = bench.start({bench.stage(a, 0, layers)}, {}, 1, timed);
    auto relay =
        bench.start({bench.stage(a, 0, layers / 2), bench.stage(b, layers / 2, layers)}, {}, 1, relayed);
    auto direct =
        bench.start({bench.stage(a, 0, layers / 2), bench.stage(b, layers / 2, layers)}, {}, 1, timed);
    if (!one || !relay || !direct) {
        return result;
    }
    // The link is asked for once both stages are deployed; the page answers within ms (or says why not).
    waitUntil(
        [&] {
            const auto st = direct->stageStats();
            return st.at(0).hop == QLatin1String("direct") || !st.at(0).hopReason.isEmpty();
        },
        10000);
    const PipelineExecutor::StageStats first = direct->stageStats().at(0);
    result.directState =
        first.hop == QLatin1String("direct")
            ? first.hop
            : (first.hopReason.isEmpty() ? QStringLiteral("no link after 10 s") : first.hopReason);
    std::vector<double> ones;
    std::vector<double> relayHops;
    std::vector<double> directHops;
    std::vector<double> transits;
    for (int i = 0; i < rounds + 3; ++i) {
        const double o = overheadOfOneRequest(bench, one.get(), {a}, 1);
        const double r = overheadOfOneRequest(bench, relay.get(), {a, b}, 2);
        double transit = -1;
        const double d = overheadOfOneRequest(bench, direct.get(), {a, b}, 2, &transit);
        if (o < 0 || r < 0 || d < 0) {
            return result;
        }
        if (i >= 3) { // warm-up
            ones.push_back(o);
            relayHops.push_back(r - o);
            directHops.push_back(d - o);
            if (transit >= 0) {
                transits.push_back(transit);
            }
        }
    }
    result.oneStageMs = median(ones);
    result.relayMs = median(relayHops);
    result.directMs = median(directHops);
    result.transitMs = transits.empty() ? -1 : median(transits);
    result.pairs = int(ones.size());
    result.linkedRuns = direct->stageStats().at(0).linkedRuns;
    return result;
}

} // namespace accel::pipelinebench
