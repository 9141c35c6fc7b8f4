// Plans respect host memory: weight memory that hosts report in `metrics` (real protocol hosts on
// a real loopback WebSocket) reaches the shard configurator of the Shards panel as each host's
// free memory, so an Optimal plan gives a capped host fewer layers, or is refused when nothing
// fits. Weights of the planned model that a host already holds count as free.
#include "../../core/pool/ProtocolHostFactory.h"

#include "common/Clock.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "pool/ResourcePool.h"
#include "sharding/PipelineExecutor.h"
#include "sharding/ShardConfigurator.h"
#include "sharding/ShardsPanel.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace accel;
using namespace accel::test;

Q_DECLARE_METATYPE(accel::ShardErrorCode)

namespace {

constexpr qint64 kMiB = 1024 * 1024;

std::shared_ptr<ModelPackage> demoPackage()
{
    auto weights = std::make_shared<ModelWeights>();
    ModelError error;
    if (!DemoModel::load(weights.get(), &error)) {
        qFatal("demo model: %s", qPrintable(error.message));
    }
    return std::make_shared<ModelPackage>(QStringLiteral("demo"), weights);
}

ShardModelFacts demoFacts(const ModelPackage &package)
{
    return ShardModelFacts::fromConfig(package.weights().config());
}

QJsonObject weightMetrics(qint64 weightBytes, qint64 limitBytes)
{
    return {{QStringLiteral("weightBytes"), double(weightBytes)},
            {QStringLiteral("weightLimitBytes"), double(limitBytes)}};
}

int layersOn(const ShardPlan &plan, const QString &hostId)
{
    const int stage = plan.stageOfHost(hostId);
    return stage < 0 ? 0 : plan.stages.at(stage).layerCount();
}

struct Fixture
{
    RuntimeServer server{RuntimeServerConfig{}, Clock::system()};
    std::unique_ptr<ResourcePool> pool;
    ProtocolHostFactory *factory = nullptr;

    Fixture()
    {
        QString error;
        if (!server.start(&error)) {
            qFatal("server: %s", qPrintable(error));
        }
        PoolConfig config;
        config.limits = {{HostKind::Embedded, {2, 2}}};
        config.updateIntervalMs = 20;
        pool = std::make_unique<ResourcePool>(&server, config, Clock::system());
        auto f = std::make_unique<ProtocolHostFactory>(HostKind::Embedded, 200);
        factory = f.get();
        pool->addFactory(std::move(f));
    }
    ~Fixture()
    {
        pool.reset();
        server.stop();
    }
};

} // namespace

