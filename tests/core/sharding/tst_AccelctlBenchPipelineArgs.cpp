// `accelctl bench pipeline` arguments through the real binary: bad values of --threads (and the
// other flags) are refused with exit code 2 and a clear message before any host starts; --help
// and a flag without its value print the usage, which documents --threads.
#include "../AccelctlProcess.h"

#include <QProcess>
#include <QTest>

class tst_AccelctlBenchPipelineArgs : public QObject
{
    Q_OBJECT
    using Run = testsupport::AccelctlRun;
    static Run accelctl(const QStringList &args)
    {
        return testsupport::runAccelctl(
            QStringList{QStringLiteral("bench"), QStringLiteral("pipeline")} + args, 30000);
    }

private Q_SLOTS:
    void refusesBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString threadsError = QStringLiteral("--threads must be an integer in 1..64");
        QTest::newRow("threads 0") << QStringList{QStringLiteral("--threads"), QStringLiteral("0")}
                                   << threadsError;
        QTest::newRow("threads negative")
            << QStringList{QStringLiteral("--threads"), QStringLiteral("-2")} << threadsError;
        QTest::newRow("threads 65") << QStringList{QStringLiteral("--threads"), QStringLiteral("65")}
                                    << threadsError;
        QTest::newRow("threads fraction")
            << QStringList{QStringLiteral("--threads"), QStringLiteral("1.5")} << threadsError;
        QTest::newRow("threads word")
            << QStringList{QStringLiteral("--threads"), QStringLiteral("auto")} << threadsError;
        QTest::newRow("threads without value")
            << QStringList{QStringLiteral("--threads")} << QStringLiteral("usage: accelctl bench pipeline");
        QTest::newRow("help") << QStringList{QStringLiteral("--help")} << QStringLiteral("--threads 1..64");
        QTest::newRow("unknown flag") << QStringList{QStringLiteral("--thread"), QStringLiteral("1")}
                                      << QStringLiteral("usage: accelctl bench pipeline");
        QTest::newRow("bad threads after good flags")
            << QStringList{QStringLiteral("--hosts"), QStringLiteral("2"), QStringLiteral("--threads"),
                           QStringLiteral("100")}
            << threadsError;
    }

    void refusesBadArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = accelctl(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out)); // refused before any measurement started
    }

    void usageDocumentsThreads()
    {
        const Run r = accelctl({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("[--threads 1..64]")));
        QVERIFY(r.err.contains(QLatin1String("default: auto")));
        QVERIFY(r.err.contains(QLatin1String("85%")));
    }
};

QTEST_GUILESS_MAIN(tst_AccelctlBenchPipelineArgs)
#include "tst_AccelctlBenchPipelineArgs.moc"
