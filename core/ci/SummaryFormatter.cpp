#include "ci/SummaryFormatter.h"

#include "ci/CaseNames.h"
#include "ci/TestRun.h"

#include <algorithm>

namespace accel::ci {

QString SummaryFormatter::terminalSafe(const QString &text, bool keepNewlines)
{
    QString out = text;
    for (QChar &c : out) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && !(keepNewlines && u == '\n')) || u == 0x7f || (u >= 0x80 && u < 0xa0)) {
            c = QChar(QChar::ReplacementCharacter);
        }
    }
    return out;
}

QString SummaryFormatter::format(const TestRun &run) const
{
    const QList<CaseName> names = uniqueCaseNames(run);
    const TestTotals t = run.totals();
    QStringList status;
    QStringList time;
    QStringList attempts;
    qsizetype statusWidth = 6;
    qsizetype timeWidth = 4;
    qsizetype attemptsWidth = 8;
    for (const TestCase &c : run.cases) {
        QString s = testStatusName(c.status).toUpper();
        status << s;
        time << QString::number(c.durationSec, 'f', 3);
        attempts << QString::number(c.attempts);
        statusWidth = std::max(statusWidth, s.size());
        timeWidth = std::max(timeWidth, time.last().size());
        attemptsWidth = std::max(attemptsWidth, attempts.last().size());
    }
    QString out;
    out += QStringLiteral("Suite: ") + terminalSafe(displaySuiteName(run));
    if (!run.id.isEmpty()) {
        out += QStringLiteral(" (") + terminalSafe(run.id) + QLatin1Char(')');
    }
    out += QLatin1Char('\n');
    if (!run.cases.isEmpty()) {
        out += QStringLiteral("STATUS").leftJustified(statusWidth) + QStringLiteral("  ") +
               QStringLiteral("TIME").rightJustified(timeWidth) + QStringLiteral("  ") +
               QStringLiteral("ATTEMPTS").rightJustified(attemptsWidth) + QStringLiteral("  TEST\n");
    }
    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        const TestCase &c = run.cases.at(i);
        out += status.at(i).leftJustified(statusWidth) + QStringLiteral("  ") +
               time.at(i).rightJustified(timeWidth) + QStringLiteral("  ") +
               attempts.at(i).rightJustified(attemptsWidth) + QStringLiteral("  ") +
               terminalSafe(names.at(i).qualified());
        if (c.flaky) {
            out += QStringLiteral("  (flaky)");
        }
        out += QLatin1Char('\n');
        if (c.status != TestStatus::Passed && !c.message.isEmpty()) {
            QString message = c.message.section(QLatin1Char('\n'), 0, 0);
            if (message.size() > 200) {
                message = message.left(200) + QChar(0x2026);
            }
            out += QString(statusWidth + 2, QLatin1Char(' ')) + QStringLiteral("-> ") +
                   terminalSafe(message) + QLatin1Char('\n');
        }
    }
    out += QStringLiteral("\n%1 tests: %2 passed, %3 failed, %4 errors, %5 skipped, %6 flaky; %7 s\n")
               .arg(t.tests)
               .arg(t.passed)
               .arg(t.failed)
               .arg(t.errors)
               .arg(t.skipped)
               .arg(t.flaky)
               .arg(QString::number(run.wallTimeSec(), 'f', 3));
    out += t.allPassed() ? QStringLiteral("RESULT: PASSED\n") : QStringLiteral("RESULT: FAILED\n");
    return out;
}

} // namespace accel::ci
