#pragma once

#include <QList>
#include <QProcessEnvironment>
#include <QString>

#include <functional>
#include <utility>

namespace accel::ci {

class TestRun;

/// GitHub Actions reporter:
/// - workflow commands on stdout: `::error` per failed/errored case (file/line from the case
///   properties "file"/"line" when present), `::warning` per flaky case, a `::notice` with the
///   totals, and each failing case's output in a `::group::` wrapped in `::stop-commands::` so
///   test output cannot issue workflow commands of its own;
/// - a Markdown step summary (totals table, failures with messages, flaky tests, slowest tests)
///   appended to the file named by $GITHUB_STEP_SUMMARY;
/// - step outputs appended to $GITHUB_OUTPUT (`name=value`, or `name<<DELIM` ... `DELIM` for
///   multi-line values with a random delimiter that does not occur in the value).
class GitHubReporter
{
public:
    /// Returns a random token; tests inject a deterministic one.
    using TokenSource = std::function<QString()>;

    struct Options
    {
        int maxErrorAnnotations = 10; ///< GitHub shows at most 10 errors and 10 warnings per step
        int maxWarningAnnotations = 10;
        int maxSummaryRows = 50;
        int slowestCount = 10;
        qsizetype maxGroupOutputChars = 64 * 1024;
    };

    GitHubReporter();
    explicit GitHubReporter(const Options &options, TokenSource tokens = {});

    /// GitHub's escaping for the message part of a workflow command: % \r \n.
    static QString escapeData(const QString &text);
    /// For property values (file=, title=): additionally : and ,.
    static QString escapeProperty(const QString &text);

    QString workflowCommands(const TestRun &run) const;
    QString stepSummary(const TestRun &run) const;
    QList<std::pair<QString, QString>> outputs(const TestRun &run) const;
    /// The $GITHUB_OUTPUT text for `outputs`.
    QString formatOutputs(const QList<std::pair<QString, QString>> &outputs) const;

    /// Writes the workflow commands to `commandsOut`, and appends the summary and outputs to the
    /// files that $GITHUB_STEP_SUMMARY / $GITHUB_OUTPUT of `env` name (skipped when unset).
    /// Returns an empty string, or what went wrong.
    QString publish(const TestRun &run, const QProcessEnvironment &env, QString *commandsOut) const;

private:
    QString uniqueToken(const QString &mustNotOccurIn) const;

    Options m_options;
    TokenSource m_tokens;
};

} // namespace accel::ci
