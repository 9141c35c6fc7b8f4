// The pure rules of EtcdMembership (no etcd needed): member id parsing, which etcd errors are
// "the cluster is settling" (retried) and which are final, peer URL validation, the
// --initial-cluster string a joining member needs, and the bounded retry of an unreachable cluster.
#include "cluster/etcd/EtcdMembership.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>

using accel::EtcdErrorCode;
using accel::EtcdMembership;

class tst_EtcdMembershipRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void memberIds_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<quint64>("id");
        QTest::newRow("etcdctl hex") << QStringLiteral("8e9e05c52164694d") << true
                                     << quint64(0x8e9e05c52164694dULL);
        QTest::newRow("0x prefix") << QStringLiteral("0xA1") << true << quint64(0xa1);
        QTest::newRow("spaces") << QStringLiteral(" 2a ") << true << quint64(0x2a);
        QTest::newRow("max") << QStringLiteral("ffffffffffffffff") << true << quint64(0xffffffffffffffffULL);
        QTest::newRow("too long") << QStringLiteral("1ffffffffffffffff") << false << quint64(0);
        QTest::newRow("zero") << QStringLiteral("0") << false << quint64(0);
        QTest::newRow("name") << QStringLiteral("etcd-1") << false << quint64(0);
        QTest::newRow("hex-looking name is an id") << QStringLiteral("e1") << true << quint64(0xe1);
        QTest::newRow("empty") << QString() << false << quint64(0);
        QTest::newRow("negative") << QStringLiteral("-5") << false << quint64(0);
    }

    void memberIds()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(quint64, id);
        const auto parsed = EtcdMembership::parseMemberId(text);
        QCOMPARE(parsed.has_value(), valid);
        if (valid) {
            QCOMPARE(*parsed, id);
            QCOMPARE(EtcdMembership::parseMemberId(EtcdMembership::formatMemberId(id)), parsed);
        }
    }

    void retryable_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("retry");
        QTest::newRow("unhealthy") << int(EtcdErrorCode::Unknown)
                                   << QStringLiteral("etcdserver: unhealthy cluster") << true;
        QTest::newRow("not started")
            << int(EtcdErrorCode::InvalidArgument)
            << QStringLiteral("etcdserver: re-configuration failed due to not enough started members")
            << true;
        QTest::newRow("no leader") << int(EtcdErrorCode::NoQuorum) << QStringLiteral("etcdserver: no leader")
                                   << true;
        QTest::newRow("timeout") << int(EtcdErrorCode::Timeout) << QStringLiteral("no answer") << true;
        QTest::newRow("unreachable") << int(EtcdErrorCode::Unreachable) << QStringLiteral("refused") << true;
        QTest::newRow("peer exists") << int(EtcdErrorCode::InvalidArgument)
                                     << QStringLiteral("etcdserver: Peer URLs already exists") << false;
        QTest::newRow("not found") << int(EtcdErrorCode::NotFound)
                                   << QStringLiteral("etcdserver: member not found") << false;
        QTest::newRow("denied") << int(EtcdErrorCode::PermissionDenied) << QStringLiteral("permission denied")
                                << false;
        QTest::newRow("protocol") << int(EtcdErrorCode::Protocol) << QStringLiteral("bad json") << false;
    }

    void retryable()
    {
        QFETCH(int, code);
        QFETCH(QString, message);
        QFETCH(bool, retry);
        accel::EtcdError e;
        e.code = EtcdErrorCode(code);
        e.message = message;
        QCOMPARE(EtcdMembership::isRetryable(e), retry);
    }

    void peerUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("valid");
        QTest::newRow("http") << QStringLiteral("http://127.0.0.1:2380") << true;
        QTest::newRow("https host") << QStringLiteral("https://etcd-4.example:2380") << true;
        QTest::newRow("trailing slash") << QStringLiteral("http://10.0.0.4:2380/") << true;
        QTest::newRow("no port") << QStringLiteral("http://10.0.0.4") << false;
        QTest::newRow("path") << QStringLiteral("http://10.0.0.4:2380/x") << false;
        QTest::newRow("scheme") << QStringLiteral("ftp://10.0.0.4:2380") << false;
        QTest::newRow("query") << QStringLiteral("http://10.0.0.4:2380?a=b") << false;
        QTest::newRow("garbage") << QStringLiteral("not a url") << false;
        QTest::newRow("empty") << QString() << false;
    }

    void peerUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, valid);
        QString error;
        QCOMPARE(EtcdMembership::isValidPeerUrl(url, &error), valid);
        QCOMPARE(error.isEmpty(), valid);
    }

    void initialCluster()
    {
        QList<accel::EtcdMember> members;
        accel::EtcdMember e1;
        e1.id = 1;
        e1.name = QStringLiteral("e1");
        e1.peerUrls = {QStringLiteral("http://a:1")};
        accel::EtcdMember unstarted; // added earlier, never started: no name
        unstarted.id = 2;
        unstarted.peerUrls = {QStringLiteral("http://b:2")};
        accel::EtcdMember fresh; // the one being added
        fresh.id = 3;
        fresh.peerUrls = {QStringLiteral("http://c:3"), QStringLiteral("http://c2:3")};
        members << e1 << unstarted << fresh;
        QCOMPARE(EtcdMembership::initialCluster(members, 3, QStringLiteral("e4")),
                 QStringLiteral("e1=http://a:1,e4=http://c:3,e4=http://c2:3"));
    }

    void unreachableClusterGivesUpAtTheDeadline()
    {
        QTcpServer probe; // a port nobody listens on once the probe is gone
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString dead = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
        probe.close();
        EtcdMembership::Options o;
        o.endpoints = {dead};
        o.timeoutMs = 800;
        o.attemptTimeoutMs = 200;
        EtcdMembership membership(o);
        QElapsedTimer t;
        t.start();
        const auto list = membership.list();
        QVERIFY(!list.ok());
        QCOMPARE(list.error().code, EtcdErrorCode::Unreachable);
        QVERIFY2(t.elapsed() < 5000, "bounded by timeoutMs");
        const auto removed = membership.remove(QStringLiteral("e1"));
        QVERIFY(!removed.ok());
        // Bad arguments are refused before anything is sent.
        QCOMPARE(membership.add(QStringLiteral("http://x"), {}).error().code, EtcdErrorCode::InvalidArgument);
        QCOMPARE(membership.remove(QStringLiteral("  ")).error().code, EtcdErrorCode::InvalidArgument);
        EtcdMembership none(EtcdMembership::Options{});
        QCOMPARE(none.list().error().code, EtcdErrorCode::NoEndpoints);
    }
};

QTEST_GUILESS_MAIN(tst_EtcdMembershipRules)
#include "tst_EtcdMembershipRules.moc"
