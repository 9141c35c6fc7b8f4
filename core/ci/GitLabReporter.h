#pragma once

#include <QByteArray>
#include <QString>

namespace accel::ci {

class TestRun;

/// GitLab reporter: JUnit XML for `artifacts:reports:junit` (JUnitWriter) and an OpenMetrics
/// text exposition for `artifacts:reports:metrics`, which GitLab diffs between a merge request
/// and its target branch.
///
/// Metrics: suite totals (`accel_suite_tests{suite,status}`, `accel_suite_flaky_tests`,
/// `accel_suite_duration_seconds`) and one gauge family per case metric,
/// `accel_test_<metric>[_<unit>]{classname,name}`. Units OpenMetrics knows (seconds, bytes,
/// ratio) are converted to the base unit (ms → seconds, MiB → bytes, % → ratio) and declared
/// with `# UNIT`; other units go into `# HELP`. Names are sanitised to
/// [a-zA-Z_][a-zA-Z0-9_]* (colons are reserved for recording rules), label values escaped.
class GitLabReporter
{
public:
    struct Options
    {
        bool caseDurations = false; ///< also `accel_test_duration_seconds` per case
    };

    GitLabReporter() = default;
    explicit GitLabReporter(const Options &options)
        : m_options(options)
    {}

    QByteArray junit(const TestRun &run) const;
    QString metrics(const TestRun &run) const;

    /// `text` with every character outside [a-zA-Z0-9_] replaced by '_' and a '_' in front of a
    /// leading digit; never empty.
    static QString sanitizeMetricName(const QString &text);
    /// OpenMetrics label-value escaping: \ → \\, " → \", newline → \n.
    static QString escapeLabelValue(const QString &text);

private:
    Options m_options;
};

} // namespace accel::ci
