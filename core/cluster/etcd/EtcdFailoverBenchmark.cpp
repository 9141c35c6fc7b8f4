#include "cluster/etcd/EtcdFailoverBenchmark.h"

#include "cluster/etcd/EtcdBlockingClient.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "cluster/etcd/EtcdStore.h"
#include "cluster/etcd/LeaderElection.h"
#include "common/Clock.h"

#include <QEventLoop>
#include <QStringList>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace accel {

namespace {

/// Processes events until `done()` or `timeoutMs`; true when done.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    const qint64 deadline = Clock::system()->nowMs() + timeoutMs;
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || Clock::system()->nowMs() >= deadline) {
            loop.quit();
        }
    });
    poll.start(5);
    if (!done()) {
        loop.exec();
    }
    return done();
}

/// One thread per writer, each calling `write()` in a loop until the deadline; returns writes/s.
double threadedWrites(int concurrency, int durationMs,
                      const std::function<std::function<bool()>()> &makeWriter)
{
    std::atomic<qint64> count{0};
    std::atomic<bool> go{false};
    std::vector<std::unique_ptr<QThread>> threads;
    const qint64 startMs = Clock::system()->nowMs() + 200;
    const qint64 endMs = startMs + durationMs;
    for (int i = 0; i < concurrency; ++i) {
        threads.emplace_back(QThread::create([&] {
            auto write = makeWriter();
            while (Clock::system()->nowMs() < startMs) {
                QThread::msleep(1);
            }
            while (Clock::system()->nowMs() < endMs) {
                if (write()) {
                    count.fetch_add(1);
                }
            }
        }));
        threads.back()->start();
    }
    for (auto &t : threads) {
        t->wait();
    }
    return double(count.load()) * 1000.0 / durationMs;
}

} // namespace

bool EtcdFailoverBenchmark::parseArgs(const QStringList &args, Options *options, QString *error)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (i + 1 >= args.size()) {
            *error = QStringLiteral("missing value after %1").arg(a);
            return false;
        }
        bool ok = false;
        const int v = args.at(++i).toInt(&ok);
        if (!ok || v <= 0) {
            *error = QStringLiteral("%1 needs a positive integer").arg(a);
            return false;
        }
        if (a == QLatin1String("--runs")) {
            options->runs = qMin(v, 1000);
        } else if (a == QLatin1String("--concurrency")) {
            options->concurrency = qMin(v, 256);
        } else if (a == QLatin1String("--duration-ms")) {
            options->durationMs = qMin(v, 600000);
        } else if (a == QLatin1String("--ttl")) {
            options->leaseTtlSeconds = qMin(v, 60);
        } else {
            *error = QStringLiteral("unknown option %1").arg(a);
            return false;
        }
    }
    return true;
}

