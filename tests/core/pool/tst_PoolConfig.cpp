#include "pool/PoolConfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace accel;

class tst_PoolConfig : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        const PoolConfig c;
        QVERIFY2(c.validate().isEmpty(), qPrintable(c.validate()));
        QCOMPARE(c.limitsFor(HostKind::Embedded).minHosts, 2);
        QCOMPARE(c.limitsFor(HostKind::Chromium).minHosts, 0);
        QCOMPARE(c.updateIntervalMs, 100);
        QCOMPARE(c.historyMs, 600'000);
        QCOMPARE(c.weightLimitBytes, qint64(0)); // no cap: the runtime's defaults
    }

    void roundTrip()
    {
        PoolConfig c;
        c.limits[HostKind::Firefox] = {1, 3};
        c.warmSpares = 2;
        c.restartBackoffMultiplier = 1.5;
        c.breaker.consecutiveFailureThreshold = 4;
        c.weightLimitBytes = 3 * 1024 * 1024 + 5;
        const ValueOrError<PoolConfig> back = PoolConfig::fromJson(c.toJson());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back.value(), c);
        // Through text too (numbers travel as doubles).
        const QJsonObject reparsed = QJsonDocument::fromJson(QJsonDocument(c.toJson()).toJson()).object();
        QCOMPARE(PoolConfig::fromJson(reparsed).value(), c);
    }

    void partialKeepsDefaults()
    {
        const auto r = PoolConfig::fromJson(QJsonObject{
            {QStringLiteral("limits"),
             QJsonObject{{QStringLiteral("chromium"), QJsonObject{{QStringLiteral("min"), 1}}}}},
        });
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->limitsFor(HostKind::Chromium).minHosts, 1);
        QCOMPARE(r->limitsFor(HostKind::Chromium).maxHosts, 4);
        QCOMPARE(r->limitsFor(HostKind::Embedded).minHosts, 2);
    }

    void weightLimit_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("bytes");
        QTest::newRow("absent") << QByteArray("{}") << qint64(0);
        QTest::newRow("zero = runtime default") << QByteArray(R"({"weightLimitBytes": 0})") << qint64(0);
        QTest::newRow("1 MiB") << QByteArray(R"({"weightLimitBytes": 1048576})") << qint64(1048576);
        QTest::newRow("64 GiB") << QByteArray(R"({"weightLimitBytes": 68719476736})") << qint64(68719476736);
        QTest::newRow("2^53-1") << QByteArray(R"({"weightLimitBytes": 9007199254740991})")
                                << qint64(9007199254740991);
    }
    void weightLimit()
    {
        QFETCH(QByteArray, json);
        QFETCH(qint64, bytes);
        const ValueOrError<PoolConfig> r = PoolConfig::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->weightLimitBytes, bytes);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("unknown key") << QByteArray(R"({"warmSpare": 1})") << "unknown key";
        QTest::newRow("wrong type") << QByteArray(R"({"warmSpares": "2"})") << "warmSpares";
        QTest::newRow("fraction") << QByteArray(R"({"maxRestarts": 1.5})") << "integer";
        QTest::newRow("negative spares") << QByteArray(R"({"warmSpares": -1})") << "warmSpares";
        QTest::newRow("unknown kind") << QByteArray(R"({"limits": {"safari": {"min": 1}}})") << "safari";
        QTest::newRow("min > max") << QByteArray(R"({"limits": {"embedded": {"min": 5, "max": 2}}})")
                                   << "min";
        QTest::newRow("limits not object") << QByteArray(R"({"limits": [1]})") << "limits";
        QTest::newRow("limit key") << QByteArray(R"({"limits": {"edge": {"minimum": 1}}})") << "minimum";
        QTest::newRow("multiplier < 1")
            << QByteArray(R"({"restartBackoffMultiplier": 0.5})") << "restartBackoffMultiplier";
        QTest::newRow("backoff cap") << QByteArray(R"({"restartBackoffMs": 5000, "maxRestartBackoffMs": 10})")
                                     << "maxRestartBackoffMs";
        QTest::newRow("update too fast") << QByteArray(R"({"updateIntervalMs": 1})") << "updateIntervalMs";
        QTest::newRow("zero idle") << QByteArray(R"({"idleTimeoutMs": 0})") << "idleTimeoutMs";
        QTest::newRow("bad breaker") << QByteArray(R"({"breaker": {"windowSize": 0}})") << "breaker";
        QTest::newRow("weight cap negative")
            << QByteArray(R"({"weightLimitBytes": -1})") << "weightLimitBytes";
        QTest::newRow("weight cap below 1 MiB")
            << QByteArray(R"({"weightLimitBytes": 1048575})") << "weightLimitBytes";
        QTest::newRow("weight cap fraction") << QByteArray(R"({"weightLimitBytes": 2097152.5})") << "integer";
        QTest::newRow("weight cap string")
            << QByteArray(R"({"weightLimitBytes": "4 MiB"})") << "weightLimitBytes";
        QTest::newRow("weight cap above 2^53")
            << QByteArray(R"({"weightLimitBytes": 9007199254740993})") << "weightLimitBytes";
        QTest::newRow("breaker not object") << QByteArray(R"({"breaker": true})") << "breaker";
    }
    void rejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, errorPart);
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
        QCOMPARE(pe.error, QJsonParseError::NoError);
        const ValueOrError<PoolConfig> r = PoolConfig::fromJson(doc.object());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(errorPart), qPrintable(r.error()));
    }
};

QTEST_GUILESS_MAIN(tst_PoolConfig)
#include "tst_PoolConfig.moc"
