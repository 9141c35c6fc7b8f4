#include "resilience/BreakerConfig.h"
#include "resilience/BreakerTypes.h"
#include "resilience/ErrorCategory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace accel;

class tst_BreakerConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsAreValid()
    {
        const BreakerConfig c;
        QCOMPARE(c.validate(), QString());
        QVERIFY(c.countedCategories.contains(ErrorCategory::Timeout));
        QVERIFY(!c.countedCategories.contains(ErrorCategory::Model));
        QVERIFY(!c.countedCategories.contains(ErrorCategory::Cancelled));
    }

    void jsonRoundTrip()
    {
        BreakerConfig c;
        c.windowType = BreakerConfig::WindowType::Time;
        c.windowDurationMs = 30'000;
        c.windowBucketCount = 30;
        c.minimumCalls = 7;
        c.failureRateThreshold = 0.25;
        c.slowCallDurationMs = 1234;
        c.consecutiveFailureThreshold = 4;
        c.countedCategories = {ErrorCategory::Timeout, ErrorCategory::Model};
        c.jitterSeed = 99;
        const QJsonObject json = c.toJson();
        const auto parsed = BreakerConfig::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QVERIFY(parsed.value() == c);
        // Through text too (what an operator's file looks like).
        const QJsonObject reread = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
        QVERIFY(BreakerConfig::fromJson(reread).value() == c);
    }

    void emptyJsonGivesDefaults()
    {
        const auto parsed = BreakerConfig::fromJson(QJsonObject());
        QVERIFY(parsed.ok());
        QVERIFY(parsed.value() == BreakerConfig());
    }

    void badJsonIsRejected_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown key (typo)")
            << QByteArray(R"({"failureRateTreshold":0.5})") << "failureRateTreshold";
        QTest::newRow("window type") << QByteArray(R"({"windowType":"sliding"})") << "windowType";
        QTest::newRow("string for number") << QByteArray(R"({"windowSize":"100"})") << "windowSize";
        QTest::newRow("fractional int") << QByteArray(R"({"minimumCalls":2.5})") << "minimumCalls";
        QTest::newRow("zero window") << QByteArray(R"({"windowSize":0})") << "windowSize";
        QTest::newRow("huge window") << QByteArray(R"({"windowSize":100000000})") << "windowSize";
        QTest::newRow("min calls above window")
            << QByteArray(R"({"windowSize":10,"minimumCalls":11})") << "minimumCalls";
        QTest::newRow("rate zero") << QByteArray(R"({"failureRateThreshold":0})") << "failureRateThreshold";
        QTest::newRow("rate above one")
            << QByteArray(R"({"slowCallRateThreshold":1.5})") << "slowCallRateThreshold";
        QTest::newRow("negative slow duration")
            << QByteArray(R"({"slowCallDurationMs":-1})") << "slowCallDurationMs";
        QTest::newRow("negative consecutive")
            << QByteArray(R"({"consecutiveFailureThreshold":-2})") << "consecutiveFailureThreshold";
        QTest::newRow("cap below base")
            << QByteArray(R"({"openDurationMs":10000,"maxOpenDurationMs":5000})") << "maxOpenDurationMs";
        QTest::newRow("multiplier below one")
            << QByteArray(R"({"openBackoffMultiplier":0.5})") << "openBackoffMultiplier";
        QTest::newRow("jitter one") << QByteArray(R"({"openJitterFraction":1})") << "openJitterFraction";
        QTest::newRow("success above permitted")
            << QByteArray(R"({"halfOpenPermittedCalls":2,"halfOpenSuccessThreshold":3})")
            << "halfOpenSuccessThreshold";
        QTest::newRow("zero max wait") << QByteArray(R"({"halfOpenMaxWaitMs":0})") << "halfOpenMaxWaitMs";
        QTest::newRow("buckets above duration")
            << QByteArray(R"({"windowDurationMs":5,"windowBucketCount":10})") << "windowDurationMs";
        QTest::newRow("categories not array")
            << QByteArray(R"({"countedCategories":"timeout"})") << "countedCategories";
        QTest::newRow("unknown category")
            << QByteArray(R"({"countedCategories":["timeout","gremlins"]})") << "gremlins";
        QTest::newRow("category not string")
            << QByteArray(R"({"countedCategories":[3]})") << "countedCategories";
        QTest::newRow("negative seed") << QByteArray(R"({"jitterSeed":-1})") << "jitterSeed";
        QTest::newRow("more than a year") << QByteArray(R"({"openDecayAfterMs":1e15})") << "openDecayAfterMs";
    }
    void badJsonIsRejected()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QJsonParseError parseError;
        const QJsonObject object = QJsonDocument::fromJson(json, &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        const auto parsed = BreakerConfig::fromJson(object);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().contains(mentions), qPrintable(parsed.error()));
    }

    void categoryNamesRoundTrip()
    {
        const QList<ErrorCategory> all = allErrorCategories();
        QCOMPARE(all.size(), kErrorCategoryCount);
        QSet<QString> names;
        for (ErrorCategory c : all) {
            QVERIFY(int(c) != 0);
            const QString name = toString(c);
            QVERIFY(!name.startsWith(QLatin1String("unknown")));
            names.insert(name);
            QCOMPARE(errorCategoryFromString(name), std::optional<ErrorCategory>(c));
        }
        QCOMPARE(names.size(), kErrorCategoryCount);
        QVERIFY(!errorCategoryFromString(u"Timeout"));
        QVERIFY(!errorCategoryFromString(u""));
        QCOMPARE(toString(ErrorCategory(0)), QStringLiteral("unknown(0)"));
    }

    void originsKeepModelErrorsApart_data()
    {
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("origin");
        QTest::addColumn<bool>("countedByDefault");
        QTest::newRow("connection lost") << "connectionLost"
                                         << "local" << true;
        QTest::newRow("timeout") << "timeout"
                                 << "local" << true;
        QTest::newRow("browser crashed") << "browserCrashed"
                                         << "local" << true;
        QTest::newRow("gpu device lost") << "gpuDeviceLost"
                                         << "local" << true;
        QTest::newRow("out of memory") << "outOfMemory"
                                       << "local" << true;
        QTest::newRow("shader compile") << "shaderCompile"
                                        << "local" << true;
        QTest::newRow("protocol") << "protocol"
                                  << "local" << true;
        QTest::newRow("model") << "model"
                               << "model" << false;
        QTest::newRow("cancelled") << "cancelled"
                                   << "local" << false;
    }
    void originsKeepModelErrorsApart()
    {
        QFETCH(QString, category);
        QFETCH(QString, origin);
        QFETCH(bool, countedByDefault);
        const auto c = errorCategoryFromString(category);
        QVERIFY(c);
        QCOMPARE(toString(originOf(*c)), origin);
        QCOMPARE(errorOriginFromString(origin), std::optional<ErrorOrigin>(originOf(*c)));
        QCOMPARE(ErrorCategorySet::defaultCounted().contains(*c), countedByDefault);
    }

    void stateNamesRoundTrip()
    {
        for (int i = int(BreakerState::Closed); i <= int(BreakerState::MetricsOnly); ++i) {
            const auto s = BreakerState(i);
            QCOMPARE(breakerStateFromString(toString(s)), std::optional<BreakerState>(s));
        }
        QVERIFY(!breakerStateFromString(u"ajar"));
    }
};

QTEST_GUILESS_MAIN(tst_BreakerConfig)
#include "tst_BreakerConfig.moc"
