#include "CiTestSupport.h"
#include "ci/GitLabReporter.h"
#include "ci/JUnitWriter.h"
#include "ci/TestRun.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace accel::ci;

namespace {

// Checks the OpenMetrics text grammar for gauge families: descriptors before samples, one
// block per family, unique family names and label sets, UNIT suffix rule, one trailing # EOF.
QString validateOpenMetrics(const QString &text, QMap<QString, double> *samples)
{
    static const QRegularExpression name(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression sample(QStringLiteral(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\n"])*",?)*)\})? (\S+)$)"));
    if (!text.endsWith(QStringLiteral("# EOF\n"))) {
        return QStringLiteral("does not end with # EOF");
    }
    QStringList lines = text.split(u'\n');
    lines.removeLast(); // after the final newline
    lines.removeLast(); // # EOF
    QSet<QString> families;
    QString current;
    QString currentUnit;
    bool inSamples = false;
    QSet<QString> seenSamples;
    for (const QString &line : std::as_const(lines)) {
        if (line == QLatin1String("# EOF")) {
            return QStringLiteral("# EOF before the end");
        }
        if (line.startsWith(QLatin1String("# "))) {
            const QStringList parts = line.split(u' ');
            if (parts.size() < 3) {
                return QStringLiteral("short descriptor: ") + line;
            }
            const QString &kind = parts.at(1);
            const QString &family = parts.at(2);
            if (!name.match(family).hasMatch()) {
                return QStringLiteral("bad family name: ") + family;
            }
            if (family != current) {
                if (families.contains(family)) {
                    return QStringLiteral("family appears twice: ") + family;
                }
                families.insert(family);
                current = family;
                currentUnit.clear();
                inSamples = false;
            } else if (inSamples) {
                return QStringLiteral("descriptor after samples: ") + line;
            }
            if (kind == QLatin1String("TYPE")) {
                if (parts.size() != 4 || parts.at(3) != QLatin1String("gauge")) {
                    return QStringLiteral("bad TYPE: ") + line;
                }
            } else if (kind == QLatin1String("UNIT")) {
                currentUnit = parts.value(3);
                if (!family.endsWith(QLatin1Char('_') + currentUnit)) {
                    return QStringLiteral("UNIT without the name suffix: ") + line;
                }
            } else if (kind != QLatin1String("HELP")) {
                return QStringLiteral("unknown descriptor: ") + line;
            }
            continue;
        }
        const QRegularExpressionMatch m = sample.match(line);
        if (!m.hasMatch()) {
            return QStringLiteral("bad sample: ") + line;
        }
        if (m.captured(1) != current) {
            return QStringLiteral("sample outside its family: ") + line;
        }
        bool ok = false;
        const double value = m.captured(4).toDouble(&ok);
        if (!ok) {
            return QStringLiteral("bad value: ") + line;
        }
        const QString key = m.captured(1) + u'{' + m.captured(3) + u'}';
        if (seenSamples.contains(key)) {
            return QStringLiteral("duplicate sample: ") + line;
        }
        seenSamples.insert(key);
        samples->insert(key, value);
        inSamples = true;
    }
    return {};
}

} // namespace

