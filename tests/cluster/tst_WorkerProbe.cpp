// Workers measure their browsers' compute features after registering: a real coordinator and a
// real worker process probing real browsers through `accelctl probe` (a subprocess per browser).
// A task that needs `feature:webgpu` waits until the probe reported; a broken browser is
// recorded per browser and never stops the worker from running command tasks.
#include "CoordinatorFixture.h"

#include "cluster/ClusterClient.h"
#include "hosts/BrowserLauncher.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using accel::ClusterClient;

class tst_WorkerProbe : public QObject
{
    Q_OBJECT
private:
    CoordinatorFixture m_cluster;
    NodeProcess *m_worker = nullptr;

    QString path(const QString &name) const { return m_cluster.path(name); }
    QUrl base() const { return m_cluster.base(); }
    static QString buildDir() { return qEnvironmentVariable("ACCEL_BUILD_DIR"); }
    static QString accelctl() { return buildDir() + QStringLiteral("/app/accelctl/accelctl"); }

    void startWorker(const QStringList &extra, const QHash<QString, QString> &env = {})
    {
        QHash<QString, QString> environment = env;
        environment.insert(QStringLiteral("ACCEL_ACCELCTL"), accelctl());
        m_worker = m_cluster.startWorker(QStringLiteral("w1"), extra, environment);
        QVERIFY(m_worker);
    }

    QJsonObject worker()
    {
        ClusterClient c(base(), m_cluster.token());
        const QJsonArray list = c.get(QStringLiteral("/api/v1/workers"), 3000).json().array();
        return list.isEmpty() ? QJsonObject() : list.first().toObject();
    }

    static QJsonObject browser(const QJsonObject &worker, const QString &name)
    {
        for (const QJsonValue &b : worker.value(QStringLiteral("capabilities"))
                                       .toObject()
                                       .value(QStringLiteral("browsers"))
                                       .toArray()) {
            if (b.toObject().value(QStringLiteral("name")).toString() == name) {
                return b.toObject();
            }
        }
        return {};
    }

    static bool anyPending(const QJsonObject &worker)
    {
        for (const QJsonValue &b : worker.value(QStringLiteral("capabilities"))
                                       .toObject()
                                       .value(QStringLiteral("browsers"))
                                       .toArray()) {
            if (b.toObject().value(QStringLiteral("probe")).toString() == QLatin1String("pending")) {
                return true;
            }
        }
        return false;
    }

