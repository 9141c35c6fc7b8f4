#include "CiTestSupport.h"
#include "ci/CaseNames.h"
#include "ci/JUnitBenchmark.h"
#include "ci/JUnitWriter.h"
#include "ci/TestRun.h"
#include "ci/XmlText.h"
#include "common/Clock.h"

#include <QBuffer>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace accel::ci;

namespace {

struct ParsedCase
{
    QString classname;
    QString name;
    QString time;
    QString outcome; // "", failure, error, skipped
    QString message;
    QString text;
    QString systemOut;
    QMap<QString, QString> properties;
};

struct ParsedSuite
{
    QXmlStreamAttributes suitesAttributes;
    QXmlStreamAttributes suiteAttributes;
    int suiteCount = 0;
    QList<ParsedCase> cases;
    QString error;
};

ParsedSuite parse(const QByteArray &xml)
{
    ParsedSuite s;
    QXmlStreamReader r(xml);
    ParsedCase *current = nullptr;
    while (!r.atEnd()) {
        r.readNext();
        if (!r.isStartElement()) {
            continue;
        }
        const QStringView n = r.name();
        if (n == u"testsuites") {
            s.suitesAttributes = r.attributes();
        } else if (n == u"testsuite") {
            ++s.suiteCount;
            s.suiteAttributes = r.attributes();
        } else if (n == u"testcase") {
            s.cases.append(ParsedCase{});
            current = &s.cases.last();
            current->classname = r.attributes().value(QLatin1String("classname")).toString();
            current->name = r.attributes().value(QLatin1String("name")).toString();
            current->time = r.attributes().value(QLatin1String("time")).toString();
        } else if (current && n == u"property") {
            current->properties.insert(r.attributes().value(QLatin1String("name")).toString(),
                                       r.attributes().value(QLatin1String("value")).toString());
        } else if (current && (n == u"failure" || n == u"error" || n == u"skipped")) {
            if (!current->outcome.isEmpty()) {
                s.error = QStringLiteral("two outcomes in one testcase");
            }
            current->outcome = n.toString();
            current->message = r.attributes().value(QLatin1String("message")).toString();
            current->text = r.readElementText();
        } else if (current && n == u"system-out") {
            current->systemOut = r.readElementText();
        }
    }
    if (r.hasError()) {
        s.error = r.errorString() + QStringLiteral(" at line %1").arg(r.lineNumber());
    }
    return s;
}

TestRun oneCase(const TestCase &c)
{
    TestRun run;
    run.suite = QStringLiteral("s");
    run.cases.append(c);
    return run;
}

QString xmllint()
{
    return QStandardPaths::findExecutable(QStringLiteral("xmllint"));
}

} // namespace

