// EtcdClient, EtcdWatch and EtcdLease against one real etcd member on loopback.
#include "EtcdTestCluster.h"

#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "cluster/etcd/EtcdLease.h"
#include "cluster/etcd/EtcdWatch.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace accel;
using accel::test::await;

namespace {

QString deadEndpoint()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()); // closed when we return
}

} // namespace

class tst_EtcdClient : public QObject
{
    Q_OBJECT
private:
    test::EtcdTestCluster m_etcd{1};
    std::unique_ptr<EtcdClient> m_client;

    EtcdResult<EtcdPutResponse> put(EtcdClient &client, const QByteArray &key, const QByteArray &value,
                                    qint64 lease = 0)
    {
        auto r = await<EtcdPutResponse>([&](QObject *c, EtcdClient::Callback<EtcdPutResponse> cb) {
            client.put(EtcdPutRequest{key, value, lease, false}, c, cb);
        });
        if (!r) {
            EtcdError e;
            e.message = QStringLiteral("test wait timed out");
            return e;
        }
        return *r;
    }

    EtcdResult<EtcdRangeResponse> get(EtcdClient &client, const QByteArray &key,
                                      const QByteArray &rangeEnd = {})
    {
        EtcdRangeRequest request;
        request.key = key;
        request.rangeEnd = rangeEnd;
        auto r = await<EtcdRangeResponse>(
            [&](QObject *c, EtcdClient::Callback<EtcdRangeResponse> cb) { client.range(request, c, cb); });
        if (!r) {
            EtcdError e;
            e.message = QStringLiteral("test wait timed out");
            return e;
        }
        return *r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ACCEL_START_ETCD(m_etcd);
        m_client = std::make_unique<EtcdClient>(m_etcd->clientUrls());
    }

