// BrowserProbe's pure parts: features from real hello captures, the `accelctl probe --json`
// report codec (hostile input too), and how probed features become capability strings that the
// Scheduler matches.
#include "cluster/BrowserProbe.h"
#include "cluster/Scheduler.h"
#include "cluster/WorkerCapabilities.h"
#include "hosts/HostCapabilities.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using namespace accel;

namespace {

HostCapabilities fixture(const QString &name)
{
    QFile f(qEnvironmentVariable("ACCEL_HOSTS_FIXTURES") + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly)) {
        qFatal("missing fixture %s", qPrintable(name));
    }
    const QJsonObject hello = QJsonDocument::fromJson(f.readAll()).object();
    QString error;
    const std::optional<HostCapabilities> caps =
        HostCapabilities::fromJson(hello.value(QStringLiteral("capabilities")).toObject(), &error);
    if (!caps) {
        qFatal("bad fixture %s: %s", qPrintable(name), qPrintable(error));
    }
    return *caps;
}

} // namespace

class tst_BrowserProbe : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void featuresFromRealHellos_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("expected");
        // Chromium 156 headless: SwiftShader WebGPU adapter, WebNN API without a context.
        QTest::newRow("chromium") << QStringLiteral("hello_chromium.json")
                                  << QStringList{QStringLiteral("js"), QStringLiteral("wasm-simd"),
                                                 QStringLiteral("wasm-threads"), QStringLiteral("webgpu")};
        QTest::newRow("firefox") << QStringLiteral("hello_firefox.json")
                                 << QStringList{QStringLiteral("js"), QStringLiteral("wasm-simd"),
                                                QStringLiteral("wasm-threads")};
    }

    void featuresFromRealHellos()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, expected);
        QCOMPARE(BrowserProbe::features(fixture(file)), expected);
    }

    void featuresNeedMeasurements()
    {
        HostCapabilities caps;
        caps.webgpu.apiPresent = true; // the API without an adapter is not WebGPU compute
        caps.webnn.apiPresent = true;  // navigator.ml without a context is not WebNN
        QCOMPARE(BrowserProbe::features(caps), QStringList{QStringLiteral("js")});
        caps.webgpu.adapterFound = true;
        caps.webnn.contextDevices = {QStringLiteral("cpu")};
        QCOMPARE(BrowserProbe::features(caps),
                 (QStringList{QStringLiteral("js"), QStringLiteral("webgpu"), QStringLiteral("webnn")}));
    }

    void reportRoundTrip()
    {
        BrowserProbe::Result ok;
        ok.name = QStringLiteral("chromium");
        ok.path = QStringLiteral("/usr/bin/chromium");
        ok.features = {QStringLiteral("js"), QStringLiteral("webgpu")};
        ok.probeMs = 1234;
        ok.webgpuAdapter = QStringLiteral("google swiftshader");
        BrowserProbe::Result failed;
        failed.name = QStringLiteral("firefox");
        failed.error = QStringLiteral("firefox exited before the runtime page connected");
        QList<BrowserProbe::Result> back;
        QString error;
        QVERIFY2(BrowserProbe::decodeReport(BrowserProbe::encodeReport({ok, failed}), &back, &error),
                 qPrintable(error));
        QCOMPARE(back.size(), 2);
        QCOMPARE(back[0].name, ok.name);
        QCOMPARE(back[0].features, ok.features);
        QCOMPARE(back[0].probeMs, 1234);
        QCOMPARE(back[0].webgpuAdapter, ok.webgpuAdapter);
        QVERIFY(back[0].error.isEmpty());
        QCOMPARE(back[1].error, failed.error);
        QVERIFY(back[1].features.isEmpty());
    }

    void rejectsBadReports_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("chromium: ok") << QStringLiteral("JSON");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("JSON object");
        QTest::newRow("no browsers") << QByteArray("{}") << QStringLiteral("browsers");
        QTest::newRow("browser not object") << QByteArray("{\"browsers\":[1]}") << QStringLiteral("name");
        QTest::newRow("bad name") << QByteArray("{\"browsers\":[{\"name\":\"Chro mium\",\"features\":[]}]}")
                                  << QStringLiteral("name");
        QTest::newRow("no features") << QByteArray("{\"browsers\":[{\"name\":\"chromium\"}]}")
                                     << QStringLiteral("features");
        QTest::newRow("feature injection")
            << QByteArray("{\"browsers\":[{\"name\":\"chromium\",\"features\":[\"webgpu command\"]}]}")
            << QStringLiteral("feature");
        QTest::newRow("error not string")
            << QByteArray("{\"browsers\":[{\"name\":\"chromium\",\"features\":[],\"error\":5}]}")
            << QStringLiteral("error");
        QTest::newRow("too large") << QByteArray(BrowserProbe::kMaxReportBytes + 1, ' ')
                                   << QStringLiteral("exceeds");
    }

    void rejectsBadReports()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QList<BrowserProbe::Result> out;
        QString error;
        QVERIFY(!BrowserProbe::decodeReport(json, &out, &error));
        QVERIFY2(error.contains(expected, Qt::CaseInsensitive), qPrintable(error));
    }

    void probedFeaturesBecomeMatchable()
    {
        WorkerCapabilities caps;
        caps.commandTasks = true;
        caps.browsers.append({QStringLiteral("chromium"), QStringLiteral("/usr/bin/chromium"), {}, {}, {}});
        Scheduler s;
        s.setWorker(QStringLiteral("w1"), caps);
        Scheduler::QueuedTask t;
        t.key = QStringLiteral("s/gpu");
        t.capabilities = {QStringLiteral("command"), QStringLiteral("browser:chromium:webgpu")};
        s.enqueue(t);
        QVERIFY(s.schedule(0).isEmpty());
        QVERIFY(s.explain(t.key, 0).contains(QStringLiteral("browser:chromium:webgpu")));

        // The probe reported: same worker, same load, now with features.
        caps.browsers[0].features = {QStringLiteral("js"), QStringLiteral("webgpu")};
        caps.browsers[0].probe = QStringLiteral("done");
        s.setWorker(QStringLiteral("w1"), caps);
        const QStringList offered = caps.capabilityStrings();
        QVERIFY(offered.contains(QStringLiteral("feature:webgpu")));
        QVERIFY(offered.contains(QStringLiteral("browser:chromium:webgpu")));
        QVERIFY(!offered.contains(QStringLiteral("browser:firefox:webgpu")));
        const QList<Scheduler::Assignment> a = s.schedule(0);
        QCOMPARE(a.size(), 1);
        QCOMPARE(a.first().worker, QStringLiteral("w1"));
    }
};

QTEST_GUILESS_MAIN(tst_BrowserProbe)
#include "tst_BrowserProbe.moc"
