#include "CiTestSupport.h"
#include "ci/TestRun.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace accel::ci;

namespace {
QByteArray doc(const QByteArray &caseJson, const QByteArray &top = "\"suite\":\"s\"")
{
    return "{\"version\":1," + top + ",\"cases\":[" + caseJson + "]}";
}
} // namespace

class tst_TestRun : public QObject
{
    Q_OBJECT

private slots:
    void fixturesParse_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("tests");
        QTest::addColumn<int>("failed");
        QTest::addColumn<int>("errors");
        QTest::addColumn<int>("skipped");
        QTest::addColumn<int>("flaky");
        QTest::newRow("passed") << "passed" << 3 << 0 << 0 << 0 << 0;
        QTest::newRow("failed") << "failed" << 5 << 2 << 1 << 1 << 0;
        QTest::newRow("flaky") << "flaky" << 4 << 1 << 0 << 0 << 2;
        QTest::newRow("duplicates") << "duplicates" << 7 << 1 << 0 << 1 << 0;
        QTest::newRow("unicode") << "unicode" << 3 << 1 << 0 << 1 << 0;
        QTest::newRow("control-chars") << "control-chars" << 3 << 1 << 1 << 1 << 0;
        QTest::newRow("empty") << "empty" << 0 << 0 << 0 << 0 << 0;
    }
    void fixturesParse()
    {
        QFETCH(QString, fixture);
        QFETCH(int, tests);
        QFETCH(int, failed);
        QFETCH(int, errors);
        QFETCH(int, skipped);
        QFETCH(int, flaky);
        const TestRun run = citest::loadFixture(fixture);
        const TestTotals t = run.totals();
        QCOMPARE(t.tests, tests);
        QCOMPARE(t.failed, failed);
        QCOMPARE(t.errors, errors);
        QCOMPARE(t.skipped, skipped);
        QCOMPARE(t.flaky, flaky);
        QCOMPARE(t.passed, tests - failed - errors - skipped);
        QCOMPARE(t.allPassed(), failed == 0 && errors == 0);

        // toJson -> fromJson is the identity.
        TestRunError error;
        const auto again = TestRun::fromJson(run.toJson(), &error);
        QVERIFY2(again, qPrintable(error.toString()));
        QCOMPARE(*again, run);
    }

    void fieldsAndDefaults()
    {
        const TestRun run = citest::loadFixture(QStringLiteral("passed"));
        QCOMPARE(run.version, 1);
        QCOMPARE(run.suite, QStringLiteral("browser-kernels"));
        QCOMPARE(run.id, QStringLiteral("s-20261126-0001"));
        QCOMPARE(run.startedAt.toString(Qt::ISODate), QStringLiteral("2026-11-26T17:00:00Z"));
        QCOMPARE(run.wallTimeSec(), 300.25);
        const TestCase &c = run.cases.at(1);
        QCOMPARE(c.id, QStringLiteral("t-2"));
        QCOMPARE(c.attempts, 1);
        QCOMPARE(c.flaky, false);
        QCOMPARE(c.properties.value(QStringLiteral("browser")), QStringLiteral("firefox"));
        QCOMPARE(c.metrics.size(), 3);
        QCOMPARE(c.metrics.at(0).name, QStringLiteral("accuracy")); // sorted by name
        QCOMPARE(c.metrics.at(0).better, MetricDirection::Unspecified);
        QCOMPARE(c.metrics.at(1).name, QStringLiteral("gflops"));
        QCOMPARE(c.metrics.at(1).better, MetricDirection::Higher);
        QCOMPARE(c.metrics.at(2).unit, QStringLiteral("MiB"));

        // Offsets are converted to UTC.
        const TestRun failed = citest::loadFixture(QStringLiteral("failed"));
        QCOMPARE(failed.startedAt.toString(Qt::ISODate), QStringLiteral("2026-11-26T17:00:00Z"));
        QCOMPARE(failed.wallTimeSec(), 90.0);

        // No timestamps: the wall time is the sum of the durations.
        const TestRun dups = citest::loadFixture(QStringLiteral("duplicates"));
        QVERIFY(!dups.startedAt.isValid());
        QCOMPARE(dups.wallTimeSec(), 28.0);

        // Minimal document; unknown fields ignored; null is "absent".
        const auto minimal = TestRun::fromJson(
            doc(R"({"name":"x","status":"skipped","futureField":{"a":[1]},"message":null,"attempts":null})",
                R"("unknownTop":true)"));
        QVERIFY(minimal);
        QCOMPARE(minimal->suite, QString());
        QCOMPARE(minimal->cases.first().attempts, 1);
        QCOMPARE(minimal->cases.first().status, TestStatus::Skipped);

        // A zone-less time is UTC.
        const auto zoneless =
            TestRun::fromJson(R"({"version":1,"startedAt":"2026-01-02T03:04:05","cases":[]})");
        QVERIFY(zoneless);
        QCOMPARE(zoneless->startedAt.toString(Qt::ISODate), QStringLiteral("2026-01-02T03:04:05Z"));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("messagePart");
        using C = TestRunError::Code;
        QTest::newRow("empty") << QByteArray() << int(C::BadJson) << ""
                               << "invalid JSON";
        QTest::newRow("truncated") << QByteArray(R"({"version":1,"cases":[)") << int(C::BadJson) << ""
                                   << "invalid JSON at offset";
        QTest::newRow("array-top") << QByteArray("[]") << int(C::WrongType) << "$"
                                   << "object at the top level";
        QTest::newRow("no-version") << QByteArray(R"({"cases":[]})") << int(C::MissingField) << "$.version"
                                    << "missing";
        QTest::newRow("version-string")
            << QByteArray(R"({"version":"1","cases":[]})") << int(C::WrongType) << "$.version"
            << "expected a number, got a string";
        QTest::newRow("version-2") << QByteArray(R"({"version":2,"cases":[]})") << int(C::UnsupportedVersion)
                                   << "$.version"
                                   << "newer than the supported version 1";
        QTest::newRow("version-fraction")
            << QByteArray(R"({"version":1.5,"cases":[]})") << int(C::BadValue) << "$.version"
            << "positive integer";
        QTest::newRow("no-cases") << QByteArray(R"({"version":1})") << int(C::MissingField) << "$.cases"
                                  << "missing";
        QTest::newRow("cases-object")
            << QByteArray(R"({"version":1,"cases":{}})") << int(C::WrongType) << "$.cases"
            << "expected an array, got an object";
        QTest::newRow("suite-number") << doc("", R"("suite":5)") << int(C::WrongType) << "$.suite"
                                      << "expected a string, got a number";
        QTest::newRow("bad-date") << doc("", R"("startedAt":"yesterday")") << int(C::BadValue)
                                  << "$.startedAt"
                                  << "'yesterday' is not an ISO 8601 date-time";
        QTest::newRow("case-not-object") << doc("42") << int(C::WrongType) << "$.cases[0]"
                                         << "expected an object, got a number";
        QTest::newRow("no-name") << doc(R"({"status":"passed"})") << int(C::MissingField) << "$.cases[0].name"
                                 << "missing";
        QTest::newRow("empty-name") << doc(R"({"name":"","status":"passed"})") << int(C::BadValue)
                                    << "$.cases[0].name"
                                    << "must not be empty";
        QTest::newRow("bad-status") << doc(R"({"name":"a","status":"passed"},{"name":"b","status":"PASS"})")
                                    << int(C::BadValue) << "$.cases[1].status"
                                    << "got \"PASS\"";
        QTest::newRow("no-status") << doc(R"({"name":"a"})") << int(C::MissingField) << "$.cases[0].status"
                                   << "missing";
        QTest::newRow("negative-duration") << doc(R"({"name":"a","status":"passed","durationSec":-1})")
                                           << int(C::BadValue) << "$.cases[0].durationSec"
                                           << "negative";
        QTest::newRow("duration-string") << doc(R"({"name":"a","status":"passed","durationSec":"1"})")
                                         << int(C::WrongType) << "$.cases[0].durationSec"
                                         << "expected a number";
        QTest::newRow("attempts-zero") << doc(R"({"name":"a","status":"passed","attempts":0})")
                                       << int(C::BadValue) << "$.cases[0].attempts"
                                       << "integer from 1 to 1000";
        QTest::newRow("attempts-fraction") << doc(R"({"name":"a","status":"passed","attempts":1.5})")
                                           << int(C::BadValue) << "$.cases[0].attempts"
                                           << "integer";
        QTest::newRow("attempts-huge") << doc(R"({"name":"a","status":"passed","attempts":1e300})")
                                       << int(C::BadValue) << "$.cases[0].attempts"
                                       << "integer";
        QTest::newRow("flaky-string") << doc(R"({"name":"a","status":"passed","flaky":"yes"})")
                                      << int(C::WrongType) << "$.cases[0].flaky"
                                      << "expected a boolean, got a string";
        QTest::newRow("properties-array") << doc(R"({"name":"a","status":"passed","properties":[]})")
                                          << int(C::WrongType) << "$.cases[0].properties"
                                          << "expected an object";
        QTest::newRow("property-number") << doc(R"({"name":"a","status":"passed","properties":{"n":1}})")
                                         << int(C::WrongType) << "$.cases[0].properties.n"
                                         << "expected a string";
        QTest::newRow("property-key-quoted")
            << doc(R"({"name":"a","status":"passed","properties":{"a b":false}})") << int(C::WrongType)
            << "$.cases[0].properties[\"a b\"]"
            << "expected a string, got a boolean";
        QTest::newRow("metric-no-value")
            << doc(R"({"name":"a","status":"passed","metrics":{"m":{"unit":"s"}}})") << int(C::MissingField)
            << "$.cases[0].metrics.m.value"
            << "missing";
        QTest::newRow("metric-not-object") << doc(R"({"name":"a","status":"passed","metrics":{"m":3}})")
                                           << int(C::WrongType) << "$.cases[0].metrics.m"
                                           << "expected an object";
        QTest::newRow("metric-better")
            << doc(R"({"name":"a","status":"passed","metrics":{"m":{"value":1,"better":"up"}}})")
            << int(C::BadValue) << "$.cases[0].metrics.m.better"
            << "expected \"higher\" or \"lower\"";
        QTest::newRow("duplicate-id")
            << doc(R"({"id":"t","name":"a","status":"passed"},{"id":"t","name":"b","status":"passed"})")
            << int(C::Duplicate) << "$.cases[1].id"
            << "\"t\" occurs more than once";
    }
    void errors()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, code);
        QFETCH(QString, path);
        QFETCH(QString, messagePart);
        TestRunError error;
        QVERIFY(!TestRun::fromJson(json, &error));
        QCOMPARE(int(error.code), code);
        QCOMPARE(error.path, path);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
        QVERIFY(error.toString().startsWith(path));
        QVERIFY(!TestRun::fromJson(json)); // no error out-parameter: still no crash
    }

    void limits_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("messagePart");
        const QByteArray longName(50, 'n');
        QTest::newRow("document") << QByteArray(600, ' ') + "{}"
                                  << ""
                                  << "exceeds the limit of 600 bytes";
        QTest::newRow("cases")
            << doc(R"({"name":"a","status":"passed"},{"name":"b","status":"passed"},{"name":"c","status":"passed"})")
            << "$.cases"
            << "3 cases exceed the limit of 2";
        QTest::newRow("name") << doc("{\"name\":\"" + longName + "\",\"status\":\"passed\"}")
                              << "$.cases[0].name"
                              << "string of 50 characters exceeds the limit of 40";
        QTest::newRow("output") << doc("{\"name\":\"a\",\"status\":\"passed\",\"output\":\"" +
                                       QByteArray(101, 'o') + "\"}")
                                << "$.cases[0].output"
                                << "101 characters exceeds the limit of 100";
        QTest::newRow("properties")
            << doc(R"({"name":"a","status":"passed","properties":{"a":"","b":"","c":""}})")
            << "$.cases[0].properties"
            << "3 properties exceed the limit of 2";
        QTest::newRow("metrics")
            << doc(R"({"name":"a","status":"passed","metrics":{"a":{"value":1},"b":{"value":1},"c":{"value":1}}})")
            << "$.cases[0].metrics"
            << "3 metrics exceed the limit of 2";
    }
    void limits()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, path);
        QFETCH(QString, messagePart);
        TestRunLimits limits;
        limits.maxDocumentBytes = 600;
        limits.maxCases = 2;
        limits.maxNameChars = 40;
        limits.maxOutputChars = 100;
        limits.maxPropertiesPerCase = 2;
        limits.maxMetricsPerCase = 2;
        TestRunError error;
        QVERIFY(!TestRun::fromJson(json, &error, limits));
        QCOMPARE(error.code, TestRunError::Code::TooLarge);
        QCOMPARE(error.path, path);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
    }

    // Control characters and lone surrogates arrive intact in the model; the writers deal with them.
    void hostileStringsSurvive()
    {
        const auto run = TestRun::fromJson(doc(R"({"name":"a\u0000b\u001b\ud800","status":"failed"})"));
        QVERIFY(run);
        QCOMPARE(run->cases.first().name.size(), 5);
        QCOMPARE(run->cases.first().name.at(1), QChar(0));
    }
};

QTEST_GUILESS_MAIN(tst_TestRun)
#include "tst_TestRun.moc"
