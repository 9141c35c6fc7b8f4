#pragma once

#include <QByteArray>
#include <QString>

class QIODevice;

namespace accel::ci {

class TestRun;

/// Writes a TestRun as JUnit XML in the shape Jenkins' junit step, GitLab's
/// artifacts:reports:junit and the GitHub test-report actions read:
///   <testsuites> / <testsuite name tests failures errors skipped time timestamp> /
///   <testcase classname name time> with <failure message type>, <error message type>,
///   <skipped message>, <system-out>.
/// Guarantees: (classname, name) pairs are unique (uniqueCaseNames), times are seconds with
/// millisecond precision, characters XML 1.0 forbids become U+FFFD, "]]>" inside output is split
/// across CDATA sections, and the document is deterministic for a given run.
/// Attempts, flakiness, the task id, worker, user properties and metrics are written as
/// <properties> of each <testcase>; attempts and flakiness of retried cases also at suite level.
class JUnitWriter
{
public:
    struct Options
    {
        bool includeOutput = true;
        /// Longer output keeps its first quarter and the rest from its end, with a marker line
        /// saying how much was left out (failures are usually at the end).
        qsizetype maxOutputChars = 1024 * 1024;
        bool caseProperties = true;
    };

    JUnitWriter() = default;
    explicit JUnitWriter(const Options &options)
        : m_options(options)
    {}

    QByteArray write(const TestRun &run) const;
    /// Returns false when the device reports a write error.
    bool write(const TestRun &run, QIODevice *device) const;

    /// `output` cut to at most `maxChars` (+ the marker line) as described in Options.
    static QString truncatedOutput(const QString &output, qsizetype maxChars);

private:
    Options m_options;
};

} // namespace accel::ci
