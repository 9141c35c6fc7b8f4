#include "hosts/HostCapabilities.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using accel::HostCapabilities;

namespace {

// JSON written with single quotes (readable in tables); J() turns them into double quotes.
QByteArray J(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QJsonObject capsFromFixture(const QString &name)
{
    QFile f(qEnvironmentVariable("ACCEL_HOSTS_FIXTURES") + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly)) {
        qFatal("missing fixture %s", qPrintable(name));
    }
    return QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("capabilities")).toObject();
}

} // namespace

class tst_HostCapabilities : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesFixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("adapter");
        QTest::addColumn<bool>("simd");
        QTest::addColumn<QString>("uaPart");
        QTest::newRow("embedded") << QStringLiteral("hello_embedded.json") << false << true
                                  << QStringLiteral("QtWebEngine");
        QTest::newRow("chromium") << QStringLiteral("hello_chromium.json") << true << true
                                  << QStringLiteral("Chrome/");
        QTest::newRow("firefox") << QStringLiteral("hello_firefox.json") << false << true
                                 << QStringLiteral("Firefox/");
    }
    void parsesFixtures()
    {
        QFETCH(QString, file);
        QFETCH(bool, adapter);
        QFETCH(bool, simd);
        QFETCH(QString, uaPart);
        QString error;
        const std::optional<HostCapabilities> caps =
            HostCapabilities::fromJson(capsFromFixture(file), &error);
        QVERIFY2(caps, qPrintable(error));
        QCOMPARE(caps->webgpu.adapterFound, adapter);
        QCOMPARE(caps->wasmSimd, simd);
        QVERIFY(caps->userAgent.contains(uaPart));
        QVERIFY(caps->hardwareConcurrency > 0);
        if (adapter) {
            QVERIFY(caps->webgpu.limits.contains(QStringLiteral("maxBufferSize")));
            QVERIFY(caps->webgpu.limits.value(QStringLiteral("maxBufferSize")) > 0);
        } else {
            QVERIFY(!caps->webgpu.error.isEmpty());
        }
        // toJson/fromJson is lossless.
        const std::optional<HostCapabilities> again = HostCapabilities::fromJson(caps->toJson());
        QVERIFY(again);
        QCOMPARE(again->toJson(), caps->toJson());
    }

    void rejectsWrongTypes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("ua number") << (J("{'userAgent':5}")) << QStringLiteral("userAgent");
        QTest::newRow("simd string") << (J("{'wasm':{'simd':'yes'}}")) << QStringLiteral("wasm.simd");
        QTest::newRow("webgpu array") << (J("{'webgpu':[]}")) << QStringLiteral("webgpu");
        QTest::newRow("limits strings")
            << (J("{'webgpu':{'limits':{'a':'b'}}}")) << QStringLiteral("webgpu.limits");
        QTest::newRow("features numbers")
            << (J("{'webgpu':{'features':[1]}}")) << QStringLiteral("webgpu.features");
        QTest::newRow("contexts object")
            << (J("{'webnn':{'contexts':{}}}")) << QStringLiteral("webnn.contexts");
    }
    void rejectsWrongTypes()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        QString error;
        QVERIFY(!HostCapabilities::fromJson(QJsonDocument::fromJson(json).object(), &error));
        QVERIFY2(error.contains(field), qPrintable(error));
    }

    void emptyObjectMeansUnknown()
    {
        const std::optional<HostCapabilities> caps = HostCapabilities::fromJson({});
        QVERIFY(caps);
        QCOMPARE(caps->hardwareConcurrency, -1);
        QCOMPARE(caps->deviceMemoryGiB, -1.0);
        QVERIFY(!caps->webgpu.adapterFound);
        QVERIFY(!caps->webnn.apiPresent);
    }
};

QTEST_GUILESS_MAIN(tst_HostCapabilities)
#include "tst_HostCapabilities.moc"
