#include "CiTestSupport.h"
#include "ci/GitHubReporter.h"
#include "ci/MarkdownText.h"
#include "ci/TestRun.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace accel::ci;

namespace {

// Deterministic tokens TOKEN1, TOKEN2, ... so the golden files are stable.
GitHubReporter::TokenSource counter()
{
    auto n = std::make_shared<int>(0);
    return [n] {
        return QStringLiteral("TOKEN%1").arg(++*n);
    };
}

GitHubReporter reporter()
{
    return GitHubReporter(GitHubReporter::Options{}, counter());
}

// Reads $GITHUB_OUTPUT text back the way the runner does.
QMap<QString, QString> parseOutputs(const QString &text, QString *error)
{
    QMap<QString, QString> out;
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (line.isEmpty()) {
            continue;
        }
        const qsizetype heredoc = line.indexOf(QStringLiteral("<<"));
        const qsizetype eq = line.indexOf(u'=');
        if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
            const QString name = line.left(heredoc);
            const QString delimiter = line.mid(heredoc + 2);
            QStringList value;
            for (++i; i < lines.size() && lines.at(i) != delimiter; ++i) {
                value << lines.at(i);
            }
            if (i >= lines.size()) {
                *error = QStringLiteral("unterminated ") + name;
                return {};
            }
            out.insert(name, value.join(u'\n'));
        } else if (eq > 0) {
            out.insert(line.left(eq), line.mid(eq + 1));
        } else {
            *error = QStringLiteral("bad line: ") + line;
            return {};
        }
    }
    return out;
}

} // namespace

