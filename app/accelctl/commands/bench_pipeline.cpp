// `accelctl bench pipeline`: the demo model split over 1..N real hosts by PipelineExecutor.
// Prints, measured side by side in one run:
//   - requests/s and tokens/s of 1..N stage pipelines, and each pipeline's ratio to its slowest
//     stage's own throughput (that stage alone on its host, same window);
//   - the per-hop overhead: a 2-stage pipeline with both stages on one host minus the 1-stage
//     latency (median of sequential requests), next to a bare 64 KiB echo round trip;
//   - relayed vs direct hops between two hosts (the activation through the app, or page to page
//     over a link when both pages share a browser profile), with the pages' compute taken out;
//   - recovery after kill -9 of a stage's host with a warm spare (detection to first replayed answer).
// `--threads N` gives every stage (and every stage measured alone) exactly N compute threads, so k
// stages on one machine can each keep their own cores; by default each page uses all it can.
#include "../CommandRegistry.h"
#include "PipelineBench.h"

#include "common/Clock.h"
#include "common/EventWait.h"
#include "hosts/HostSession.h"
#include "hosts/LoopbackEcho.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "model/ReferenceRunner.h"
#include "pool/HostInstance.h"
#include "pool/StandaloneHosts.h"
#include "sharding/PipelineExecutor.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

#include <signal.h>
#include <unistd.h>