class tst_GitLabReporter : public QObject
{
    Q_OBJECT

private slots:
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
        const QString metrics = GitLabReporter().metrics(run);
        QVERIFY(citest::matchesGolden(metrics.toUtf8(), fixture + QStringLiteral(".metrics.txt")));
        QMap<QString, double> samples;
        const QString error = validateOpenMetrics(metrics, &samples);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const TestTotals t = run.totals();
        const QString suite = QStringLiteral("suite=\"") + GitLabReporter::escapeLabelValue(run.suite) + u'"';
        QCOMPARE(samples.value(QStringLiteral("accel_suite_tests{") + suite +
                               QStringLiteral(",status=\"failed\"}")),
                 double(t.failed));
        QCOMPARE(samples.value(QStringLiteral("accel_suite_tests{") + suite +
                               QStringLiteral(",status=\"passed\"}")),
                 double(t.passed));
        QCOMPARE(samples.value(QStringLiteral("accel_suite_flaky_tests{") + suite + u'}'), double(t.flaky));
        // The JUnit half is the shared writer.
        QCOMPARE(GitLabReporter().junit(run), JUnitWriter().write(run));
    }

    void units()
    {
        const TestRun run = citest::loadFixture(QStringLiteral("passed"));
        QMap<QString, double> samples;
        QVERIFY(validateOpenMetrics(GitLabReporter().metrics(run), &samples).isEmpty());
        const QString c1 = QStringLiteral("{classname=\"kernels.matmul\",name=\"matmul_256_wasm\"}");
        const QString c2 = QStringLiteral("{classname=\"kernels.matmul\",name=\"matmul_512_wasm\"}");
        QCOMPARE(samples.value(QStringLiteral("accel_test_latency_seconds") + c1), 0.0125); // 12.5 ms
        QCOMPARE(samples.value(QStringLiteral("accel_test_peak_memory_bytes") + c2), 48.0 * 1024 * 1024);
        QCOMPARE(samples.value(QStringLiteral("accel_test_accuracy_ratio") + c2), 0.995);
        QCOMPARE(samples.value(QStringLiteral("accel_test_gflops") + c2), 0.65); // unknown unit: as given
        QCOMPARE(samples.value(QStringLiteral("accel_suite_duration_seconds{suite=\"browser-kernels\"}")),
                 300.25);
        const QString text = GitLabReporter().metrics(run);
        QVERIFY(text.contains(QStringLiteral("# UNIT accel_test_latency_seconds seconds\n")));
        QVERIFY(!text.contains(QStringLiteral("# UNIT accel_test_gflops")));
        QVERIFY(text.contains(
            QStringLiteral("# HELP accel_test_gflops Test metric gflops in GFLOP/s, higher is better.\n")));

        GitLabReporter::Options o;
        o.caseDurations = true;
        samples.clear();
        QVERIFY(validateOpenMetrics(GitLabReporter(o).metrics(run), &samples).isEmpty());
        QCOMPARE(samples.value(QStringLiteral("accel_test_duration_seconds") + c2), 2.5);
    }

    void nameCollisions()
    {
        TestRun run;
        run.suite = QStringLiteral("s");
        TestCase c;
        c.name = QStringLiteral("n");
        c.metrics = {{QStringLiteral("a-b"), 1, {}, MetricDirection::Unspecified},
                     {QStringLiteral("a.b"), 2, {}, MetricDirection::Unspecified},
                     {QStringLiteral("a_b"), 3, {}, MetricDirection::Unspecified},
                     {QStringLiteral("t"), 4, QStringLiteral("ms"), MetricDirection::Unspecified},
                     {QStringLiteral("t_seconds"), 5, QStringLiteral("s"), MetricDirection::Unspecified}};
        run.cases.append(c);
        c.name = QStringLiteral("m");
        c.metrics = {{QStringLiteral("t"), 6, QStringLiteral("weird"), MetricDirection::Unspecified}};
        run.cases.append(c);
        QMap<QString, double> samples;
        const QString text = GitLabReporter().metrics(run);
        const QString error = validateOpenMetrics(text, &samples);
        QVERIFY2(error.isEmpty(), qPrintable(error + u'\n' + text));
        const QString n = QStringLiteral("{classname=\"s\",name=\"n\"}");
        QCOMPARE(samples.value(QStringLiteral("accel_test_a_b") + n), 1.0);
        QCOMPARE(samples.value(QStringLiteral("accel_test_a_b_2") + n), 2.0);
        QCOMPARE(samples.value(QStringLiteral("accel_test_a_b_3") + n), 3.0);
        QCOMPARE(samples.value(QStringLiteral("accel_test_t_seconds") + n), 0.004);
        QCOMPARE(samples.value(QStringLiteral("accel_test_t_seconds_2_seconds") + n), 5.0);
        QCOMPARE(samples.value(QStringLiteral("accel_test_t{classname=\"s\",name=\"m\"}")), 6.0);
    }

    void sanitize_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "gflops"
                               << "gflops";
        QTest::newRow("punctuation") << "peak-memory.max/s"
                                     << "peak_memory_max_s";
        QTest::newRow("colon") << "a:b"
                               << "a_b";
        QTest::newRow("leading-digit") << "99th"
                                       << "_99th";
        QTest::newRow("empty") << ""
                               << "_";
        QTest::newRow("unicode") << QStringLiteral("größe🚀") << QStringLiteral("gr__e__");
        QTest::newRow("spaces-quotes") << "a \"b\"\n"
                                       << "a__b__";
    }
    void sanitize()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const QString out = GitLabReporter::sanitizeMetricName(input);
        QCOMPARE(out, expected);
        QVERIFY(QRegularExpression(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$")).match(out).hasMatch());
    }

    void labelEscaping_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "abc"
                               << "abc";
        QTest::newRow("backslash") << "a\\b"
                                   << "a\\\\b";
        QTest::newRow("quote") << "say \"hi\""
                               << "say \\\"hi\\\"";
        QTest::newRow("newline") << "a\nb"
                                 << "a\\nb";
        QTest::newRow("all") << "\\\"\n"
                             << "\\\\\\\"\\n";
        QTest::newRow("unicode") << QStringLiteral("日本") << QStringLiteral("日本");
    }
    void labelEscaping()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(GitLabReporter::escapeLabelValue(input), expected);
    }
};

QTEST_GUILESS_MAIN(tst_GitLabReporter)
#include "tst_GitLabReporter.moc"
