#include "CiTestSupport.h"
#include "ci/SummaryFormatter.h"
#include "ci/TestRun.h"

#include <QTest>

using namespace accel::ci;

class tst_SummaryFormatter : public QObject
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
        const QString text = SummaryFormatter().format(run);
        QVERIFY(citest::matchesGolden(text.toUtf8(), fixture + QStringLiteral(".summary.txt")));
        // Nothing that a terminal would interpret.
        for (QChar c : text) {
            QVERIFY(c.unicode() == '\n' || (c.unicode() >= 0x20 && c.unicode() != 0x7f));
        }
        QVERIFY(text.endsWith(run.totals().allPassed() ? QStringLiteral("RESULT: PASSED\n")
                                                       : QStringLiteral("RESULT: FAILED\n")));
        // One row per case (plus header, message lines, totals).
        QVERIFY(text.count(u'\n') >= run.cases.size() + 3);
    }

    void columnsAlign()
    {
        const QStringList lines =
            SummaryFormatter().format(citest::loadFixture(QStringLiteral("failed"))).split(u'\n');
        QCOMPARE(lines.at(1), QStringLiteral("STATUS    TIME  ATTEMPTS  TEST"));
        QCOMPARE(lines.at(2), QStringLiteral("FAILED   3.250         1  kernels.matmul.matmul_512_webgpu"));
        QCOMPARE(lines.at(3), QStringLiteral("         -> max abs error 0.031 > tolerance 0.001 at [17, 4]"));
    }

    void terminalSafe_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<bool>("keepNewlines");
        QTest::addColumn<QString>("expected");
        const QString r(QChar(QChar::ReplacementCharacter));
        QTest::newRow("esc") << QStringLiteral("\x1b]0;title\x07") << false
                             << r + QStringLiteral("]0;title") + r;
        QTest::newRow("newline") << "a\nb" << false << QStringLiteral("a") + r + QStringLiteral("b");
        QTest::newRow("newline-kept") << "a\nb" << true << "a\nb";
        QTest::newRow("c1") << QString(QChar(0x9b)) + QStringLiteral("2J") << false
                            << r + QStringLiteral("2J");
        QTest::newRow("text") << QStringLiteral("größe 🚀") << false << QStringLiteral("größe 🚀");
    }
    void terminalSafe()
    {
        QFETCH(QString, input);
        QFETCH(bool, keepNewlines);
        QFETCH(QString, expected);
        QCOMPARE(SummaryFormatter::terminalSafe(input, keepNewlines), expected);
    }
};

QTEST_GUILESS_MAIN(tst_SummaryFormatter)
#include "tst_SummaryFormatter.moc"
