#include "ci/GitHubReporter.h"

#include "ci/CaseNames.h"
#include "ci/JUnitWriter.h"
#include "ci/MarkdownText.h"
#include "ci/TestRun.h"

#include <QFile>
#include <QRandomGenerator>

#include <algorithm>
#include <numeric>

namespace accel::ci {

namespace {

QString randomHexToken()
{
    QString s;
    QRandomGenerator *rng = QRandomGenerator::system();
    for (int i = 0; i < 4; ++i) {
        s += QString::number(rng->generate(), 16).rightJustified(8, QLatin1Char('0'));
    }
    return s;
}

// Annotation text: GitHub defines no escape for control characters, and a NUL or an ANSI escape
// in a title garbles the annotation, so they become U+FFFD (CR and LF are escaped later).
QString annotationText(const QString &text)
{
    QString out = text;
    for (QChar &c : out) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != '\r' && u != '\n' && u != '\t') || u == 0x7f || (u >= 0x80 && u < 0xa0)) {
            c = QChar(QChar::ReplacementCharacter);
        }
    }
    return out;
}

QString secondsText(double s)
{
    return QString::number(s, 'f', 3) + QStringLiteral(" s");
}

QString appendTo(const QString &path, const QString &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append)) {
        return QStringLiteral("cannot open %1: %2").arg(path, f.errorString());
    }
    const QByteArray bytes = text.toUtf8();
    if (f.write(bytes) != bytes.size() || !f.flush()) {
        return QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
    }
    return {};
}

} // namespace

GitHubReporter::GitHubReporter()
    : GitHubReporter(Options{})
{}

GitHubReporter::GitHubReporter(const Options &options, TokenSource tokens)
    : m_options(options)
    , m_tokens(tokens ? std::move(tokens) : TokenSource(randomHexToken))
{}

QString GitHubReporter::escapeData(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        switch (c.unicode()) {
        case '%':
            out += QStringLiteral("%25");
            break;
        case '\r':
            out += QStringLiteral("%0D");
            break;
        case '\n':
            out += QStringLiteral("%0A");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString GitHubReporter::escapeProperty(const QString &text)
{
    QString out = escapeData(text);
    out.replace(QLatin1Char(':'), QStringLiteral("%3A"));
    out.replace(QLatin1Char(','), QStringLiteral("%2C"));
    return out;
}

QString GitHubReporter::uniqueToken(const QString &mustNotOccurIn) const
{
    for (;;) {
        const QString token = m_tokens();
        if (!token.isEmpty() && !mustNotOccurIn.contains(token)) {
            return token;
        }
    }
}

QString GitHubReporter::workflowCommands(const TestRun &run) const
{
    const QList<CaseName> names = uniqueCaseNames(run);
    const TestTotals t = run.totals();
    QString out;
    int errors = 0;
    int warnings = 0;
    int unannotatedErrors = 0;
    int unannotatedWarnings = 0;
    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        const TestCase &c = run.cases.at(i);
        const bool bad = c.status == TestStatus::Failed || c.status == TestStatus::Error;
        if (bad) {
            if (errors >= m_options.maxErrorAnnotations) {
                ++unannotatedErrors;
                continue;
            }
            ++errors;
            QStringList props;
            const QString file = c.properties.value(QStringLiteral("file"));
            if (!file.isEmpty()) {
                props << QStringLiteral("file=") + escapeProperty(annotationText(file));
                bool ok = false;
                const int line = c.properties.value(QStringLiteral("line")).toInt(&ok);
                if (ok && line > 0) {
                    props << QStringLiteral("line=%1").arg(line);
                }
            }
            props << QStringLiteral("title=") + escapeProperty(annotationText(names.at(i).qualified()) +
                                                               QLatin1Char(' ') + testStatusName(c.status));
            const QString message =
                c.message.isEmpty() ? testStatusName(c.status) : annotationText(c.message);
            out += QStringLiteral("::error ") + props.join(QLatin1Char(',')) + QStringLiteral("::") +
                   escapeData(message) + QLatin1Char('\n');
        } else if (c.flaky) {
            if (warnings >= m_options.maxWarningAnnotations) {
                ++unannotatedWarnings;
                continue;
            }
            ++warnings;
            out += QStringLiteral("::warning title=") +
                   escapeProperty(QStringLiteral("Flaky test ") + annotationText(names.at(i).qualified())) +
                   QStringLiteral("::") +
                   escapeData(QStringLiteral("passed after %1 attempts").arg(c.attempts)) + QLatin1Char('\n');
        }
    }
    QString totalsText =
        QStringLiteral("%1 tests: %2 passed, %3 failed, %4 errors, %5 skipped, %6 flaky in %7")
            .arg(t.tests)
            .arg(t.passed)
            .arg(t.failed)
            .arg(t.errors)
            .arg(t.skipped)
            .arg(t.flaky)
            .arg(secondsText(run.wallTimeSec()));
    if (unannotatedErrors > 0 || unannotatedWarnings > 0) {
        totalsText +=
            QStringLiteral(" (%1 more failures and %2 more flaky tests not annotated; see the step summary)")
                .arg(unannotatedErrors)
                .arg(unannotatedWarnings);
    }
    out += QStringLiteral("::notice title=") +
           escapeProperty(QStringLiteral("Test results: ") + annotationText(displaySuiteName(run))) +
           QStringLiteral("::") + escapeData(totalsText) + QLatin1Char('\n');

    // The output of failing cases, folded. Output is untrusted: between ::stop-commands::TOKEN
    // and ::TOKEN:: the runner executes no workflow command, so "::add-mask::" or "::error" in a
    // test's output stays text.
    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        const TestCase &c = run.cases.at(i);
        if (!(c.status == TestStatus::Failed || c.status == TestStatus::Error) || c.output.isEmpty()) {
            continue;
        }
        QString text = JUnitWriter::truncatedOutput(c.output, m_options.maxGroupOutputChars);
        if (!text.endsWith(QLatin1Char('\n'))) {
            text += QLatin1Char('\n');
        }
        const QString token = uniqueToken(text);
        out += QStringLiteral("::group::") +
               escapeData(QStringLiteral("Output of ") + annotationText(names.at(i).qualified())) +
               QLatin1Char('\n');
        out += QStringLiteral("::stop-commands::") + token + QLatin1Char('\n');
        out += text;
        out += QStringLiteral("::") + token + QStringLiteral("::\n");
        out += QStringLiteral("::endgroup::\n");
    }
    return out;
}

