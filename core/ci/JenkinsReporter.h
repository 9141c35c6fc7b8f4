#pragma once

#include <QByteArray>
#include <QString>

namespace accel::ci {

class TestRun;

/// Jenkins reporter: JUnit XML for the `junit` step (JUnitWriter) and a Java properties file with
/// the totals, for `readProperties` (pipeline-utility-steps) or the EnvInject plugin, so a
/// pipeline can branch on the result or put the counts in the build description without parsing XML.
/// Keys: ACCEL_RESULT (passed|failed), ACCEL_SUITE, ACCEL_SUITE_ID, ACCEL_TESTS, ACCEL_PASSED,
/// ACCEL_FAILED, ACCEL_ERRORS, ACCEL_SKIPPED, ACCEL_FLAKY, ACCEL_DURATION_SEC, ACCEL_FAILED_TESTS
/// (comma-separated qualified names, at most `maxListedTests`).
class JenkinsReporter
{
public:
    QByteArray junit(const TestRun &run) const;
    QString properties(const TestRun &run, int maxListedTests = 100) const;

    /// java.util.Properties escaping (both Properties.load(InputStream) and load(Reader) read it
    /// back exactly): \ = : # ! as \-escapes, \t \n \r \f, a leading space, and every character
    /// outside printable ASCII as \uXXXX. `isKey` also escapes every space.
    static QString escapeProperty(const QString &text, bool isKey);
};

} // namespace accel::ci
