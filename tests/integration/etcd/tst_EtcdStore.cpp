// The cluster engineer's CoordinatorStore contract (tests/core/cluster/StoreContract) against
// EtcdStore on a real etcd member, plus etcd-specific checks (fencing, namespaces, failover).
#include "EtcdTestCluster.h"
#include "StoreContract.h"

#include "cluster/etcd/EtcdStore.h"
#include "cluster/etcd/LeaderElection.h"

#include <QTest>

using namespace accel;

class tst_EtcdStore : public StoreContract
{
    Q_OBJECT
private:
    test::EtcdTestCluster m_etcd{1};
    std::unique_ptr<EtcdStore> m_store;
    int m_namespace = 0;

    EtcdStore::Options options() const
    {
        EtcdStore::Options o;
        o.endpoints = const_cast<test::EtcdTestCluster &>(m_etcd)->clientUrls();
        o.keyPrefix = "/contract/" + QByteArray::number(m_namespace) + '/';
        return o;
    }

protected:
    CoordinatorStore *freshStore() override
    {
        if (!m_etcd->size()) {
            QString error;
            if (!accel::test::EtcdTestCluster::etcdInstalled() || !m_etcd.start(&error)) {
                qFatal("etcd could not start: %s", qPrintable(error));
            }
        }
        dropStore();
        ++m_namespace;
        m_store = std::make_unique<EtcdStore>(options());
        return m_store.get();
    }
    CoordinatorStore *reopenStore() override
    {
        m_store = std::make_unique<EtcdStore>(options());
        return m_store.get();
    }
    void advanceLeaseTime(qint64 ms) override
    {
        QTest::qWait(int(ms)); // a real etcd ages leases in real time
    }
    void dropStore() override { m_store.reset(); }

private Q_SLOTS:
    void initTestCase() { ACCEL_START_ETCD(m_etcd); }

    void namespacesAreIsolated()
    {
        EtcdStore::Options a = options();
        a.keyPrefix = "/ns-a/";
        EtcdStore::Options b = options();
        b.keyPrefix = "/ns-b/";
        EtcdStore storeA(a);
        EtcdStore storeB(b);
        QVERIFY(storeA.put("k", "from a"));
        QVERIFY(storeB.put("k", "from b"));
        QCOMPARE(storeA.get("k").value().value, QByteArray("from a"));
        QCOMPARE(storeB.get("k").value().value, QByteArray("from b"));
        // "Every key >= k" stays inside the namespace.
        const auto all = storeA.range("a", QByteArray(1, '\0'));
        QVERIFY(all);
        QCOMPARE(all->kvs.size(), 1);
        QCOMPARE(all->kvs[0].key, QByteArray("k"));
    }

    void fencedStoreRejectsStaleLeader()
    {
        EtcdClient client(m_etcd->clientUrls());
        LeaderElection::Options eo;
        eo.key = "/contract/fence/election";
        eo.candidateId = "store-leader";
        LeaderElection election(&client, eo);
        election.start();
        QTRY_VERIFY_WITH_TIMEOUT(election.isLeader(), 10000);
        EtcdStore store(options());
        store.setFence(&election);
        QVERIFY(store.put("/assign/1", "w-1"));
        election.halt(); // stalls: it is no longer leader, and its key expires with its lease
        const auto r = store.put("/assign/1", "w-2");
        QVERIFY(!r);
        QVERIFY2(r.error().message.startsWith(EtcdStore::fencedErrorPrefix()), qPrintable(r.error().message));
        QCOMPARE(store.get("/assign/1").value().value, QByteArray("w-1"));
        // Ordinary compare failures are still plain succeeded=false, not fence errors.
        LeaderElection next(&client, eo);
        next.start();
        QTRY_VERIFY_WITH_TIMEOUT(next.isLeader(), 10000);
        store.setFence(&next);
        StoreTxn t;
        t.compares = {StoreCompare::valueIs("/assign/1", StoreCompare::Op::Equal, "nope")};
        t.success = {StoreOp::put("/assign/1", "w-3")};
        t.failure = {StoreOp::range("/assign/1")};
        const auto failed = store.txn(t);
        QVERIFY(failed);
        QVERIFY(!failed->succeeded);
        QCOMPARE(failed->results.size(), 1); // the fence's own range is not leaked
        QCOMPARE(failed->results[0].kvs.value(0).value, QByteArray("w-1"));
        QVERIFY(store.put("/assign/1", "w-3"));
    }

    void unreachableClusterGivesIoError()
    {
        EtcdStore::Options o = options();
        o.endpoints = {QStringLiteral("http://127.0.0.1:1")};
        o.timeoutMs = 500;
        EtcdStore store(o);
        const auto r = store.get("k");
        QVERIFY(!r);
        QCOMPARE(r.error().code, StoreErrorCode::Io);
        QVERIFY2(r.error().message.contains(QLatin1String("127.0.0.1:1")), qPrintable(r.error().message));
    }

    void cleanupTestCase() { m_etcd->killAll(); }
};

QTEST_GUILESS_MAIN(tst_EtcdStore)
#include "tst_EtcdStore.moc"