    void putRangeRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("text") << QByteArray("/t/rt/a") << QByteArray("hello");
        QTest::newRow("binary") << QByteArray("/t/rt/\x01\xff\x00z", 8) << QByteArray("\x00\x01\x02\xfe", 4);
        QTest::newRow("empty value") << QByteArray("/t/rt/empty") << QByteArray();
        QTest::newRow("1 MiB value") << QByteArray("/t/rt/big") << QByteArray(1024 * 1024, 'x');
    }
    void putRangeRoundTrip()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, value);
        const auto p = put(*m_client, key, value);
        QVERIFY2(p.ok(), qPrintable(p.error().toString()));
        QVERIFY(p.value().header.revision > 0);
        const auto g = get(*m_client, key);
        QVERIFY2(g.ok(), qPrintable(g.error().toString()));
        QCOMPARE(g.value().kvs.size(), 1);
        QCOMPARE(g.value().kvs[0].key, key);
        QCOMPARE(g.value().kvs[0].value, value);
        QCOMPARE(g.value().kvs[0].modRevision, p.value().header.revision);
    }

    void prefixRangeAndDelete()
    {
        for (const char *k : {"/t/pfx/1", "/t/pfx/2", "/t/pfx/3", "/t/pfy"}) {
            QVERIFY(put(*m_client, k, "v").ok());
        }
        const QByteArray prefix = "/t/pfx/";
        auto g = get(*m_client, prefix, EtcdCodec::prefixEnd(prefix));
        QVERIFY(g.ok());
        QCOMPARE(g.value().count, 3);
        EtcdDeleteRequest del;
        del.key = prefix;
        del.rangeEnd = EtcdCodec::prefixEnd(prefix);
        del.prevKv = true;
        const auto d =
            await<EtcdDeleteResponse>([&](QObject *c, EtcdClient::Callback<EtcdDeleteResponse> cb) {
                m_client->deleteRange(del, c, cb);
            });
        QVERIFY(d && d->ok());
        QCOMPARE(d->value().deleted, 3);
        QCOMPARE(d->value().prevKvs.size(), 3);
        g = get(*m_client, prefix, EtcdCodec::prefixEnd(prefix));
        QVERIFY(g.ok());
        QCOMPARE(g.value().kvs.size(), 0);
        QCOMPARE(get(*m_client, "/t/pfy").value().kvs.size(), 1); // outside the prefix: untouched
    }

    void txnCompare_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<int>("op");
        QTest::addColumn<bool>("useActual"); // compare against the key's actual number/value
        QTest::addColumn<bool>("succeeds");
        using T = EtcdCompare::Target;
        using O = EtcdCompare::Op;
        QTest::newRow("mod == actual") << int(T::Mod) << int(O::Equal) << true << true;
        QTest::newRow("mod == stale") << int(T::Mod) << int(O::Equal) << false << false;
        QTest::newRow("create == actual") << int(T::Create) << int(O::Equal) << true << true;
        QTest::newRow("version == actual") << int(T::Version) << int(O::Equal) << true << true;
        QTest::newRow("version > stale") << int(T::Version) << int(O::Greater) << false << true;
        QTest::newRow("value == actual") << int(T::Value) << int(O::Equal) << true << true;
        QTest::newRow("value == other") << int(T::Value) << int(O::Equal) << false << false;
        QTest::newRow("value != other") << int(T::Value) << int(O::NotEqual) << false << true;
    }
    void txnCompare()
    {
        QFETCH(int, target);
        QFETCH(int, op);
        QFETCH(bool, useActual);
        QFETCH(bool, succeeds);
        const QByteArray key = "/t/txn/" + QByteArray(QTest::currentDataTag()).toHex();
        QVERIFY(put(*m_client, key, "one").ok());
        QVERIFY(put(*m_client, key, "two").ok());
        const EtcdKeyValue kv = get(*m_client, key).value().kvs.value(0);
        QCOMPARE(kv.version, 2);
        EtcdCompare c = EtcdCompare::createRevision(key, EtcdCompare::Op(op), 0);
        c.target = EtcdCompare::Target(target);
        switch (c.target) {
        case EtcdCompare::Target::Mod:
            c.number = useActual ? kv.modRevision : kv.modRevision - 1;
            break;
        case EtcdCompare::Target::Create:
            c.number = useActual ? kv.createRevision : kv.createRevision + 1;
            break;
        case EtcdCompare::Target::Version:
            c.number = useActual ? kv.version : kv.version - 1;
            break;
        case EtcdCompare::Target::Value:
            c.value = useActual ? kv.value : QByteArray("one");
            break;
        case EtcdCompare::Target::Lease:
            break;
        }
        EtcdTxnRequest txn;
        txn.compare << c;
        txn.success << EtcdRequestOp(EtcdPutRequest{key, "won", 0, false});
        txn.failure << EtcdRequestOp(EtcdRangeRequest{key, {}, 0, 0, false, false, false});
        const auto r = await<EtcdTxnResponse>(
            [&](QObject *ctx, EtcdClient::Callback<EtcdTxnResponse> cb) { m_client->txn(txn, ctx, cb); });
        QVERIFY(r && r->ok());
        QCOMPARE(r->value().succeeded, succeeds);
        QCOMPARE(get(*m_client, key).value().kvs.value(0).value,
                 succeeds ? QByteArray("won") : QByteArray("two"));
        if (!succeeds) {
            QVERIFY(std::holds_alternative<EtcdRangeResponse>(r->value().responses.value(0)));
        }
    }

    void casCreateIsExclusive()
    {
        // Five racing "create if absent" txns: exactly one wins.
        const QByteArray key = "/t/cas/claim";
        int won = 0;
        int lost = 0;
        QObject ctx;
        for (int i = 0; i < 5; ++i) {
            EtcdTxnRequest txn;
            txn.compare << EtcdCompare::absent(key);
            txn.success << EtcdRequestOp(EtcdPutRequest{key, QByteArray::number(i), 0, false});
            m_client->txn(txn, &ctx, [&](const EtcdResult<EtcdTxnResponse> &r) {
                if (r.ok()) {
                    (r.value().succeeded ? won : lost)++;
                }
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(won + lost, 5, 10000);
        QCOMPARE(won, 1);
    }

    void leaseLifecycle()
    {
        const auto g =
            await<EtcdLeaseGrantResponse>([&](QObject *c, EtcdClient::Callback<EtcdLeaseGrantResponse> cb) {
                m_client->leaseGrant(5, c, cb);
            });
        QVERIFY(g && g->ok());
        const qint64 id = g->value().id;
        QCOMPARE(g->value().ttlSeconds, 5);
        QVERIFY(put(*m_client, "/t/lease/k", "v", id).ok());
        auto k = await<EtcdLeaseKeepAliveResponse>(
            [&](QObject *c, EtcdClient::Callback<EtcdLeaseKeepAliveResponse> cb) {
                m_client->leaseKeepAlive(id, c, cb);
            });
        QVERIFY(k && k->ok());
        QVERIFY(!k->value().leaseGone());
        QCOMPARE(k->value().ttlSeconds, 5);
        auto t = await<EtcdLeaseTimeToLiveResponse>(
            [&](QObject *c, EtcdClient::Callback<EtcdLeaseTimeToLiveResponse> cb) {
                m_client->leaseTimeToLive(id, true, c, cb);
            });
        QVERIFY(t && t->ok());
        QCOMPARE(t->value().grantedTtlSeconds, 5);
        QCOMPARE(t->value().keys, QList<QByteArray>{"/t/lease/k"});

        const auto rv =
            await<EtcdLeaseRevokeResponse>([&](QObject *c, EtcdClient::Callback<EtcdLeaseRevokeResponse> cb) {
                m_client->leaseRevoke(id, c, cb);
            });
        QVERIFY(rv && rv->ok());
        QCOMPARE(get(*m_client, "/t/lease/k").value().kvs.size(), 0); // revoke deleted the key
        // The trap: a keepalive on a lost lease is a 200 without TTL.
        k = await<EtcdLeaseKeepAliveResponse>(
            [&](QObject *c, EtcdClient::Callback<EtcdLeaseKeepAliveResponse> cb) {
                m_client->leaseKeepAlive(id, c, cb);
            });
        QVERIFY(k && k->ok());
        QVERIFY(k->value().leaseGone());
        t = await<EtcdLeaseTimeToLiveResponse>(
            [&](QObject *c, EtcdClient::Callback<EtcdLeaseTimeToLiveResponse> cb) {
                m_client->leaseTimeToLive(id, false, c, cb);
            });
        QVERIFY(t && t->ok());
        QCOMPARE(t->value().ttlSeconds, -1);
        // Writing with a dead lease is refused with a clear NotFound.
        const auto p = put(*m_client, "/t/lease/k2", "v", id);
        QVERIFY(!p.ok());
        QCOMPARE(p.error().code, EtcdErrorCode::NotFound);
        QVERIFY2(p.error().message.contains(QLatin1String("lease not found")),
                 qPrintable(p.error().toString()));
    }

    void leaseKeeperKeepsAndLoses()
    {
        EtcdLease lease(m_client.get(), 1);
        QSignalSpy granted(&lease, &EtcdLease::granted);
        QSignalSpy renewed(&lease, &EtcdLease::renewed);
        QSignalSpy lost(&lease, &EtcdLease::lost);
        lease.grant();
        QVERIFY(granted.wait(5000));
        QVERIFY(put(*m_client, "/t/keeper/k", "v", lease.id()).ok());
        // Alive well past its 1 s TTL thanks to keepalives.
        QTRY_VERIFY_WITH_TIMEOUT(renewed.count() >= 8, 5000);
        QVERIFY(lease.isValid());
        QCOMPARE(get(*m_client, "/t/keeper/k").value().kvs.size(), 1);
        // Someone else revokes it: the next keepalive reports it gone.
        QVERIFY(
            await<EtcdLeaseRevokeResponse>([&](QObject *c, EtcdClient::Callback<EtcdLeaseRevokeResponse> cb) {
                m_client->leaseRevoke(lease.id(), c, cb);
            })->ok());
        QVERIFY(lost.wait(3000));
        QVERIFY(!lease.isValid());
    }

    void leaseExpiresWithoutKeepalives()
    {
        EtcdLease lease(m_client.get(), 1);
        QSignalSpy granted(&lease, &EtcdLease::granted);
        lease.grant();
        QVERIFY(granted.wait(5000));
        QVERIFY(put(*m_client, "/t/expire/k", "v", lease.id()).ok());
        EtcdWatchCreateRequest w;
        w.key = "/t/expire/k";
        EtcdWatch *watch = m_client->watch(w, this);
        QSignalSpy created(watch, &EtcdWatch::created);
        QSignalSpy events(watch, &EtcdWatch::events);
        QVERIFY(created.wait(5000));
        QElapsedTimer timer;
        timer.start();
        lease.halt(); // a crashed holder
        QVERIFY(events.wait(5000));
        const auto list = events.first().first().value<QList<EtcdWatchEvent>>();
        QCOMPARE(list.first().type, EtcdWatchEvent::Type::Delete);
        qInfo("key of a 1 s lease deleted %lld ms after keepalives stopped", qint64(timer.elapsed()));
        QVERIFY(timer.elapsed() < 3000);
        delete watch;
    }

    void watchDeliversPrefixEventsInOrder()
    {
        EtcdWatchCreateRequest w;
        w.key = "/t/watch/";
        w.rangeEnd = EtcdCodec::prefixEnd(w.key);
        w.prevKv = true;
        EtcdWatch watch(m_client.get(), w);
        QSignalSpy created(&watch, &EtcdWatch::created);
        QVERIFY(created.wait(5000));
        QList<EtcdWatchEvent> seen;
        connect(&watch, &EtcdWatch::events, this,
                [&seen](const QList<EtcdWatchEvent> &events, qint64) { seen += events; });
        QVERIFY(put(*m_client, "/t/watch/a", "1").ok());
        QVERIFY(put(*m_client, "/t/watch/a", "2").ok());
        QVERIFY(put(*m_client, "/t/other", "x").ok()); // outside the prefix
        EtcdDeleteRequest del;
        del.key = "/t/watch/a";
        QVERIFY(await<EtcdDeleteResponse>([&](QObject *c, EtcdClient::Callback<EtcdDeleteResponse> cb) {
                    m_client->deleteRange(del, c, cb);
                })->ok());
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 3, 5000);
        QCOMPARE(seen[0].kv.value, QByteArray("1"));
        QCOMPARE(seen[1].kv.value, QByteArray("2"));
        QCOMPARE(seen[1].prevKv->value, QByteArray("1"));
        QCOMPARE(seen[2].type, EtcdWatchEvent::Type::Delete);
        QVERIFY(seen[0].kv.modRevision < seen[1].kv.modRevision);
    }

    void statusAndMembers()
    {
        const auto s = await<EtcdStatusResponse>(
            [&](QObject *c, EtcdClient::Callback<EtcdStatusResponse> cb) { m_client->status(c, cb); });
        QVERIFY(s && s->ok());
        QVERIFY(s->value().version.startsWith(QLatin1String("3.")));
        QCOMPARE(s->value().leader, s->value().header.memberId); // one member leads itself
        QVERIFY(s->value().raftTerm > 0);
        const auto m =
            await<EtcdMemberListResponse>([&](QObject *c, EtcdClient::Callback<EtcdMemberListResponse> cb) {
                m_client->memberList(c, cb);
            });
        QVERIFY(m && m->ok());
        QCOMPARE(m->value().members.size(), 1);
        QCOMPARE(m->value().members[0].clientUrls.value(0), m_etcd->clientUrl(0));
    }

    void failsOverFromDeadEndpoint()
    {
        const QString dead = deadEndpoint();
        EtcdClient client({dead, m_etcd->clientUrl(0)});
        QSignalSpy changed(&client, &EtcdClient::endpointChanged);
        const auto g = get(client, "/t/rt/a");
        QVERIFY2(g.ok(), qPrintable(g.error().toString()));
        QCOMPARE(client.currentEndpoint(), m_etcd->clientUrl(0));
        QCOMPARE(changed.count(), 1);
        // A write is retried too when the connection was refused (it cannot have been applied).
        EtcdClient writer({dead, m_etcd->clientUrl(0)});
        QVERIFY(put(writer, "/t/failover/w", "v").ok());
    }

    void allEndpointsDeadGivesClearError()
    {
        EtcdClient client({deadEndpoint(), deadEndpoint()});
        client.setTimeoutMs(1000);
        QElapsedTimer timer;
        timer.start();
        const auto g = get(client, "/t/x");
        QVERIFY(!g.ok());
        QCOMPARE(g.error().code, EtcdErrorCode::Unreachable);
        QVERIFY2(g.error().toString().contains(QLatin1String("127.0.0.1")), qPrintable(g.error().toString()));
        QVERIFY(timer.elapsed() < 3000);
        EtcdClient none(QStringList{});
        QCOMPARE(get(none, "/t/x").error().code, EtcdErrorCode::NoEndpoints);
    }

    void stoppedMemberTimesOut()
    {
        EtcdClient client(m_etcd->clientUrls());
        client.setTimeoutMs(800);
        client.setAttemptTimeoutMs(300);
        m_etcd->stop(0);
        const auto g = get(client, "/t/x");
        m_etcd->resume(0);
        QVERIFY(!g.ok());
        QCOMPARE(g.error().code, EtcdErrorCode::Timeout);
        QVERIFY(get(client, "/t/x").ok()); // back after SIGCONT
    }

    void watchResumesAcrossMemberRestart()
    {
        EtcdWatchCreateRequest w;
        w.key = "/t/resume/";
        w.rangeEnd = EtcdCodec::prefixEnd(w.key);
        EtcdWatch watch(m_client.get(), w);
        watch.setLivenessIntervalMs(200);
        QSignalSpy created(&watch, &EtcdWatch::created);
        QVERIFY(created.wait(5000));
        QList<QByteArray> values;
        connect(&watch, &EtcdWatch::events, this, [&values](const QList<EtcdWatchEvent> &events, qint64) {
            for (const auto &e : events) {
                values << e.kv.value;
            }
        });
        QVERIFY(put(*m_client, "/t/resume/k", "before").ok());
        QTRY_COMPARE_WITH_TIMEOUT(values.size(), 1, 5000);
        QString error;
        m_etcd->kill(0);
        QVERIFY2(m_etcd->restart(0, &error), qPrintable(error));
        QVERIFY(put(*m_client, "/t/resume/k", "after").ok());
        QTRY_COMPARE_WITH_TIMEOUT(values.size(), 2, 10000);
        QCOMPARE(values, (QList<QByteArray>{"before", "after"})); // no loss, no duplicate
    }

    void cleanupTestCase() { m_etcd->killAll(); }
};

QTEST_GUILESS_MAIN(tst_EtcdClient)
#include "tst_EtcdClient.moc"
