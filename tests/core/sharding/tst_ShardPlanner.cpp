// ShardPlan validation and JSON, and ShardPlanner's strategies: the optimal plan against the even
// split and against a brute-force search on small cases (fixed seeds), memory limits, proportionate
// ranges on heterogeneous hosts, browser affinity, clear errors, and re-planning after host loss.
#include "model/DemoModel.h"
#include "model/ModelConfig.h"
#include "sharding/ShardPlan.h"
#include "sharding/ShardPlanner.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

using namespace accel;

namespace {

constexpr qint64 kMiB = 1024 * 1024;

ShardModelFacts facts(int layers, qint64 bytesPerLayer = 10 * kMiB, qint64 embeddingBytes = 20 * kMiB,
                      qint64 finalBytes = kMiB)
{
    ShardModelFacts f;
    f.layerCount = layers;
    f.bytesPerLayer = bytesPerLayer;
    f.embeddingBytes = embeddingBytes;
    f.finalBytes = finalBytes;
    f.activationBytesPerToken = 1024;
    return f;
}

ShardHost host(const QString &id, double msPerLayer, qint64 memoryBytes = -1,
               HostKind kind = HostKind::Chromium)
{
    ShardHost h;
    h.id = id;
    h.kind = kind;
    h.msPerLayer = msPerLayer;
    h.freeMemoryBytes = memoryBytes;
    h.backend = QStringLiteral("wasm");
    return h;
}

ShardPlannerOptions zeroHopOptions(int stageCount = 0)
{
    ShardPlannerOptions o;
    o.stageCount = stageCount;
    o.hop.fixedMs = 0;
    o.hop.msPerMiB = 0;
    return o;
}

QList<int> layerCounts(const ShardPlan &plan)
{
    QList<int> out;
    for (const ShardStage &s : plan.stages) {
        out.append(s.layerCount());
    }
    return out;
}

/// Exhaustive search over every composition of the layers into at most maxStages contiguous
/// ranges and every assignment of distinct hosts, written independently of the planner's DP.
/// Returns the least bottleneck, or infinity when nothing fits.
double bruteForceBottleneck(const ShardModelFacts &f, const QList<ShardHost> &hosts, int maxStages,
                            double hop, double defaultMs)
{
    const int L = f.layerCount;
    double best = std::numeric_limits<double>::infinity();
    std::function<void(int, quint32, int, double)> rec = [&](int l, quint32 used, int stage, double worst) {
        if (l == L) {
            best = std::min(best, worst);
            return;
        }
        if (stage >= maxStages) {
            return;
        }
        for (int h = 0; h < hosts.size(); ++h) {
            if (used & (1u << h) || !hosts[h].usable) {
                continue;
            }
            const double t = hosts[h].msPerLayer > 0 ? hosts[h].msPerLayer : defaultMs;
            for (int end = l + 1; end <= L; ++end) {
                const bool last = end == L;
                const qint64 mem = (end - l) * f.bytesPerLayer + (stage == 0 ? f.embeddingBytes : 0) +
                                   (last ? f.finalBytes : 0);
                if (hosts[h].freeMemoryBytes >= 0 && mem > hosts[h].freeMemoryBytes) {
                    continue;
                }
                const double cost = (end - l) * t + (last ? 0.0 : hop);
                rec(end, used | (1u << h), stage + 1, std::max(worst, cost));
            }
        }
    };
    rec(0, 0, 0, 0.0);
    return best;
}

QList<ShardHost> randomHosts(QRandomGenerator &rng, int count, const ShardModelFacts &f, bool allowUnknown)
{
    QList<ShardHost> hosts;
    const qint64 model = f.layerCount * f.bytesPerLayer + f.embeddingBytes + f.finalBytes;
    for (int i = 0; i < count; ++i) {
        ShardHost h = host(QStringLiteral("h%1").arg(i), 0.5 + rng.bounded(8.0),
                           qint64(model * (0.2 + rng.bounded(1.0))), HostKind(1 + rng.bounded(4)));
        if (allowUnknown && rng.bounded(5) == 0) {
            h.msPerLayer = -1; // unmeasured
        }
        if (allowUnknown && rng.bounded(6) == 0) {
            h.freeMemoryBytes = -1; // unknown memory
        }
        hosts.append(h);
    }
    return hosts;
}

} // namespace