QString GitHubReporter::stepSummary(const TestRun &run) const
{
    const QList<CaseName> names = uniqueCaseNames(run);
    const TestTotals t = run.totals();
    QString md;
    md += QStringLiteral("## %1 Test results: %2\n\n")
              .arg(t.allPassed() ? QStringLiteral("\u2705") : QStringLiteral("\u274C"),
                   markdownCell(displaySuiteName(run)));
    md += QStringLiteral("| Tests | Passed | Failed | Errors | Skipped | Flaky | Time |\n");
    md += QStringLiteral("|---:|---:|---:|---:|---:|---:|---:|\n");
    md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n")
              .arg(t.tests)
              .arg(t.passed)
              .arg(t.failed)
              .arg(t.errors)
              .arg(t.skipped)
              .arg(t.flaky)
              .arg(secondsText(run.wallTimeSec()));

    auto moreRow = [](qsizetype shown, qsizetype total, int columns) -> QString {
        if (shown >= total) {
            return QString();
        }
        QString row = QStringLiteral("| \u2026 and %1 more |").arg(total - shown);
        for (int i = 1; i < columns; ++i) {
            row += QStringLiteral("  |");
        }
        return row + QLatin1Char('\n');
    };

    QList<qsizetype> failures;
    QList<qsizetype> flaky;
    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        const TestStatus s = run.cases.at(i).status;
        if (s == TestStatus::Failed || s == TestStatus::Error) {
            failures.append(i);
        }
        if (run.cases.at(i).flaky) {
            flaky.append(i);
        }
    }
    if (!failures.isEmpty()) {
        md += QStringLiteral("\n### Failures (%1)\n\n| Test | Status | Message |\n|---|---|---|\n")
                  .arg(failures.size());
        for (qsizetype k = 0; k < failures.size() && k < m_options.maxSummaryRows; ++k) {
            const TestCase &c = run.cases.at(failures.at(k));
            md += QStringLiteral("| %1 | %2 | %3 |\n")
                      .arg(markdownCell(names.at(failures.at(k)).qualified()), testStatusName(c.status),
                           markdownCell(c.message));
        }
        md += moreRow(std::min<qsizetype>(failures.size(), m_options.maxSummaryRows), failures.size(), 3);
    }
    if (!flaky.isEmpty()) {
        md += QStringLiteral("\n### Flaky tests (%1)\n\n| Test | Attempts | Final status |\n|---|---:|---|\n")
                  .arg(flaky.size());
        for (qsizetype k = 0; k < flaky.size() && k < m_options.maxSummaryRows; ++k) {
            const TestCase &c = run.cases.at(flaky.at(k));
            md += QStringLiteral("| %1 | %2 | %3 |\n")
                      .arg(markdownCell(names.at(flaky.at(k)).qualified()), QString::number(c.attempts),
                           testStatusName(c.status));
        }
        md += moreRow(std::min<qsizetype>(flaky.size(), m_options.maxSummaryRows), flaky.size(), 3);
    }
    if (!run.cases.isEmpty() && m_options.slowestCount > 0) {
        QList<qsizetype> order(run.cases.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
            return run.cases.at(a).durationSec > run.cases.at(b).durationSec;
        });
        const qsizetype n = std::min<qsizetype>(order.size(), m_options.slowestCount);
        md += QStringLiteral("\n### Slowest tests\n\n| Test | Time | Status |\n|---|---:|---|\n");
        for (qsizetype k = 0; k < n; ++k) {
            const TestCase &c = run.cases.at(order.at(k));
            md += QStringLiteral("| %1 | %2 | %3 |\n")
                      .arg(markdownCell(names.at(order.at(k)).qualified()), secondsText(c.durationSec),
                           testStatusName(c.status));
        }
    }
    return md + QLatin1Char('\n');
}