namespace {

using namespace accel;
using namespace accel::pipelinebench;

constexpr const char *kUsage =
    "usage: accelctl bench pipeline [--hosts 1..4] [--kind embedded|chromium|firefox] [--requests N] "
    "[--seq TOKENS] [--threads 1..64]\n"
    "  --threads N  compute threads per stage (default: auto, every hardware thread a page can use);\n"
    "               applied to every stage and to each stage measured alone. With stages x N <= cores\n"
    "               the stages do not share cores: the fair test of pipeline >= 85% of the slowest stage.\n";

int benchPipeline(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    int hostCount = 4;
    int requests = 24;
    int seq = 64;
    int threads = 0;
    HostKind kind = HostKind::Embedded;
    for (qsizetype i = 0; i < args.size(); i += 2) {
        const QString &a = args.at(i);
        if (i + 1 >= args.size()) { // a flag without its value, or --help
            err << kUsage;
            return 2;
        }
        if (a == QLatin1String("--hosts")) {
            hostCount = args.at(i + 1).toInt();
        } else if (a == QLatin1String("--requests")) {
            requests = args.at(i + 1).toInt();
        } else if (a == QLatin1String("--seq")) {
            seq = args.at(i + 1).toInt();
        } else if (a == QLatin1String("--threads")) {
            bool ok = false;
            threads = args.at(i + 1).toInt(&ok);
            if (!ok || threads < 1 || threads > hostproto::kMaxModelThreads) {
                err << "bench pipeline: --threads must be an integer in 1.." << hostproto::kMaxModelThreads
                    << " (omit it for auto), not " << args.at(i + 1) << '\n';
                return 2;
            }
        } else if (a == QLatin1String("--kind")) {
            const auto k = hostKindFromName(args.at(i + 1));
            if (!k) {
                err << "bench pipeline: unknown host kind " << args.at(i + 1) << '\n';
                return 2;
            }
            kind = *k;
        } else {
            err << kUsage;
            return 2;
        }
    }
    auto weights = std::make_shared<ModelWeights>();
    ModelError error;
    if (!DemoModel::load(weights.get(), &error)) {
        err << "bench pipeline: " << error.message << '\n';
        return 1;
    }
    const int layers = weights->config().layerCount;
    if (hostCount < 1 || hostCount > layers || requests < 4 || seq < 1 ||
        seq > weights->config().maxPositions) {
        err << "bench pipeline: --hosts must be 1.." << layers << ", --requests >= 4, --seq 1.."
            << weights->config().maxPositions << '\n';
        return 2;
    }
    RuntimeServer server;
    QString why;
    if (!server.start(&why)) {
        err << "bench pipeline: " << why << '\n';
        return 1;
    }
    StandaloneHosts hosts(&server);
    // Embedded hosts are pages of one helper process and profile, like tabs of one browser, so
    // adjacent stages can hand activations page to page (docs/host-protocol.md, "Links").
    hosts.setEmbeddedInOneBrowser(true);
    QStringList ids;
    for (int i = 0; i <= hostCount; ++i) { // one more: the warm spare of the recovery drill
        const QString id = hosts.launch(kind, 90000, &why);
        if (id.isEmpty()) {
            err << "bench pipeline: " << why << '\n';
            return 1;
        }
        ids << id;
    }
    const QString spare = ids.takeLast();
    Bench bench{&server, std::make_shared<ModelPackage>(QStringLiteral("demo"), weights), {}, err, threads};
    for (int i = 0; i < seq; ++i) {
        bench.tokens.push_back((i * 31 + 7) % weights->config().vocabSize);
    }
    const qint64 activationBytes = qint64(seq) * weights->config().hiddenSize * 4;
    const int cores = QThread::idealThreadCount();
    out << "demo model (" << layers << " layers, hidden " << weights->config().hiddenSize << "), " << seq
        << " tokens per request = " << activationBytes / 1024 << " KiB activation; " << hostCount << " "
        << hostKindName(kind) << " hosts on " << cores
        << " cores; threads per stage: " << (threads > 0 ? QString::number(threads) : QStringLiteral("auto"))
        << "; " << requests << " requests per figure, window 4\n\n";

    // Hidden states entering each layer, for stages measured alone.
    ReferenceRunner reference(*weights);
    std::vector<std::vector<float>> hiddenAt(std::size_t(layers + 1));
    reference.embed(bench.tokens, &hiddenAt[0], &error);
    for (int l = 0; l < layers; ++l) {
        hiddenAt[std::size_t(l + 1)] = hiddenAt[std::size_t(l)];
        reference.runLayers(&hiddenAt[std::size_t(l + 1)], seq, l, l + 1, &error);
    }

    // When every host shares this machine's cores, a stage measured alone may use all of them
    // (Wasm threads), so k stages cannot all keep their solo speed at once: if each stage alone
    // saturates the CPU, the pipeline can at best time-share it, 1 / sum(1 / stage rate) req/s.
    out << "stages  req/s   tokens/s  slowest stage alone (req/s)  pipeline/slowest  vs 1 host  "
           "shared-CPU bound  pipeline/bound  threads/cores\n";
    double oneHost = 0;
    QStringList notes;
    for (int k = 1; k <= hostCount; ++k) {
        const QList<PipelineStage> stages = bench.evenStages(ids.mid(0, k));
        double slowest = 1e300;
        double inverseSum = 0;
        for (const PipelineStage &st : stages) {
            const auto &h = hiddenAt[std::size_t(st.firstLayer)];
            const double rate = bench.stageThroughput(
                st, QByteArray(reinterpret_cast<const char *>(h.data()), qsizetype(h.size() * 4)), requests,
                4);
            slowest = std::min(slowest, rate);
            inverseSum += rate > 0 ? 1.0 / rate : 0;
        }
        const double bound = inverseSum > 0 ? 1.0 / inverseSum : 0;
        auto executor = bench.start(stages, {}, 4);
        if (!executor) {
            return 1;
        }
        bench.throughput(executor.get(), 4); // warm-up
        const double rate = bench.throughput(executor.get(), requests);
        if (k == 1) {
            oneHost = rate;
        }
        // Threads the pages really run (modelReady.threads), not what was asked for.
        int stageThreads = 0;
        for (const PipelineExecutor::StageStats &st : executor->stageStats()) {
            stageThreads += std::max(1, st.threads);
        }
        const double ratio = slowest > 0 ? rate / slowest : 0;
        if (k > 1 && stageThreads > cores) {
            notes << QStringLiteral(
                         "%1 stages: %2 threads on %3 cores (stages x threads > cores): the stages "
                         "share cores, so this row is not a fair test of the 85% target%4")
                         .arg(k)
                         .arg(stageThreads)
                         .arg(cores)
                         .arg(threads > 0 ? QString() : QStringLiteral(" (try --threads 1)"));
        } else if (k > 1) {
            notes << QStringLiteral("%1 stages: %2 threads on %3 cores, each stage has its own: fair test of "
                                    "pipeline >= 85% of the slowest stage alone: %4 (%5)")
                         .arg(k)
                         .arg(stageThreads)
                         .arg(cores)
                         .arg(ratio >= 0.85 ? QStringLiteral("met") : QStringLiteral("NOT met"))
                         .arg(ratio, 0, 'f', 3);
        }
        out << qSetFieldWidth(6) << k << qSetFieldWidth(0) << "  "
            << QString::number(rate, 'f', 2).rightJustified(6) << "  "
            << QString::number(rate * seq, 'f', 0).rightJustified(8) << "  "
            << QString::number(slowest, 'f', 2).rightJustified(27) << "  "
            << QString::number(ratio, 'f', 2).rightJustified(16) << "  "
            << QString::number(oneHost > 0 ? rate / oneHost : 0, 'f', 2).rightJustified(9) << "  "
            << QString::number(bound, 'f', 2).rightJustified(16) << "  "
            << QString::number(bound > 0 ? rate / bound : 0, 'f', 2).rightJustified(14) << "  "
            << QStringLiteral("%1/%2").arg(stageThreads).arg(cores).rightJustified(13) << '\n';
        out.flush(); // rows appear as they are measured
    }
    for (const QString &note : std::as_const(notes)) {
        out << note << '\n';
    }

    // Per-hop overhead: the same host runs all layers as one stage and as two stages; requests
    // alternate between the two pipelines so load drift on the machine hits both alike.
    {
        auto one = bench.start({bench.stage(ids[0], 0, layers)}, {}, 1);
        auto two =
            bench.start({bench.stage(ids[0], 0, layers / 2), bench.stage(ids[0], layers / 2, layers)}, {}, 1);
        if (!one || !two) {
            return 1;
        }
        std::vector<double> diffs;
        std::vector<double> l1s;
        std::vector<double> l2s;
        for (int i = 0; i < 33; ++i) {
            const double l1 = bench.latency(one.get(), 1);
            const double l2 = bench.latency(two.get(), 1);
            if (i >= 3) { // warm-up
                l1s.push_back(l1);
                l2s.push_back(l2);
                diffs.push_back(l2 - l1);
            }
        }
        const double echo = bench.echoRoundTripMs(ids[0], int(activationBytes), 30);
        out << "\nper-hop overhead (" << activationBytes / 1024
            << " KiB activation, 30 alternating pairs): 1 stage " << QString::number(median(l1s), 'f', 2)
            << " ms, the same host as 2 stages " << QString::number(median(l2s), 'f', 2)
            << " ms -> median difference " << QString::number(median(diffs), 'f', 2)
            << " ms per hop; bare echo round trip of " << activationBytes / 1024
            << " KiB through the host page: " << QString::number(echo, 'f', 2) << " ms\n";
        two.reset();
        one.reset();
        // The same comparison on a busy host: 4 requests in flight per stage, so the next
        // activation is already waiting when a run ends and no thread goes idle between hops.
        // The difference in time per request is what a hop costs a pipeline's throughput.
        auto busyOne = bench.start({{ids[0], 0, layers, QStringLiteral("auto")}}, {}, 4);
        auto busyTwo = bench.start({{ids[0], 0, layers / 2, QStringLiteral("auto")},
                                    {ids[0], layers / 2, layers, QStringLiteral("auto")}},
                                   {}, 4);
        if (!busyOne || !busyTwo) {
            return 1;
        }
        std::vector<double> busyDiffs; // 9 measured rounds: a difference of two rates is noisy
        for (int round = 0; round < 10; ++round) {
            const double r1 = bench.throughput(busyOne.get(), 16);
            const double r2 = bench.throughput(busyTwo.get(), 16);
            if (round > 0 && r1 > 0 && r2 > 0) { // round 0 warms up
                busyDiffs.push_back(1000.0 / r2 - 1000.0 / r1);
            }
        }
        busyTwo.reset();
        busyOne.reset();
        const double busyHop = median(busyDiffs);
        std::sort(busyDiffs.begin(), busyDiffs.end());
        out << "per-hop overhead on a busy host (4 in flight per stage, " << busyDiffs.size()
            << " x 16 requests alternating): median " << QString::number(busyHop, 'f', 2)
            << " ms more per request as 2 stages than as 1 (quartiles "
            << QString::number(busyDiffs.empty() ? 0 : busyDiffs[busyDiffs.size() / 4], 'f', 2) << " .. "
            << QString::number(busyDiffs.empty() ? 0 : busyDiffs[busyDiffs.size() * 3 / 4], 'f', 2)
            << " ms); target < 1 ms " << (busyHop < 1.0 ? "met" : "NOT met") << '\n';
        const QByteArray hidden(int(activationBytes), '\0');
        const Bench::HopTiming hop = bench.hopTiming(ids[0], layers / 2, layers, hidden, 30);
        const int idleGap = int(std::lround(hop.computeMs));
        const double idleEcho = bench.echoRoundTripMs(ids[0], int(activationBytes), 30, idleGap);
        const double dataEcho = bench.echoRoundTripMs(ids[0], int(activationBytes), 30, 0, true);
        const double dataIdleEcho = bench.echoRoundTripMs(ids[0], int(activationBytes), 30, idleGap, true);
        if (hop.roundTripMs <= 0) {
            err << "bench pipeline: timed runs on " << ids[0] << " did not complete\n";
            return 1;
        }
        out << "per-hop overhead measured directly (30 timed runs of layers " << layers / 2 << ":" << layers
            << ", the page reports its compute time): round trip " << QString::number(hop.roundTripMs, 'f', 2)
            << " ms - page compute " << QString::number(hop.computeMs, 'f', 2)
            << " ms = " << QString::number(hop.overheadMs, 'f', 2) << " ms per hop (socket + app alone "
            << QString::number(hop.transportMs, 'f', 2) << " ms, page queue "
            << QString::number(hop.queuedMs, 'f', 2) << " ms, "
            << (server.session(ids[0]) && server.session(ids[0])->hasDataChannel()
                    ? "worker encode/send on its data connection "
                    : "page copies/worker messages/encode/send ")
            << QString::number(hop.pageOtherMs, 'f', 2) << " ms); ratio to the bare echo "
            << QString::number(echo > 0 ? hop.overheadMs / echo : 0, 'f', 2) << "x, to an echo after "
            << idleGap << " ms idle (" << QString::number(idleEcho, 'f', 2) << " ms) "
            << QString::number(idleEcho > 0 ? hop.overheadMs / idleEcho : 0, 'f', 2) << "x; target < 1 ms "
            << (hop.overheadMs < 1.0 ? "met" : "NOT met") << '\n';
        if (dataEcho > 0) {
            out << "the same path without compute: a " << activationBytes / 1024
                << " KiB echo through the worker's data connection takes "
                << QString::number(dataEcho, 'f', 2) << " ms hot and "
                << QString::number(dataIdleEcho, 'f', 2) << " ms after " << idleGap << " ms idle; the hop is "
                << QString::number(dataIdleEcho > 0 ? hop.overheadMs / dataIdleEcho : 0, 'f', 2)
                << "x the idle echo\n";
        }
        LoopbackEcho reference; // the machine's floor, measured beside the hop
        const double qtHot = reference.roundTripMs(int(activationBytes), 30);
        const double qtIdle = reference.roundTripMs(int(activationBytes), 30, idleGap);
        out << "reference in this run: a bare Qt WebSocket echo of " << activationBytes / 1024
            << " KiB between two threads takes " << QString::number(qtHot, 'f', 2) << " ms hot and "
            << QString::number(qtIdle, 'f', 2) << " ms after " << idleGap << " ms idle; the hop is "
            << QString::number(qtIdle > 0 ? hop.overheadMs / qtIdle : 0, 'f', 2) << "x the idle reference\n";
    }

    if (ids.size() >= 2) {
        const HopComparison hops = compareHops(bench, ids[0], ids[1], 30);
        if (hops.pairs == 0) {
            err << "bench pipeline: the relayed/direct hop comparison did not complete\n";
            return 1;
        }
        out << "\nhops between two hosts (" << hops.pairs
            << " alternating rounds; each request's wall time minus its pages' compute, minus the same for "
               "1 stage: "
            << QString::number(hops.oneStageMs, 'f', 2) << " ms): relayed through the app "
            << QString::number(hops.relayMs, 'f', 2) << " ms, page to page "
            << QString::number(hops.directMs, 'f', 2) << " ms (" << hops.directState << ", "
            << hops.linkedRuns << " runs over the link; posted -> received "
            << QString::number(hops.transitMs, 'f', 2) << " ms on the pages' clocks) = "
            << QString::number(hops.directMs > 0 ? hops.relayMs / hops.directMs : 0, 'f', 1)
            << "x faster; target < 1 ms "
            << (hops.directState == QLatin1String("direct") && hops.directMs < 1.0 ? "met (direct)"
                                                                                   : "NOT met (direct)")
            << '\n';
    }

    // Recovery drill: 2 stages + warm spare, steady stream, kill -9 the second stage's host.
    if (ids.size() >= 2) {
        HostModelClient warm(server.session(spare), bench.package);
        bool warmed = false;
        QObject::connect(&warm, &HostModelClient::deployed, [&warmed] { warmed = true; });
        warm.deploy(0, layers, true, bench.options(), &error);
        waitUntil([&] { return warmed; }, 300000);
        auto executor = bench.start(bench.evenStages(ids.mid(0, 2)), {spare}, 4);
        if (!executor) {
            return 1;
        }
        int done = 0;
        int failed = 0;
        qint64 recoveryMs = -1;
        QObject::connect(executor.get(), &PipelineExecutor::requestFinished, [&done] { ++done; });
        QObject::connect(executor.get(), &PipelineExecutor::requestFailed, [&failed] { ++failed; });
        QObject::connect(executor.get(), &PipelineExecutor::recovered,
                         [&recoveryMs](int, const QString &, qint64 ms) { recoveryMs = ms; });
        QElapsedTimer sinceKill;
        bool detected = false;
        qint64 detectionMs = -1;
        // Context: the executor, which dies with this block. Without one, the server (alive until
        // the function returns) would call into this block's dead locals when it stops and closes
        // the remaining sessions (a crash at exit).
        QObject::connect(&server, &RuntimeServer::sessionClosed, executor.get(), [&](const QString &id) {
            if (id == ids[1] && !detected) {
                detected = true;
                detectionMs = sinceKill.elapsed();
            }
        });
        const int total = 2 * requests;
        int submitted = 0;
        QTimer feeder;
        feeder.setInterval(20);
        QObject::connect(&feeder, &QTimer::timeout, [&] {
            executor->submit(bench.tokens);
            if (++submitted == total) {
                feeder.stop();
            }
        });
        feeder.start();
        waitUntil([&] { return done >= requests / 2; }, 120000);
        sinceKill.start();
        // A browser's whole process group, or the page's renderer when it shares a browser.
        const pid_t victim = pid_t(hosts.instance(ids[1])->processId());
        ::kill(::getpgid(victim) == victim ? -victim : victim, SIGKILL);
        waitUntil([&] { return done + failed == total; }, 300000);
        out << "\nrecovery (kill -9 of stage 2's host, warm spare, steady stream of " << total
            << " requests): detected after " << detectionMs << " ms, first replayed answer " << recoveryMs
            << " ms after detection; " << done << " answered, " << failed << " failed\n";
        hosts.stop(ids[1]);
    }
    return 0;
}

} // namespace

ACCELCTL_BENCHMARK(
    "pipeline", "pipelined requests/s over 1..N hosts vs the slowest stage alone; per-hop overhead; recovery",
    benchPipeline);
