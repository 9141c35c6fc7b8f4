#include "CiTestSupport.h"
#include "ci/JUnitWriter.h"
#include "ci/JenkinsReporter.h"
#include "ci/TestRun.h"

#include <QTest>

using namespace accel::ci;

namespace {

// Reads a .properties line the way java.util.Properties.load does (for the escapes we write).
QString unescapeJava(const QString &s)
{
    QString out;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s.at(i) != u'\\' || i + 1 >= s.size()) {
            out += s.at(i);
            continue;
        }
        const QChar c = s.at(++i);
        if (c == u't') {
            out += u'\t';
        } else if (c == u'n') {
            out += u'\n';
        } else if (c == u'r') {
            out += u'\r';
        } else if (c == u'f') {
            out += u'\f';
        } else if (c == u'u') {
            out += QChar(char16_t(s.mid(i + 1, 4).toUShort(nullptr, 16)));
            i += 4;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

class tst_JenkinsReporter : public QObject
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
        const QString props = JenkinsReporter().properties(run);
        QVERIFY(citest::matchesGolden(props.toUtf8(), fixture + QStringLiteral(".properties")));
        QCOMPARE(JenkinsReporter().junit(run), JUnitWriter().write(run));
        // Pure ASCII, one key=value per line, values read back to the totals.
        QMap<QString, QString> values;
        for (const QString &line : props.split(u'\n', Qt::SkipEmptyParts)) {
            for (QChar c : line) {
                QVERIFY(c.unicode() >= 0x20 && c.unicode() < 0x7f);
            }
            if (line.startsWith(u'#')) {
                continue;
            }
            const qsizetype eq = line.indexOf(u'=');
            QVERIFY(eq > 0);
            values.insert(line.left(eq), unescapeJava(line.mid(eq + 1)));
        }
        const TestTotals t = run.totals();
        QCOMPARE(values.value(QStringLiteral("ACCEL_TESTS")).toInt(), t.tests);
        QCOMPARE(values.value(QStringLiteral("ACCEL_FAILED")).toInt(), t.failed);
        QCOMPARE(values.value(QStringLiteral("ACCEL_FLAKY")).toInt(), t.flaky);
        QCOMPARE(values.value(QStringLiteral("ACCEL_RESULT")),
                 t.allPassed() ? QStringLiteral("passed") : QStringLiteral("failed"));
        if (!run.suite.isEmpty()) {
            QCOMPARE(values.value(QStringLiteral("ACCEL_SUITE")), run.suite);
        }
    }

    void escaping_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("key");
        QTest::newRow("plain") << "abc"
                               << "abc"
                               << "abc";
        QTest::newRow("separators") << "a=b:c"
                                    << "a\\=b\\:c"
                                    << "a\\=b\\:c";
        QTest::newRow("comment-chars") << "#x!y"
                                       << "\\#x\\!y"
                                       << "\\#x\\!y";
        QTest::newRow("spaces") << " a b"
                                << "\\ a b"
                                << "\\ a\\ b";
        QTest::newRow("controls") << "a\tb\nc\rd\fe"
                                  << "a\\tb\\nc\\rd\\fe"
                                  << "a\\tb\\nc\\rd\\fe";
        QTest::newRow("backslash") << "C:\\dir"
                                   << "C\\:\\\\dir"
                                   << "C\\:\\\\dir";
        QTest::newRow("non-ascii") << QStringLiteral("ü🚀") << "\\u00fc\\ud83d\\ude80"
                                   << "\\u00fc\\ud83d\\ude80";
        QTest::newRow("nul") << QString(QChar(0)) << "\\u0000"
                             << "\\u0000";
    }
    void escaping()
    {
        QFETCH(QString, input);
        QFETCH(QString, value);
        QFETCH(QString, key);
        QCOMPARE(JenkinsReporter::escapeProperty(input, false), value);
        QCOMPARE(JenkinsReporter::escapeProperty(input, true), key);
        QCOMPARE(unescapeJava(value), input);
    }

    void failedListIsCapped()
    {
        TestRun run;
        for (int i = 0; i < 5; ++i) {
            TestCase c;
            c.classname = QStringLiteral("c");
            c.name = QStringLiteral("t%1").arg(i);
            c.status = TestStatus::Failed;
            run.cases.append(c);
        }
        QVERIFY(JenkinsReporter().properties(run, 2).contains(
            QStringLiteral("\nACCEL_FAILED_TESTS=c.t0,c.t1\n")));
    }
};

QTEST_GUILESS_MAIN(tst_JenkinsReporter)
#include "tst_JenkinsReporter.moc"