QList<std::pair<QString, QString>> GitHubReporter::outputs(const TestRun &run) const
{
    const TestTotals t = run.totals();
    const QList<CaseName> names = uniqueCaseNames(run);
    QStringList failed;
    QStringList flaky;
    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        const TestCase &c = run.cases.at(i);
        if (c.status == TestStatus::Failed || c.status == TestStatus::Error) {
            failed << names.at(i).qualified();
        }
        if (c.flaky) {
            flaky << names.at(i).qualified();
        }
    }
    return {
        {QStringLiteral("result"), t.allPassed() ? QStringLiteral("passed") : QStringLiteral("failed")},
        {QStringLiteral("tests"), QString::number(t.tests)},
        {QStringLiteral("passed"), QString::number(t.passed)},
        {QStringLiteral("failed"), QString::number(t.failed)},
        {QStringLiteral("errors"), QString::number(t.errors)},
        {QStringLiteral("skipped"), QString::number(t.skipped)},
        {QStringLiteral("flaky"), QString::number(t.flaky)},
        {QStringLiteral("failed-tests"), failed.join(QLatin1Char('\n'))},
        {QStringLiteral("flaky-tests"), flaky.join(QLatin1Char('\n'))},
    };
}

QString GitHubReporter::formatOutputs(const QList<std::pair<QString, QString>> &outputs) const
{
    QString out;
    for (const auto &[name, value] : outputs) {
        if (!value.contains(QLatin1Char('\n')) && !value.contains(QLatin1Char('\r'))) {
            out += name + QLatin1Char('=') + value + QLatin1Char('\n');
            continue;
        }
        const QString delimiter = QStringLiteral("ghadelimiter_") + uniqueToken(value);
        out += name + QStringLiteral("<<") + delimiter + QLatin1Char('\n') + value + QLatin1Char('\n') +
               delimiter + QLatin1Char('\n');
    }
    return out;
}

QString GitHubReporter::publish(const TestRun &run, const QProcessEnvironment &env,
                                QString *commandsOut) const
{
    if (commandsOut) {
        *commandsOut = workflowCommands(run);
    }
    const QString summaryPath = env.value(QStringLiteral("GITHUB_STEP_SUMMARY"));
    if (!summaryPath.isEmpty()) {
        const QString error = appendTo(summaryPath, stepSummary(run));
        if (!error.isEmpty()) {
            return QStringLiteral("GITHUB_STEP_SUMMARY: ") + error;
        }
    }
    const QString outputPath = env.value(QStringLiteral("GITHUB_OUTPUT"));
    if (!outputPath.isEmpty()) {
        const QString error = appendTo(outputPath, formatOutputs(outputs(run)));
        if (!error.isEmpty()) {
            return QStringLiteral("GITHUB_OUTPUT: ") + error;
        }
    }
    return {};
}

} // namespace accel::ci
