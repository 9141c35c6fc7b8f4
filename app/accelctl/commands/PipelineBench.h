#pragma once
// The measuring parts of `accelctl bench pipeline` (bench_pipeline.cpp): throughput of a pipeline
// and of one stage alone, sequential latency, a host's per-run timing, echo round trips, and the
// side-by-side comparison of relayed and direct hops (bench_pipeline_hops.cpp).
#include "common/Clock.h"
#include "common/EventWait.h"
#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"
#include "model/HostModelClient.h"
#include "sharding/PipelineExecutor.h"

#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <memory>
#include <vector>

namespace accel::pipelinebench {

template<typename Done> inline bool waitUntil(Done done, int timeoutMs)
{
    return waitInEventLoop(done, timeoutMs);
}

inline double median(std::vector<double> v)
{
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Bench
{
    RuntimeServer *server;
    std::shared_ptr<ModelPackage> package;
    std::vector<int> tokens;
    QTextStream &err;
    int threads = 0; ///< per stage; 0 = auto

    PipelineStage stage(const QString &hostId, int first, int last) const
    {
        PipelineStage s;
        s.hostId = hostId;
        s.firstLayer = first;
        s.lastLayer = last;
        s.threads = threads;
        return s;
    }

    HostModelClient::DeployOptions options(const QString &backend = QStringLiteral("auto")) const
    {
        HostModelClient::DeployOptions o;
        o.backend = backend;
        o.threads = threads;
        return o;
    }

    QList<PipelineStage> evenStages(const QStringList &hosts) const
    {
        QList<PipelineStage> stages;
        const int layers = package->layerCount();
        for (int i = 0; i < hosts.size(); ++i) {
            stages.append(
                stage(hosts[i], i * layers / int(hosts.size()), (i + 1) * layers / int(hosts.size())));
        }
        return stages;
    }

    std::unique_ptr<PipelineExecutor> start(const QList<PipelineStage> &stages, const QStringList &spares,
                                            int window, PipelineExecutor::Config config = {})
    {
        config.maxInFlightPerStage = window;
        auto executor = std::make_unique<PipelineExecutor>(server, package, config, Clock::system());
        QString error;
        bool ready = false;
        QString failed;
        auto c1 = QObject::connect(executor.get(), &PipelineExecutor::ready, [&ready] { ready = true; });
        auto c2 = QObject::connect(executor.get(), &PipelineExecutor::startFailed,
                                   [&failed](const QString &m) { failed = m; });
        const bool started = executor->start(stages, spares, &error) &&
                             waitUntil([&] { return ready || !failed.isEmpty(); }, 300000) && ready;
        QObject::disconnect(c1); // the executor outlives this function's locals
        QObject::disconnect(c2);
        if (!started) {
            err << "bench pipeline: " << (error.isEmpty() ? failed : error) << '\n';
            return nullptr;
        }
        return executor;
    }

    /// Requests per second through `executor` for `count` requests submitted at once.
    double throughput(PipelineExecutor *executor, int count)
    {
        int done = 0;
        int failed = 0;
        auto c1 = QObject::connect(executor, &PipelineExecutor::requestFinished, [&done] { ++done; });
        auto c2 = QObject::connect(executor, &PipelineExecutor::requestFailed, [&failed] { ++failed; });
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < count; ++i) {
            executor->submit(tokens);
        }
        const bool ok = waitUntil([&] { return done + failed == count; }, 600000);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        QObject::disconnect(c1);
        QObject::disconnect(c2);
        return ok && failed == 0 ? count / seconds : 0;
    }

    /// Median ms of `count` sequential requests.
    double latency(PipelineExecutor *executor, int count)
    {
        std::vector<double> ms;
        for (int i = 0; i < count; ++i) {
            bool done = false;
            auto c = QObject::connect(executor, &PipelineExecutor::requestFinished, [&done] { done = true; });
            QElapsedTimer timer;
            timer.start();
            executor->submit(tokens);
            waitUntil([&] { return done; }, 60000);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
            QObject::disconnect(c);
        }
        return median(ms);
    }

    /// One stage alone on its host: requests/s for `count` runs with `window` outstanding.
    /// The stage's own thread count applies (the same as in the pipeline). 0 when it fails.
    double stageThroughput(const PipelineStage &stage, const QByteArray &hidden, int count, int window)
    {
        HostModelClient client(server->session(stage.hostId), package);
        bool deployed = false;
        QString failed;
        QObject::connect(&client, &HostModelClient::deployed, [&deployed] { deployed = true; });
        QObject::connect(&client, &HostModelClient::deployFailed,
                         [&failed](const QString &m) { failed = m; });
        ModelError error;
        const bool embed = stage.firstLayer == 0;
        HostModelClient::DeployOptions o;
        o.backend = stage.backend;
        o.threads = stage.threads;
        if (!client.deploy(stage.firstLayer, stage.lastLayer, embed, o, &error)) {
            err << "bench pipeline: " << error.message << '\n';
            return 0;
        }
        if (!waitUntil([&] { return deployed || !failed.isEmpty(); }, 300000) || !deployed) {
            err << "bench pipeline: stage " << stage.firstLayer << ":" << stage.lastLayer << " alone on "
                << stage.hostId << ": " << (failed.isEmpty() ? QStringLiteral("deploy timed out") : failed)
                << '\n';
            return 0;
        }
        int sent = 0;
        int done = 0;
        auto send = [&] {
            while (sent < count && client.inFlight() < window) {
                embed ? client.runTokens(tokens) : client.runHiddenBytes(hidden, int(tokens.size()));
                ++sent;
            }
        };
        QObject::connect(&client, &HostModelClient::finished, [&] {
            ++done;
            send();
        });
        QElapsedTimer timer;
        timer.start();
        send();
        if (!waitUntil([&] { return done == count; }, 600000)) {
            return 0;
        }
        return count / (double(timer.nsecsElapsed()) / 1e9);
    }

    struct HopTiming
    {
        double roundTripMs = 0; ///< app: run sent -> Result decoded
        double computeMs = 0;   ///< page: the backend call for the layers
        double overheadMs = 0;  ///< round trip minus page compute: what one hop costs
        double transportMs = 0; ///< round trip minus the page's whole handling (socket + app)
        double queuedMs = 0;    ///< page: Activation received -> run started
        double pageOtherMs = 0; ///< page: handling minus compute minus queue (copies, encode, send)
    };

    /// Sequential timed runs of layers [first, last) on one host: the page reports where its time
    /// went (runTiming), so the hop's cost is measured directly instead of as a difference of two
    /// compute-dominated latencies. Medians over `count` runs after 3 warm-up runs.
    HopTiming hopTiming(const QString &hostId, int first, int last, const QByteArray &hidden, int count)
    {
        HostModelClient client(server->session(hostId), package);
        bool deployed = false;
        QObject::connect(&client, &HostModelClient::deployed, [&deployed] { deployed = true; });
        ModelError error;
        if (!client.deploy(first, last, false, options(), &error) ||
            !waitUntil([&] { return deployed; }, 300000)) {
            return {};
        }
        client.setTiming(true);
        std::vector<double> rtt;
        std::vector<double> compute;
        std::vector<double> overhead;
        std::vector<double> transport;
        std::vector<double> queued;
        std::vector<double> other;
        for (int i = 0; i < count + 3; ++i) {
            double rttMs = -1;
            hostproto::RunTiming timing;
            bool timed = false;
            QElapsedTimer timer;
            auto c1 = QObject::connect(&client, &HostModelClient::finished,
                                       [&] { rttMs = double(timer.nsecsElapsed()) / 1e6; });
            auto c2 = QObject::connect(&client, &HostModelClient::runTimed,
                                       [&](quint64, const hostproto::RunTiming &t) {
                                           timing = t;
                                           timed = true;
                                       });
            timer.start();
            const bool sent = client.runHiddenBytes(hidden, int(tokens.size())) != 0;
            const bool ok = sent && waitUntil([&] { return timed && rttMs >= 0; }, 60000);
            QObject::disconnect(c1);
            QObject::disconnect(c2);
            if (!ok) {
                return {};
            }
            if (i >= 3) {
                rtt.push_back(rttMs);
                compute.push_back(timing.computeMs);
                overhead.push_back(rttMs - timing.computeMs);
                transport.push_back(rttMs - timing.hostMs);
                queued.push_back(timing.queuedMs);
                other.push_back(timing.hostMs - timing.computeMs - timing.queuedMs);
            }
        }
        return {median(rtt),       median(compute), median(overhead),
                median(transport), median(queued),  median(other)};
    }

    /// Median echo round trip; with `idleGapMs` the socket idles that long before each echo (as it
    /// does between the hops of sequential requests while a stage computes).
    double echoRoundTripMs(const QString &hostId, int bytes, int count, int idleGapMs = 0,
                           bool onDataConnection = false)
    {
        HostSession *s = server->session(hostId);
        std::vector<double> ms;
        for (int i = 0; i < count && s; ++i) {
            bool done = false;
            auto c = QObject::connect(s, &HostSession::resultReceived, [&done] { done = true; });
            if (idleGapMs > 0) {
                runEventLoopFor(idleGapMs);
            }
            QElapsedTimer timer;
            timer.start();
            if (!s->sendEcho(hostproto::DType::F32, {quint32(bytes / 4)}, QByteArray(bytes, 1),
                             onDataConnection)) {
                QObject::disconnect(c);
                return 0;
            }
            waitUntil([&] { return done; }, 10000);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
            QObject::disconnect(c);
        }
        return median(ms);
    }
};

/// Per-hop overhead of relayed and direct hops, measured side by side (bench_pipeline_hops.cpp).
struct HopComparison
{
    double relayMs = 0;    ///< median over requests: 2 relayed stages minus 1 stage, compute excluded
    double directMs = 0;   ///< the same with the stages' pages handing the activation over directly
    double oneStageMs = 0; ///< 1 stage: wall latency minus the page's compute (the app round trip)
    /// Median transit of the direct hop on the pages' clocks: posted by the first page ->
    /// received by the second (-1 when the pages did not report it).
    double transitMs = -1;
    int pairs = 0;
    qint64 linkedRuns = 0; ///< runs of the direct pipeline whose output went over the link
    QString directState;   ///< "direct", or why the hop stayed relayed
};
/// Sequential requests alternate between 1 stage on `a`, 2 stages a|b relayed by the app and the
/// same 2 stages handing over page to page; each request's overhead is its wall latency minus the
/// compute its pages reported (runTiming). `rounds` measured after 3 warm-up rounds.
HopComparison compareHops(Bench &bench, const QString &a, const QString &b, int rounds);

} // namespace accel::pipelinebench
