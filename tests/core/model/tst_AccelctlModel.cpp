// The model commands of the real accelctl binary: generate, inspect, run on the native host, and
// the errors users see for bad directories and arguments.
#include "../AccelctlProcess.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class tst_AccelctlModel : public QObject
{
    Q_OBJECT
    using Run = testsupport::AccelctlRun;
    static Run accelctl(const QStringList &args) { return testsupport::runAccelctl(args, 60000); }

private Q_SLOTS:
    void generatesInspectsAndRuns()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("demo"));
        Run r = accelctl({QStringLiteral("model"), QStringLiteral("demo"), model});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFile::exists(model + QStringLiteral("/model.safetensors")));
        r = accelctl({QStringLiteral("model"), QStringLiteral("inspect"), model});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("h.3.mlp.c_proj.weight  F32 [1024,256]")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("not a trained model")));
        r = accelctl({QStringLiteral("run"), QStringLiteral("--model"), model, QStringLiteral("--host"),
                      QStringLiteral("native"), QStringLiteral("--layers"), QStringLiteral("1:3"),
                      QStringLiteral("--input"), QStringLiteral("5,6,7,8")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("rel 0")), qPrintable(r.out));
    }

    void clearErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing dir") << QStringList{QStringLiteral("model"), QStringLiteral("inspect"),
                                                    QStringLiteral("/nonexistent/m")}
                                     << 1 << "config.json";
        QTest::newRow("layer range") << QStringList{QStringLiteral("run"),    QStringLiteral("--model"),
                                                    QStringLiteral("demo"),   QStringLiteral("--host"),
                                                    QStringLiteral("native"), QStringLiteral("--layers"),
                                                    QStringLiteral("2:7"),    QStringLiteral("--input"),
                                                    QStringLiteral("1")}
                                     << 2 << "layer range 2:7";
        QTest::newRow("token") << QStringList{QStringLiteral("run"),    QStringLiteral("--model"),
                                              QStringLiteral("demo"),   QStringLiteral("--host"),
                                              QStringLiteral("native"), QStringLiteral("--layers"),
                                              QStringLiteral("0:1"),    QStringLiteral("--input"),
                                              QStringLiteral("1,99999")}
                               << 1 << "outside the vocabulary";
        QTest::newRow("bad host") << QStringList{QStringLiteral("run"),  QStringLiteral("--model"),
                                                 QStringLiteral("demo"), QStringLiteral("--host"),
                                                 QStringLiteral("moon"), QStringLiteral("--layers"),
                                                 QStringLiteral("0:1"),  QStringLiteral("--input"),
                                                 QStringLiteral("1")}
                                  << 2 << "unknown host";
        QTest::newRow("usage") << QStringList{QStringLiteral("run")} << 2 << "usage";
    }
    void clearErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = accelctl(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(tst_AccelctlModel)
#include "tst_AccelctlModel.moc"