class tst_ShardPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void optimalNeverWorseThanEvenSplit_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 40; ++seed) {
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
        }
    }
    void optimalNeverWorseThanEvenSplit()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        const ShardModelFacts f = facts(1 + rng.bounded(48));
        const int hostCount = 1 + rng.bounded(8);
        const QList<ShardHost> hosts = randomHosts(rng, hostCount, f, true);
        ShardPlannerOptions options;
        options.stageCount = rng.bounded(hostCount + 1); // 0 = as many as useful
        options.hop.fixedMs = rng.bounded(2.0);
        options.defaultMsPerLayer = 3.0;
        ShardPlanner planner(f, options);
        ShardError evenError;
        const auto even = planner.plan(ShardStrategy::Layer, hosts, &evenError);
        ShardError optError;
        const auto opt = planner.plan(ShardStrategy::Optimal, hosts, &optError);
        if (even) {
            QVERIFY2(opt, qPrintable(optError.message));
            QVERIFY(planner.check(*even, hosts, nullptr));
        }
        if (!opt) {
            QVERIFY(optError.code == ShardErrorCode::MemoryExceeded ||
                    optError.code == ShardErrorCode::ModelTooLarge);
            return;
        }
        ShardError checkError;
        QVERIFY2(planner.check(*opt, hosts, &checkError), qPrintable(checkError.message));
        QCOMPARE(opt->strategy, ShardStrategy::Optimal);
        if (options.stageCount > 0) {
            QVERIFY(opt->stages.size() <= options.stageCount);
        }
        if (even) {
            QVERIFY2(opt->bottleneckMs() <= even->bottleneckMs() + 1e-9,
                     qPrintable(QStringLiteral("optimal %1 > even %2")
                                    .arg(opt->bottleneckMs())
                                    .arg(even->bottleneckMs())));
        }
        // Spares are exactly the usable hosts left out of the pipeline.
        QCOMPARE(opt->spareHostIds.size() + opt->stages.size(), hosts.size());
    }

    void optimalEqualsBruteForce_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 100; seed < 160; ++seed) {
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
        }
    }
    void optimalEqualsBruteForce()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        const ShardModelFacts f = facts(1 + rng.bounded(7));
        const int hostCount = 1 + rng.bounded(4);
        QList<ShardHost> hosts = randomHosts(rng, hostCount, f, true);
        if (hostCount > 1 && rng.bounded(3) == 0) {
            hosts[0].usable = false;
        }
        ShardPlannerOptions options;
        options.stageCount = 1 + rng.bounded(hostCount);
        options.hop.fixedMs = rng.bounded(3.0);
        options.hop.msPerMiB = rng.bounded(10.0);
        options.tokensPerRequest = 1 + rng.bounded(256);
        options.defaultMsPerLayer = 2.0;
        ShardPlanner planner(f, options);
        const double hop = options.hop.fixedMs + options.hop.msPerMiB * double(f.activationBytesPerToken) *
                                                     options.tokensPerRequest / kMiB;
        const double expected =
            bruteForceBottleneck(f, hosts, options.stageCount, hop, options.defaultMsPerLayer);
        ShardError error;
        const auto opt = planner.plan(ShardStrategy::Optimal, hosts, &error);
        if (!std::isfinite(expected)) {
            QVERIFY(!opt);
            QVERIFY(error.code == ShardErrorCode::MemoryExceeded ||
                    error.code == ShardErrorCode::ModelTooLarge || error.code == ShardErrorCode::NoHosts);
            return;
        }
        QVERIFY2(opt, qPrintable(error.message));
        QVERIFY(std::abs(opt->bottleneckMs() - expected) <= 1e-9 * std::max(1.0, expected));
        QVERIFY(planner.check(*opt, hosts, nullptr));
    }

    void heterogeneousHostsGetProportionateRanges_data()
    {
        QTest::addColumn<QList<double>>("msPerLayer");
        QTest::addColumn<int>("layers");
        QTest::addColumn<QList<int>>("expectedLayersPerHost"); // in the order of msPerLayer
        QTest::newRow("2x faster, 12 layers") << QList<double>{1.0, 2.0} << 12 << QList<int>{8, 4};
        QTest::newRow("1,1,2 over 10") << QList<double>{1.0, 1.0, 2.0} << 10 << QList<int>{4, 4, 2};
        QTest::newRow("3x faster, 8 layers") << QList<double>{3.0, 1.0} << 8 << QList<int>{2, 6};
        QTest::newRow("equal hosts") << QList<double>{2.0, 2.0, 2.0, 2.0} << 12 << QList<int>{3, 3, 3, 3};
    }
    void heterogeneousHostsGetProportionateRanges()
    {
        QFETCH(QList<double>, msPerLayer);
        QFETCH(int, layers);
        QFETCH(QList<int>, expectedLayersPerHost);
        QList<ShardHost> hosts;
        for (int i = 0; i < msPerLayer.size(); ++i) {
            hosts.append(host(QStringLiteral("h%1").arg(i), msPerLayer[i]));
        }
        ShardPlanner planner(facts(layers), zeroHopOptions());
        const auto plan = planner.plan(ShardStrategy::Optimal, hosts, nullptr);
        QVERIFY(plan);
        for (int i = 0; i < hosts.size(); ++i) {
            const int stage = plan->stageOfHost(hosts[i].id);
            QVERIFY(stage >= 0);
            QCOMPARE(plan->stages[stage].layerCount(), expectedLayersPerHost[i]);
        }
        // The even split of the same hosts is never better.
        const auto even = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(even);
        QVERIFY(plan->bottleneckMs() <= even->bottleneckMs());
    }

    void memoryLimitsHold_data()
    {
        QTest::addColumn<qint64>("fastMemory");
        QTest::addColumn<int>("expectedFastLayers");
        // 10 MiB layers, 20 MiB embedding on stage 0, 1 MiB final norm on the last stage.
        QTest::newRow("unlimited") << qint64(-1) << 10;  // fast host would take everything
        QTest::newRow("3 layers fit") << 35 * kMiB << 3; // as last stage: 3*10+1 (as first: 1 layer)
        QTest::newRow("1 layer fits") << 15 * kMiB << 1;
    }
    void memoryLimitsHold()
    {
        QFETCH(qint64, fastMemory);
        QFETCH(int, expectedFastLayers);
        // The fast host is 10x faster; the slow one has room for everything.
        const QList<ShardHost> hosts{host(QStringLiteral("fast"), 0.1, fastMemory),
                                     host(QStringLiteral("slow"), 1.0, 500 * kMiB)};
        ShardPlanner planner(facts(10), zeroHopOptions());
        ShardError error;
        const auto plan = planner.plan(ShardStrategy::Optimal, hosts, &error);
        QVERIFY2(plan, qPrintable(error.message));
        const int fast = plan->stageOfHost(QStringLiteral("fast"));
        QVERIFY(fast >= 0);
        QCOMPARE(plan->stages[fast].layerCount(), expectedFastLayers);
        for (int i = 0; i < plan->stages.size(); ++i) {
            const ShardStage &s = plan->stages[i];
            if (s.hostMemoryBytes > 0) {
                QVERIFY(s.memoryBytes <= s.hostMemoryBytes);
            }
        }
        QVERIFY(planner.check(*plan, hosts, nullptr));
    }

    void stageMemoryAndRoles()
    {
        ShardPlanner planner(facts(6), zeroHopOptions());
        const QList<ShardHost> hosts{host(QStringLiteral("a"), 1), host(QStringLiteral("b"), 1),
                                     host(QStringLiteral("c"), 1)};
        const auto plan = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(plan);
        QCOMPARE(layerCounts(*plan), (QList<int>{2, 2, 2}));
        QVERIFY(plan->embedsAt(0));
        QVERIFY(!plan->embedsAt(1));
        QVERIFY(plan->appliesFinalNormAt(2));
        QVERIFY(!plan->appliesFinalNormAt(1));
        QCOMPARE(plan->stages[0].memoryBytes, 2 * 10 * kMiB + 20 * kMiB);
        QCOMPARE(plan->stages[1].memoryBytes, 2 * 10 * kMiB);
        QCOMPARE(plan->stages[2].memoryBytes, 2 * 10 * kMiB + kMiB);
    }

    void evenSplitShape_data()
    {
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("hostCount");
        QTest::addColumn<int>("stageCount");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("12 over 3") << 12 << 3 << 0 << QList<int>{4, 4, 4};
        QTest::newRow("10 over 4") << 10 << 4 << 0 << QList<int>{3, 3, 2, 2};
        QTest::newRow("3 layers, 5 hosts") << 3 << 5 << 0 << QList<int>{1, 1, 1};
        QTest::newRow("stage count 2 of 4 hosts") << 9 << 4 << 2 << QList<int>{5, 4};
    }
    void evenSplitShape()
    {
        QFETCH(int, layers);
        QFETCH(int, hostCount);
        QFETCH(int, stageCount);
        QFETCH(QList<int>, expected);
        QList<ShardHost> hosts;
        for (int i = 0; i < hostCount; ++i) {
            hosts.append(host(QStringLiteral("h%1").arg(i), 1.0 + i));
        }
        ShardPlanner planner(facts(layers), zeroHopOptions(stageCount));
        const auto plan = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(plan);
        QCOMPARE(layerCounts(*plan), expected);
        QCOMPARE(plan->stages[0].hostId, QStringLiteral("h0"));
        QCOMPARE(plan->spareHostIds.size(), hostCount - expected.size());
    }

    void browserStrategyFollowsAffinity_data()
    {
        QTest::addColumn<int>("family");
        QTest::addColumn<QStringList>("expectedOrder");
        QTest::newRow("audio") << int(ModelFamily::Audio)
                               << QStringList{QStringLiteral("ff"), QStringLiteral("cr"),
                                              QStringLiteral("ed"), QStringLiteral("em")};
        QTest::newRow("text") << int(ModelFamily::Text)
                              << QStringList{QStringLiteral("ed"), QStringLiteral("cr"), QStringLiteral("em"),
                                             QStringLiteral("ff")};
        QTest::newRow("vision") << int(ModelFamily::Vision)
                                << QStringList{QStringLiteral("cr"), QStringLiteral("ed"),
                                               QStringLiteral("em"), QStringLiteral("ff")};
    }
    void browserStrategyFollowsAffinity()
    {
        QFETCH(int, family);
        QFETCH(QStringList, expectedOrder);
        ShardModelFacts f = facts(8);
        f.family = ModelFamily(family);
        const QList<ShardHost> hosts{host(QStringLiteral("em"), 1, -1, HostKind::Embedded),
                                     host(QStringLiteral("ff"), 1, -1, HostKind::Firefox),
                                     host(QStringLiteral("cr"), 1, -1, HostKind::Chromium),
                                     host(QStringLiteral("ed"), 1, -1, HostKind::Edge)};
        ShardPlanner planner(f, zeroHopOptions());
        const auto plan = planner.plan(ShardStrategy::Browser, hosts, nullptr);
        QVERIFY(plan);
        QCOMPARE(plan->strategy, ShardStrategy::Browser);
        QCOMPARE(plan->hostIds(), expectedOrder);
        QCOMPARE(layerCounts(*plan), (QList<int>{2, 2, 2, 2}));
        // With two stages, the two best-suited kinds are used and the others are spares.
        ShardPlannerOptions two = zeroHopOptions(2);
        planner.setOptions(two);
        const auto shorter = planner.plan(ShardStrategy::Browser, hosts, nullptr);
        QVERIFY(shorter);
        QCOMPARE(shorter->hostIds(), expectedOrder.mid(0, 2));
        QCOMPARE(shorter->spareHostIds.size(), 2);
    }

    void errors_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<QList<ShardHost>>("hosts");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("expected");
        const QList<ShardHost> two{host(QStringLiteral("a"), 1, 100 * kMiB),
                                   host(QStringLiteral("b"), 1, 100 * kMiB)};
        QTest::newRow("no hosts") << int(ShardStrategy::Optimal) << QList<ShardHost>{} << 64
                                  << int(ShardErrorCode::NoHosts);
        ShardHost unusable = host(QStringLiteral("x"), 1);
        unusable.usable = false;
        QTest::newRow("none usable") << int(ShardStrategy::Layer) << QList<ShardHost>{unusable} << 64
                                     << int(ShardErrorCode::NoHosts);
        // 10 layers x 10 MiB + 21 MiB > 2 x 50 MiB.
        QTest::newRow("model larger than all memory")
            << int(ShardStrategy::Optimal)
            << QList<ShardHost>{host(QStringLiteral("a"), 1, 50 * kMiB),
                                host(QStringLiteral("b"), 1, 50 * kMiB)}
            << 64 << int(ShardErrorCode::ModelTooLarge);
        // Enough together, but an even split puts 5 layers + embedding (70 MiB) on a 60 MiB host.
        QTest::newRow("even split exceeds memory")
            << int(ShardStrategy::Layer)
            << QList<ShardHost>{host(QStringLiteral("a"), 1, 60 * kMiB),
                                host(QStringLiteral("b"), 1, 200 * kMiB)}
            << 64 << int(ShardErrorCode::MemoryExceeded);
        QTest::newRow("duplicate ids")
            << int(ShardStrategy::Layer)
            << QList<ShardHost>{host(QStringLiteral("a"), 1), host(QStringLiteral("a"), 2)} << 64
            << int(ShardErrorCode::BadInput);
        QTest::newRow("zero tokens") << int(ShardStrategy::Layer) << two << 0
                                     << int(ShardErrorCode::BadInput);
        QTest::newRow("nan speed") << int(ShardStrategy::Optimal)
                                   << QList<ShardHost>{host(QStringLiteral("a"), std::nan(""))} << 64
                                   << int(ShardErrorCode::BadInput);
        QList<ShardHost> many;
        for (int i = 0; i < ShardPlanner::kMaxOptimalHosts + 1; ++i) {
            many.append(host(QStringLiteral("h%1").arg(i), 1));
        }
        QTest::newRow("too many hosts for optimal")
            << int(ShardStrategy::Optimal) << many << 64 << int(ShardErrorCode::TooLarge);
        QTest::newRow("manual via plan()")
            << int(ShardStrategy::Manual) << two << 64 << int(ShardErrorCode::BadInput);
    }
    void errors()
    {
        QFETCH(int, strategy);
        QFETCH(QList<ShardHost>, hosts);
        QFETCH(int, tokens);
        QFETCH(int, expected);
        ShardPlannerOptions options;
        options.tokensPerRequest = tokens;
        ShardPlanner planner(facts(10), options);
        ShardError error;
        const auto plan = planner.plan(ShardStrategy(strategy), hosts, &error);
        QVERIFY(!plan);
        QCOMPARE(int(error.code), expected);
        QVERIFY(!error.message.isEmpty());
    }

    void manualPlans_data()
    {
        QTest::addColumn<QList<int>>("bounds"); // first layers of each stage, then the end
        QTest::addColumn<QStringList>("hostIds");
        QTest::addColumn<int>("expected"); // 0 = valid
        QTest::addColumn<int>("errorStage");
        QTest::newRow("valid") << QList<int>{0, 5, 10}
                               << QStringList{QStringLiteral("big"), QStringLiteral("small")} << 0 << -1;
        // small: 60 MiB free; 5 layers + final norm = 51 MiB fits, 6 = 61 MiB does not.
        QTest::newRow("memory exceeded")
            << QList<int>{0, 4, 10} << QStringList{QStringLiteral("big"), QStringLiteral("small")}
            << int(ShardErrorCode::MemoryExceeded) << 1;
        QTest::newRow("unknown host")
            << QList<int>{0, 5, 10} << QStringList{QStringLiteral("big"), QStringLiteral("moon")}
            << int(ShardErrorCode::UnknownHost) << 1;
        QTest::newRow("same host twice")
            << QList<int>{0, 5, 10} << QStringList{QStringLiteral("big"), QStringLiteral("big")}
            << int(ShardErrorCode::DuplicateHost) << 1;
        QTest::newRow("short of the end")
            << QList<int>{0, 5, 9} << QStringList{QStringLiteral("big"), QStringLiteral("small")}
            << int(ShardErrorCode::BadRanges) << 1;
        QTest::newRow("empty stage") << QList<int>{0, 0, 10}
                                     << QStringList{QStringLiteral("big"), QStringLiteral("small")}
                                     << int(ShardErrorCode::BadRanges) << 0;
    }
    void manualPlans()
    {
        QFETCH(QList<int>, bounds);
        QFETCH(QStringList, hostIds);
        QFETCH(int, expected);
        QFETCH(int, errorStage);
        const QList<ShardHost> hosts{host(QStringLiteral("big"), 1, 500 * kMiB),
                                     host(QStringLiteral("small"), 1, 60 * kMiB)};
        QList<ShardManualStage> stages;
        for (int i = 0; i < hostIds.size(); ++i) {
            stages.append({bounds[i], bounds[i + 1], hostIds[i]});
        }
        ShardPlanner planner(facts(10), zeroHopOptions());
        ShardError error;
        const auto plan = planner.manual(stages, hosts, &error);
        if (expected == 0) {
            QVERIFY2(plan, qPrintable(error.message));
            QCOMPARE(plan->strategy, ShardStrategy::Manual);
            QCOMPARE(layerCounts(*plan), (QList<int>{5, 5}));
            return;
        }
        QVERIFY(!plan);
        QCOMPARE(int(error.code), expected);
        QCOMPARE(error.stage, errorStage);
    }

    void explanation()
    {
        ShardPlannerOptions options;
        options.hop.fixedMs = 0.5;
        options.hop.msPerMiB = 0;
        options.defaultMsPerLayer = 4.0;
        ShardPlanner planner(facts(12), options);
        const QList<ShardHost> hosts{host(QStringLiteral("fast"), 1.0),
                                     host(QStringLiteral("unmeasured"), -1)};
        const auto plan = planner.plan(ShardStrategy::Optimal, hosts, nullptr);
        QVERIFY(plan);
        // Candidates: all 12 on fast = 12 ms; fast first n: max(n + 0.5, 4(12 - n)) >= 10.5;
        // unmeasured first m: max(4m + 0.5, 12 - m) = 10 at m = 2 (the optimum).
        QCOMPARE(plan->hostIds(), (QStringList{QStringLiteral("unmeasured"), QStringLiteral("fast")}));
        QCOMPARE(layerCounts(*plan), (QList<int>{2, 10}));
        const int b = plan->bottleneckStage();
        QCOMPARE(b, 1);
        QCOMPARE(plan->bottleneckMs(), 10.0);
        QCOMPARE(plan->stageMs(0), 8.5);
        QCOMPARE(plan->latencyMs(), 18.5);
        QCOMPARE(plan->bottleneckCause(), ShardPlan::BottleneckCause::Compute);
        QCOMPARE(plan->throughputPerSec(), 1000.0 / plan->bottleneckMs());
        const int u = plan->stageOfHost(QStringLiteral("unmeasured"));
        QVERIFY(u >= 0);
        QVERIFY(!plan->stages[u].measured);
        QCOMPARE(plan->stages[u].msPerLayer, 4.0);
        const QString text = plan->describe();
        QVERIFY2(text.contains(QStringLiteral("bottleneck: stage %1").arg(b)), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("requests/s")));
        QVERIFY(text.contains(QStringLiteral("unmeasured host")));
    }

    void transferBoundBottleneck()
    {
        // A huge hop makes splitting pointless: the optimum is one stage on the fastest host.
        ShardPlannerOptions options;
        options.hop.fixedMs = 1000;
        ShardPlanner planner(facts(4), options);
        const QList<ShardHost> hosts{host(QStringLiteral("a"), 2.0), host(QStringLiteral("b"), 1.0)};
        const auto plan = planner.plan(ShardStrategy::Optimal, hosts, nullptr);
        QVERIFY(plan);
        QCOMPARE(plan->hostIds(), QStringList{QStringLiteral("b")});
        QCOMPARE(plan->spareHostIds, QStringList{QStringLiteral("a")});
        const auto even = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(even);
        QCOMPARE(even->bottleneckCause(), ShardPlan::BottleneckCause::Transfer);
        QCOMPARE(plan->bottleneckCause(), ShardPlan::BottleneckCause::Compute);
    }

    void exactStageCount()
    {
        ShardPlannerOptions options = zeroHopOptions(3);
        options.exactStageCount = true;
        options.hop.fixedMs = 50; // would otherwise favour one stage
        ShardPlanner planner(facts(9), options);
        QList<ShardHost> hosts;
        for (int i = 0; i < 4; ++i) {
            hosts.append(host(QStringLiteral("h%1").arg(i), 1.0));
        }
        const auto plan = planner.plan(ShardStrategy::Optimal, hosts, nullptr);
        QVERIFY(plan);
        QCOMPARE(plan->stages.size(), 3);
        options.stageCount = 5;
        planner.setOptions(options);
        ShardError error;
        QVERIFY(!planner.plan(ShardStrategy::Optimal, hosts, &error));
        QCOMPARE(error.code, ShardErrorCode::BadInput);
    }

    void replanFailedStageMovesToSpare()
    {
        ShardPlanner planner(facts(12), zeroHopOptions(3));
        QList<ShardHost> hosts{host(QStringLiteral("a"), 1), host(QStringLiteral("b"), 1),
                               host(QStringLiteral("c"), 1), host(QStringLiteral("spare-slow"), 3),
                               host(QStringLiteral("spare-fast"), 1.5)};
        const auto plan = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(plan);
        QCOMPARE(plan->spareHostIds,
                 (QStringList{QStringLiteral("spare-fast"), QStringLiteral("spare-slow")}));
        ShardError error;
        const auto result =
            planner.replan(*plan, {ShardHostEvent::Kind::Failed, QStringLiteral("b")}, hosts, &error);
        QVERIFY2(result, qPrintable(error.message));
        QCOMPARE(int(result->action), int(ShardReplanAction::MovedToSpare));
        QCOMPARE(result->changedStages, QList<int>{1});
        QCOMPARE(result->plan.hostIds(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("spare-fast"), QStringLiteral("c")}));
        QCOMPARE(layerCounts(result->plan), layerCounts(*plan));
        QCOMPARE(result->plan.stages[0], plan->stages[0]);
        QCOMPARE(result->plan.stages[2], plan->stages[2]);
        QCOMPARE(result->plan.spareHostIds, QStringList{QStringLiteral("spare-slow")});
        QVERIFY(!result->plan.hostIds().contains(QStringLiteral("b")));
        QVERIFY(!result->plan.spareHostIds.contains(QStringLiteral("b")));
        QVERIFY(planner.check(result->plan, hosts.mid(0, 1) + hosts.mid(2), nullptr));
    }

    void replanSparesAndJoins()
    {
        ShardPlanner planner(facts(6), zeroHopOptions(2));
        QList<ShardHost> hosts{host(QStringLiteral("a"), 1), host(QStringLiteral("b"), 1),
                               host(QStringLiteral("s"), 1)};
        const auto plan = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(plan);
        auto r = planner.replan(*plan, {ShardHostEvent::Kind::Failed, QStringLiteral("s")}, hosts, nullptr);
        QVERIFY(r);
        QCOMPARE(int(r->action), int(ShardReplanAction::SpareRemoved));
        QCOMPARE(r->plan.stages, plan->stages);
        QVERIFY(r->plan.spareHostIds.isEmpty());
        hosts.append(host(QStringLiteral("new"), 1));
        r = planner.replan(r->plan, {ShardHostEvent::Kind::Joined, QStringLiteral("new")}, hosts, nullptr);
        QVERIFY(r);
        QCOMPARE(int(r->action), int(ShardReplanAction::SpareAdded));
        QCOMPARE(r->plan.stages, plan->stages);
        QCOMPARE(r->plan.spareHostIds, QStringList{QStringLiteral("new")});
        r = planner.replan(r->plan, {ShardHostEvent::Kind::Joined, QStringLiteral("a")}, hosts, nullptr);
        QVERIFY(r);
        QCOMPARE(int(r->action), int(ShardReplanAction::Unchanged));
        ShardError error;
        QVERIFY(
            !planner.replan(r->plan, {ShardHostEvent::Kind::Joined, QStringLiteral("ghost")}, hosts, &error));
        QCOMPARE(error.code, ShardErrorCode::UnknownHost);
        QVERIFY(!planner.replan(r->plan, {ShardHostEvent::Kind::Failed, QString()}, hosts, &error));
        QCOMPARE(error.code, ShardErrorCode::BadInput);
    }

    void replanMergesIntoNeighbours()
    {
        // Three stages, no spare: the middle host fails and its layers are split between the
        // neighbours, which keep their hosts.
        ShardPlanner planner(facts(9, 10 * kMiB, 0, 0), zeroHopOptions(3));
        const QList<ShardHost> hosts{host(QStringLiteral("a"), 1), host(QStringLiteral("b"), 1),
                                     host(QStringLiteral("c"), 1)};
        const auto plan = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(plan);
        ShardError error;
        const auto r =
            planner.replan(*plan, {ShardHostEvent::Kind::Failed, QStringLiteral("b")}, hosts, &error);
        QVERIFY2(r, qPrintable(error.message));
        QCOMPARE(int(r->action), int(ShardReplanAction::MergedIntoNeighbours));
        QCOMPARE(r->plan.hostIds(), (QStringList{QStringLiteral("a"), QStringLiteral("c")}));
        const QList<int> counts = layerCounts(r->plan);
        QCOMPARE(counts[0] + counts[1], 9);
        QVERIFY(std::abs(counts[0] - counts[1]) <= 1); // balanced split of the failed range
        QCOMPARE(r->changedStages, (QList<int>{0, 1}));
    }

    void replanFullWhenNeighboursCannotAbsorb()
    {
        // Every host holds 3 layers (30 MiB, 10 MiB layers): the even split fills a, b and c.
        const ShardModelFacts f = facts(9, 10 * kMiB, 0, 0);
        ShardPlanner planner(f, zeroHopOptions(3));
        QList<ShardHost> hosts{host(QStringLiteral("a"), 1, 30 * kMiB),
                               host(QStringLiteral("b"), 1, 30 * kMiB),
                               host(QStringLiteral("c"), 1, 30 * kMiB)};
        const auto plan = planner.plan(ShardStrategy::Layer, hosts, nullptr);
        QVERIFY(plan);
        QVERIFY(plan->spareHostIds.isEmpty());
        // d joined after planning (not a listed spare) and can take b's 3 layers: a move.
        hosts.append(host(QStringLiteral("d"), 1, 50 * kMiB));
        auto r = planner.replan(*plan, {ShardHostEvent::Kind::Failed, QStringLiteral("b")}, hosts, nullptr);
        QVERIFY(r);
        QCOMPARE(int(r->action), int(ShardReplanAction::MovedToHost));
        QCOMPARE(r->plan.hostIds(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("d"), QStringLiteral("c")}));
        // Without d, a and c are full and nothing else exists: the model no longer fits.
        hosts.removeLast();
        ShardError error;
        QVERIFY(!planner.replan(*plan, {ShardHostEvent::Kind::Failed, QStringLiteral("b")}, hosts, &error));
        QCOMPARE(error.code, ShardErrorCode::ModelTooLarge);
        // e and f hold 2 layers each: no single host takes b's 3 and the neighbours are full, so
        // the plan is recomputed; 3 stages cannot hold 9 layers any more, so it grows to 4.
        hosts.append(host(QStringLiteral("e"), 1, 20 * kMiB));
        hosts.append(host(QStringLiteral("f"), 1, 20 * kMiB));
        r = planner.replan(*plan, {ShardHostEvent::Kind::Failed, QStringLiteral("b")}, hosts, &error);
        QVERIFY2(r, qPrintable(error.message));
        QCOMPARE(int(r->action), int(ShardReplanAction::FullReplan));
        QVERIFY(!r->plan.hostIds().contains(QStringLiteral("b")));
        QCOMPARE(r->plan.stages.size(), 4);
        QCOMPARE(r->changedStages, (QList<int>{0, 1, 2, 3}));
        QList<ShardHost> remaining = hosts;
        remaining.removeAt(1);
        ShardError checkError;
        QVERIFY2(planner.check(r->plan, remaining, &checkError), qPrintable(checkError.message));
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::newRow("layer") << int(ShardStrategy::Layer);
        QTest::newRow("browser") << int(ShardStrategy::Browser);
        QTest::newRow("optimal") << int(ShardStrategy::Optimal);
    }
    void jsonRoundTrip()
    {
        QFETCH(int, strategy);
        ShardPlanner planner(facts(10));
        const QList<ShardHost> hosts{host(QStringLiteral("a"), 1.5, 400 * kMiB, HostKind::Firefox),
                                     host(QStringLiteral("b"), -1, -1, HostKind::Embedded),
                                     host(QStringLiteral("c"), 0.7, 300 * kMiB, HostKind::Edge)};
        ShardPlannerOptions options;
        options.stageCount = 2;
        planner.setOptions(options);
        const auto plan = planner.plan(ShardStrategy(strategy), hosts, nullptr);
        QVERIFY(plan);
        const QByteArray json = QJsonDocument(plan->toJson()).toJson();
        ShardError error;
        const auto back = ShardPlan::fromJson(json, &error);
        QVERIFY2(back, qPrintable(error.message));
        QCOMPARE(*back, *plan);
        QCOMPARE(back->bottleneckMs(), plan->bottleneckMs());
    }

    void malformedJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("expected");
        const QByteArray good =
            "{\"version\":1,\"strategy\":\"manual\",\"layerCount\":4,\"hopMs\":0.5,\"tokensPerRequest\":8,"
            "\"stages\":[{\"firstLayer\":0,\"lastLayer\":2,\"hostId\":\"a\",\"hostKind\":\"chromium\","
            "\"msPerLayer\":1,"
            "\"measured\":true,\"memoryBytes\":100},{\"firstLayer\":2,\"lastLayer\":4,\"hostId\":\"b\","
            "\"hostKind\":\"firefox\","
            "\"msPerLayer\":2,\"measured\":false,\"memoryBytes\":100}],\"spareHostIds\":[\"c\"]}";
        QTest::newRow("good") << good << 0;
        auto edit = [&good](const char *from, const char *to) {
            QByteArray b = good;
            b.replace(from, to);
            return b;
        };
        QTest::newRow("not json") << QByteArray("{stages:") << int(ShardErrorCode::BadJson);
        QTest::newRow("array") << QByteArray("[]") << int(ShardErrorCode::BadJson);
        QTest::newRow("empty") << QByteArray() << int(ShardErrorCode::BadJson);
        QTest::newRow("version 2") << edit("\"version\":1", "\"version\":2") << int(ShardErrorCode::BadJson);
        QTest::newRow("no version") << edit("\"version\":1,", "") << int(ShardErrorCode::BadJson);
        QTest::newRow("unknown strategy") << edit("manual", "greedy") << int(ShardErrorCode::BadJson);
        QTest::newRow("stages not array")
            << edit("\"stages\":[", "\"stages\":{\"x\":[") << int(ShardErrorCode::BadJson);
        QTest::newRow("fractional layer")
            << edit("\"lastLayer\":2,", "\"lastLayer\":2.5,") << int(ShardErrorCode::BadJson);
        QTest::newRow("string layer")
            << edit("\"lastLayer\":2,", "\"lastLayer\":\"2\",") << int(ShardErrorCode::BadJson);
        QTest::newRow("negative ms") << edit("\"msPerLayer\":2", "\"msPerLayer\":-2")
                                     << int(ShardErrorCode::BadJson);
        QTest::newRow("unknown kind") << edit("firefox", "netscape") << int(ShardErrorCode::BadJson);
        QTest::newRow("huge layer count")
            << edit("\"layerCount\":4", "\"layerCount\":1e300") << int(ShardErrorCode::BadJson);
        QTest::newRow("gap") << edit("\"firstLayer\":2", "\"firstLayer\":3")
                             << int(ShardErrorCode::BadRanges);
        QTest::newRow("short") << edit("\"layerCount\":4", "\"layerCount\":5")
                               << int(ShardErrorCode::BadRanges);
        QTest::newRow("no stages") << edit("\"stages\":[", "\"stages\":[],\"x\":[")
                                   << int(ShardErrorCode::BadRanges);
        QTest::newRow("duplicate host")
            << edit("\"hostId\":\"b\"", "\"hostId\":\"a\"") << int(ShardErrorCode::DuplicateHost);
        QTest::newRow("spare in pipeline")
            << edit("[\"c\"]", "[\"b\"]") << int(ShardErrorCode::DuplicateHost);
        QTest::newRow("empty host id")
            << edit("\"hostId\":\"a\"", "\"hostId\":\"\"") << int(ShardErrorCode::UnknownHost);
        QTest::newRow("oversized") << QByteArray(5 * 1024 * 1024, ' ') << int(ShardErrorCode::BadJson);
    }
    void malformedJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, expected);
        ShardError error;
        const auto plan = ShardPlan::fromJson(json, &error);
        if (expected == 0) {
            QVERIFY2(plan, qPrintable(error.message));
            QCOMPARE(plan->stages.size(), 2);
            QCOMPARE(plan->stages[1].hostKind, HostKind::Firefox);
            QCOMPARE(plan->spareHostIds, QStringList{QStringLiteral("c")});
            return;
        }
        QVERIFY(!plan);
        QCOMPARE(int(error.code), expected);
        QVERIFY(!error.message.isEmpty());
    }

    void hostSpec_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("ok");
        QTest::newRow("full") << QStringLiteral("c1:chromium:2.5:512:webgpu,f1:firefox:-:1024") << true;
        QTest::newRow("minimal") << QStringLiteral("e:embedded") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("bad kind") << QStringLiteral("x:safari") << false;
        QTest::newRow("bad speed") << QStringLiteral("x:chromium:fast") << false;
        QTest::newRow("zero speed") << QStringLiteral("x:chromium:0") << false;
        QTest::newRow("negative memory") << QStringLiteral("x:chromium:1:-5") << false;
        QTest::newRow("duplicate") << QStringLiteral("x:chromium,x:firefox") << false;
        QTest::newRow("too many fields") << QStringLiteral("x:chromium:1:1:wasm:extra") << false;
        QTest::newRow("no kind") << QStringLiteral("x") << false;
    }
    void hostSpec()
    {
        QFETCH(QString, spec);
        QFETCH(bool, ok);
        ShardError error;
        const auto hosts = ShardHost::parseList(spec, &error);
        QCOMPARE(bool(hosts), ok);
        if (!ok) {
            QVERIFY(!error.message.isEmpty());
            return;
        }
        if (hosts->size() == 2) {
            QCOMPARE(hosts->at(0).msPerLayer, 2.5);
            QCOMPARE(hosts->at(0).freeMemoryBytes, 512 * kMiB);
            QCOMPARE(hosts->at(0).backend, QStringLiteral("webgpu"));
            QVERIFY(hosts->at(1).msPerLayer <= 0);
            QCOMPARE(hosts->at(1).kind, HostKind::Firefox);
        } else {
            QVERIFY(hosts->at(0).freeMemoryBytes < 0);
        }
    }

    void factsFromDemoConfig()
    {
        const ModelConfig config = DemoModel::config();
        const ShardModelFacts f = ShardModelFacts::fromConfig(config);
        QCOMPARE(f.layerCount, config.layerCount);
        QCOMPARE(f.bytesPerLayer, config.layerParameterCount() * 4);
        QCOMPARE(f.embeddingBytes, qint64(config.vocabSize + config.maxPositions) * config.hiddenSize * 4);
        QCOMPARE(f.finalBytes, qint64(2 * config.hiddenSize * 4));
        QCOMPARE(f.activationBytesPerToken, qint64(config.hiddenSize * 4));
        QVERIFY(f.family == ModelFamily::Text);
        QVERIFY(f.validate(nullptr));
        ShardModelFacts bad = f;
        bad.layerCount = 0;
        ShardError error;
        QVERIFY(!bad.validate(&error));
        QCOMPARE(error.code, ShardErrorCode::BadInput);
    }
};

QTEST_GUILESS_MAIN(tst_ShardPlanner)
#include "tst_ShardPlanner.moc"