class tst_JUnitWriter : public QObject
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
        const QByteArray xml = JUnitWriter().write(citest::loadFixture(fixture));
        QVERIFY(citest::matchesGolden(xml, fixture + QStringLiteral(".junit.xml")));
    }

    void structure_data() { golden_data(); }
    void structure()
    {
        QFETCH(QString, fixture);
        const TestRun run = citest::loadFixture(fixture);
        const ParsedSuite s = parse(JUnitWriter().write(run));
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.suiteCount, 1);
        QCOMPARE(s.cases.size(), run.cases.size());
        int failures = 0, errors = 0, skipped = 0;
        QSet<QString> pairs;
        static const QRegularExpression seconds(QStringLiteral("^[0-9]+\\.[0-9]{3}$"));
        for (qsizetype i = 0; i < s.cases.size(); ++i) {
            const ParsedCase &c = s.cases.at(i);
            failures += c.outcome == QLatin1String("failure");
            errors += c.outcome == QLatin1String("error");
            skipped += c.outcome == QLatin1String("skipped");
            QVERIFY(!c.classname.isEmpty());
            QVERIFY(!c.name.isEmpty());
            QVERIFY2(seconds.match(c.time).hasMatch(), qPrintable(c.time));
            QCOMPARE(c.time.toDouble(), std::round(run.cases.at(i).durationSec * 1000) / 1000);
            const QString pair = c.classname + QChar(0) + c.name;
            QVERIFY2(!pairs.contains(pair), qPrintable(c.classname + u'.' + c.name));
            pairs.insert(pair);
            QCOMPARE(c.properties.value(QStringLiteral("attempts")),
                     QString::number(run.cases.at(i).attempts));
            QCOMPARE(c.properties.value(QStringLiteral("flaky")) == QLatin1String("true"),
                     run.cases.at(i).flaky);
            QCOMPARE(c.outcome.isEmpty(), run.cases.at(i).status == TestStatus::Passed);
        }
        for (const QXmlStreamAttributes &a : {s.suitesAttributes, s.suiteAttributes}) {
            QCOMPARE(a.value(QLatin1String("tests")).toInt(), s.cases.size());
            QCOMPARE(a.value(QLatin1String("failures")).toInt(), failures);
            QCOMPARE(a.value(QLatin1String("errors")).toInt(), errors);
            QCOMPARE(a.value(QLatin1String("skipped")).toInt(), skipped);
            QVERIFY(seconds.match(a.value(QLatin1String("time"))).hasMatch());
            QVERIFY(!a.value(QLatin1String("name")).isEmpty());
        }
        const TestTotals t = run.totals();
        QCOMPARE(failures, t.failed);
        QCOMPARE(errors, t.errors);
        QCOMPARE(skipped, t.skipped);
    }

    // The JUnit shape CI tools read, as an XSD written from the documented structure
    // (tests/fixtures/ci/junit.xsd); xmllint checks every fixture's output against it, and a
    // broken document against it to show the check can fail.
    void schema_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<bool>("valid");
        for (const QString &name : citest::fixtureNames()) {
            QTest::newRow(qPrintable(name)) << JUnitWriter().write(citest::loadFixture(name)) << true;
        }
        QTest::newRow("bench-workload") << JUnitWriter().write(JUnitBenchmark::workload(200)) << true;
        QTest::newRow("testcase-without-name")
            << QByteArray(
                   "<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
                   "time=\"0.000\"><testcase classname=\"c\" time=\"0.000\"/></testsuite></testsuites>")
            << false;
        QTest::newRow("failure-outside-testcase")
            << QByteArray(
                   "<testsuites><testsuite name=\"s\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" "
                   "time=\"0.000\"><failure type=\"x\"/></testsuite></testsuites>")
            << false;
        QTest::newRow("time-not-a-number")
            << QByteArray(
                   "<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
                   "time=\"soon\"><testcase classname=\"c\" name=\"n\" "
                   "time=\"0.000\"/></testsuite></testsuites>")
            << false;
    }
    void schema()
    {
        QFETCH(QByteArray, xml);
        QFETCH(bool, valid);
        const QString tool = xmllint();
        if (tool.isEmpty()) {
            QSKIP("xmllint is not installed (Debian: libxml2-utils)");
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("report.xml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(xml);
        file.close();
        QProcess p;
        p.start(tool, {QStringLiteral("--noout"), QStringLiteral("--schema"),
                       citest::fixtureDir() + QStringLiteral("junit.xsd"), file.fileName()});
        QVERIFY(p.waitForFinished(30000));
        const QByteArray log = p.readAllStandardError();
        QVERIFY2((p.exitCode() == 0) == valid, log.constData());
    }

    void escaping_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        const QString fffd(QChar(QChar::ReplacementCharacter));
        QTest::newRow("markup") << QStringLiteral("a<b>&c\"d'e") << QStringLiteral("a<b>&c\"d'e");
        QTest::newRow("nul") << QStringLiteral("x") + QChar(0) + QStringLiteral("y")
                             << QStringLiteral("x") + fffd + QStringLiteral("y");
        QTest::newRow("ansi") << QStringLiteral("\x1b[31mred\x1b[0m")
                              << fffd + QStringLiteral("[31mred") + fffd + QStringLiteral("[0m");
        QTest::newRow("c0-controls") << QStringLiteral("\x01\x08\x0b\x0c\x1f") << fffd.repeated(5);
        QTest::newRow("del-and-c1-allowed")
            << QStringLiteral("\x7f") + QChar(0x85) << QStringLiteral("\x7f") + QChar(0x85);
        QTest::newRow("nonchars") << QString(QChar(0xfffe)) + QChar(0xffff) << fffd.repeated(2);
        QTest::newRow("lone-high-surrogate")
            << QString(QChar(0xd800)) + QStringLiteral("z") << fffd + QStringLiteral("z");
        QTest::newRow("lone-low-surrogate")
            << QStringLiteral("z") + QChar(0xdc00) << QStringLiteral("z") + fffd;
        QTest::newRow("trailing-high-surrogate")
            << QStringLiteral("z") + QChar(0xd83d) << QStringLiteral("z") + fffd;
        QTest::newRow("emoji-pair") << QStringLiteral("\U0001F680") << QStringLiteral("\U0001F680");
        QTest::newRow("tab") << QStringLiteral("a\tb") << QStringLiteral("a\tb");
        QTest::newRow("crlf") << QStringLiteral("a\r\nb\rc") << QStringLiteral("a\r\nb\rc");
        QTest::newRow("cdata-end") << QStringLiteral("x]]>y") << QStringLiteral("x]]>y");
        QTest::newRow("cdata-ends") << QStringLiteral("]]>]]]]>]]>") << QStringLiteral("]]>]]]]>]]>");
        QTest::newRow("cdata-start") << QStringLiteral("<![CDATA[ x") << QStringLiteral("<![CDATA[ x");
    }
    // Every place user text lands: attributes (name, classname, message, property value),
    // element text (failure) and CDATA (system-out) read back as the sanitised input.
    void escaping()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(XmlText::sanitized(input), expected);
        QCOMPARE(XmlText::isClean(input), input == expected);
        TestCase c;
        c.classname = QStringLiteral("cls") + input;
        c.name = QStringLiteral("n") + input;
        c.status = TestStatus::Failed;
        c.message = QStringLiteral("m") + input;
        c.output = QStringLiteral("o") + input;
        c.properties.insert(QStringLiteral("p"), QStringLiteral("v") + input);
        const QByteArray xml = JUnitWriter().write(oneCase(c));
        const ParsedSuite s = parse(xml);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error + QLatin1Char('\n') + QString::fromUtf8(xml)));
        QCOMPARE(s.cases.size(), 1);
        const ParsedCase &p = s.cases.first();
        QCOMPARE(p.classname, QStringLiteral("cls") + expected);
        QCOMPARE(p.name, QStringLiteral("n") + expected);
        QCOMPARE(p.message, QStringLiteral("m") + expected);
        QCOMPARE(p.text, QStringLiteral("m") + expected);
        QCOMPARE(p.systemOut, QStringLiteral("o") + expected);
        QCOMPARE(p.properties.value(QStringLiteral("p")), QStringLiteral("v") + expected);
        // No forbidden byte reaches the file, even as a character reference.
        QVERIFY(!xml.contains('\0'));
        QVERIFY(!xml.contains("&#1;"));
        QVERIFY(!xml.contains("&#27;"));
    }

    // A line break in a one-line attribute must survive as a character reference: a raw newline
    // in an attribute is normalised to a space by every XML parser.
    void multilineAttribute()
    {
        TestCase c;
        c.name = QStringLiteral("n");
        c.status = TestStatus::Error;
        c.message = QStringLiteral("one\ntwo\r\nthree");
        const QByteArray xml = JUnitWriter().write(oneCase(c));
        const ParsedSuite s = parse(xml);
        QVERIFY(s.error.isEmpty());
        QCOMPARE(s.cases.first().outcome, QStringLiteral("error"));
        QCOMPARE(s.cases.first().message, c.message);
    }

    void hugeOutput_data()
    {
        QTest::addColumn<QString>("unit");
        QTest::newRow("ascii") << QStringLiteral("0123456789abcdef");
        QTest::newRow("surrogate-pairs") << QStringLiteral("\U0001F680x");
    }
    void hugeOutput()
    {
        QFETCH(QString, unit);
        TestCase c;
        c.name = QStringLiteral("big");
        c.status = TestStatus::Failed;
        c.output = unit.repeated(3 * 1024 * 1024 / unit.size()) + QStringLiteral("THE END");
        const qsizetype limit = 1024 * 1024;
        const QString cut = JUnitWriter::truncatedOutput(c.output, limit);
        QVERIFY(cut.size() < limit + 100);
        QVERIFY(cut.endsWith(QStringLiteral("THE END")));
        QVERIFY(cut.startsWith(unit));
        QVERIFY(XmlText::isClean(cut)); // no pair was split
        const qsizetype marker = cut.indexOf(QStringLiteral("\n[... "));
        QVERIFY(marker > 0);
        const qsizetype markerEnd =
            cut.indexOf(QStringLiteral(" characters of output omitted ...]\n"), marker);
        QVERIFY(markerEnd > marker);
        const qsizetype omitted = cut.mid(marker + 6, markerEnd - marker - 6).toLongLong();
        const qsizetype tail = cut.size() - cut.indexOf(u'\n', markerEnd) - 1;
        QCOMPARE(marker + omitted + tail, c.output.size());
        QCOMPARE(c.output.left(marker), cut.left(marker));
        QCOMPARE(c.output.right(tail), cut.right(tail));
        QVERIFY(marker <= limit / 4);

        const ParsedSuite s = parse(JUnitWriter().write(oneCase(c)));
        QVERIFY(s.error.isEmpty());
        QCOMPARE(s.cases.first().systemOut, cut);

        JUnitWriter::Options noOutput;
        noOutput.includeOutput = false;
        QVERIFY(!JUnitWriter(noOutput).write(oneCase(c)).contains("system-out"));
        QCOMPARE(JUnitWriter::truncatedOutput(QStringLiteral("short"), limit), QStringLiteral("short"));
    }

    void uniqueNames_data()
    {
        QTest::addColumn<QStringList>("input"); // "classname|name"
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("distinct") << QStringList{"a|x", "a|y", "b|x"} << QStringList{"a|x", "a|y", "b|x"};
        QTest::newRow("two") << QStringList{"a|x", "a|x"} << QStringList{"a|x", "a|x [2]"};
        QTest::newRow("three") << QStringList{"a|x", "a|x", "a|x"}
                               << QStringList{"a|x", "a|x [2]", "a|x [3]"};
        QTest::newRow("suffix-taken")
            << QStringList{"a|x", "a|x", "a|x [2]"} << QStringList{"a|x", "a|x [3]", "a|x [2]"};
        QTest::newRow("empty-classname")
            << QStringList{"|x", "suite|x"} << QStringList{"suite|x", "suite|x [2]"};
        QTest::newRow("other-class") << QStringList{"a|x", "b|x", "a|x"}
                                     << QStringList{"a|x", "b|x", "a|x [2]"};
    }
    void uniqueNames()
    {
        QFETCH(QStringList, input);
        QFETCH(QStringList, expected);
        TestRun run;
        run.suite = QStringLiteral("suite");
        for (const QString &s : input) {
            TestCase c;
            c.classname = s.section(u'|', 0, 0);
            c.name = s.section(u'|', 1);
            run.cases.append(c);
        }
        QStringList actual;
        for (const CaseName &n : uniqueCaseNames(run)) {
            actual << n.classname + u'|' + n.name;
        }
        QCOMPARE(actual, expected);
    }

    // The benchmark baseline must write the same document shape, or the ratio means nothing.
    void baselineWritesSameShape()
    {
        const TestRun run = JUnitBenchmark::workload(300);
        auto shape = [](const QByteArray &xml) {
            QStringList out;
            QXmlStreamReader r(xml);
            while (!r.atEnd()) {
                if (r.readNext() == QXmlStreamReader::StartElement) {
                    QStringList attrs;
                    for (const QXmlStreamAttribute &a : r.attributes()) {
                        attrs << a.name().toString();
                    }
                    attrs.removeAll(QStringLiteral("id")); // the suite id is extra in JUnitWriter
                    out << r.name().toString() + u'(' + attrs.join(u',') + u')';
                }
            }
            return out;
        };
        QStringList plain = shape(JUnitBenchmark::writePlain(run));
        QStringList full = shape(JUnitWriter().write(run));
        // JUnitWriter adds the suite-level properties block; drop it for the comparison.
        const qsizetype start = full.indexOf(QStringLiteral("properties()"));
        QVERIFY(start > 0);
        qsizetype end = start + 1;
        while (full.at(end).startsWith(QStringLiteral("property("))) {
            ++end;
        }
        full.remove(start, end - start);
        QCOMPARE(full.size(), plain.size());
        QCOMPARE(full, plain);
    }

    void benchmarkMeasures()
    {
        const accel::ManualClock clock;
        const auto r = JUnitBenchmark::run(50, 1, &clock); // a clock that never moves: no rate
        QCOMPARE(r.cases, 50);
        QCOMPARE(r.writerCasesPerSec, 0.0);
        QVERIFY(r.writerBytes > 0);
        const auto real = JUnitBenchmark::run(200, 1, accel::Clock::system());
        QVERIFY(real.writerCasesPerSec > 0);
        QVERIFY(real.plainCasesPerSec > 0);
    }

    void writeErrorIsReported()
    {
        QByteArray bytes;
        QBuffer readOnly(&bytes);
        QVERIFY(readOnly.open(QIODevice::ReadOnly));
        QVERIFY(!JUnitWriter().write(citest::loadFixture(QStringLiteral("failed")), &readOnly));
        QBuffer ok;
        QVERIFY(ok.open(QIODevice::WriteOnly));
        QVERIFY(JUnitWriter().write(citest::loadFixture(QStringLiteral("failed")), &ok));
    }
};

QTEST_GUILESS_MAIN(tst_JUnitWriter)
#include "tst_JUnitWriter.moc"
