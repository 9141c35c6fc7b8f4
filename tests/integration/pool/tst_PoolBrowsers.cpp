#include "hosts/BrowserProcess.h"
#include "hosts/RuntimeServer.h"
#include "pool/BrowserHostFactory.h"
#include "pool/EmbeddedHostFactory.h"
#include "pool/ResourcePool.h"
#include "resilience/CircuitBreaker.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace accel;
using namespace accel::ui;

namespace {

PoolConfig config(HostKind kind)
{
    PoolConfig c;
    c.limits = {{HostKind::Embedded, {0, 2}}, {HostKind::Chromium, {0, 2}}};
    c.limits[kind] = {1, 2};
    c.restartBackoffMs = 200;
    c.updateIntervalMs = 50;
    c.helloTimeoutMs = 60'000;
    return c;
}

int readyCount(const ResourcePool &pool)
{
    int n = 0;
    for (const PoolHostInfo &h : pool.hosts()) {
        n += h.state == PoolHostState::Ready ? 1 : 0;
    }
    return n;
}

} // namespace

class tst_PoolBrowsers : public QObject
{
    Q_OBJECT
private slots:
    void embeddedRendererKillIsReplaced()
    {
        RuntimeServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        ResourcePool pool(&server, config(HostKind::Embedded));
        pool.addFactory(std::make_unique<EmbeddedHostFactory>());
        QSignalSpy lost(&pool, &ResourcePool::hostLost);
        QSignalSpy replaced(&pool, &ResourcePool::hostReplaced);
        pool.start();
        QTRY_COMPARE_WITH_TIMEOUT(readyCount(pool), 1, 30'000);
        const QString id = pool.hosts().first().id;
        QVERIFY(pool.session(id));
        QVERIFY(pool.session(id)->capabilities().wasmSimd);

        auto *inst = qobject_cast<EmbeddedHostInstance *>(pool.instance(id));
        QVERIFY(inst);
        QTRY_VERIFY_WITH_TIMEOUT(inst->processId() > 0, 10'000);
        pool.tick();
        const double healthBefore = pool.host(id)->health;
        QCOMPARE(::kill(pid_t(inst->processId()), SIGKILL), 0);

        QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, 10'000);
        QVERIFY2(lost.first().at(1).toString().contains(QStringLiteral("renderer")),
                 qPrintable(lost.first().at(1).toString()));
        QVERIFY(isOpenLike(pool.breaker(id)->state()));
        pool.tick();
        QVERIFY(pool.host(id)->health < healthBefore);

        QTRY_COMPARE_WITH_TIMEOUT(replaced.count(), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(int(pool.host(id)->state), int(PoolHostState::Ready), 30'000);
        QCOMPARE(pool.host(id)->generation, 1);
    }

    void chromiumKill9IsDetectedAndReplaced()
    {
        BrowserHostFactory probe(HostKind::Chromium);
        QString why;
        if (!probe.isAvailable(&why)) {
            QSKIP(qPrintable(why));
        }
        RuntimeServerConfig sc;
        sc.heartbeatTimeoutMs = 5000;
        RuntimeServer server(sc);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        ResourcePool pool(&server, config(HostKind::Chromium));
        pool.addFactory(std::make_unique<BrowserHostFactory>(HostKind::Chromium));
        QSignalSpy lost(&pool, &ResourcePool::hostLost);
        QSignalSpy replaced(&pool, &ResourcePool::hostReplaced);
        pool.start();
        QTRY_COMPARE_WITH_TIMEOUT(readyCount(pool), 1, 45'000);
        const QString id = pool.hosts().first().id;
        auto *inst = qobject_cast<BrowserHostInstance *>(pool.instance(id));
        QVERIFY(inst);
        QVERIFY(inst->processId() > 0);

        QElapsedTimer sinceKill;
        sinceKill.start();
        QCOMPARE(::kill(pid_t(inst->processId()), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, sc.heartbeatTimeoutMs + 2000);
        const qint64 detectedMs = sinceKill.elapsed();
        qInfo("kill -9 of Chromium detected after %lld ms (heartbeat timeout %d ms)", detectedMs,
              sc.heartbeatTimeoutMs);
        QVERIFY(detectedMs <= sc.heartbeatTimeoutMs);
        QVERIFY(isOpenLike(pool.breaker(id)->state()));

        QTRY_COMPARE_WITH_TIMEOUT(replaced.count(), 1, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(int(pool.host(id)->state), int(PoolHostState::Ready), 45'000);
        QVERIFY(pool.instance(id) && pool.instance(id)->processId() != 0);
        pool.stop(); // ends the browser's process group
    }
};

QTEST_MAIN(tst_PoolBrowsers)
#include "tst_PoolBrowsers.moc"