EtcdFailoverBenchmark::Result EtcdFailoverBenchmark::run(const Options &options, QTextStream &progress)
{
    Result result;
    EtcdProcessCluster::Options clusterOptions;
    clusterOptions.members = 3;
    EtcdProcessCluster cluster(clusterOptions);
    if (!cluster.start(&result.error)) {
        return result;
    }
    progress << "etcd: 3 members on loopback (heartbeat 50 ms, election timeout 500 ms), lease TTL "
             << options.leaseTtlSeconds << " s\n";
    progress.flush();

    // 1. Coordinator failover: leader crash → the other candidate leads.
    for (int run = 0; run < options.runs; ++run) {
        std::vector<std::unique_ptr<EtcdClient>> clients;
        std::vector<std::unique_ptr<LeaderElection>> candidates;
        for (int i = 0; i < 2; ++i) {
            QStringList endpoints = cluster.clientUrls();
            std::rotate(endpoints.begin(), endpoints.begin() + i, endpoints.end());
            clients.push_back(std::make_unique<EtcdClient>(endpoints));
            clients.back()->setAttemptTimeoutMs(400);
            clients.back()->setTimeoutMs(2000);
            LeaderElection::Options eo;
            eo.key = "/bench/failover/" + QByteArray::number(run);
            eo.candidateId = "c" + QByteArray::number(i);
            eo.ttlSeconds = options.leaseTtlSeconds;
            candidates.push_back(std::make_unique<LeaderElection>(clients.back().get(), eo));
            candidates.back()->start();
        }
        auto leaderIndex = [&candidates]() -> int {
            for (size_t i = 0; i < candidates.size(); ++i) {
                if (candidates[i] && candidates[i]->isLeader()) {
                    return int(i);
                }
            }
            return -1;
        };
        if (!waitFor([&] { return leaderIndex() >= 0; }, 10000)) {
            result.error = QStringLiteral("no leader elected within 10 s (run %1)").arg(run + 1);
            return result;
        }
        // Let the leader settle into steady keepalives, then crash it.
        waitFor([] { return false; }, 300);
        const int crashed = leaderIndex();
        const qint64 t0 = Clock::system()->nowMs();
        candidates[size_t(crashed)]->halt();
        if (!waitFor(
                [&] {
                    const int l = leaderIndex();
                    return l >= 0 && l != crashed;
                },
                10000)) {
            result.error = QStringLiteral("no takeover within 10 s (run %1)").arg(run + 1);
            return result;
        }
        const qint64 ms = Clock::system()->nowMs() - t0;
        result.failoverMs << ms;
        progress << "  failover run " << (run + 1) << ": " << ms << " ms\n";
        progress.flush();
        const int next = leaderIndex();
        bool resigned = false;
        QObject::connect(candidates[size_t(next)].get(), &LeaderElection::resigned,
                         [&resigned] { resigned = true; });
        candidates[size_t(next)]->resign();
        waitFor([&] { return resigned; }, 3000);
    }
    QList<qint64> sorted = result.failoverMs;
    std::sort(sorted.begin(), sorted.end());
    if (!sorted.isEmpty()) {
        const qsizetype n = sorted.size();
        result.medianFailoverMs = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        result.maxFailoverMs = sorted.last();
    }

    // 2. Write throughput, same concurrency and duration for each path.
    {
        std::vector<std::unique_ptr<EtcdClient>> clients;
        qint64 done = 0;
        bool running = true;
        QObject context;
        std::function<void(EtcdClient *, int)> issue = [&](EtcdClient *client, int writer) {
            if (!running) {
                return;
            }
            client->put(EtcdPutRequest{"/bench/raw/" + QByteArray::number(writer), "value", 0, false},
                        &context, [&, client, writer](const EtcdResult<EtcdPutResponse> &r) {
                            if (r.ok() && running) {
                                ++done;
                            }
                            issue(client, writer);
                        });
        };
        for (int i = 0; i < options.concurrency; ++i) {
            QStringList endpoints = cluster.clientUrls();
            std::rotate(endpoints.begin(), endpoints.begin() + (i % endpoints.size()), endpoints.end());
            clients.push_back(std::make_unique<EtcdClient>(endpoints));
        }
        for (int i = 0; i < options.concurrency; ++i) {
            issue(clients[size_t(i)].get(), i);
        }
        waitFor([] { return false; }, 200); // warm-up
        const qint64 before = done;
        waitFor([] { return false; }, options.durationMs);
        result.rawPutsPerSecond = double(done - before) * 1000.0 / options.durationMs;
        running = false;
        waitFor([] { return false; }, 200); // let in-flight puts finish while the context lives
    }
    const QStringList urls = cluster.clientUrls();
    result.blockingPutsPerSecond = threadedWrites(options.concurrency, options.durationMs, [urls]() {
        static std::atomic<int> writers{0};
        const int id = writers.fetch_add(1);
        QStringList endpoints = urls;
        std::rotate(endpoints.begin(), endpoints.begin() + (id % endpoints.size()), endpoints.end());
        auto client = std::make_shared<EtcdBlockingClient>(endpoints);
        const QByteArray body = EtcdCodec::encodePut(
            EtcdPutRequest{"/bench/blocking/" + QByteArray::number(id), "value", 0, false});
        return std::function<bool()>(
            [client, body] { return client->post(QStringLiteral("/v3/kv/put"), body, false).ok(); });
    });
    result.storePutsPerSecond = threadedWrites(options.concurrency, options.durationMs, [urls]() {
        static std::atomic<int> writers{0};
        const int id = writers.fetch_add(1);
        EtcdStore::Options so;
        so.endpoints = urls;
        std::rotate(so.endpoints.begin(), so.endpoints.begin() + (id % so.endpoints.size()),
                    so.endpoints.end());
        so.keyPrefix = "/bench/store/";
        auto store = std::make_shared<EtcdStore>(so);
        const QByteArray key = "w" + QByteArray::number(id);
        return std::function<bool()>([store, key] { return store->put(key, "value").ok(); });
    });
    return result;
}

} // namespace accel
