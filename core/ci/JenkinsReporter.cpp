#include "ci/JenkinsReporter.h"

#include "ci/CaseNames.h"
#include "ci/JUnitWriter.h"
#include "ci/TestRun.h"

namespace accel::ci {

QByteArray JenkinsReporter::junit(const TestRun &run) const
{
    return JUnitWriter().write(run);
}

QString JenkinsReporter::escapeProperty(const QString &text, bool isKey)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text.at(i).unicode();
        switch (u) {
        case '\\':
            out += QStringLiteral("\\\\");
            continue;
        case '\t':
            out += QStringLiteral("\\t");
            continue;
        case '\n':
            out += QStringLiteral("\\n");
            continue;
        case '\r':
            out += QStringLiteral("\\r");
            continue;
        case '\f':
            out += QStringLiteral("\\f");
            continue;
        case '=':
        case ':':
        case '#':
        case '!':
            out += QLatin1Char('\\');
            out += QChar(u);
            continue;
        case ' ':
            out += (isKey || i == 0) ? QStringLiteral("\\ ") : QStringLiteral(" ");
            continue;
        default:
            break;
        }
        if (u < 0x20 || u > 0x7e) {
            out += QStringLiteral("\\u") + QString::number(u, 16).rightJustified(4, QLatin1Char('0'));
        } else {
            out += QChar(u);
        }
    }
    return out;
}

QString JenkinsReporter::properties(const TestRun &run, int maxListedTests) const
{
    const TestTotals t = run.totals();
    const QList<CaseName> names = uniqueCaseNames(run);
    QStringList failed;
    for (qsizetype i = 0; i < run.cases.size() && failed.size() < maxListedTests; ++i) {
        const TestStatus s = run.cases.at(i).status;
        if (s == TestStatus::Failed || s == TestStatus::Error) {
            failed << names.at(i).qualified();
        }
    }
    const std::pair<const char *, QString> entries[] = {
        {"ACCEL_RESULT", t.allPassed() ? QStringLiteral("passed") : QStringLiteral("failed")},
        {"ACCEL_SUITE", displaySuiteName(run)},
        {"ACCEL_SUITE_ID", run.id},
        {"ACCEL_TESTS", QString::number(t.tests)},
        {"ACCEL_PASSED", QString::number(t.passed)},
        {"ACCEL_FAILED", QString::number(t.failed)},
        {"ACCEL_ERRORS", QString::number(t.errors)},
        {"ACCEL_SKIPPED", QString::number(t.skipped)},
        {"ACCEL_FLAKY", QString::number(t.flaky)},
        {"ACCEL_DURATION_SEC", QString::number(run.wallTimeSec(), 'f', 3)},
        {"ACCEL_FAILED_TESTS", failed.join(QLatin1Char(','))},
    };
    QString out =
        QStringLiteral("# Accelerate Console test results (accelctl report --format jenkins-properties)\n");
    for (const auto &[key, value] : entries) {
        out += QLatin1String(key) + QLatin1Char('=') + escapeProperty(value, false) + QLatin1Char('\n');
    }
    return out;
}

} // namespace accel::ci
