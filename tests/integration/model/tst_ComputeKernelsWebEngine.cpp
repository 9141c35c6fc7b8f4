// The JS and Wasm kernels (and WebGPU/WebNN where the engine has them) in QtWebEngine, checked
// against the native reference on the demo model, an FP16 copy of it and a small BERT.
#include "KernelCheckFixture.h"

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
        QTest::newRow("js demo") << "js" << int(ModelKind::DemoF32);
        QTest::newRow("js bert") << "js" << int(ModelKind::Bert);
        QTest::newRow("wasm demo") << "wasm" << int(ModelKind::DemoF32);
        QTest::newRow("wasm demo fp16") << "wasm" << int(ModelKind::DemoF16);
        QTest::newRow("wasm bert") << "wasm" << int(ModelKind::Bert);
        QTest::newRow("webgpu demo") << "webgpu" << int(ModelKind::DemoF32);
        QTest::newRow("webnn demo") << "webnn" << int(ModelKind::DemoF32);
    }
    void matchesReference()
    {
        QFETCH(QString, backend);
        QFETCH(int, model);
        auto weights = kernelcheck::makeModel(ModelKind(model));
        QVERIFY(weights);
        KernelCheckServer server;
        ModelError error;
        QVERIFY2(server.listen(&error), qPrintable(error.message));
        KernelCheck check(backend);
        QVERIFY(kernelcheck::buildStandardCheck(&check, *weights, ModelKind(model)));
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
