// The Model panel on a real RuntimeServer and ResourcePool with in-process embedded QtWebEngine
// hosts: the demo model is deployed and run on a host through the host protocol and checked
// against the native reference; bad token ids, bad folders, cancelling and a host killed with
// SIGKILL mid-run give clear messages and leave the panel usable.
#include "hosts/RuntimeServer.h"
#include "model/DemoModel.h"
#include "model/ModelLayerModel.h"
#include "model/ModelPanel.h"
#include "model/ModelRunController.h"
#include "pool/HostInstance.h"
#include "pool/PoolPanels.h"
#include "pool/ResourcePool.h"
#include "resilience/CircuitBreaker.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <signal.h>

using namespace accel;
using namespace accel::ui;

namespace {

constexpr int kLoadTimeoutMs = 60000;
constexpr int kHostsTimeoutMs = 90000;
constexpr int kRunTimeoutMs = 180000;
constexpr int kHeartbeatTimeoutMs = 60000;

QString longInput(int count)
{
    QStringList ids;
    for (int i = 0; i < count; ++i) {
        ids.append(QString::number((i * 37 + 11) % 1024));
    }
    return ids.join(QLatin1Char(' '));
}

quint64 failuresOf(CircuitBreaker *breaker, ErrorCategory category)
{
    return breaker ? breaker->snapshot().failuresByCategory[std::size_t(int(category) - 1)] : 0;
}

} // namespace

class tst_ModelPanel : public QObject
{
    Q_OBJECT
private:
    struct Fixture
    {
        RuntimeServer server;
        ResourcePool *pool = nullptr;
        QObject owner;
        std::unique_ptr<ModelPanel> panel;

        explicit Fixture(bool startPool = true, int embeddedHosts = 1)
            : server(serverConfig())
        {
            QString error;
            if (!server.start(&error)) {
                qFatal("server: %s", qPrintable(error));
            }
            PoolConfig config;
            config.limits[HostKind::Embedded].minHosts = embeddedHosts;
            config.updateIntervalMs = 50;
            config.breaker.openDurationMs = 500; // a replaced host takes work again soon
            config.heartbeatTimeoutMs = kHeartbeatTimeoutMs;
            pool = PoolPanels::createDefaultPool(&server, config, &owner);
            panel = std::make_unique<ModelPanel>(pool);
            panel->resize(1100, 700);
            panel->show();
            if (startPool) {
                pool->start();
            }
        }
        ~Fixture()
        {
            panel.reset();
            pool->stop();
            delete pool;
            server.stop();
        }
        // The JS backend computes on the page's main thread, where heartbeats are sent too: on a
        // loaded 2-core machine a 256-token run can outlast the default 5 s heartbeat timeout.
        static RuntimeServerConfig serverConfig()
        {
            RuntimeServerConfig c;
            c.heartbeatTimeoutMs = kHeartbeatTimeoutMs;
            return c;
        }
        ModelRunController *controller() const { return panel->controller(); }
        bool loadDemo()
        {
            panel->loadDemo();
            return QTest::qWaitFor([this] { return controller()->hasModel(); }, kLoadTimeoutMs);
        }
        /// Waits until `count` hosts are ready and the Run button is on.
        bool waitReady(int count = 2)
        {
            return QTest::qWaitFor(
                [this, count] {
                    int ready = 0;
                    for (const PoolHostInfo &h : pool->hosts()) {
                        ready += h.state == PoolHostState::Ready ? 1 : 0;
                    }
                    return ready >= count && panel->runButton()->isEnabled();
                },
                kHostsTimeoutMs);
        }
        QString selectedHost() const { return panel->hostCombo()->currentData(Qt::UserRole + 1).toString(); }
        bool waitEnded()
        {
            return QTest::qWaitFor([this] { return controller()->report().finished; }, kRunTimeoutMs);
        }
        void setBackend(const QString &name)
        {
            panel->backendCombo()->setCurrentIndex(panel->backendCombo()->findData(name));
        }
    };

private Q_SLOTS:
    void demoModelIsShown()
    {
        Fixture f(false);
        QAbstractItemModelTester tester(f.panel->layerModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(!f.panel->runButton()->isEnabled());
        QVERIFY(f.panel->tokenMessage().contains(QLatin1String("Load a model")));
        QVERIFY(f.loadDemo());
        const ModelConfig c = DemoModel::config();
        QCOMPARE(f.panel->layerTable()->model()->rowCount(), c.layerCount + 2);
        const QString info = f.panel->modelInfoText();
        QVERIFY2(info.contains(QLatin1String("random weights (not a trained model)")), qPrintable(info));
        QVERIFY(info.contains(QLatin1String("GPT-2")));
        QVERIFY(info.contains(QLocale().toString(c.vocabSize)));
        QVERIFY(info.contains(QLocale().toString(f.panel->layerModel()->totalParameters())));
        QCOMPARE(f.panel->lastLayerSpin()->value(), c.layerCount);
        QCOMPARE(f.panel->firstLayerSpin()->value(), 0);
        QVERIFY(f.panel->tokenMessage().contains(QLatin1String("7 token")));
        // No host yet (pool not started): Run stays off and says why.
        QVERIFY(!f.panel->runButton()->isEnabled());
        QVERIFY(!f.panel->runButton()->toolTip().isEmpty());
        const QString dir = qEnvironmentVariable("ACCEL_BUILD_DIR", QDir::currentPath());
        QVERIFY(f.panel->grab().save(QDir(dir).filePath(QStringLiteral("tst_ModelPanel-demo.png"))));
    }

    void badTokensDisableRun_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QString() << "Enter token ids";
        QTest::newRow("word") << "3, seven, 9"
                              << "Token 2 (\"seven\") is not a whole number";
        QTest::newRow("vocabulary") << "3 1024"
                                    << "Token 2 is 1024, outside the vocabulary (0 to 1023)";
        QTest::newRow("negative") << "-5"
                                  << "outside the vocabulary";
        QTest::newRow("too long") << longInput(257) << "257 tokens: this model takes at most 256";
    }

