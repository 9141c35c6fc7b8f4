#include "cluster/ClusterProtocol.h"

#include <QTest>

using namespace accel;

class tst_ClusterProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<int>("type");
        for (int t = int(ClusterMessage::Type::Register); t <= int(ClusterMessage::Type::Capabilities); ++t) {
            QTest::newRow(qPrintable(ClusterProtocol::typeName(ClusterMessage::Type(t)))) << t;
        }
    }

    void roundTrip()
    {
        QFETCH(int, type);
        ClusterMessage m;
        m.type = ClusterMessage::Type(type);
        m.workerId = QStringLiteral("w-1");
        m.capabilities.commandTasks = true;
        m.capabilities.slotCount = 3;
        m.capabilities.labels = {QStringLiteral("gpu")};
        m.capabilities.browsers.append({QStringLiteral("chromium"),
                                        QStringLiteral("/usr/bin/chromium"),
                                        {QStringLiteral("webgpu")},
                                        QStringLiteral("done"),
                                        {}});
        m.capabilities.browsers.append({QStringLiteral("firefox"),
                                        QStringLiteral("/usr/bin/firefox-esr"),
                                        {},
                                        QStringLiteral("failed"),
                                        QStringLiteral("exited with code 1")});
        m.running = {{QStringLiteral("s-1/t1"), 2}};
        m.task = QStringLiteral("s-1/t1");
        m.attempt = 2;
        m.epoch = 7;
        m.heartbeatMs = 250;
        m.spec.id = QStringLiteral("t1");
        m.spec.name = QStringLiteral("t1");
        m.spec.classname = QStringLiteral("unit.protocol");
        m.spec.argv = {QStringLiteral("/bin/echo"), QStringLiteral("hi there")};
        m.spec.env.insert(QStringLiteral("K"), QStringLiteral("V"));
        m.stream = QStringLiteral("stdout");
        m.data = QStringLiteral("line\n");
        m.status = QStringLiteral("failed");
        m.failure = QStringLiteral("timeout");
        m.exitCode = 3;
        m.durationMs = 1234;
        m.output = QStringLiteral("out");
        m.message = QStringLiteral("msg");
        m.artifacts.append({QStringLiteral("junit.xml"), QByteArray("<testsuite/>\0x", 14), false});
        const QByteArray frame = ClusterProtocol::encode(m);
        ClusterMessage back;
        QString error;
        QVERIFY2(ClusterProtocol::decode(frame, &back, &error), qPrintable(error));
        QCOMPARE(int(back.type), type);
        QCOMPARE(ClusterProtocol::encode(back), frame);
        if (m.type == ClusterMessage::Type::Register || m.type == ClusterMessage::Type::Capabilities) {
            QCOMPARE(back.capabilities.browsers.size(), 2);
            QCOMPARE(back.capabilities.browsers[0].features, QStringList{QStringLiteral("webgpu")});
            QCOMPARE(back.capabilities.browsers[1].probe, QStringLiteral("failed"));
            QCOMPARE(back.capabilities.browsers[1].probeError, QStringLiteral("exited with code 1"));
        }
    }

    void rejectsBadFrames_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("nope") << QStringLiteral("JSON");
        QTest::newRow("no version") << QByteArray("{\"type\":\"heartbeat\"}") << QStringLiteral("version");
        QTest::newRow("future version")
            << QByteArray("{\"v\":2,\"type\":\"heartbeat\"}") << QStringLiteral("version");
        QTest::newRow("unknown type")
            << QByteArray("{\"v\":1,\"type\":\"launch\"}") << QStringLiteral("unknown message type");
        QTest::newRow("result no task")
            << QByteArray("{\"v\":1,\"type\":\"result\",\"attempt\":1,\"epoch\":1,\"status\":\"passed\"}")
            << QStringLiteral("task");
        QTest::newRow("result bad status")
            << QByteArray("{\"v\":1,\"type\":\"result\",\"task\":\"s/"
                          "t\",\"attempt\":1,\"epoch\":1,\"status\":\"great\"}")
            << QStringLiteral("status");
        QTest::newRow("attempt zero")
            << QByteArray("{\"v\":1,\"type\":\"started\",\"task\":\"s/t\",\"attempt\":0,\"epoch\":1}")
            << QStringLiteral("attempt");
        QTest::newRow("attempt fraction")
            << QByteArray("{\"v\":1,\"type\":\"ack\",\"task\":\"s/t\",\"attempt\":1.5}")
            << QStringLiteral("attempt");
        QTest::newRow("task injection")
            << QByteArray("{\"v\":1,\"type\":\"ack\",\"task\":\"s/t x;rm\",\"attempt\":1}")
            << QStringLiteral("task");
        QTest::newRow("bad stream") << QByteArray("{\"v\":1,\"type\":\"log\",\"task\":\"s/"
                                                  "t\",\"attempt\":1,\"stream\":\"stdin\",\"data\":\"\"}")
                                    << QStringLiteral("stream");
        QTest::newRow("register no caps") << QByteArray("{\"v\":1,\"type\":\"register\",\"workerId\":\"w\"}")
                                          << QStringLiteral("capabilities");
        QTest::newRow("register bad id")
            << QByteArray("{\"v\":1,\"type\":\"register\",\"workerId\":\"a/b\",\"capabilities\":{}}")
            << QStringLiteral("workerId");
        QTest::newRow("zero slots")
            << QByteArray("{\"v\":1,\"type\":\"register\",\"workerId\":\"w\",\"capabilities\":{\"slots\":0}}")
            << QStringLiteral("slots");
        QTest::newRow("assign no epoch")
            << QByteArray("{\"v\":1,\"type\":\"assign\",\"task\":\"s/"
                          "t\",\"attempt\":1,\"spec\":{\"id\":\"t\",\"argv\":[\"x\"]}}")
            << QStringLiteral("epoch");
        QTest::newRow("assign bad spec")
            << QByteArray("{\"v\":1,\"type\":\"assign\",\"task\":\"s/"
                          "t\",\"attempt\":1,\"epoch\":1,\"spec\":{\"id\":\"t\"}}")
            << QStringLiteral("spec");
        QTest::newRow("bad base64") << QByteArray("{\"v\":1,\"type\":\"result\",\"task\":\"s/"
                                                  "t\",\"attempt\":1,\"epoch\":1,\"status\":\"passed\","
                                                  "\"artifacts\":[{\"name\":\"a\",\"content\":\"!!!\"}]}")
                                    << QStringLiteral("base64");
        QTest::newRow("capabilities no browsers")
            << QByteArray("{\"v\":1,\"type\":\"capabilities\"}") << QStringLiteral("browsers");
        QTest::newRow("capabilities browsers not array")
            << QByteArray("{\"v\":1,\"type\":\"capabilities\",\"browsers\":{}}")
            << QStringLiteral("browsers");
        QTest::newRow("capabilities browser without name")
            << QByteArray("{\"v\":1,\"type\":\"capabilities\",\"browsers\":[{\"features\":[]}]}")
            << QStringLiteral("name");
        QTest::newRow("capabilities feature injection")
            << QByteArray("{\"v\":1,\"type\":\"capabilities\",\"browsers\":[{\"name\":\"chromium\","
                          "\"features\":[\"webgpu command\"]}]}")
            << QStringLiteral("features");
        QTest::newRow("capabilities unknown probe state")
            << QByteArray("{\"v\":1,\"type\":\"capabilities\",\"browsers\":[{\"name\":\"chromium\","
                          "\"probe\":\"maybe\"}]}")
            << QStringLiteral("probe");
        QTest::newRow("capabilities probe error not string")
            << QByteArray("{\"v\":1,\"type\":\"capabilities\",\"browsers\":[{\"name\":\"chromium\","
                          "\"probe\":\"failed\",\"probeError\":[]}]}")
            << QStringLiteral("probeError");
        QTest::newRow("unknown failure") << QByteArray("{\"v\":1,\"type\":\"reject\",\"task\":\"s/"
                                                       "t\",\"attempt\":1,\"epoch\":1,\"failure\":\"meh\"}")
                                         << QStringLiteral("failure");
    }

    void rejectsBadFrames()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, expected);
        ClusterMessage m;
        QString error;
        QVERIFY(!ClusterProtocol::decode(frame, &m, &error));
        QVERIFY2(error.contains(expected, Qt::CaseInsensitive), qPrintable(error));
    }

    void rejectsOversizedFrames()
    {
        QByteArray big = "{\"v\":1,\"type\":\"error\",\"message\":\"";
        big += QByteArray(ClusterProtocol::kMaxFrameBytes, 'a');
        big += "\"}";
        ClusterMessage m;
        QString error;
        QVERIFY(!ClusterProtocol::decode(big, &m, &error));
        QVERIFY(error.contains(QStringLiteral("limit")));
        QByteArray longOutput = "{\"v\":1,\"type\":\"result\",\"task\":\"s/"
                                "t\",\"attempt\":1,\"epoch\":1,\"status\":\"passed\",\"output\":\"";
        longOutput += QByteArray(ClusterProtocol::kMaxOutputBytes + 1, 'a');
        longOutput += "\"}";
        QVERIFY(!ClusterProtocol::decode(longOutput, &m, &error));
    }

    void assignCarriesEpoch()
    {
        const QByteArray fixture = "{\"v\":1,\"type\":\"assign\",\"task\":\"s-1/"
                                   "t\",\"attempt\":3,\"epoch\":42,\"spec\":{\"id\":\"t\",\"argv\":[\"/bin/"
                                   "true\"],\"timeoutMs\":5000,\"priority\":7}}";
        ClusterMessage m;
        QString error;
        QVERIFY2(ClusterProtocol::decode(fixture, &m, &error), qPrintable(error));
        QCOMPARE(m.epoch, 42);
        QCOMPARE(m.attempt, 3);
        QCOMPARE(m.spec.timeoutMs, 5000);
        QCOMPARE(m.spec.priority, 7);
        QCOMPARE(m.spec.argv, QStringList{QStringLiteral("/bin/true")});
    }
};

QTEST_GUILESS_MAIN(tst_ClusterProtocol)
#include "tst_ClusterProtocol.moc"
