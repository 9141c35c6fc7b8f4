// The operator's weight cap reaches real host pages (embedded QtWebEngine helper process, headless
// Chromium) through `welcome`, the page applies it to the compute backend it creates, refuses a
// model range bigger than the cap with the runtime's own memory error, and reports its weight
// memory in `metrics` (weightBytes / weightLimitBytes), once right after `modelReady`.
#include "../HostTestSupport.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "pool/StandaloneHosts.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace accel;

Q_DECLARE_METATYPE(accel::HostKind)

namespace {

constexpr int kConnectTimeoutMs = 60000;
constexpr int kDeployTimeoutMs = 120000;
constexpr int kHeartbeatMs = 1000; // periodic metrics every 5th heartbeat: every 5 s

qint64 metric(const QJsonObject &values, const char *key)
{
    const QJsonValue v = values.value(QLatin1String(key));
    return v.isDouble() ? qint64(v.toDouble()) : -1;
}

} // namespace

class tst_HostWeightMemory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        ModelError error;
        auto weights = std::make_shared<ModelWeights>();
        QVERIFY2(DemoModel::load(weights.get(), &error), qPrintable(error.message));
        m_package = std::make_shared<ModelPackage>(QStringLiteral("demo"), weights);
    }

    void cleanup()
    {
        m_hosts.reset();
        m_server.reset();
    }

    void capIsAppliedAndReported_data()
    {
        QTest::addColumn<HostKind>("kind");
        QTest::addColumn<QString>("backend");
        QTest::newRow("embedded/auto") << HostKind::Embedded << QStringLiteral("auto");
        QTest::newRow("embedded/js") << HostKind::Embedded << QStringLiteral("js");
        QTest::newRow("chromium/auto") << HostKind::Chromium << QStringLiteral("auto");
    }
    void capIsAppliedAndReported()
    {
        QFETCH(HostKind, kind);
        QFETCH(QString, backend);
        // A cap between one stage (embeddings + one block, ~4.3 MiB of the demo model) and two.
        const qint64 oneStage = m_package->stageBytes(0, 1, true);
        const qint64 twoStages = m_package->stageBytes(0, 2, true);
        const qint64 cap = (oneStage + twoStages) / 2;
        QVERIFY(cap > oneStage && cap < twoStages);
        HostSession *session = start(kind, cap);
        if (!session) {
            return;
        }
        QCOMPARE(session->weightLimitBytes(), cap);

        // Before any deployment: nothing held, and a fresh backend would get the cap.
        QSignalSpy metrics(session, &HostSession::metricsReceived);
        QVERIFY(metrics.wait(3 * 5 * kHeartbeatMs));
        QJsonObject values = metrics.last().at(0).toJsonObject();
        QCOMPARE(metric(values, "weightBytes"), qint64(0));
        QCOMPARE(metric(values, "weightLimitBytes"), cap);
        QCOMPARE(session->weightBytes(), qint64(0));
        QCOMPARE(session->reportedWeightLimitBytes(), cap);

        // Two blocks plus embeddings exceed the cap: the runtime refuses, all or nothing.
        HostModelClient tooBig(session, m_package);
        QString failure;
        QVERIFY(!deploy(tooBig, 0, 2, backend, &failure));
        QVERIFY2(failure.contains(QLatin1String("weights do not fit")), qPrintable(failure));
        QVERIFY2(failure.contains(QLatin1String("MiB free of")), qPrintable(failure));

        // One block fits; modelReady carries the backend's memory, limited by the cap.
        HostModelClient fits(session, m_package);
        metrics.clear();
        QElapsedTimer sinceReady;
        QVERIFY2(deploy(fits, 0, 1, backend, &failure), qPrintable(failure));
        sinceReady.start();
        const QJsonObject memory = fits.deployInfo().value(QLatin1String("memory")).toObject();
        QCOMPARE(metric(memory, "limitBytes"), cap);
        // float32 bytes, or more where a backend pads rows (WebGPU)
        const qint64 held = metric(memory, "weightBytes");
        QVERIFY2(held >= oneStage && held <= cap, qPrintable(QString::number(held)));

        // The page reports right after modelReady, well before its next periodic metrics.
        QTRY_VERIFY_WITH_TIMEOUT(!metrics.isEmpty() && session->weightBytes() > 0, 4 * kHeartbeatMs);
        qInfo() << "metrics with weights" << sinceReady.elapsed() << "ms after modelReady";
        values = session->lastMetrics();
        QCOMPARE(metric(values, "weightBytes"), held);
        QCOMPARE(metric(values, "weightLimitBytes"), cap);
    }

    void noCapKeepsRuntimeDefault()
    {
        HostSession *session = start(HostKind::Embedded, 0);
        if (!session) {
            return;
        }
        QCOMPARE(session->weightLimitBytes(), qint64(0));
        QSignalSpy metrics(session, &HostSession::metricsReceived);
        QVERIFY(metrics.wait(3 * 5 * kHeartbeatMs));
        // The wasm/js default of the compute runtime (compute/index.js): 2 GiB.
        QCOMPARE(session->reportedWeightLimitBytes(), qint64(2) * 1024 * 1024 * 1024);
        HostModelClient client(session, m_package);
        QString failure;
        QVERIFY2(deploy(client, 0, 4, QStringLiteral("js"), &failure), qPrintable(failure));
        QCOMPARE(metric(client.deployInfo().value(QLatin1String("memory")).toObject(), "limitBytes"),
                 qint64(2) * 1024 * 1024 * 1024);
        QTRY_COMPARE_WITH_TIMEOUT(session->weightBytes(), m_package->stageBytes(0, 4, true),
                                  4 * kHeartbeatMs);
        QCOMPARE(metric(client.deployInfo().value(QLatin1String("memory")).toObject(), "weightBytes"),
                 m_package->stageBytes(0, 4, true)); // js holds exactly the float32 bytes
    }

