// An embedded host (QtWebEngine, offscreen) against a real RuntimeServer: connect, capabilities,
// heartbeats, requests, a killed renderer, reconnect after a server restart, navigation guard.
#include "hosts/EmbeddedHost.h"
#include "hosts/EmbeddedHostPage.h"

#include "hosts/RuntimeServer.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebEngineView>

#include <signal.h>

using namespace accel;
using accel::ui::EmbeddedHost;

namespace {
constexpr int kConnectTimeoutMs = 30000;
}

class tst_EmbeddedHost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        RuntimeServerConfig config;
        config.heartbeatIntervalMs = 200;
        config.heartbeatTimeoutMs = 3000;
        config.limits.maxFrameBytes = 4 * 1024 * 1024;
        m_server = std::make_unique<RuntimeServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_hostId = RuntimeServer::newHostId(HostKind::Embedded);
        m_host = std::make_unique<EmbeddedHost>(m_server->hostUrl(m_hostId, HostKind::Embedded));
    }
    void cleanup()
    {
        m_host.reset();
        m_server.reset();
    }

    void connectsAndReportsCapabilities()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        m_host->start();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        HostSession *s = m_server->session(m_hostId);
        QVERIFY(s);
        QCOMPARE(s->kind(), HostKind::Embedded);
        const HostCapabilities &caps = s->capabilities();
        if (!qEnvironmentVariableIsEmpty("ACCEL_CAPTURE_HELLO")) {
            QFile out(qEnvironmentVariable("ACCEL_CAPTURE_HELLO"));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(QJsonDocument(caps.toJson()).toJson(QJsonDocument::Compact));
        }
        QVERIFY2(caps.userAgent.contains(QLatin1String("QtWebEngine")), qPrintable(caps.userAgent));
        QVERIFY(caps.hardwareConcurrency > 0);
        // Served over http with COOP/COEP: isolated, so SharedArrayBuffer and Wasm threads work.
        QVERIFY(caps.crossOriginIsolated);
        QVERIFY(caps.sharedArrayBuffer);
        QVERIFY(caps.wasmSimd);
        QVERIFY(caps.wasmThreads);
        // QtWebEngine 6.4 has no WebGPU adapter and no WebNN: reported as absent, with a reason.
        QVERIFY(!caps.webgpu.adapterFound);
        QVERIFY(!caps.webgpu.error.isEmpty());
        QVERIFY(caps.webnn.contextDevices.isEmpty());

        QSignalSpy beats(s, &HostSession::heartbeatReceived);
        QTRY_VERIFY_WITH_TIMEOUT(beats.count() >= 3, 5000);
        QVERIFY(beats.at(1).at(0).toULongLong() > beats.at(0).at(0).toULongLong());
        QSignalSpy metrics(s, &HostSession::metricsReceived);
        QVERIFY(metrics.wait(5000)); // every 5th heartbeat
        QVERIFY(metrics.at(0).at(0).toJsonObject().value(QLatin1String("uptimeMs")).toDouble() > 0);
    }

    void echoLoadAndRun()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        m_host->start();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        HostSession *s = m_server->session(m_hostId);
        QVERIFY(s);

        // Echo: 1 MiB of f32 comes back byte for byte.
        QByteArray payload(1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < payload.size(); ++i) {
            payload[i] = char((i * 7) ^ (i >> 8));
        }
        QSignalSpy results(s, &HostSession::resultReceived);
        const quint64 echoId = s->sendEcho(hostproto::DType::F32, {256, 1024}, payload);
        QVERIFY(results.wait(10000));
        QCOMPARE(results.at(0).at(0).toULongLong(), echoId);
        const auto frame = results.at(0).at(1).value<hostproto::TensorFrame>();
        QCOMPARE(frame.shape, (QList<quint32>{256, 1024}));
        QVERIFY(frame.payload == payload);

        // Load: the page hashes every chunk itself (SubtleCrypto) and confirms.
        const QList<QByteArray> chunks{QByteArray("hello"), QByteArray(300000, 'w'), QByteArray()};
        QSignalSpy loaded(s, &HostSession::loaded);
        const quint64 loadId = s->sendLoad(chunks);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.at(0).at(0).toULongLong(), loadId);
        QStringList expected;
        for (const QByteArray &c : chunks) {
            expected << QString::fromLatin1(QCryptographicHash::hash(c, QCryptographicHash::Sha256).toHex());
        }
        QCOMPARE(loaded.at(0).at(1).toStringList(), expected);

        // Run on a model that was never deployed: refused with a reason, never an invented result.
        QSignalSpy errors(s, &HostSession::hostError);
        const quint64 runId =
            s->sendRun(QStringLiteral("demo"), 0, 1,
                       {hostproto::FrameKind::Activation, 1, hostproto::DType::F32, {2}, QByteArray(8, 0)});
        QVERIFY(errors.wait(10000));
        QCOMPARE(errors.at(0).at(0).toULongLong(), runId);
        QCOMPARE(errors.at(0).at(1).toString(), QStringLiteral("unknown_model"));
        QVERIFY(!errors.at(0).at(2).toString().isEmpty());
        QCOMPARE(results.count(), 1); // no result for the run
    }

    void killedRendererIsACrash()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        QSignalSpy closed(m_server.get(), &RuntimeServer::sessionClosed);
        QSignalSpy crashed(m_host.get(), &EmbeddedHost::crashed);
        m_host->start();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        const qint64 pid = m_host->renderProcessPid();
        QVERIFY(pid > 0);
        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QVERIFY(crashed.wait(10000));
        QVERIFY(m_host->isCrashed());
        QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 5000);
        QCOMPARE(closed.at(0).at(0).toString(), m_hostId);
        QCOMPARE(closed.at(0).at(2).value<HostSession::CloseReason>(),
                 HostSession::CloseReason::TransportClosed);

        // The restart action brings the host back with a new renderer.
        m_host->restartAction()->trigger();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        QVERIFY(m_server->session(m_hostId));
        QVERIFY(!m_host->isCrashed());
        QVERIFY(m_host->renderProcessPid() != pid);
    }

    void reconnectsAfterServerRestart()
    {
        // A server restarted on the same port with the same token (e.g. a worker daemon restart).
        RuntimeServerConfig config = m_server->config();
        config.port = m_server->port();
        config.token = m_server->token();
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        m_host->start();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        m_server.reset();

        m_server = std::make_unique<RuntimeServer>(config);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QSignalSpy reopened(m_server.get(), &RuntimeServer::sessionOpened);
        QVERIFY(reopened.wait(15000));
        QVERIFY(m_server->session(m_hostId));
    }

    void navigationIsAllowListed()
    {
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        m_host->start();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        QSignalSpy blocked(m_host.get(), &EmbeddedHost::navigationBlocked);
        m_host->page()->runJavaScript(QStringLiteral("location.href = 'http://example.invalid/steal';"));
        QVERIFY(blocked.wait(10000));
        QCOMPARE(blocked.at(0).at(0).toUrl().host(), QStringLiteral("example.invalid"));
        QVERIFY(m_host->page()->isAllowed(m_server->hostUrl(m_hostId, HostKind::Embedded)));
        QVERIFY(!m_host->page()->isAllowed(QUrl(QStringLiteral("http://127.0.0.1:1/host.html"))));
        QVERIFY(!m_host->page()->isAllowed(QUrl(QStringLiteral("file:///etc/passwd"))));
        QVERIFY(m_server->session(m_hostId)); // still connected
    }

    void viewShowsThePage()
    {
        QWidget window;
        QWebEngineView *view = m_host->view(&window);
        QCOMPARE(view->page(), m_host->page());
        QSignalSpy opened(m_server.get(), &RuntimeServer::sessionOpened);
        m_host->start();
        QVERIFY(opened.wait(kConnectTimeoutMs));
        m_host->restart();
        QCOMPARE(view->page(), m_host->page());
    }

private:
    std::unique_ptr<RuntimeServer> m_server;
    std::unique_ptr<EmbeddedHost> m_host;
    QString m_hostId;
};

int main(int argc, char **argv)
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    qRegisterMetaType<accel::hostproto::TensorFrame>();
    tst_EmbeddedHost test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_EmbeddedHost.moc"