class tst_GitHubReporter : public QObject
{
    Q_OBJECT

private slots:
    void escaping_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("property");
        QTest::newRow("plain") << "abc"
                               << "abc"
                               << "abc";
        QTest::newRow("percent") << "50%"
                                 << "50%25"
                                 << "50%25";
        QTest::newRow("percent-escape-literal") << "%0A"
                                                << "%250A"
                                                << "%250A";
        QTest::newRow("newlines") << "a\r\nb\nc"
                                  << "a%0D%0Ab%0Ac"
                                  << "a%0D%0Ab%0Ac";
        QTest::newRow("colon-comma") << "file:1,2"
                                     << "file:1,2"
                                     << "file%3A1%2C2";
        QTest::newRow("double-colon") << "::error::x"
                                      << "::error::x"
                                      << "%3A%3Aerror%3A%3Ax";
        QTest::newRow("unicode") << QStringLiteral("ü🚀") << QStringLiteral("ü🚀") << QStringLiteral("ü🚀");
    }
    void escaping()
    {
        QFETCH(QString, input);
        QFETCH(QString, data);
        QFETCH(QString, property);
        QCOMPARE(GitHubReporter::escapeData(input), data);
        QCOMPARE(GitHubReporter::escapeProperty(input), property);
    }

    void golden_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const QString &name : citest::fixtureNames()) {
            QTest::newRow(qPrintable(name)) << name;
        }
    }
    void golden()
    {
        QFETCH(QString, fixture);
        const TestRun run = citest::loadFixture(fixture);
        const GitHubReporter r = reporter();
        QVERIFY(
            citest::matchesGolden(r.workflowCommands(run).toUtf8(), fixture + QStringLiteral(".github.txt")));
        QVERIFY(citest::matchesGolden(r.stepSummary(run).toUtf8(), fixture + QStringLiteral(".summary.md")));
        QVERIFY(citest::matchesGolden(r.formatOutputs(r.outputs(run)).toUtf8(),
                                      fixture + QStringLiteral(".outputs.txt")));
    }

    // Every workflow command line is well formed, and no line of test output can act as one:
    // it only appears between ::stop-commands::TOKEN and ::TOKEN::.
    void commandsAreWellFormed_data() { golden_data(); }
    void commandsAreWellFormed()
    {
        QFETCH(QString, fixture);
        const TestRun run = citest::loadFixture(fixture);
        const QString text = GitHubReporter().workflowCommands(run); // real random tokens
        static const QRegularExpression command(QStringLiteral(
            "^::(error|warning|notice)( [a-z]+=[^,:\\r\\n]*(,[a-z]+=[^,:\\r\\n]*)*)?::[^\\r\\n]*$"));
        QString stopToken;
        int errors = 0;
        for (const QString &line : text.split(u'\n')) {
            if (!stopToken.isEmpty()) {
                if (line == QStringLiteral("::") + stopToken + QStringLiteral("::")) {
                    stopToken.clear();
                }
                continue;
            }
            if (line.isEmpty() || line == QLatin1String("::endgroup::") ||
                line.startsWith(QLatin1String("::group::"))) {
                continue;
            }
            if (line.startsWith(QLatin1String("::stop-commands::"))) {
                stopToken = line.mid(17);
                QCOMPARE(stopToken.size(), 32);
                continue;
            }
            QVERIFY2(command.match(line).hasMatch(), qPrintable(line));
            errors += line.startsWith(QLatin1String("::error"));
        }
        QVERIFY(stopToken.isEmpty());
        const TestTotals t = run.totals();
        QCOMPARE(errors, std::min(t.failed + t.errors, 10));
        QVERIFY(text.contains(QStringLiteral("::notice title=Test results%3A ")));
    }

    void stopTokenNeverOccursInOutput()
    {
        // control-chars' output contains "TOKEN1": the first token must be skipped.
        const QString text =
            reporter().workflowCommands(citest::loadFixture(QStringLiteral("control-chars")));
        QVERIFY(text.contains(QStringLiteral("::stop-commands::TOKEN2\n")));
        QVERIFY(!text.contains(QStringLiteral("::stop-commands::TOKEN1\n")));
        QVERIFY(text.contains(QStringLiteral("\nTOKEN1\n::TOKEN2::\n")));
    }

    void annotationCaps()
    {
        TestRun run;
        run.suite = QStringLiteral("s");
        for (int i = 0; i < 15; ++i) {
            TestCase c;
            c.name = QStringLiteral("f%1").arg(i);
            c.status = TestStatus::Failed;
            run.cases.append(c);
            c.name = QStringLiteral("k%1").arg(i);
            c.status = TestStatus::Passed;
            c.flaky = true;
            c.attempts = 2;
            run.cases.append(c);
        }
        GitHubReporter::Options o;
        o.maxErrorAnnotations = 3;
        o.maxWarningAnnotations = 2;
        const QString text = GitHubReporter(o).workflowCommands(run);
        QCOMPARE(text.count(QStringLiteral("::error ")), 3);
        QCOMPARE(text.count(QStringLiteral("::warning ")), 2);
        QVERIFY(text.contains(QStringLiteral("12 more failures and 13 more flaky tests not annotated")));
    }

    void outputsRoundTrip_data() { golden_data(); }
    void outputsRoundTrip()
    {
        QFETCH(QString, fixture);
        const TestRun run = citest::loadFixture(fixture);
        const GitHubReporter r;
        const auto outputs = r.outputs(run);
        QString error;
        const QMap<QString, QString> parsed = parseOutputs(r.formatOutputs(outputs), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(parsed.size(), outputs.size());
        for (const auto &[name, value] : outputs) {
            QCOMPARE(parsed.value(name), value);
        }
        QCOMPARE(parsed.value(QStringLiteral("result")),
                 run.totals().allPassed() ? QStringLiteral("passed") : QStringLiteral("failed"));
        QCOMPARE(parsed.value(QStringLiteral("tests")).toInt(), run.cases.size());
    }

    void delimiterAvoidsValue()
    {
        // The token source first offers tokens that occur in the value.
        auto n = std::make_shared<int>(0);
        const GitHubReporter r(GitHubReporter::Options{}, [n] { return QStringLiteral("D%1").arg(++*n); });
        const QString text =
            r.formatOutputs({{QStringLiteral("v"), QStringLiteral("line ghadelimiter_D1\nD2 also\nend")}});
        QCOMPARE(text,
                 QStringLiteral("v<<ghadelimiter_D3\nline ghadelimiter_D1\nD2 also\nend\nghadelimiter_D3\n"));
        QCOMPARE(r.formatOutputs({{QStringLiteral("a"), QStringLiteral("b=c")}}), QStringLiteral("a=b=c\n"));
        QVERIFY(r.formatOutputs({{QStringLiteral("cr"), QStringLiteral("x\ry")}})
                    .startsWith(QStringLiteral("cr<<")));
    }

    void markdownCells_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "kernels.matmul_512"
                               << "kernels.matmul\\_512";
        QTest::newRow("pipe") << "a|b"
                              << "a\\|b";
        QTest::newRow("html") << "<script>&"
                              << "&lt;script&gt;&amp;";
        QTest::newRow("newlines") << "a\nb\r\nc\rd"
                                  << "a<br>b<br>c<br>d";
        QTest::newRow("format") << "*b* _i_ ~s~ `c` [l] $m$ \\"
                                << "\\*b\\* \\_i\\_ \\~s\\~ \\`c\\` \\[l\\] \\$m\\$ \\\\";
        QTest::newRow("controls") << QStringLiteral("a\x1b[31mb\x07\tc") << "a\\[31mb c";
        QTest::newRow("unicode") << QStringLiteral("ü🚀") << QStringLiteral("ü🚀");
    }
    void markdownCells()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(markdownCell(input), expected);
        QCOMPARE(markdownCell(QStringLiteral("abcdef"), 3), QStringLiteral("abc") + QChar(0x2026));
        QCOMPARE(markdownCell(QStringLiteral("ab\U0001F680"), 3),
                 QStringLiteral("ab") + QChar(0x2026)); // no half pair
    }

    void summaryContents()
    {
        const QString md = GitHubReporter().stepSummary(citest::loadFixture(QStringLiteral("failed")));
        QVERIFY(md.startsWith(QStringLiteral("## \u274C Test results: browser-kernels\n")));
        QVERIFY(md.contains(QStringLiteral("| 5 | 1 | 2 | 1 | 1 | 0 | 90.000 s |")));
        QVERIFY(md.contains(QStringLiteral("### Failures (3)")));
        QVERIFY(md.contains(QStringLiteral("first line<br>second line with 50% done, a: colon")));
        // Slowest first.
        QVERIFY(md.indexOf(QStringLiteral("matmul\\_512\\_webgpu | 3.250 s")) <
                md.indexOf(QStringLiteral("conv2d\\_wasm | 1.500 s")));
        // Every table row of the summary has the same number of cells as its header.
        int columns = 0;
        for (const QString &line : md.split(u'\n')) {
            if (!line.startsWith(u'|')) {
                columns = 0;
                continue;
            }
            QString unescaped = line;
            unescaped.remove(QStringLiteral("\\|"));
            const int cells = int(unescaped.count(u'|')) - 1;
            if (columns == 0) {
                columns = cells;
            }
            QCOMPARE(cells, columns);
        }
    }

    void publishAppends()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString summary = dir.filePath(QStringLiteral("summary.md"));
        const QString output = dir.filePath(QStringLiteral("output.txt"));
        QFile existing(summary);
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("previous step\n");
        existing.close();
        QProcessEnvironment env;
        env.insert(QStringLiteral("GITHUB_STEP_SUMMARY"), summary);
        env.insert(QStringLiteral("GITHUB_OUTPUT"), output);
        const TestRun run = citest::loadFixture(QStringLiteral("flaky"));
        const GitHubReporter r = reporter();
        QString commands;
        QCOMPARE(r.publish(run, env, &commands), QString());
        QVERIFY(commands.contains(
            QStringLiteral("::warning title=Flaky test net.websocket.reconnect::passed after 3 attempts")));
        QCOMPARE(r.publish(run, env, nullptr), QString()); // second step appends again
        const QByteArray md = citest::readFile(summary);
        QVERIFY(md.startsWith("previous step\n## "));
        QCOMPARE(md.count("### Flaky tests (2)"), 2);
        QString error;
        const auto parsed = parseOutputs(QString::fromUtf8(citest::readFile(output)), &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(parsed.value(QStringLiteral("flaky-tests")),
                 QStringLiteral("net.websocket.reconnect\nnet.websocket.echo_1mib"));

        // Unset variables: nothing is written, no error.
        QCOMPARE(r.publish(run, QProcessEnvironment(), &commands), QString());
        // An unwritable path is reported, not ignored.
        env.insert(QStringLiteral("GITHUB_STEP_SUMMARY"),
                   dir.filePath(QStringLiteral("no/such/dir/summary.md")));
        QVERIFY(
            r.publish(run, env, &commands).startsWith(QStringLiteral("GITHUB_STEP_SUMMARY: cannot open")));
    }
};

QTEST_GUILESS_MAIN(tst_GitHubReporter)
#include "tst_GitHubReporter.moc"
