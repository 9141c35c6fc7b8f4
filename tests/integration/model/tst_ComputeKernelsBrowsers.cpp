// The compute kernels in headless Chromium and Firefox (WebGPU on their software adapters, Wasm,
// WebNN where present), checked against the native reference. Each row starts a fresh browser
// with a temporary profile in its own process group and kills the group afterwards.
#include "KernelCheckFixture.h"

#include "model/KernelCheckBrowser.h"

#include <QCoreApplication>

using namespace accel;
using kernelcheck::ModelKind;

class tst_ComputeKernelsBrowsers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesReference_data()
    {
        QTest::addColumn<int>("browser");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("model");
        QTest::addColumn<QJsonObject>("options");
        const int chromium = int(KernelCheckBrowser::Kind::Chromium);
        const int firefox = int(KernelCheckBrowser::Kind::Firefox);
        const QJsonObject picked;
        const QJsonObject regblock{{QStringLiteral("matmulKernel"), QStringLiteral("regblock")}};
        const QJsonObject tiled{{QStringLiteral("matmulKernel"), QStringLiteral("tiled")}};
        // 512 KiB bindings: wte, fc.w, out.w (1 MiB) and qkv.w (768 KiB) are split into two parts each.
        const QJsonObject split{{QStringLiteral("maxStorageBufferBindingSize"), 512 * 1024}};
        QTest::newRow("chromium webgpu demo (kernel picked)")
            << chromium << "webgpu" << int(ModelKind::DemoF32) << picked;
        QTest::newRow("chromium webgpu demo regblock")
            << chromium << "webgpu" << int(ModelKind::DemoF32) << regblock;
        QTest::newRow("chromium webgpu demo tiled")
            << chromium << "webgpu" << int(ModelKind::DemoF32) << tiled;
        QTest::newRow("chromium webgpu split bindings")
            << chromium << "webgpu" << int(ModelKind::DemoF32) << split;
        QTest::newRow("chromium webgpu fp16") << chromium << "webgpu" << int(ModelKind::DemoF16) << picked;
        QTest::newRow("chromium webgpu bert") << chromium << "webgpu" << int(ModelKind::Bert) << picked;
        QTest::newRow("chromium wasm demo") << chromium << "wasm" << int(ModelKind::DemoF32) << picked;
        QTest::newRow("chromium webnn demo") << chromium << "webnn" << int(ModelKind::DemoF32) << picked;
        QTest::newRow("firefox webgpu demo") << firefox << "webgpu" << int(ModelKind::DemoF32) << picked;
        QTest::newRow("firefox wasm bert") << firefox << "wasm" << int(ModelKind::Bert) << picked;
        const QJsonObject twoThreads{{QStringLiteral("worker"), true}, {QStringLiteral("threads"), 2}};
        QTest::newRow("chromium wasm 2 threads demo")
            << chromium << "wasm" << int(ModelKind::DemoF32) << twoThreads;
        QTest::newRow("firefox wasm 2 threads bert")
            << firefox << "wasm" << int(ModelKind::Bert) << twoThreads;
    }
    void matchesReference()
    {
        QFETCH(int, browser);
        QFETCH(QString, backend);
        QFETCH(int, model);
        QFETCH(QJsonObject, options);
        const auto kind = KernelCheckBrowser::Kind(browser);
        if (KernelCheckBrowser::findExecutable(kind).isEmpty()) {
            QSKIP(qPrintable(KernelCheckBrowser::kindName(kind) + QStringLiteral(" is not installed")));
        }
        auto weights = kernelcheck::makeModel(ModelKind(model));
        QVERIFY(weights);
        KernelCheckServer server;
        ModelError error;
        QVERIFY2(server.listen(&error), qPrintable(error.message));
        KernelCheck check(backend);
        QVERIFY(kernelcheck::buildStandardCheck(&check, *weights, ModelKind(model), options));
        check.publish(&server);
        KernelCheckBrowser process(kind);
        QVERIFY2(process.start(server.checkPageUrl(), &error), qPrintable(error.message));
        QString why;
        const bool finished = kernelcheck::waitFinished(&check, 100000, &why);
        process.stop();
        QVERIFY2(!process.isRunning(), "the browser survived stop()");
        QVERIFY2(finished, qPrintable(why));
        if (check.skipped()) {
            QSKIP(qPrintable(QStringLiteral("%1 is not available in %2 here: %3")
                                 .arg(backend, KernelCheckBrowser::kindName(kind), check.skipReason())));
        }
        const QJsonObject info = check.summary().value(QLatin1String("info")).toObject();
        qInfo("backend info: %s", QJsonDocument(info).toJson(QJsonDocument::Compact).constData());
        kernelcheck::verify(check);
        if (options.contains(QLatin1String("threads"))) { // an explicit count fails rather than falls back
            QCOMPARE(info.value(QLatin1String("threads")).toInt(),
                     options.value(QLatin1String("threads")).toInt());
        }
        if (options.contains(QLatin1String("matmulKernel"))) {
            QCOMPARE(info.value(QLatin1String("matmulKernel")).toString(),
                     options.value(QLatin1String("matmulKernel")).toString());
        }
        if (options.contains(QLatin1String("maxStorageBufferBindingSize"))) {
            QCOMPARE(info.value(QLatin1String("maxStorageBufferBindingSize")).toInt(), 512 * 1024);
            const QJsonObject usage =
                check.jsonResult(QStringLiteral("load-weights")).value(QLatin1String("usage")).toObject();
            // wte, and qkv.w, fc.w, out.w of each of the 4 layers (plus the 256 x 771 op-case matrix)
            QVERIFY2(usage.value(QLatin1String("splitTensors")).toInt() >= 1 + 3 * 4,
                     qPrintable(QString::number(usage.value(QLatin1String("splitTensors")).toInt())));
        }
    }
};

QTEST_GUILESS_MAIN(tst_ComputeKernelsBrowsers)
#include "tst_ComputeKernelsBrowsers.moc"
