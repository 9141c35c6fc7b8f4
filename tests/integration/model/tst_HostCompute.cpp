// Model layers deployed on real host pages over the host protocol (`model` / `modelMissing` /
// `load` / `modelReady`, `run`) and checked against the native ReferenceRunner: the embedded
// QtWebEngine host (the accel-embedded-host helper process), headless Chromium and Firefox.
// Chunks travel once: a second deployment of the same tensors sends nothing. Bad requests get
// clear errors; a host killed with SIGKILL mid-run fails its requests with host_lost.
#include "../HostTestSupport.h"
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "model/ReferenceCheck.h"
#include "model/ReferenceRunner.h"
#include "pool/HostInstance.h"
#include "pool/StandaloneHosts.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>

#include <signal.h>

using namespace accel;

Q_DECLARE_METATYPE(accel::HostKind)

namespace {

constexpr int kConnectTimeoutMs = 60000;
constexpr int kDeployTimeoutMs = 180000;
constexpr int kRunTimeoutMs = 60000;
constexpr double kTolerance = 1e-4;

using testsupport::relError;

} // namespace

class tst_HostCompute : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        ModelError error;
        auto weights = std::make_shared<ModelWeights>();
        QVERIFY2(DemoModel::load(weights.get(), &error), qPrintable(error.message));
        m_weights = weights;
    }

    void init()
    {
        RuntimeServerConfig config;
        config.heartbeatIntervalMs = 250;
        config.heartbeatTimeoutMs = 5000;
        m_server = std::make_unique<RuntimeServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_hosts = std::make_unique<StandaloneHosts>(m_server.get());
    }

    void cleanup()
    {
        m_hosts.reset();
        m_server.reset();
    }

    void deployAndRunMatchesReference_data()
    {
        QTest::addColumn<HostKind>("kind");
        QTest::addColumn<QString>("backend");
        QTest::newRow("embedded/auto") << HostKind::Embedded << QStringLiteral("auto");
        QTest::newRow("embedded/js") << HostKind::Embedded << QStringLiteral("js");
        QTest::newRow("chromium/auto") << HostKind::Chromium << QStringLiteral("auto");
        QTest::newRow("chromium/webgpu") << HostKind::Chromium << QStringLiteral("webgpu");
        QTest::newRow("firefox/auto") << HostKind::Firefox << QStringLiteral("auto");
    }

    void deployAndRunMatchesReference()
    {
        QFETCH(HostKind, kind);
        QFETCH(QString, backend);
        HostSession *session = launch(kind);
        if (!session) {
            return;
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        const std::vector<int> tokens{3, 17, 255, 1000, 42, 7, 512};
        const int seq = int(tokens.size());
        ReferenceRunner reference(*m_weights);
        ModelError error;
        std::vector<float> atTwo;
        QVERIFY(reference.embed(tokens, &atTwo, &error));
        QVERIFY(reference.runLayers(&atTwo, seq, 0, 2, &error));
        std::vector<float> atFour = atTwo;
        QVERIFY(reference.runLayers(&atFour, seq, 2, 4, &error));

        // Stage 1: embeddings + layers [0, 2), from token ids.
        HostModelClient first(session, package);
        QVERIFY(deploy(first, 0, 2, true, backend));
        QVERIFY2(first.bytesUploaded() >= package->stageBytes(0, 2, true),
                 qPrintable(QString::number(first.bytesUploaded())));
        // Compute runs in the page's dedicated worker, not on its main thread.
        QCOMPARE(first.deployInfo().value(QLatin1String("computeThread")).toString(),
                 QStringLiteral("worker"));
        // ... and runs reach that worker on its own data connection, not through the main thread.
        QTRY_VERIFY(session->hasDataChannel());
        if (backend != QLatin1String("auto")) {
            QCOMPARE(first.deployInfo().value(QLatin1String("backend")).toString(), backend);
        } else {
            QVERIFY(first.deployInfo()
                        .value(QLatin1String("probe"))
                        .toObject()
                        .contains(QLatin1String("timingsMs")));
        }
        QByteArray out;
        QVERIFY(run(first, first.runTokens(tokens), &out));
        double rel = relError(out, atTwo);
        QVERIFY2(rel <= kTolerance, qPrintable(QStringLiteral("layers 0:2 rel %1").arg(rel)));

        // Stage 2 on the same page: layers [2, 4) from the hidden state.
        HostModelClient second(session, package);
        QVERIFY(deploy(second, 2, 4, false, backend));
        // Timed: the page accounts for the run after its Result (runTiming).
        second.setTiming(true);
        QSignalSpy timed(&second, &HostModelClient::runTimed);
        const quint64 timedId = second.runHiddenBytes(out, seq);
        QVERIFY(run(second, timedId, &out));
        rel = relError(out, atFour);
        QVERIFY2(rel <= kTolerance, qPrintable(QStringLiteral("layers 2:4 rel %1").arg(rel)));
        QVERIFY(timed.count() == 1 || timed.wait(5000));
        QCOMPARE(timed.at(0).at(0).toULongLong(), timedId);
        const auto timing = timed.at(0).at(1).value<hostproto::RunTiming>();
        QVERIFY2(timing.computeMs > 0 && timing.queuedMs >= 0 &&
                     timing.hostMs >= timing.computeMs + timing.queuedMs - 0.01,
                 qPrintable(QStringLiteral("queued %1 compute %2 host %3")
                                .arg(timing.queuedMs)
                                .arg(timing.computeMs)
                                .arg(timing.hostMs)));
        second.setTiming(false);

        // Re-deploying what the page holds sends no chunk again.
        HostModelClient again(session, package);
        QVERIFY(deploy(again, 0, 2, true, backend));
        QCOMPARE(again.bytesUploaded(), qint64(0));

        // Wrong input: a stage that does not embed refuses token ids; a hidden state of the
        // wrong size is refused before sending.
        QCOMPARE(second.runTokens(tokens), quint64(0));
        QCOMPARE(second.runHiddenBytes(QByteArray(12, 0), seq), quint64(0));
        // The page itself rejects an I32 input for a hidden-state run.
        QSignalSpy failed(&second, &HostModelClient::failed);
        const QByteArray ids(reinterpret_cast<const char *>(tokens.data()), qsizetype(tokens.size() * 4));
        const quint64 bad = session->sendRun(
            QStringLiteral("demo"), 2, 3,
            {hostproto::FrameKind::Activation, 0, hostproto::DType::I32, {quint32(tokens.size())}, ids},
            false);
        QSignalSpy hostErrors(session, &HostSession::hostError);
        QVERIFY(hostErrors.wait(kRunTimeoutMs));
        QCOMPARE(hostErrors.at(0).at(0).toULongLong(), bad);
        QCOMPARE(hostErrors.at(0).at(1).toString(), QStringLiteral("wrong_type"));
        QCOMPARE(failed.count(), 0); // not second's request
    }

    // modelReady.threads is what the page really runs: an explicit count is exact (or the deploy
    // fails), a new count on the same page rebuilds the backend from the page's cached chunks, and
    // the results match the native reference whatever the count.
    void deployWithThreads_data()
    {
        QTest::addColumn<HostKind>("kind");
        QTest::addColumn<int>("firstThreads");
        QTest::addColumn<int>("secondThreads");
        QTest::newRow("embedded 1 then 2") << HostKind::Embedded << 1 << 2;
        QTest::newRow("chromium 2 then 1") << HostKind::Chromium << 2 << 1;
    }

    void deployWithThreads()
    {
        QFETCH(HostKind, kind);
        QFETCH(int, firstThreads);
        QFETCH(int, secondThreads);
        HostSession *session = launch(kind);
        if (!session) {
            return;
        }
        if (!session->capabilities().crossOriginIsolated) {
            QSKIP("the host page is not cross-origin isolated (COOP/COEP): no SharedArrayBuffer, so no "
                  "Wasm threads beyond one");
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        const int layers = package->layerCount();
        const std::vector<int> tokens{5, 99, 1023, 4, 77, 300, 2, 8, 640};
        ReferenceRunner reference(*m_weights);
        ModelError error;
        std::vector<float> expected;
        QVERIFY(reference.embed(tokens, &expected, &error));
        QVERIFY(reference.runLayers(&expected, int(tokens.size()), 0, layers, &error));

        QByteArray outputs[2];
        const int counts[2] = {firstThreads, secondThreads};
        for (int i = 0; i < 2; ++i) {
            HostModelClient client(session, package);
            HostModelClient::DeployOptions options;
            options.backend = QStringLiteral("wasm");
            options.threads = counts[i];
            QVERIFY(deploy(client, 0, layers, true, options));
            QCOMPARE(client.requestedThreads(), counts[i]);
            const QJsonObject info = client.deployInfo();
            QCOMPARE(info.value(QLatin1String("backend")).toString(), QStringLiteral("wasm"));
            QCOMPARE(info.value(QLatin1String("threads")).toInt(), counts[i]);
            QVERIFY2(!info.contains(QLatin1String("threadsReason")),
                     qPrintable(info.value(QLatin1String("threadsReason")).toString()));
            if (i == 1) { // rebuilt from what the page holds: nothing is sent again
                QCOMPARE(client.bytesUploaded(), qint64(0));
            }
            QVERIFY(run(client, client.runTokens(tokens), &outputs[i]));
            const double rel = relError(outputs[i], expected);
            QVERIFY2(rel <= kTolerance,
                     qPrintable(QStringLiteral("%1 thread(s): rel %2").arg(counts[i]).arg(rel)));
        }
        qInfo() << "outputs with" << firstThreads << "and" << secondThreads << "threads are"
                << (outputs[0] == outputs[1] ? "bit-identical" : "within tolerance");
    }

    // Backends without a thread count ignore it and say so; bad counts never leave the app.
    void threadsIgnoredOrRefused()
    {
        HostSession *session = launch(HostKind::Embedded);
        if (!session) {
            return;
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        HostModelClient client(session, package);
        ModelError error;
        for (const int bad : {-1, 65, 1000}) {
            HostModelClient::DeployOptions options;
            options.threads = bad;
            QVERIFY(!client.deploy(0, 1, true, options, &error));
            QVERIFY2(error.message.contains(QString::number(bad)), qPrintable(error.message));
            QVERIFY(!client.isDeploying());
        }
        HostModelClient::DeployOptions js;
        js.backend = QStringLiteral("js");
        js.threads = 2;
        QVERIFY(deploy(client, 0, 1, true, js));
        const QJsonObject info = client.deployInfo();
        QCOMPARE(info.value(QLatin1String("backend")).toString(), QStringLiteral("js"));
        QCOMPARE(info.value(QLatin1String("threads")).toInt(), 1);
        QVERIFY2(info.value(QLatin1String("threadsReason")).toString().contains(QLatin1String("ignored")),
                 qPrintable(QJsonDocument(info).toJson(QJsonDocument::Compact)));
    }

    void layerRangeErrors()
    {
        HostSession *session = launch(HostKind::Embedded);
        if (!session) {
            return;
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        HostModelClient client(session, package);
        ModelError error;
        QVERIFY(!client.deploy(2, 2, false, QStringLiteral("auto"), &error));
        QVERIFY(error.message.contains(QLatin1String("2:2")));
        QVERIFY(!client.deploy(0, 9, true, QStringLiteral("auto"), &error));
        // An unknown backend is refused by the page with its reason.
        QSignalSpy failedDeploy(&client, &HostModelClient::deployFailed);
        QVERIFY(client.deploy(0, 1, true, QStringLiteral("quantum"), &error));
        QVERIFY(failedDeploy.wait(kDeployTimeoutMs));
        QVERIFY2(failedDeploy.at(0).at(0).toString().contains(QLatin1String("unknown backend quantum")),
                 qPrintable(failedDeploy.at(0).at(0).toString()));
        QVERIFY(!client.isDeployed());
        QCOMPARE(client.runTokens({1, 2}), quint64(0));
    }

    // A run of several seconds must not silence the page: compute runs in a worker, so the main
    // thread keeps heartbeating (the session would time out otherwise).
    void heartbeatsContinueDuringALongRun()
    {
        HostSession *session = launch(HostKind::Embedded);
        if (!session) {
            return;
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        HostModelClient client(session, package);
        QVERIFY(deploy(client, 0, 4, true, QStringLiteral("js"))); // plain JS: the slowest backend
        // The page's own heartbeat rate while idle (a hidden page's timers may be throttled to 1/s).
        QSignalSpy idle(session, &HostSession::heartbeatReceived);
        QTest::qWait(3000);
        const double idlePerSecond = idle.count() / 3.0;
        QSignalSpy heartbeats(session, &HostSession::heartbeatReceived);
        QElapsedTimer timer;
        timer.start();
        // Three 256-token runs queued back to back: several seconds of compute even on a fast machine.
        QSignalSpy finished(&client, &HostModelClient::finished);
        QSignalSpy failed(&client, &HostModelClient::failed);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(client.runTokens(std::vector<int>(256, 7 + i)) != 0);
        }
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 3, kRunTimeoutMs);
        QCOMPARE(failed.count(), 0);
        const qint64 ms = timer.elapsed();
        qInfo() << "three 256-token js runs of 4 layers took" << ms << "ms;" << heartbeats.count()
                << "heartbeats arrived meanwhile; idle rate" << idlePerSecond << "per second";
        QVERIFY2(ms >= 2500,
                 qPrintable(QStringLiteral("the run took only %1 ms: too short to show anything").arg(ms)));
        QVERIFY(idlePerSecond >= 0.9);
        // At least the idle rate minus one: a main thread blocked by the run sends none meanwhile
        // (one late heartbeat at most, after the run).
        const int due = int(idlePerSecond * double(ms) / 1000.0);
        QVERIFY2(
            heartbeats.count() >= std::max(2, due - 1),
            qPrintable(
                QStringLiteral("%1 heartbeats in %2 ms, %3 due").arg(heartbeats.count()).arg(ms).arg(due)));

        // The runs went over the compute worker's data connection; the page's traffic counters
        // (metrics, every 5 heartbeats) include them: three 256 x 256 float32 results at least.
        const double resultBytes = 3.0 * 256 * 256 * 4;
        QSignalSpy metrics(session, &HostSession::metricsReceived);
        QTRY_VERIFY_WITH_TIMEOUT(
            !metrics.isEmpty() &&
                metrics.last().at(0).toJsonObject().value(QLatin1String("bytesOut")).toDouble() >=
                    resultBytes,
            15000);
    }

    void killedHostFailsInFlightRequests()
    {
        HostSession *session = launch(HostKind::Chromium);
        if (!session) {
            return;
        }
        auto package = std::make_shared<ModelPackage>(QStringLiteral("demo"), m_weights);
        HostModelClient client(session, package);
        QVERIFY(deploy(client, 0, 4, true, QStringLiteral("js"))); // js: slow enough to be in flight
        QSignalSpy failed(&client, &HostModelClient::failed);
        QSignalSpy finished(&client, &HostModelClient::finished);
        std::vector<int> tokens(128, 5);
        const quint64 id = client.runTokens(tokens);
        QVERIFY(id != 0);
        QCOMPARE(client.inFlight(), 1);
        QVERIFY(::kill(pid_t(m_hosts->instance(m_hostId)->processId()), SIGKILL) == 0);
        QVERIFY(failed.wait(15000) || failed.count() == 1);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toULongLong(), id);
        QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("host_lost"));
        QCOMPARE(finished.count(), 0);
        QCOMPARE(client.inFlight(), 0);
        QVERIFY(!client.isDeployed());
    }

private:
    HostSession *launch(HostKind kind)
    {
        m_hostId = testsupport::launchOrSkip(*m_hosts, kind, kConnectTimeoutMs);
        return m_hostId.isEmpty() ? nullptr : m_hosts->session(m_hostId);
    }

    bool deploy(HostModelClient &client, int first, int last, bool embed, const QString &backend)
    {
        HostModelClient::DeployOptions options;
        options.backend = backend;
        return deploy(client, first, last, embed, options);
    }

    bool deploy(HostModelClient &client, int first, int last, bool embed,
                const HostModelClient::DeployOptions &options)
    {
        QSignalSpy done(&client, &HostModelClient::deployed);
        QSignalSpy failed(&client, &HostModelClient::deployFailed);
        ModelError error;
        if (!client.deploy(first, last, embed, options, &error)) {
            qWarning() << "deploy refused:" << error.message;
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (done.isEmpty() && failed.isEmpty() && timer.elapsed() < kDeployTimeoutMs) {
            done.wait(500);
        }
        if (!failed.isEmpty()) {
            qWarning() << "deploy failed:" << failed.at(0).at(0).toString();
        }
        return done.count() == 1 && client.isDeployed();
    }

    bool run(HostModelClient &client, quint64 id, QByteArray *out)
    {
        if (id == 0) {
            qWarning() << "run was not sent";
            return false;
        }
        QSignalSpy finished(&client, &HostModelClient::finished);
        QSignalSpy failed(&client, &HostModelClient::failed);
        QElapsedTimer timer;
        timer.start();
        while (finished.isEmpty() && failed.isEmpty() && timer.elapsed() < kRunTimeoutMs) {
            finished.wait(200);
        }
        if (!failed.isEmpty()) {
            qWarning() << "run failed:" << failed.at(0).at(1).toString() << failed.at(0).at(2).toString();
            return false;
        }
        if (finished.isEmpty() || finished.at(0).at(0).toULongLong() != id) {
            return false;
        }
        *out = finished.at(0).at(1).toByteArray();
        return true;
    }

    std::shared_ptr<const ModelWeights> m_weights;
    std::unique_ptr<RuntimeServer> m_server;
    std::unique_ptr<StandaloneHosts> m_hosts;
    QString m_hostId;
};

QTEST_GUILESS_MAIN(tst_HostCompute)
#include "tst_HostCompute.moc"
