// Fixture tests for EtcdCodec. The response fixtures are verbatim answers of etcd 3.4.23's
// HTTP/JSON gateway (captured with curl on this project's machines).
#include "cluster/etcd/EtcdCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace accel;

class tst_EtcdCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void prefixEnd_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<QByteArray>("end");
        QTest::newRow("simple") << QByteArray("/a/") << QByteArray("/a0");
        QTest::newRow("trailing ff") << QByteArray("a\xff", 2) << QByteArray("b");
        QTest::newRow("all ff") << QByteArray("\xff\xff", 2) << QByteArray(1, '\0');
        QTest::newRow("empty = whole keyspace") << QByteArray() << QByteArray(1, '\0');
    }
    void prefixEnd()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, end);
        QCOMPARE(EtcdCodec::prefixEnd(prefix), end);
    }

    void encodePutUsesBase64AndStringInts()
    {
        EtcdPutRequest put;
        put.key = "foo";
        put.value = QByteArray("b\0r", 3);
        put.lease = 1353509916022249225LL;
        const QJsonObject o = QJsonDocument::fromJson(EtcdCodec::encodePut(put)).object();
        QCOMPARE(o.value("key").toString(), QStringLiteral("Zm9v"));
        QCOMPARE(QByteArray::fromBase64(o.value("value").toString().toLatin1()), QByteArray("b\0r", 3));
        QCOMPARE(o.value("lease").toString(), QStringLiteral("1353509916022249225")); // no double rounding
        QVERIFY(!o.contains("prev_kv"));
    }

    void encodeTxnCompares_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("targetName");
        QTest::addColumn<QString>("field");
        QTest::newRow("create") << int(EtcdCompare::Target::Create) << "CREATE"
                                << "create_revision";
        QTest::newRow("mod") << int(EtcdCompare::Target::Mod) << "MOD"
                             << "mod_revision";
        QTest::newRow("version") << int(EtcdCompare::Target::Version) << "VERSION"
                                 << "version";
        QTest::newRow("value") << int(EtcdCompare::Target::Value) << "VALUE"
                               << "value";
        QTest::newRow("lease") << int(EtcdCompare::Target::Lease) << "LEASE"
                               << "lease";
    }
    void encodeTxnCompares()
    {
        QFETCH(int, target);
        QFETCH(QString, targetName);
        QFETCH(QString, field);
        EtcdCompare c = EtcdCompare::createRevision("k", EtcdCompare::Op::NotEqual, 42);
        c.target = EtcdCompare::Target(target);
        c.value = "v";
        EtcdTxnRequest txn;
        txn.compare << c;
        txn.success << EtcdRequestOp(EtcdPutRequest{"k", "v", 0, false});
        txn.failure << EtcdRequestOp(EtcdRangeRequest{"k", {}, 0, 0, false, false, false});
        const QJsonObject o = QJsonDocument::fromJson(EtcdCodec::encodeTxn(txn)).object();
        const QJsonObject cmp = o.value("compare").toArray().at(0).toObject();
        QCOMPARE(cmp.value("target").toString(), targetName);
        QCOMPARE(cmp.value("result").toString(), QStringLiteral("NOT_EQUAL"));
        QVERIFY2(cmp.contains(field), qPrintable(field));
        QVERIFY(o.value("success").toArray().at(0).toObject().contains("request_put"));
        QVERIFY(o.value("failure").toArray().at(0).toObject().contains("request_range"));
    }

    void decodeRangeFixture()
    {
        const QByteArray body =
            "{\"header\":{\"cluster_id\":\"15875391935852295136\",\"member_id\":\"7383792418829112008\","
            "\"revision\":\"2\",\"raft_term\":\"2\"},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\","
            "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}],\"count\":\"1\"}";
        const auto r = EtcdCodec::decodeRange(body);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QCOMPARE(r.value().header.clusterId, Q_UINT64_C(15875391935852295136)); // > int64 max
        QCOMPARE(r.value().header.revision, 2);
        QCOMPARE(r.value().count, 1);
        QCOMPARE(r.value().kvs.size(), 1);
        QCOMPARE(r.value().kvs[0].key, QByteArray("foo"));
        QCOMPARE(r.value().kvs[0].value, QByteArray("bar"));
        QCOMPARE(r.value().kvs[0].lease, 0); // omitted default
    }

    void decodeEmptyRange()
    {
        const auto r = EtcdCodec::decodeRange("{\"header\":{\"revision\":\"2\",\"raft_term\":\"2\"}}");
        QVERIFY(r.ok());
        QVERIFY(r.value().kvs.isEmpty());
        QCOMPARE(r.value().count, 0);
    }

    void decodeTxnFailedWithRange()
    {
        // succeeded:false is omitted by the gateway.
        const QByteArray body =
            "{\"header\":{\"revision\":\"5\",\"raft_term\":\"2\"},\"responses\":[{\"response_range\":{"
            "\"header\":{\"revision\":\"5\"},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_"
            "revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}],\"count\":\"1\"}}]}";
        const auto r = EtcdCodec::decodeTxn(body);
        QVERIFY(r.ok());
        QVERIFY(!r.value().succeeded);
        QCOMPARE(r.value().responses.size(), 1);
        const auto *range = std::get_if<EtcdRangeResponse>(&r.value().responses[0]);
        QVERIFY(range);
        QCOMPARE(range->kvs[0].createRevision, 2);
    }

    void decodeTxnSucceededWithPut()
    {
        const auto r =
            EtcdCodec::decodeTxn("{\"header\":{\"revision\":\"9\"},\"succeeded\":true,\"responses\":[{"
                                 "\"response_put\":{\"header\":{\"revision\":\"9\"}}}]}");
        QVERIFY(r.ok());
        QVERIFY(r.value().succeeded);
        QVERIFY(std::holds_alternative<EtcdPutResponse>(r.value().responses[0]));
    }

    void decodeKeepAlive_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<bool>("gone");
        QTest::addColumn<qint64>("ttl");
        QTest::newRow("alive") << QByteArray("{\"result\":{\"header\":{\"revision\":\"2\"},\"ID\":"
                                             "\"1353509916022249228\",\"TTL\":\"5\"}}")
                               << false << qint64(5);
        QTest::newRow("lost lease: TTL omitted")
            << QByteArray("{\"result\":{\"header\":{\"revision\":\"2\"},\"ID\":\"1353509916022249228\"}}")
            << true << qint64(0);
        QTest::newRow("trailing newline")
            << QByteArray("{\"result\":{\"ID\":\"7\",\"TTL\":\"1\"}}\n") << false << qint64(1);
    }
    void decodeKeepAlive()
    {
        QFETCH(QByteArray, message);
        QFETCH(bool, gone);
        QFETCH(qint64, ttl);
        const auto r = EtcdCodec::decodeLeaseKeepAlive(message);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QCOMPARE(r.value().leaseGone(), gone);
        QCOMPARE(r.value().ttlSeconds, ttl);
    }

    void decodeWatchEvents()
    {
        const QByteArray put = "{\"result\":{\"header\":{\"revision\":\"4\"},\"events\":[{\"kv\":{\"key\":"
                               "\"YTE=\",\"create_revision\":\"3\",\"mod_revision\":\"4\",\"version\":\"2\","
                               "\"value\":\"eQ==\"},\"prev_kv\":{\"key\":\"YTE=\",\"create_revision\":\"3\","
                               "\"mod_revision\":\"3\",\"version\":\"1\",\"value\":\"eA==\"}}]}}";
        auto r = EtcdCodec::decodeWatch(put);
        QVERIFY(r.ok());
        QCOMPARE(r.value().events.size(), 1);
        QCOMPARE(r.value().events[0].type, EtcdWatchEvent::Type::Put); // type omitted = PUT
        QVERIFY(r.value().events[0].prevKv.has_value());
        QCOMPARE(r.value().events[0].prevKv->value, QByteArray("x"));
        const QByteArray del = "{\"result\":{\"header\":{\"revision\":\"5\"},\"events\":[{\"type\":"
                               "\"DELETE\",\"kv\":{\"key\":\"YTE=\",\"mod_revision\":\"5\"}}]}}";
        r = EtcdCodec::decodeWatch(del);
        QVERIFY(r.ok());
        QCOMPARE(r.value().events[0].type, EtcdWatchEvent::Type::Delete);
        QCOMPARE(r.value().events[0].kv.modRevision, 5);
        r = EtcdCodec::decodeWatch("{\"result\":{\"header\":{\"revision\":\"5\"},\"created\":true}}");
        QVERIFY(r.ok());
        QVERIFY(r.value().created);
        QCOMPARE(r.value().watchId, 0); // watch_id 0 is omitted
    }

    void decodeStatusAndMembers()
    {
        const auto s = EtcdCodec::decodeStatus(
            "{\"header\":{\"cluster_id\":\"15875391935852295136\",\"member_id\":\"7383792418829112008\","
            "\"revision\":\"2\",\"raft_term\":\"2\"},\"version\":\"3.4.23\",\"dbSize\":\"20480\",\"leader\":"
            "\"7383792418829112008\",\"raftIndex\":\"7\",\"raftTerm\":\"2\",\"raftAppliedIndex\":\"7\","
            "\"dbSizeInUse\":\"16384\"}");
        QVERIFY(s.ok());
        QCOMPARE(s.value().leader, Q_UINT64_C(7383792418829112008));
        QCOMPARE(s.value().version, QStringLiteral("3.4.23"));
        QCOMPARE(s.value().dbSizeBytes, 20480);
        const auto m = EtcdCodec::decodeMemberList(
            "{\"header\":{},\"members\":[{\"ID\":\"7383792418829112008\",\"name\":\"e1\",\"peerURLs\":["
            "\"http://127.0.0.1:42380\"],\"clientURLs\":[\"http://127.0.0.1:42379\"]}]}");
        QVERIFY(m.ok());
        QCOMPARE(m.value().members.size(), 1);
        QCOMPARE(m.value().members[0].clientUrls, QStringList{QStringLiteral("http://127.0.0.1:42379")});
    }

    void errorBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("code");
        QTest::newRow("lease not found")
            << QByteArray("{\"error\":\"etcdserver: requested lease not found\",\"message\":\"etcdserver: "
                          "requested lease not found\",\"code\":5}")
            << 404 << int(EtcdErrorCode::NotFound);
        QTest::newRow("no leader")
            << QByteArray(
                   "{\"error\":\"etcdserver: no leader\",\"message\":\"etcdserver: no leader\",\"code\":14}")
            << 503 << int(EtcdErrorCode::NoQuorum);
        QTest::newRow("request timed out")
            << QByteArray("{\"error\":\"etcdserver: request timed out\",\"message\":\"etcdserver: request "
                          "timed out\",\"code\":14}")
            << 503 << int(EtcdErrorCode::NoQuorum);
        QTest::newRow("bad json from client")
            << QByteArray("{\"error\":\"unexpected EOF\",\"message\":\"unexpected EOF\",\"code\":3}") << 400
            << int(EtcdErrorCode::InvalidArgument);
        QTest::newRow("html from a proxy")
            << QByteArray("<html>bad gateway</html>") << 502 << int(EtcdErrorCode::Http);
        QTest::newRow("empty") << QByteArray() << 500 << int(EtcdErrorCode::Http);
    }
    void errorBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(int, code);
        const EtcdError e = EtcdCodec::decodeErrorBody(body, status);
        QCOMPARE(int(e.code), code);
        QCOMPARE(e.httpStatus, status);
        QVERIFY(!e.message.isEmpty());
        QVERIFY(e.toString().contains(QString::number(status)));
    }

    void streamErrorObject()
    {
        const auto r =
            EtcdCodec::decodeWatch("{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":\"etcdserver: "
                                   "no leader\",\"http_status\":\"Service Unavailable\"}}");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, EtcdErrorCode::NoQuorum);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("nope");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("revision not a number") << QByteArray("{\"header\":{\"revision\":\"abc\"}}");
        QTest::newRow("revision is bool") << QByteArray("{\"header\":{\"revision\":true}}");
        QTest::newRow("bad base64 key") << QByteArray("{\"kvs\":[{\"key\":\"!!!\"}]}");
        QTest::newRow("kvs not array") << QByteArray("{\"kvs\":{\"key\":\"YQ==\"}}");
        QTest::newRow("kv not object") << QByteArray("{\"kvs\":[5]}");
        QTest::newRow("fractional int") << QByteArray("{\"count\":1.5}");
        QTest::newRow("truncated") << QByteArray("{\"header\":{\"revision\":\"2\"");
    }
    void malformed()
    {
        QFETCH(QByteArray, body);
        const auto r = EtcdCodec::decodeRange(body);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, EtcdErrorCode::Protocol);
        QVERIFY(!r.error().message.isEmpty());
    }

    void streamMessageWithoutResultIsRejected()
    {
        QVERIFY(!EtcdCodec::decodeWatch("{\"header\":{}}").ok());
        QVERIFY(!EtcdCodec::decodeLeaseKeepAlive("{\"result\":5}").ok());
    }

    void oversizeBodyIsRejected()
    {
        QByteArray huge(EtcdCodec::kMaxBodyBytes + 1, ' ');
        const auto r = EtcdCodec::decodeRange(huge);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QLatin1String("limit")));
    }

    void leaseGrantWithoutIdIsAnError()
    {
        QVERIFY(!EtcdCodec::decodeLeaseGrant("{\"header\":{},\"TTL\":\"2\"}").ok());
        const auto g =
            EtcdCodec::decodeLeaseGrant("{\"header\":{},\"ID\":\"1353509916022249225\",\"TTL\":\"2\"}");
        QVERIFY(g.ok());
        QCOMPARE(g.value().id, 1353509916022249225LL);
    }
};

QTEST_GUILESS_MAIN(tst_EtcdCodec)
#include "tst_EtcdCodec.moc"