class tst_ShardsPanelMemory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_package = demoPackage(); }

    void cappedHostGetsFewerLayers_data()
    {
        const ShardModelFacts facts = demoFacts(*m_package);
        const ShardPlanner planner(facts);
        const qint64 layer = facts.bytesPerLayer;
        QTest::addColumn<qint64>("freeA");
        QTest::addColumn<qint64>("freeB");
        QTest::addColumn<int>("layersOnB"); // -1: no plan
        QTest::addColumn<ShardErrorCode>("error");
        const qint64 plenty = 64 * kMiB;
        // Room for two blocks (or the embeddings and one): the best split it allows is B first
        // with one block and A three, instead of B's three unlimited.
        QTest::newRow("B fits two blocks")
            << plenty << planner.stageMemoryBytes(2, false, true) + 1000 << 1 << ShardErrorCode::Unknown;
        // One block on B would leave three on A plus a hop: slower than A alone.
        QTest::newRow("B fits one block: A alone")
            << plenty << planner.stageMemoryBytes(1, false, true) + 1000 << 0 << ShardErrorCode::Unknown;
        QTest::newRow("B fits three blocks: the cap does not bind")
            << plenty << planner.stageMemoryBytes(3, false, true) + 1000 << 3 << ShardErrorCode::Unknown;
        QTest::newRow("B full: A takes everything") << plenty << qint64(0) << 0 << ShardErrorCode::Unknown;
        QTest::newRow("nothing fits") << 2 * kMiB << 2 * kMiB << -1 << ShardErrorCode::ModelTooLarge;
        // Together they hold the model, but no split fits: A takes embeddings + 1 block or 1 block
        // + final norm, B 2 blocks either way; 1 + 2 < 4.
        QTest::newRow("together but not per stage")
            << planner.stageMemoryBytes(1, true, false) + layer / 2
            << planner.stageMemoryBytes(2, false, true) + layer / 2 << -1 << ShardErrorCode::MemoryExceeded;
    }
    void cappedHostGetsFewerLayers()
    {
        QFETCH(qint64, freeA);
        QFETCH(qint64, freeB);
        QFETCH(int, layersOnB);
        QFETCH(ShardErrorCode, error);
        Fixture f;
        f.pool->start();
        QTRY_COMPARE(f.pool->connectedCount(), 2);
        ShardsPanel panel(f.pool.get(), nullptr);
        panel.setModel(m_package);
        ui::ShardConfigurator *c = panel.configurator();
        QAbstractItemModelTester tester(c->hostModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        c->setStrategy(ShardStrategy::Optimal);
        c->setStageCount(0);
        QTRY_COMPARE(int(c->hosts().size()), 2);
        const QString a = c->hosts().at(0).id;
        const QString b = c->hosts().at(1).id;

        // Memory unknown: it does not limit the plan. With equal hosts the hop cost makes 1 + 3
        // layers the fastest split, B last with 3.
        for (const ShardHost &h : c->hosts()) {
            QCOMPARE(h.freeMemoryBytes, qint64(-1));
        }
        QTRY_VERIFY(c->currentPlan().has_value());
        const int unlimitedOnB = layersOn(*c->currentPlan(), b);
        QCOMPARE(unlimitedOnB, 3);

        // Each host reports some weights held (another model's); its limit is held + free.
        const qint64 heldA = 3 * kMiB;
        const qint64 heldB = 5 * kMiB;
        f.factory->instanceFor(a)->sendMetrics(weightMetrics(heldA, heldA + freeA));
        f.factory->instanceFor(b)->sendMetrics(weightMetrics(heldB, heldB + freeB));
        const auto freeOf = [c](const QString &id) {
            for (const ShardHost &h : c->hosts()) {
                if (h.id == id) {
                    return h.freeMemoryBytes;
                }
            }
            return qint64(-2);
        };
        QTRY_COMPARE(freeOf(a), freeA);
        QTRY_COMPARE(freeOf(b), freeB);

        const std::optional<ShardPlan> plan = c->currentPlan();
        if (layersOnB < 0) {
            QVERIFY(!plan);
            QCOMPARE(c->error().code, error);
            QVERIFY(!c->isApplyEnabled());
            return;
        }
        QVERIFY2(plan, qPrintable(c->error().message));
        QCOMPARE(layersOn(*plan, b), layersOnB);
        QVERIFY(layersOnB <= unlimitedOnB);
        QCOMPARE(layersOn(*plan, a), plan->layerCount - layersOnB);
        for (const ShardStage &s : plan->stages) {
            QVERIFY(s.memoryBytes <= (s.hostId == a ? freeA : freeB));
        }
    }

    void heldWeightsOfAppliedPlan()
    {
        const ShardModelFacts facts = demoFacts(*m_package);
        const ShardPlanner planner(facts);
        // Host h2 holds two ranges after a recovery; h3 holds an empty one (ignored).
        const QList<PipelineStage> stages{{QStringLiteral("h1"), 0, 1, QStringLiteral("auto")},
                                          {QStringLiteral("h2"), 1, 3, QStringLiteral("auto")},
                                          {QStringLiteral("h2"), 3, 4, QStringLiteral("wasm")},
                                          {QStringLiteral("h3"), 4, 4, QStringLiteral("auto")}};
        const QHash<QString, qint64> held = ShardsPanel::heldWeightBytes(stages, facts);
        QCOMPARE(int(held.size()), 2);
        QCOMPARE(held.value(QStringLiteral("h1")), planner.stageMemoryBytes(1, true, false));
        QCOMPARE(held.value(QStringLiteral("h2")),
                 planner.stageMemoryBytes(2, false, false) + planner.stageMemoryBytes(1, false, true));
        // Together they are the whole model.
        QCOMPARE(held.value(QStringLiteral("h1")) + held.value(QStringLiteral("h2")),
                 planner.stageMemoryBytes(facts.layerCount, true, true));
    }

    void heldWeightsCountAsFree_data()
    {
        QTest::addColumn<qint64>("weightBytes");
        QTest::addColumn<qint64>("limitBytes");
        QTest::addColumn<qint64>("reusableBytes");
        QTest::addColumn<qint64>("free");
        QTest::newRow("full with this model") << 10 * kMiB << 10 * kMiB << 10 * kMiB << 10 * kMiB;
        QTest::newRow("another model too") << 10 * kMiB << 12 * kMiB << 6 * kMiB << 8 * kMiB;
        QTest::newRow("nothing reusable") << 10 * kMiB << 12 * kMiB << qint64(0) << 2 * kMiB;
        // The plan says more than the page reports (a deployment was refused): at most what it holds.
        QTest::newRow("credit capped at held") << 2 * kMiB << 12 * kMiB << 6 * kMiB << 12 * kMiB;
        QTest::newRow("over the limit") << 14 * kMiB << 12 * kMiB << qint64(0) << qint64(0);
        QTest::newRow("unknown held") << qint64(-1) << 12 * kMiB << 6 * kMiB << qint64(-1);
        QTest::newRow("unknown limit") << 2 * kMiB << qint64(-1) << qint64(0) << qint64(-1);
    }
    void heldWeightsCountAsFree()
    {
        QFETCH(qint64, weightBytes);
        QFETCH(qint64, limitBytes);
        QFETCH(qint64, reusableBytes);
        QFETCH(qint64, free);
        PoolHostInfo info;
        info.id = QStringLiteral("h");
        info.state = PoolHostState::Ready;
        info.weightBytes = weightBytes;
        info.weightLimitBytes = limitBytes;
        const QList<ShardHost> hosts =
            ShardsPanel::shardHosts({info}, {}, {{QStringLiteral("h"), reusableBytes}});
        QCOMPARE(int(hosts.size()), 1);
        QCOMPARE(hosts.first().freeMemoryBytes, free);
        QVERIFY(hosts.first().usable);
    }

    // A host running the whole model under a tight cap reports itself full; crediting the model's
    // own weights lets the planner re-plan onto it, without the credit it is refused.
    void replanOntoHostHoldingTheModel()
    {
        const ShardModelFacts facts = demoFacts(*m_package);
        const ShardPlanner planner(facts);
        const qint64 whole = planner.stageMemoryBytes(facts.layerCount, true, true);
        PoolHostInfo info;
        info.id = QStringLiteral("only");
        info.state = PoolHostState::Ready;
        info.weightBytes = whole;
        info.weightLimitBytes = whole + kMiB / 2;
        const QList<PipelineStage> applied{
            {QStringLiteral("only"), 0, facts.layerCount, QStringLiteral("js")}};

        ShardError error;
        const QList<ShardHost> uncredited = ShardsPanel::shardHosts({info}, {}, {});
        QVERIFY(!planner.plan(ShardStrategy::Optimal, uncredited, &error));
        QCOMPARE(error.code, ShardErrorCode::ModelTooLarge);

        const QList<ShardHost> credited =
            ShardsPanel::shardHosts({info}, {}, ShardsPanel::heldWeightBytes(applied, facts));
        QCOMPARE(credited.first().freeMemoryBytes, whole + kMiB / 2);
        const auto plan = planner.plan(ShardStrategy::Optimal, credited, &error);
        QVERIFY2(plan, qPrintable(error.message));
        QCOMPARE(layersOn(*plan, QStringLiteral("only")), facts.layerCount);
    }

private:
    std::shared_ptr<ModelPackage> m_package;
};

QTEST_MAIN(tst_ShardsPanelMemory)
#include "tst_ShardsPanelMemory.moc"