private:
    HostSession *start(HostKind kind, qint64 capBytes)
    {
        RuntimeServerConfig config;
        config.heartbeatIntervalMs = kHeartbeatMs;
        config.heartbeatTimeoutMs = 20000;
        config.weightLimitBytes = capBytes;
        m_server = std::make_unique<RuntimeServer>(config);
        QString error;
        if (!m_server->start(&error)) {
            QTest::qFail(qPrintable(error), __FILE__, __LINE__);
            return nullptr;
        }
        m_hosts = std::make_unique<StandaloneHosts>(m_server.get());
        const QString id = testsupport::launchOrSkip(*m_hosts, kind, kConnectTimeoutMs);
        return id.isEmpty() ? nullptr : m_hosts->session(id);
    }

    // Blocks [first, last), embeddings included. False with the page's message when refused.
    bool deploy(HostModelClient &client, int first, int last, const QString &backend, QString *failure)
    {
        QSignalSpy done(&client, &HostModelClient::deployed);
        QSignalSpy failed(&client, &HostModelClient::deployFailed);
        ModelError error;
        if (!client.deploy(first, last, true, backend, &error)) {
            *failure = error.message;
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (done.isEmpty() && failed.isEmpty() && timer.elapsed() < kDeployTimeoutMs) {
            done.wait(200);
        }
        if (!failed.isEmpty()) {
            *failure = failed.at(0).at(0).toString();
            return false;
        }
        if (done.isEmpty()) {
            *failure = QStringLiteral("no answer within %1 ms").arg(kDeployTimeoutMs);
            return false;
        }
        return client.isDeployed();
    }

    std::shared_ptr<ModelPackage> m_package;
    std::unique_ptr<RuntimeServer> m_server;
    std::unique_ptr<StandaloneHosts> m_hosts;
};

QTEST_GUILESS_MAIN(tst_HostWeightMemory)
#include "tst_HostWeightMemory.moc"