    QString submit(const QJsonArray &tasks)
    {
        ClusterClient c(base(), m_cluster.token());
        const auto r = c.post(QStringLiteral("/api/v1/suites"),
                              QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("probe")},
                                                        {QStringLiteral("tasks"), tasks}})
                                  .toJson(),
                              5000);
        return r.json().object().value(QStringLiteral("id")).toString();
    }

    QJsonObject task(const QString &key)
    {
        ClusterClient c(base(), m_cluster.token());
        return c.get(QStringLiteral("/api/v1/tasks/") + key, 3000).json().object();
    }

    static QJsonObject echoTask(const QString &id, const QStringList &capabilities)
    {
        QJsonObject t{{QStringLiteral("id"), id},
                      {QStringLiteral("argv"), QJsonArray{QStringLiteral("/bin/echo"), id}},
                      {QStringLiteral("timeoutMs"), 20000}};
        if (!capabilities.isEmpty()) {
            t.insert(QStringLiteral("requires"),
                     QJsonObject{{QStringLiteral("capabilities"), QJsonArray::fromStringList(capabilities)}});
        }
        return t;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY2(QFile::exists(accelctl()), qPrintable(accelctl()));
        QString error;
        QVERIFY2(m_cluster.setUp(&error), qPrintable(error));
    }

    void cleanup()
    {
        // SIGKILL: the probe subprocess gets SIGTERM through PR_SET_PDEATHSIG and stops its browser.
        m_worker = nullptr;
        m_cluster.tearDown();
    }

    void chromiumFeaturesArriveAfterRegistration()
    {
        const std::optional<accel::BrowserInstall> chromium =
            accel::BrowserLauncher::find(accel::HostKind::Chromium);
        if (!chromium) {
            QSKIP("Chromium is not installed (or ACCEL_CHROMIUM is not executable): nothing to probe");
        }
        // Queued before the worker exists: it can only run once the probe has reported WebGPU.
        const QString suite = submit(
            QJsonArray{echoTask(QStringLiteral("gpu"), {QStringLiteral("feature:webgpu"),
                                                        QStringLiteral("browser:chromium:wasm-simd")})});
        QVERIFY(!suite.isEmpty());
        const QString key = suite + QStringLiteral("/gpu");
        startWorker({});

        // Registration does not wait for the browser: the worker is there while its probe runs,
        // and the task stays queued for want of the feature.
        QTRY_VERIFY_WITH_TIMEOUT(worker().value(QStringLiteral("connected")).toBool(), 15000);
        bool sawPending = false;
        QString violation;
        QVERIFY(QTest::qWaitFor(
            [&] {
                // The task first: if the worker still reports the probe pending afterwards, it was
                // pending when the task was read, so the task must not have been given out.
                const QJsonObject t = task(key);
                const QJsonObject w = worker();
                if (browser(w, QStringLiteral("chromium")).value(QStringLiteral("probe")).toString() ==
                    QLatin1String("pending")) {
                    sawPending = true;
                    const QString why = t.value(QStringLiteral("unschedulable")).toString();
                    if (t.value(QStringLiteral("state")).toString() != QLatin1String("queued") ||
                        !why.contains(QStringLiteral("feature:webgpu"))) {
                        violation = QString::fromUtf8(QJsonDocument(t).toJson(QJsonDocument::Compact));
                    }
                }
                return true;
            },
            15000));
        QVERIFY2(violation.isEmpty(), qPrintable(QStringLiteral("scheduled before the probe: ") + violation));
        QVERIFY2(sawPending, "the worker registered only after its chromium probe");

        QTRY_COMPARE_WITH_TIMEOUT(task(key).value(QStringLiteral("state")).toString(),
                                  QStringLiteral("passed"), 90000);
        const QJsonObject w = worker();
        const QJsonObject c = browser(w, QStringLiteral("chromium"));
        QCOMPARE(c.value(QStringLiteral("probe")).toString(), QStringLiteral("done"));
        QCOMPARE(c.value(QStringLiteral("path")).toString(), chromium->program);
        const QJsonArray features = c.value(QStringLiteral("features")).toArray();
        QVERIFY2(features.contains(QStringLiteral("webgpu")), qPrintable(QJsonDocument(c).toJson()));
        QVERIFY(features.contains(QStringLiteral("wasm-simd")));
        QVERIFY(features.contains(QStringLiteral("js")));
        QVERIFY(c.value(QStringLiteral("probeError")).toString().isEmpty());
        const QJsonArray caps = w.value(QStringLiteral("capabilityStrings")).toArray();
        QVERIFY(caps.contains(QStringLiteral("feature:webgpu")));
        QVERIFY(caps.contains(QStringLiteral("browser:chromium:webgpu")));
        // The task ran on the probed worker, once.
        const QJsonObject t = task(key);
        QCOMPARE(t.value(QStringLiteral("worker")).toString(), QStringLiteral("w1"));
        QCOMPARE(t.value(QStringLiteral("attempt")).toInt(), 1);

        // Every browser ends probed (one at a time): nothing is left running behind the test.
        QTRY_VERIFY_WITH_TIMEOUT(!anyPending(worker()), 60000);
    }

    void brokenBrowserIsRecordedAndCommandsStillRun()
    {
        // Both browsers "found" at a program that exits at once, as a broken install would.
        startWorker({}, {{QStringLiteral("ACCEL_CHROMIUM"), QStringLiteral("/bin/false")},
                         {QStringLiteral("ACCEL_FIREFOX"), QStringLiteral("/bin/false")}});
        QTRY_VERIFY_WITH_TIMEOUT(worker().value(QStringLiteral("connected")).toBool(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!anyPending(worker()), 30000);
        const QJsonObject w = worker();
        for (const QString &name : {QStringLiteral("chromium"), QStringLiteral("firefox")}) {
            const QJsonObject b = browser(w, name);
            QCOMPARE(b.value(QStringLiteral("path")).toString(), QStringLiteral("/bin/false"));
            QCOMPARE(b.value(QStringLiteral("probe")).toString(), QStringLiteral("failed"));
            QVERIFY2(b.value(QStringLiteral("probeError")).toString().contains(QStringLiteral("exited")),
                     qPrintable(b.value(QStringLiteral("probeError")).toString()));
            QVERIFY(b.value(QStringLiteral("features")).toArray().isEmpty());
        }
        QVERIFY(
            !w.value(QStringLiteral("capabilityStrings")).toArray().contains(QStringLiteral("feature:js")));
        QFile log(path(QStringLiteral("w1.log")));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("probing chromium"));

        // `accelctl workers --json` shows the recorded error.
        QProcess ctl;
        ctl.start(accelctl(),
                  {QStringLiteral("workers"), QStringLiteral("--json"), QStringLiteral("--coordinator"),
                   base().toString(), QStringLiteral("--token-file"), m_cluster.tokenPath()});
        QVERIFY(ctl.waitForFinished(20000));
        QCOMPARE(ctl.exitCode(), 0);
        const QJsonArray listed = QJsonDocument::fromJson(ctl.readAllStandardOutput()).array();
        QCOMPARE(listed.size(), 1);
        QVERIFY(browser(listed.first().toObject(), QStringLiteral("chromium"))
                    .value(QStringLiteral("probeError"))
                    .toString()
                    .contains(QStringLiteral("exited")));

        // The worker is fine: command tasks run; a WebGPU task is explained, not run.
        const QString suite =
            submit(QJsonArray{echoTask(QStringLiteral("plain"), {}),
                              echoTask(QStringLiteral("gpu"), {QStringLiteral("feature:webgpu")})});
        QVERIFY(!suite.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(
            task(suite + QStringLiteral("/plain")).value(QStringLiteral("state")).toString(),
            QStringLiteral("passed"), 20000);
        const QJsonObject gpu = task(suite + QStringLiteral("/gpu"));
        QCOMPARE(gpu.value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
        QVERIFY2(
            gpu.value(QStringLiteral("unschedulable")).toString().contains(QStringLiteral("feature:webgpu")),
            qPrintable(gpu.value(QStringLiteral("unschedulable")).toString()));
        QVERIFY(m_worker->isRunning());
    }

    void noBrowserProbeOption()
    {
        startWorker({QStringLiteral("--no-browser-probe")});
        QTRY_VERIFY_WITH_TIMEOUT(worker().value(QStringLiteral("connected")).toBool(), 15000);
        const QJsonArray browsers = worker()
                                        .value(QStringLiteral("capabilities"))
                                        .toObject()
                                        .value(QStringLiteral("browsers"))
                                        .toArray();
        if (accel::BrowserLauncher::find(accel::HostKind::Chromium)) {
            QVERIFY(!browsers.isEmpty());
        }
        for (const QJsonValue &b : browsers) {
            QVERIFY(b.toObject().value(QStringLiteral("probe")).toString().isEmpty());
            QVERIFY(b.toObject().value(QStringLiteral("features")).toArray().isEmpty());
        }
        // No probe subprocess was started (the worker logs every probe it starts).
        QFile log(path(QStringLiteral("w1.log")));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(!log.readAll().contains("probing chromium"));
    }
};

QTEST_GUILESS_MAIN(tst_WorkerProbe)
#include "tst_WorkerProbe.moc"
