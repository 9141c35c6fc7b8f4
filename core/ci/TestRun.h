#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace accel::ci {

/// How one test case ended (the results JSON "status"). No valid zero value.
enum class TestStatus { Passed = 1, Failed, Error, Skipped };

QString testStatusName(TestStatus status);
std::optional<TestStatus> testStatusFromName(const QString &name);

/// Which direction of a metric is an improvement (results JSON "better").
enum class MetricDirection { Unspecified = 1, Higher, Lower };

/// One named measurement of a test case ("metrics": {"gflops": {"value": 1.1, ...}}).
struct TestMetric
{
    QString name;
    double value = 0.0;
    QString unit; ///< free text, e.g. "GFLOP/s", "ms"; may be empty
    MetricDirection better = MetricDirection::Unspecified;

    friend bool operator==(const TestMetric &, const TestMetric &) = default;
};

/// One test case of a suite, as the coordinator reports it (docs/results-format.md).
struct TestCase
{
    QString id;        ///< task id; unique within the suite when not empty
    QString classname; ///< dotted JUnit classname; may be empty (reporters fall back to the suite name)
    QString name;      ///< never empty
    TestStatus status = TestStatus::Passed;
    double durationSec = 0.0; ///< wall time of the final attempt
    int attempts = 1;         ///< >= 1
    bool flaky = false;       ///< failed at least once, then passed
    QString message;          ///< failure / error / skip message
    QString output;           ///< captured stdout+stderr, possibly truncated by the worker
    QString worker;
    QMap<QString, QString> properties; ///< sorted by key, so every writer is deterministic
    QList<TestMetric> metrics;         ///< sorted by name

    friend bool operator==(const TestCase &, const TestCase &) = default;
};

/// Counts over a suite; `tests` is the number of cases.
struct TestTotals
{
    int tests = 0;
    int passed = 0;
    int failed = 0;
    int errors = 0;
    int skipped = 0;
    int flaky = 0;
    double durationSumSec = 0.0; ///< sum of the cases' durations (not wall time)

    bool allPassed() const { return failed == 0 && errors == 0; }
};

/// Size limits applied while parsing; a document beyond any of them is rejected, not truncated.
struct TestRunLimits
{
    qsizetype maxDocumentBytes = 256 * 1024 * 1024;
    qsizetype maxCases = 200'000;
    qsizetype maxNameChars = 4096;         ///< suite, id, classname, name, worker, property keys
    qsizetype maxMessageChars = 64 * 1024; ///< message, property values
    qsizetype maxOutputChars = 16 * 1024 * 1024;
    qsizetype maxPropertiesPerCase = 256;
    qsizetype maxMetricsPerCase = 256;
    int maxAttempts = 1000;
};

/// Why a results document was rejected. `path` names the offending field in JSONPath-like form,
/// e.g. `$.cases[3].status`; `message` says what was wrong with it (English, for logs and CLIs).
struct TestRunError
{
    enum class Code {
        BadJson = 1,
        TooLarge,
        MissingField,
        WrongType,
        BadValue,
        UnsupportedVersion,
        Duplicate
    };
    Code code = Code::BadJson;
    QString path;
    QString message;

    QString toString() const { return path.isEmpty() ? message : path + QStringLiteral(": ") + message; }
};

/// A test-suite result: the document of docs/results-format.md, validated.
class TestRun
{
public:
    static constexpr int kFormatVersion = 1;

    int version = kFormatVersion;
    QString suite;
    QString id;
    QDateTime startedAt;  ///< UTC; invalid when absent
    QDateTime finishedAt; ///< UTC; invalid when absent
    QList<TestCase> cases;

    /// Parses and validates a results document. On failure returns nullopt and fills `error`.
    static std::optional<TestRun> fromJson(const QByteArray &json, TestRunError *error = nullptr,
                                           const TestRunLimits &limits = {});
    static std::optional<TestRun> fromJsonObject(const QJsonObject &object, TestRunError *error = nullptr,
                                                 const TestRunLimits &limits = {});
    QJsonObject toJsonObject() const;
    QByteArray toJson() const;

    TestTotals totals() const;
    /// Wall time of the suite: finishedAt - startedAt when both are known and ordered, else the
    /// sum of the case durations.
    double wallTimeSec() const;

    friend bool operator==(const TestRun &, const TestRun &) = default;
};

} // namespace accel::ci