    void badTokensDisableRun()
    {
        QFETCH(QString, input);
        QFETCH(QString, message);
        Fixture f;
        QVERIFY(f.loadDemo());
        QVERIFY(f.waitReady(1));
        f.panel->tokensEdit()->setText(input);
        QVERIFY2(f.panel->tokenMessage().contains(message), qPrintable(f.panel->tokenMessage()));
        QVERIFY(!f.panel->runButton()->isEnabled());
        QVERIFY(f.panel->runButton()->toolTip().contains(QLatin1String("token")));
        f.panel->run(); // refused without a host call
        QVERIFY(f.panel->statusText().contains(QLatin1String("token ids")));
        QVERIFY(!f.controller()->isRunning());
        // Fixing the input turns Run back on.
        f.panel->tokensEdit()->setText(QStringLiteral("1 2 3"));
        QVERIFY(f.panel->tokenMessage().contains(QLatin1String("3 token")));
        QVERIFY(f.panel->runButton()->isEnabled());
    }

    void folderErrors_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<bool>("weights");
        QTest::addColumn<QString>("message");
        QTest::newRow("no config.json") << QString() << true << "config.json";
        QTest::newRow("config is not JSON") << "{nope" << true << "config.json";
        QTest::newRow("no model.safetensors") << "demo" << false << "model.safetensors";
    }

    void folderErrors()
    {
        QFETCH(QString, config);
        QFETCH(bool, weights);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ModelError error;
        QVERIFY(DemoModel::write(dir.path(), &error));
        if (config.isEmpty()) {
            QVERIFY(QFile::remove(dir.filePath(QStringLiteral("config.json"))));
        } else if (config != QLatin1String("demo")) {
            QFile file(dir.filePath(QStringLiteral("config.json")));
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(config.toUtf8());
        }
        if (!weights) {
            QVERIFY(QFile::remove(dir.filePath(QStringLiteral("model.safetensors"))));
        }
        Fixture f(false);
        QSignalSpy failed(f.controller(), &ModelRunController::modelLoadFailed);
        f.panel->loadFolder(dir.path());
        QVERIFY(failed.wait(kLoadTimeoutMs));
        const QString text = f.panel->modelStatusText();
        QVERIFY2(text.startsWith(QLatin1String("Could not load the model")) && text.contains(message),
                 qPrintable(text));
        QVERIFY(!f.controller()->hasModel());
        QCOMPARE(f.panel->layerModel()->rowCount(), 0);
        QVERIFY(!f.panel->runButton()->isEnabled());
    }

    void folderModelLoads()
    {
        QTemporaryDir dir;
        ModelError error;
        QVERIFY(DemoModel::write(dir.path(), &error));
        Fixture f(false);
        f.panel->loadFolder(dir.path());
        QVERIFY(QTest::qWaitFor([&f] { return f.controller()->hasModel(); }, kLoadTimeoutMs));
        QVERIFY(!f.controller()->isDemo());
        QVERIFY(!f.panel->modelInfoText().contains(QLatin1String("random weights")));
        QVERIFY(f.panel->modelStatusText().contains(dir.path()));
        QCOMPARE(f.panel->layerModel()->rowCount(), DemoModel::config().layerCount + 2);
    }

    void runOnEmbeddedHost_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("last");
        QTest::newRow("auto 0:4") << "auto" << 0 << 4;
        QTest::newRow("js 1:3") << "js" << 1 << 3;
        QTest::newRow("wasm 2:4") << "wasm" << 2 << 4;
    }

    void runOnEmbeddedHost()
    {
        QFETCH(QString, backend);
        QFETCH(int, first);
        QFETCH(int, last);
        Fixture f;
        QVERIFY(f.loadDemo());
        QVERIFY(f.waitReady(1));
        const QString host = f.selectedHost();
        QVERIFY(!host.isEmpty());
        f.setBackend(backend);
        f.panel->firstLayerSpin()->setValue(first);
        f.panel->lastLayerSpin()->setValue(last);
        QCOMPARE(f.panel->firstLayerSpin()->value(), first);
        CircuitBreaker *breaker = f.pool->breaker(host);
        QVERIFY(breaker);
        const BreakerSnapshot before = breaker->snapshot();

        QSignalSpy phases(f.controller(), &ModelRunController::phaseChanged);
        QTest::mouseClick(f.panel->runButton(), Qt::LeftButton);
        QVERIFY(f.controller()->isRunning());
        QVERIFY(!f.panel->runButton()->isEnabled());
        QVERIFY(f.panel->cancelButton()->isEnabled());
        QVERIFY(f.waitEnded());
        const ModelRunController::RunReport r = f.controller()->report();
        QVERIFY2(r.errorCode.isEmpty(), qPrintable(r.errorCode + QStringLiteral(": ") + r.errorMessage));
        QVERIFY(r.compared);
        QVERIFY2(r.passed && r.relative <= 1e-4, qPrintable(QString::number(r.relative)));
        QVERIFY2(f.panel->checkText().contains(QLatin1String("PASS")), qPrintable(f.panel->checkText()));
        QVERIFY(r.deployMs >= 0 && r.runMs >= 0);
        QVERIFY(r.bytesUploaded >= f.controller()->stageBytes(first, last));
        if (backend == QLatin1String("auto")) {
            QVERIFY(!r.backend.isEmpty());
            QVERIFY(!r.probeMs.isEmpty()); // a fresh page measures its backends
            QVERIFY(f.panel->resultText().contains(QLatin1String("probe")));
        } else {
            QCOMPARE(r.backend, backend);
        }
        // Deploying / uploading / running phases were shown.
        bool sawRunning = false;
        for (const auto &p : phases) {
            sawRunning |= p.at(0).value<ModelRunController::Phase>() == ModelRunController::Phase::Running;
        }
        QVERIFY(sawRunning);
        // Next tokens only when the range ends at the last layer (GPT-2).
        QCOMPARE(r.hasTopTokens, last == DemoModel::config().layerCount);
        QCOMPARE(f.panel->resultText().contains(QLatin1String("Top-5 next tokens")), r.hasTopTokens);
        if (r.hasTopTokens) {
            QCOMPARE(r.topTokens.size(), std::size_t(5));
            QVERIFY(r.topTokens[0].logit >= r.topTokens[4].logit);
        }
        QTRY_VERIFY(f.panel->runButton()->isEnabled());
        QVERIFY(!f.panel->cancelButton()->isEnabled());
        if (first == 0) {
            const QString dir = qEnvironmentVariable("ACCEL_BUILD_DIR", QDir::currentPath());
            QVERIFY(f.panel->grab().save(QDir(dir).filePath(QStringLiteral("tst_ModelPanel-run.png"))));
        }
        // The pool's breaker saw the model run as a success (its echo probes add successes too,
        // so at least one more), and no failure of any category.
        const BreakerSnapshot after = breaker->snapshot();
        QVERIFY(after.totalSuccesses >= before.totalSuccesses + 1);
        QCOMPARE(after.failuresByCategory, before.failuresByCategory);

        // The same range again: the page holds every chunk, nothing is uploaded.
        f.panel->run();
        QVERIFY(f.waitEnded());
        QVERIFY2(f.controller()->report().passed, qPrintable(f.controller()->report().errorMessage));
        QCOMPARE(f.controller()->report().bytesUploaded, qint64(0));
    }

    void cancelWhileRunning()
    {
        Fixture f;
        QVERIFY(f.loadDemo());
        QVERIFY(f.waitReady(1));
        const QString host = f.selectedHost();
        CircuitBreaker *breaker = f.pool->breaker(host);
        const quint64 cancelled = failuresOf(breaker, ErrorCategory::Cancelled);
        f.setBackend(QStringLiteral("js"));
        f.panel->tokensEdit()->setText(longInput(128));
        f.panel->run();
        QVERIFY(QTest::qWaitFor(
            [&f] { return f.controller()->phase() == ModelRunController::Phase::Running; }, kRunTimeoutMs));
        QTest::mouseClick(f.panel->cancelButton(), Qt::LeftButton);
        QVERIFY(!f.controller()->isRunning());
        QVERIFY(f.controller()->report().cancelled);
        QVERIFY(f.panel->statusText().contains(QLatin1String("Cancelled")));
        QVERIFY(f.panel->runButton()->isEnabled());
        QCOMPARE(failuresOf(breaker, ErrorCategory::Cancelled), cancelled + 1);
        // The host still works: a short run passes after the abandoned one.
        f.panel->tokensEdit()->setText(QStringLiteral("5 6 7"));
        f.panel->run();
        QVERIFY(f.waitEnded());
        QVERIFY2(f.controller()->report().passed, qPrintable(f.controller()->report().errorMessage));
    }

    void hostKilledMidRun()
    {
        Fixture f(true, 2);
        QVERIFY(f.loadDemo());
        QVERIFY(f.waitReady(2));
        const QString host = f.selectedHost();
        CircuitBreaker *breaker = f.pool->breaker(host);
        const quint64 lost = failuresOf(breaker, ErrorCategory::ConnectionLost);
        f.setBackend(QStringLiteral("js")); // the slowest backend keeps the request in flight
        f.panel->tokensEdit()->setText(longInput(256));
        f.panel->run();
        QVERIFY(QTest::qWaitFor(
            [&f] { return f.controller()->phase() == ModelRunController::Phase::Running; }, kRunTimeoutMs));
        HostInstance *instance = f.pool->instance(host);
        QVERIFY(instance);
        const qint64 pid = instance->processId();
        QVERIFY(pid > 0);
        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QVERIFY(f.waitEnded());
        const ModelRunController::RunReport r = f.controller()->report();
        QCOMPARE(r.errorCode, QStringLiteral("host_lost"));
        QVERIFY(!r.compared);
        QVERIFY2(f.panel->statusText().contains(QLatin1String("host_lost")),
                 qPrintable(f.panel->statusText()));
        QVERIFY(failuresOf(breaker, ErrorCategory::ConnectionLost) >= lost + 1);
        // Run comes back once a ready host with a closed breaker is selected (the replacement or the other
        // one).
        QVERIFY(QTest::qWaitFor(
            [&f] {
                for (const PoolHostInfo &h : f.pool->hosts()) {
                    if (h.state == PoolHostState::Ready && h.breaker != BreakerState::Open &&
                        h.breaker != BreakerState::ForcedOpen) {
                        f.panel->selectHost(h.id);
                        return f.panel->runButton()->isEnabled();
                    }
                }
                return false;
            },
            kHostsTimeoutMs));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    tst_ModelPanel test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_ModelPanel.moc"
