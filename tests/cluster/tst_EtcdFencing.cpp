// Fencing, asserted directly on a real 3-member etcd cluster (issue 8). Candidate A is elected and
// writes through its fenced EtcdStore. Then A loses the election key behind its back (its lease
// is revoked, or the key is deleted) and candidate B — running on its own thread, so A's thread
// never gets to notice — is elected with a larger epoch. A still believes it leads when it writes
// again: etcd itself rejects the write (the compare on the election key's create revision fails),
// the store reports a fencing error, and nothing A wrote after losing the key is in etcd.
#include "cluster/etcd/EtcdBlockingClient.h"
#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "cluster/etcd/EtcdProcessCluster.h"
#include "cluster/etcd/EtcdStore.h"
#include "cluster/etcd/LeaderElection.h"
#include "common/Clock.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

namespace {

const QByteArray kElectionKey = QByteArrayLiteral("/fence-test/election/coordinator");
const QByteArray kStatePrefix = QByteArrayLiteral("/fence-test/state");

} // namespace

class tst_EtcdFencing : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<accel::EtcdProcessCluster> m_etcd;

    std::optional<accel::EtcdKeyValue> readKey(const QByteArray &key)
    {
        accel::EtcdBlockingClient client(m_etcd->clientUrls());
        accel::EtcdRangeRequest r;
        r.key = key;
        const auto raw = client.post(QStringLiteral("/v3/kv/range"), accel::EtcdCodec::encodeRange(r), true);
        if (!raw.ok()) {
            return std::nullopt;
        }
        const auto decoded = accel::EtcdCodec::decodeRange(raw.value());
        if (!decoded.ok() || decoded.value().kvs.isEmpty()) {
            return accel::EtcdKeyValue{};
        }
        return decoded.value().kvs.first();
    }

    /// Every key under the state prefix whose value mentions `marker`.
    int keysContaining(const QByteArray &marker)
    {
        accel::EtcdBlockingClient client(m_etcd->clientUrls());
        accel::EtcdRangeRequest r;
        r.key = kStatePrefix;
        r.rangeEnd = accel::EtcdCodec::prefixEnd(kStatePrefix);
        const auto raw = client.post(QStringLiteral("/v3/kv/range"), accel::EtcdCodec::encodeRange(r), true);
        if (!raw.ok()) {
            return -1;
        }
        const auto decoded = accel::EtcdCodec::decodeRange(raw.value());
        if (!decoded.ok()) {
            return -1;
        }
        int n = 0;
        for (const accel::EtcdKeyValue &kv : decoded.value().kvs) {
            n += kv.value.contains(marker) ? 1 : 0;
        }
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (accel::EtcdProcessCluster::findEtcd().isEmpty()) {
            QSKIP("etcd is not installed (Debian: etcd-server)");
        }
        accel::EtcdProcessCluster::Options options;
        options.members = 3;
        m_etcd = std::make_unique<accel::EtcdProcessCluster>(options);
        QString error;
        QVERIFY2(m_etcd->start(&error), qPrintable(error));
    }

    void cleanupTestCase() { m_etcd.reset(); }

    void exLeaderWritesAreRejectedByEtcd_data()
    {
        QTest::addColumn<bool>("revokeLease"); // else: delete the election key, the lease lives on
        QTest::newRow("lease revoked") << true;
        QTest::newRow("key deleted") << false;
    }

    void exLeaderWritesAreRejectedByEtcd()
    {
        QFETCH(bool, revokeLease);
        const QStringList urls = m_etcd->clientUrls();

        // Candidate A on this thread, with its fenced store.
        accel::EtcdClient aClient(urls);
        accel::LeaderElection::Options options;
        options.key = kElectionKey;
        options.ttlSeconds = 2;
        options.retryIntervalMs = 200;
        options.candidateId = QByteArrayLiteral("A");
        accel::LeaderElection a(&aClient, options);
        accel::EtcdStore::Options storeOptions;
        storeOptions.endpoints = urls;
        storeOptions.keyPrefix = kStatePrefix;
        accel::EtcdStore aStore(storeOptions);
        aStore.setFence(&a);
        QSignalSpy aElected(&a, &accel::LeaderElection::elected);
        a.start();
        QVERIFY(aElected.wait(10000));
        const qint64 aEpoch = a.epoch();
        QVERIFY(aEpoch > 0);
        const auto written = aStore.put(QByteArrayLiteral("/x"), QByteArrayLiteral("A-while-leading"));
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
        const auto before = readKey(kStatePrefix + "/x");
        QVERIFY(before && before->value == "A-while-leading");

        // Candidate B on its own thread: it campaigns while this thread is busy.
        QThread bThread;
        auto *bClient = new accel::EtcdClient(urls);
        options.candidateId = QByteArrayLiteral("B");
        auto *b = new accel::LeaderElection(bClient, options, bClient);
        bClient->moveToThread(&bThread);
        bThread.start();
        auto stopB = qScopeGuard([&] {
            QMetaObject::invokeMethod(
                bClient,
                [bClient, b] {
                    b->halt();
                    delete bClient;
                },
                Qt::BlockingQueuedConnection);
            bThread.quit();
            bThread.wait();
        });
        QMetaObject::invokeMethod(
            b, [b] { b->start(); }, Qt::QueuedConnection);

        // From here on, this thread runs no event loop until the fenced write is done: A cannot
        // learn that it lost the key, exactly like a paused or partitioned leader.
        accel::EtcdBlockingClient admin(urls);
        if (revokeLease) {
            QVERIFY(admin
                        .post(QStringLiteral("/v3/lease/revoke"),
                              accel::EtcdCodec::encodeLeaseId(a.leaseId()), false)
                        .ok());
        } else {
            accel::EtcdDeleteRequest del;
            del.key = kElectionKey;
            QVERIFY(
                admin.post(QStringLiteral("/v3/kv/deleterange"), accel::EtcdCodec::encodeDelete(del), false)
                    .ok());
        }
        const qint64 deadlineMs = accel::Clock::system()->nowMs() + 15000;
        std::optional<accel::EtcdKeyValue> key;
        while (accel::Clock::system()->nowMs() < deadlineMs) {
            key = readKey(kElectionKey);
            if (key && key->value == "B") {
                break;
            }
        }
        QVERIFY2(key && key->value == "B", "B was not elected");
        const qint64 bEpoch = key->createRevision;
        QVERIFY(bEpoch > aEpoch);

        QVERIFY2(a.isLeader(), "A must not have noticed yet: the rejection has to come from etcd");
        QCOMPARE(a.epoch(), aEpoch);
        const auto fenced = aStore.put(QByteArrayLiteral("/x"), QByteArrayLiteral("A-after-losing"));
        QVERIFY(!fenced.ok());
        QVERIFY2(fenced.error().message.startsWith(accel::EtcdStore::fencedErrorPrefix()),
                 qPrintable(fenced.error().message));
        QVERIFY2(fenced.error().message.contains(QString::number(aEpoch)),
                 qPrintable(fenced.error().message));
        // A multi-op transaction is rejected as a whole.
        accel::StoreTxn txn;
        txn.success << accel::StoreOp::put(QByteArrayLiteral("/y"), QByteArrayLiteral("A-after-losing"))
                    << accel::StoreOp::remove(QByteArrayLiteral("/x"));
        QVERIFY(!aStore.txn(txn).ok());

        // Nothing of A's after it lost the key is in etcd; the key is exactly as before.
        const auto after = readKey(kStatePrefix + "/x");
        QVERIFY(after.has_value());
        QCOMPARE(after->value, QByteArrayLiteral("A-while-leading"));
        QCOMPARE(after->modRevision, before->modRevision);
        const auto y = readKey(kStatePrefix + "/y");
        QVERIFY(y.has_value());
        QCOMPARE(y->createRevision, 0);
        QCOMPARE(keysContaining("A-after-losing"), 0);
        const auto election = readKey(kElectionKey);
        QVERIFY(election.has_value());
        QCOMPARE(election->createRevision, bEpoch);

        // Given its event loop back, A notices and steps down.
        QSignalSpy steppedDown(&a, &accel::LeaderElection::steppedDown);
        QTRY_VERIFY_WITH_TIMEOUT(!a.isLeader(), 10000);
        QVERIFY(steppedDown.count() >= 1);
        a.halt();
        stopB.dismiss();
        QMetaObject::invokeMethod(
            bClient,
            [bClient, b] {
                b->halt();
                delete bClient;
            },
            Qt::BlockingQueuedConnection);
        bThread.quit();
        bThread.wait();
        // Clean slate for the next row: no election key, no state.
        accel::EtcdDeleteRequest wipe;
        wipe.key = QByteArrayLiteral("/fence-test/");
        wipe.rangeEnd = accel::EtcdCodec::prefixEnd(wipe.key);
        QTRY_VERIFY_WITH_TIMEOUT(
            admin.post(QStringLiteral("/v3/kv/deleterange"), accel::EtcdCodec::encodeDelete(wipe), false)
                .ok(),
            5000);
    }
};

QTEST_GUILESS_MAIN(tst_EtcdFencing)
#include "tst_EtcdFencing.moc"
