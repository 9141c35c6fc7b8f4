// The JS and Wasm kernels (and WebGPU/WebNN where the engine has them) in QtWebEngine, checked
// against the native reference on the demo model, an FP16 copy of it and a small BERT.
#include "KernelCheckFixture.h"

#include "model/ContentStore.h"

#include <QApplication>
#include <QTemporaryDir>
#include <QWebEnginePage>
#include <QWebEngineProfile>

using namespace accel;
using kernelcheck::ModelKind;

namespace {
class ConsolePage : public QWebEnginePage
{
public:
    using QWebEnginePage::QWebEnginePage;
    QStringList messages;

protected:
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel, const QString &message, int line,
                                  const QString &source) override
    {
        messages << QStringLiteral("%1:%2 %3").arg(source).arg(line).arg(message);
    }
};
} // namespace

class tst_ComputeKernelsWebEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesReference_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("model");
        QTest::addColumn<int>("threads"); // > 0: in the compute worker with that many Wasm threads
        QTest::newRow("js demo") << "js" << int(ModelKind::DemoF32) << 0;
        QTest::newRow("js bert") << "js" << int(ModelKind::Bert) << 0;
        QTest::newRow("wasm demo") << "wasm" << int(ModelKind::DemoF32) << 0;
        QTest::newRow("wasm demo fp16") << "wasm" << int(ModelKind::DemoF16) << 0;
        QTest::newRow("wasm bert") << "wasm" << int(ModelKind::Bert) << 0;
        QTest::newRow("wasm demo, worker, 1 thread") << "wasm" << int(ModelKind::DemoF32) << 1;
        QTest::newRow("wasm demo, worker, 2 threads") << "wasm" << int(ModelKind::DemoF32) << 2;
        QTest::newRow("wasm bert, worker, 3 threads") << "wasm" << int(ModelKind::Bert) << 3;
        QTest::newRow("webgpu demo") << "webgpu" << int(ModelKind::DemoF32) << 0;
        QTest::newRow("webnn demo") << "webnn" << int(ModelKind::DemoF32) << 0;
    }
    void matchesReference()
    {
        QFETCH(QString, backend);
        QFETCH(int, model);
        QFETCH(int, threads);
        auto weights = kernelcheck::makeModel(ModelKind(model));
        QVERIFY(weights);
        KernelCheckServer server;
        ModelError error;
        QVERIFY2(server.listen(&error), qPrintable(error.message));
        KernelCheck check(backend);
        QJsonObject options;
        if (threads > 0) {
            options.insert(QStringLiteral("worker"), true);
            options.insert(QStringLiteral("threads"), threads);
        }
        QVERIFY(kernelcheck::buildStandardCheck(&check, *weights, ModelKind(model), options));
        check.publish(&server);
        QWebEngineProfile profile; // off-the-record: nothing cached between rows
        ConsolePage page(&profile);
        page.load(server.checkPageUrl());
        QString why;
        if (!kernelcheck::waitFinished(&check, 90000, &why)) {
            QFAIL(qPrintable(why + QStringLiteral("\nconsole:\n") + page.messages.join(QLatin1Char('\n'))));
        }
        if (check.skipped()) {
            QSKIP(qPrintable(
                QStringLiteral("%1 is not available in QtWebEngine %2: %3")
                    .arg(backend, QString::fromLatin1(qWebEngineChromiumVersion()), check.skipReason())));
        }
        kernelcheck::verify(check);
        if (backend == QLatin1String("wasm")) { // the Wasm backend really is the SIMD build
            QVERIFY(check.summary()
                        .value(QLatin1String("info"))
                        .toObject()
                        .value(QLatin1String("simd"))
                        .toBool());
        }
        if (threads > 0) { // really that many threads (the explicit count fails rather than falls back)
            QCOMPARE(check.summary()
                         .value(QLatin1String("info"))
                         .toObject()
                         .value(QLatin1String("threads"))
                         .toInt(),
                     threads);
        }
    }

    void pageCachesContentAddressedChunks()
    {
        // A layer's fc.w (1 MiB) in 96 KiB chunks: the page stores each chunk under its SHA-256 in
        // Cache Storage, rebuilds the tensor from the cache alone and refuses a corrupt chunk.
        auto weights = kernelcheck::makeModel(ModelKind::DemoF32);
        QVERIFY(weights);
        ContentStore store(96 * 1024);
        std::vector<TensorManifest> manifests;
        ModelError error;
        QVERIFY(store.addModelTensors(*weights, {QStringLiteral("h.2.fc.w")}, &manifests, &error));
        const TensorManifest &m = manifests.front();
        QCOMPARE(int(m.chunks.size()), 11); // 1 MiB / 96 KiB, ragged tail
        KernelCheckServer server;
        QVERIFY(server.listen(&error));
        KernelCheck check(QStringLiteral("js"));
        check.addChunkCacheCase(store, m);
        check.publish(&server);
        QWebEngineProfile profile;
        ConsolePage page(&profile);
        page.load(server.checkPageUrl());
        QString why;
        QVERIFY2(kernelcheck::waitFinished(&check, 60000, &why), qPrintable(why));
        QVERIFY2(check.fatalError().isEmpty(), qPrintable(check.fatalError()));
        const QJsonObject r = check.jsonResult(QStringLiteral("chunk-cache"));
        QVERIFY2(!r.isEmpty(), qPrintable(QJsonDocument(check.summary()).toJson()));
        QCOMPARE(r.value(QLatin1String("before")).toInt(), 0);
        QStringList expected;
        for (const ChunkRef &c : m.chunks) {
            expected << QString::fromLatin1(c.sha256Hex);
        }
        expected.sort();
        expected.removeDuplicates();
        QStringList inventory;
        for (const QJsonValue &v : r.value(QLatin1String("inventory")).toArray()) {
            inventory << v.toString();
        }
        QCOMPARE(inventory, expected);
        QByteArray whole;
        QVERIFY(store.assemble(m, &whole, &error));
        QCOMPARE(r.value(QLatin1String("assembledBytes")).toInt(), int(whole.size()));
        QCOMPARE(r.value(QLatin1String("assembledSha256")).toString(),
                 QString::fromLatin1(ContentStore::sha256Hex(whole)));
        QVERIFY(r.value(QLatin1String("corruptRejected")).toBool());
        QCOMPARE(r.value(QLatin1String("stillHeld")).toInt(),
                 int(expected.size())); // a reopened cache keeps them
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    tst_ComputeKernelsWebEngine test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_ComputeKernelsWebEngine.moc"
