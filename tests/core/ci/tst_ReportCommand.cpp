// Runs the real `accelctl report` and `accelctl bench report`: exit codes, stdout/stderr,
// --output files, stdin, and the GitHub environment files.
#include "CiTestSupport.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run accelctl(const QStringList &args, const QByteArray &stdinData = {}, const QProcessEnvironment &extra = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("GITHUB_STEP_SUMMARY"));
    env.remove(QStringLiteral("GITHUB_OUTPUT"));
    for (const QString &key : extra.keys()) {
        env.insert(key, extra.value(key));
    }
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("ACCELCTL"), args);
    if (!p.waitForStarted(10000)) {
        qWarning("cannot start accelctl: %s", qPrintable(p.errorString()));
        return {};
    }
    if (!stdinData.isEmpty()) {
        p.write(stdinData);
    }
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(5000);
        qWarning("accelctl timed out");
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QString fixture(const QString &name)
{
    return citest::fixtureDir() + name;
}

} // namespace

class tst_ReportCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("ACCELCTL")), "ACCELCTL must name the binary");
    }

    void formats_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("golden");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("passed-junit") << "passed"
                                      << "junit"
                                      << "passed.junit.xml" << 0;
        QTest::newRow("failed-junit") << "failed"
                                      << "junit"
                                      << "failed.junit.xml" << 1;
        QTest::newRow("error-only") << "control-chars"
                                    << "junit"
                                    << "control-chars.junit.xml" << 1;
        QTest::newRow("flaky-gitlab-junit") << "flaky"
                                            << "gitlab-junit"
                                            << "flaky.junit.xml" << 1;
        QTest::newRow("unicode-gitlab-metrics") << "unicode"
                                                << "gitlab-metrics"
                                                << "unicode.metrics.txt" << 1;
        QTest::newRow("passed-jenkins") << "passed"
                                        << "jenkins"
                                        << "passed.junit.xml" << 0;
        QTest::newRow("failed-jenkins-properties") << "failed"
                                                   << "jenkins-properties"
                                                   << "failed.properties" << 1;
        QTest::newRow("duplicates-summary") << "duplicates"
                                            << "summary"
                                            << "duplicates.summary.txt" << 1;
        QTest::newRow("empty-summary") << "empty"
                                       << "summary"
                                       << "empty.summary.txt" << 0;
    }
    void formats()
    {
        QFETCH(QString, input);
        QFETCH(QString, format);
        QFETCH(QString, golden);
        QFETCH(int, exitCode);
        const QByteArray expected = citest::readFile(fixture(golden));
        QVERIFY(!expected.isEmpty());

        const Run r =
            accelctl({QStringLiteral("report"), QStringLiteral("--input"),
                      fixture(input + QStringLiteral(".json")), QStringLiteral("--format"), format});
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.out, expected);

        // --output writes the same bytes to a file and nothing to stdout.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("report.out"));
        const Run w = accelctl({QStringLiteral("report"), QStringLiteral("--input"),
                                fixture(input + QStringLiteral(".json")), QStringLiteral("--format"), format,
                                QStringLiteral("--output"), out});
        QCOMPARE(w.exitCode, exitCode);
        QVERIFY(w.out.isEmpty());
        QCOMPARE(citest::readFile(out), expected);

        // Standard input.
        const Run s = accelctl({QStringLiteral("report"), QStringLiteral("--input"), QStringLiteral("-"),
                                QStringLiteral("--format=") + format},
                               citest::readFile(fixture(input + QStringLiteral(".json"))));
        QCOMPARE(s.exitCode, exitCode);
        QCOMPARE(s.out, expected);
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("stdinData");
        QTest::addColumn<QString>("stderrPart");
        const QString passed = fixture(QStringLiteral("passed.json"));
        QTest::newRow("no-input") << QStringList{"report", "--format", "junit"} << QByteArray()
                                  << "--input is required";
        QTest::newRow("unknown-format")
            << QStringList{"report", "--input", passed, "--format", "xunit"} << QByteArray()
            << "unknown format 'xunit'; expected one of: junit, github";
        QTest::newRow("unknown-option") << QStringList{"report", "--input", passed, "--colour"}
                                        << QByteArray() << "Unknown option 'colour'";
        QTest::newRow("positional") << QStringList{"report", "--input", passed, "extra"} << QByteArray()
                                    << "unexpected argument 'extra'";
        QTest::newRow("missing-file") << QStringList{"report", "--input", "/nonexistent/results.json"}
                                      << QByteArray() << "cannot open /nonexistent/results.json";
        QTest::newRow("directory") << QStringList{"report", "--input", citest::fixtureDir()} << QByteArray()
                                   << "accelctl report: ";
        QTest::newRow("bad-json") << QStringList{"report", "--input", "-"} << QByteArray("{\"version\":1,")
                                  << "-: invalid JSON at offset";
        QTest::newRow("bad-field")
            << QStringList{"report", "--input", "-"}
            << QByteArray(R"({"version":1,"cases":[{"name":"a","status":"ok"}]})")
            << "-: $.cases[0].status: expected passed, failed, error or skipped, got \"ok\"";
        QTest::newRow("unwritable-output")
            << QStringList{"report", "--input", passed, "--output", "/nonexistent/dir/x.xml"} << QByteArray()
            << "cannot write /nonexistent/dir/x.xml";
        QTest::newRow("bench-bad-cases")
            << QStringList{"bench", "report", "--cases", "0"} << QByteArray() << "--cases must be 1..1000000";
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, stdinData);
        QFETCH(QString, stderrPart);
        const Run r = accelctl(args, stdinData);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(stderrPart), r.err.constData());
    }

    void help()
    {
        const Run r = accelctl({QStringLiteral("report"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--format <format>"));
        QVERIFY(r.out.contains("jenkins-properties"));
    }

    void githubEnvironmentFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcessEnvironment env;
        env.insert(QStringLiteral("GITHUB_STEP_SUMMARY"), dir.filePath(QStringLiteral("summary.md")));
        env.insert(QStringLiteral("GITHUB_OUTPUT"), dir.filePath(QStringLiteral("output")));
        const Run r = accelctl({QStringLiteral("report"), QStringLiteral("--input"),
                                fixture(QStringLiteral("failed.json")), QStringLiteral("--format"),
                                QStringLiteral("github")},
                               {}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.startsWith("::error file=resources/runtime/kernels/matmul.wgsl,line=88,title="));
        QVERIFY(r.out.contains("::stop-commands::"));
        QCOMPARE(citest::readFile(dir.filePath(QStringLiteral("summary.md"))),
                 citest::readFile(fixture(QStringLiteral("failed.summary.md"))));
        const QByteArray outputs = citest::readFile(dir.filePath(QStringLiteral("output")));
        QVERIFY(outputs.startsWith("result=failed\ntests=5\n"));
        QVERIFY(outputs.contains("failed-tests<<ghadelimiter_"));

        // Without the variables it only prints the commands.
        const Run plain = accelctl({QStringLiteral("report"), QStringLiteral("--input"),
                                    fixture(QStringLiteral("passed.json")), QStringLiteral("--format"),
                                    QStringLiteral("github")});
        QCOMPARE(plain.exitCode, 0);
        QVERIFY(plain.out.startsWith("::notice title=Test results%3A browser-kernels::3 tests: 3 passed"));
    }

    void bench()
    {
        const Run r = accelctl({QStringLiteral("bench"), QStringLiteral("report"), QStringLiteral("--cases"),
                                QStringLiteral("300"), QStringLiteral("--rounds"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("JUnit report of a 300-case suite"));
        QVERIFY(r.out.contains("ratio JUnitWriter / plain: "));
    }
};

QTEST_GUILESS_MAIN(tst_ReportCommand)
#include "tst_ReportCommand.moc"
