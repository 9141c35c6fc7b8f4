#include "StoreContract.h"

#include <QSignalSpy>
#include <QTest>

using namespace accel;

namespace {

QByteArray b(const char *s)
{
    return QByteArray(s);
}

struct Collector
{
    QList<WatchEvent> events;
    void operator()(const QList<WatchEvent> &e) { events += e; }
};

} // namespace

void StoreContract::putBumpsRevisionsAndVersion()
{
    CoordinatorStore *s = freshStore();
    const qint64 r0 = s->revision().value();
    auto r1 = s->put(b("a"), b("1"));
    QVERIFY(r1);
    QCOMPARE(r1.value(), r0 + 1);
    auto kv = s->get(b("a")).value();
    QCOMPARE(kv.value, b("1"));
    QCOMPARE(kv.createRevision, r0 + 1);
    QCOMPARE(kv.modRevision, r0 + 1);
    QCOMPARE(kv.version, 1);
    QCOMPARE(s->put(b("a"), b("2")).value(), r0 + 2);
    kv = s->get(b("a")).value();
    QCOMPARE(kv.value, b("2"));
    QCOMPARE(kv.createRevision, r0 + 1);
    QCOMPARE(kv.modRevision, r0 + 2);
    QCOMPARE(kv.version, 2);
    // A read does not bump the revision; a missing key reads as revision 0.
    QCOMPARE(s->revision().value(), r0 + 2);
    QCOMPARE(s->get(b("missing")).value().createRevision, 0);
    // One transaction with several puts is one revision.
    StoreTxn t;
    t.success = {StoreOp::put(b("x"), b("1")), StoreOp::put(b("y"), b("2"))};
    QCOMPARE(s->txn(t).value().revision, r0 + 3);
    QCOMPARE(s->get(b("x")).value().modRevision, s->get(b("y")).value().modRevision);
}

void StoreContract::rangeHonoursPrefixOrderAndLimit()
{
    CoordinatorStore *s = freshStore();
    for (const char *k : {"/t/3", "/t/1", "/u/1", "/t/2", "/s/9", "/t0"}) {
        QVERIFY(s->put(b(k), b(k)));
    }
    auto all = s->prefix(b("/t/"));
    QVERIFY(all);
    QCOMPARE(all->kvs.size(), 3);
    QCOMPARE(all->kvs[0].key, b("/t/1"));
    QCOMPARE(all->kvs[2].key, b("/t/3"));
    QVERIFY(!all->more);
    auto limited = s->prefix(b("/t/"), 2);
    QCOMPARE(limited->kvs.size(), 2);
    QVERIFY(limited->more);
    auto from = s->range(b("/t/2"), QByteArray(1, '\0'));
    QCOMPARE(from->kvs.size(), 4); // /t/2 /t/3 /t0 /u/1
    auto between = s->range(b("/s"), b("/t/2"));
    QCOMPARE(between->kvs.size(), 2); // /s/9 /t/1
    QCOMPARE(prefixRangeEnd(b("ab")), b("ac"));
    QCOMPARE(prefixRangeEnd(QByteArray("a\xff", 2)), b("b"));
}

void StoreContract::deleteRangeRemovesOnlyTheRange()
{
    CoordinatorStore *s = freshStore();
    for (const char *k : {"/a/1", "/a/2", "/b/1"}) {
        QVERIFY(s->put(b(k), b("v")));
    }
    const qint64 before = s->revision().value();
    QCOMPARE(s->remove(b("/a/"), prefixRangeEnd(b("/a/"))).value(), 2);
    QCOMPARE(s->revision().value(), before + 1);
    QCOMPARE(s->prefix(b("/a/"))->kvs.size(), 0);
    QCOMPARE(s->prefix(b("/b/"))->kvs.size(), 1);
    // Deleting nothing writes nothing.
    QCOMPARE(s->remove(b("/nope")).value(), 0);
    QCOMPARE(s->revision().value(), before + 1);
    // A re-created key starts a new life: version 1, new create revision.
    QVERIFY(s->put(b("/a/1"), b("again")));
    auto kv = s->get(b("/a/1")).value();
    QCOMPARE(kv.version, 1);
    QCOMPARE(kv.createRevision, before + 2);
}

void StoreContract::txnCompares_data()
{
    QTest::addColumn<int>("target");
    QTest::addColumn<int>("op");
    QTest::addColumn<qint64>("number");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("expected");
    using T = StoreCompare::Target;
    using O = StoreCompare::Op;
    // Key "k" is written twice: created at R+1, modified at R+2, version 2, value "v2".
    QTest::newRow("version==2") << int(T::Version) << int(O::Equal) << qint64(2) << QByteArray() << true;
    QTest::newRow("version==1") << int(T::Version) << int(O::Equal) << qint64(1) << QByteArray() << false;
    QTest::newRow("version>1") << int(T::Version) << int(O::Greater) << qint64(1) << QByteArray() << true;
    QTest::newRow("create==R+1") << int(T::CreateRevision) << int(O::Equal) << qint64(1) << QByteArray()
                                 << true;
    QTest::newRow("create!=R+1") << int(T::CreateRevision) << int(O::NotEqual) << qint64(1) << QByteArray()
                                 << false;
    QTest::newRow("mod==R+2") << int(T::ModRevision) << int(O::Equal) << qint64(2) << QByteArray() << true;
    QTest::newRow("mod<R+2") << int(T::ModRevision) << int(O::Less) << qint64(2) << QByteArray() << false;
    QTest::newRow("value==v2") << int(T::Value) << int(O::Equal) << qint64(0) << QByteArray("v2") << true;
    QTest::newRow("value==v1") << int(T::Value) << int(O::Equal) << qint64(0) << QByteArray("v1") << false;
    QTest::newRow("value>v1") << int(T::Value) << int(O::Greater) << qint64(0) << QByteArray("v1") << true;
}

void StoreContract::txnCompares()
{
    QFETCH(int, target);
    QFETCH(int, op);
    QFETCH(qint64, number);
    QFETCH(QByteArray, value);
    QFETCH(bool, expected);
    CoordinatorStore *s = freshStore();
    const qint64 r = s->revision().value();
    QVERIFY(s->put(b("k"), b("v1")));
    QVERIFY(s->put(b("k"), b("v2")));
    StoreCompare c;
    c.key = b("k");
    c.target = StoreCompare::Target(target);
    c.op = StoreCompare::Op(op);
    c.number =
        (c.target == StoreCompare::Target::CreateRevision || c.target == StoreCompare::Target::ModRevision)
            ? r + number
            : number;
    c.value = value;
    StoreTxn t;
    t.compares = {c};
    t.success = {StoreOp::put(b("branch"), b("success")), StoreOp::range(b("k"))};
    t.failure = {StoreOp::put(b("branch"), b("failure")), StoreOp::range(b("k"))};
    auto resp = s->txn(t);
    QVERIFY(resp);
    QCOMPARE(resp->succeeded, expected);
    QCOMPARE(s->get(b("branch")).value().value, expected ? b("success") : b("failure"));
    QCOMPARE(resp->results.size(), 2);
    QCOMPARE(resp->results[1].kvs.size(), 1);
    QCOMPARE(resp->results[1].kvs[0].value, b("v2"));
}

void StoreContract::casClaimsExactlyOnce()
{
    CoordinatorStore *s = freshStore();
    QVERIFY(s->put(b("/task/1"), b("queued")));
    const qint64 seen = s->get(b("/task/1")).value().modRevision;
    int winners = 0;
    for (const char *claimer : {"w-1", "w-2", "w-3"}) {
        StoreTxn t;
        t.compares = {StoreCompare::modRevision(b("/task/1"), StoreCompare::Op::Equal, seen)};
        t.success = {StoreOp::put(b("/task/1"), QByteArray("claimed by ") + claimer)};
        auto r = s->txn(t);
        QVERIFY(r);
        winners += r->succeeded ? 1 : 0;
    }
    QCOMPARE(winners, 1);
    QCOMPARE(s->get(b("/task/1")).value().value, b("claimed by w-1"));
    // create_revision == 0 is "create only if absent".
    StoreTxn create;
    create.compares = {StoreCompare::createRevision(b("/result/1"), StoreCompare::Op::Equal, 0)};
    create.success = {StoreOp::put(b("/result/1"), b("first"))};
    QVERIFY(s->txn(create)->succeeded);
    QVERIFY(!s->txn(create)->succeeded);
    QCOMPARE(s->get(b("/result/1")).value().value, b("first"));
}

void StoreContract::failedTxnWritesNothing()
{
    CoordinatorStore *s = freshStore();
    const qint64 r = s->revision().value();
    StoreTxn t;
    t.success = {StoreOp::put(b("a"), b("1")), StoreOp::put(b("b"), b("2"), /*lease*/ 987654321)};
    auto resp = s->txn(t);
    QVERIFY(!resp);
    QCOMPARE(resp.error().code, StoreErrorCode::LeaseNotFound);
    QCOMPARE(s->revision().value(), r);
    QCOMPARE(s->get(b("a")).value().createRevision, 0);
}

void StoreContract::leaseExpiryDeletesKeysAndNotifiesWatchers()
{
    CoordinatorStore *s = freshStore();
    auto lease = s->grantLease(2000);
    QVERIFY(lease);
    QVERIFY(lease->id > 0);
    QVERIFY(s->put(b("/workers/w-1"), b("alive"), lease->id));
    QVERIFY(s->put(b("/workers/w-2"), b("no lease")));
    Collector seen;
    QObject context;
    QVERIFY(s->watch(b("/workers/"), prefixRangeEnd(b("/workers/")), 0, &context,
                     [&seen](const QList<WatchEvent> &e) { seen(e); }));
    const qint64 ttl = s->leaseTimeToLive(lease->id).value();
    QVERIFY(ttl > 0 && ttl <= 2000);
    advanceLeaseTime(2500);
    QTRY_COMPARE(seen.events.size(), 1);
    QCOMPARE(seen.events[0].type, WatchEvent::Type::Delete);
    QCOMPARE(seen.events[0].kv.key, b("/workers/w-1"));
    QCOMPARE(s->get(b("/workers/w-1")).value().createRevision, 0);
    QCOMPARE(s->get(b("/workers/w-2")).value().value, b("no lease"));
    QCOMPARE(s->keepAlive(lease->id).error().code, StoreErrorCode::LeaseNotFound);
}

void StoreContract::keepAliveExtendsAndRevokedLeaseIsGone()
{
    CoordinatorStore *s = freshStore();
    auto lease = s->grantLease(3000);
    QVERIFY(lease);
    QVERIFY(s->put(b("/leader"), b("me"), lease->id));
    advanceLeaseTime(2000);
    QVERIFY(s->keepAlive(lease->id));
    advanceLeaseTime(2000); // 4 s after grant, 2 s after the keepalive: still alive
    QCOMPARE(s->get(b("/leader")).value().value, b("me"));
    QVERIFY(s->revokeLease(lease->id));
    QCOMPARE(s->get(b("/leader")).value().createRevision, 0);
    QCOMPARE(s->revokeLease(lease->id).error().code, StoreErrorCode::LeaseNotFound);
    QCOMPARE(s->leaseTimeToLive(lease->id).error().code, StoreErrorCode::LeaseNotFound);
}

void StoreContract::watchSeesOnlyItsPrefixInOrder()
{
    CoordinatorStore *s = freshStore();
    Collector seen;
    QObject context;
    auto id = s->watch(b("/tasks/"), prefixRangeEnd(b("/tasks/")), 0, &context,
                       [&seen](const QList<WatchEvent> &e) { seen(e); });
    QVERIFY(id);
    QVERIFY(s->put(b("/tasks/1"), b("a")));
    QVERIFY(s->put(b("/other"), b("x")));
    QVERIFY(s->put(b("/tasks/2"), b("b")));
    QVERIFY(s->remove(b("/tasks/1")));
    QCOMPARE(seen.events.size(), 0); // never synchronous
    QTRY_COMPARE(seen.events.size(), 3);
    QCOMPARE(seen.events[0].kv.key, b("/tasks/1"));
    QCOMPARE(seen.events[1].kv.value, b("b"));
    QCOMPARE(seen.events[2].type, WatchEvent::Type::Delete);
    QVERIFY(seen.events[0].kv.modRevision < seen.events[1].kv.modRevision);
    s->cancelWatch(id.value());
    QVERIFY(s->put(b("/tasks/3"), b("c")));
    QTest::qWait(50); // nothing may arrive after cancel: give a queued delivery the chance to
    QCOMPARE(seen.events.size(), 3);
}

void StoreContract::watchReplaysFromRevision()
{
    CoordinatorStore *s = freshStore();
    QVERIFY(s->put(b("/e/1"), b("one")));
    const qint64 second = s->put(b("/e/2"), b("two")).value();
    QVERIFY(s->put(b("/e/3"), b("three")));
    Collector seen;
    QObject context;
    QVERIFY(s->watch(b("/e/"), prefixRangeEnd(b("/e/")), second, &context,
                     [&seen](const QList<WatchEvent> &e) { seen(e); }));
    QVERIFY(s->put(b("/e/4"), b("four")));
    QTRY_COMPARE(seen.events.size(), 3);
    QCOMPARE(seen.events[0].kv.value, b("two"));
    QCOMPARE(seen.events[2].kv.value, b("four"));
}

void StoreContract::watchBeforeCompactionFails()
{
    CoordinatorStore *s = freshStore();
    const qint64 first = s->put(b("/c/1"), b("1")).value();
    const qint64 second = s->put(b("/c/1"), b("2")).value();
    QVERIFY(s->compact(second));
    QObject context;
    auto w = s->watch(b("/c/"), prefixRangeEnd(b("/c/")), first, &context, [](const QList<WatchEvent> &) {});
    QVERIFY(!w);
    QCOMPARE(w.error().code, StoreErrorCode::Compacted);
    QVERIFY(s->watch(b("/c/"), prefixRangeEnd(b("/c/")), second, &context, [](const QList<WatchEvent> &) {}));
    QVERIFY(!s->compact(second + 100));
}

void StoreContract::stateSurvivesReopen()
{
    CoordinatorStore *s = freshStore();
    QVERIFY(s->put(b("/keep/1"), b("one")));
    const qint64 rev = s->put(b("/keep/2"), b("two")).value();
    auto lease = s->grantLease(60000);
    QVERIFY(lease);
    QVERIFY(s->put(b("/leased"), b("x"), lease->id));
    s = reopenStore();
    QVERIFY(s);
    QCOMPARE(s->revision().value(), rev + 1);
    QCOMPARE(s->get(b("/keep/2")).value().value, b("two"));
    QCOMPARE(s->get(b("/keep/1")).value().modRevision, rev - 1);
    QVERIFY(s->leaseTimeToLive(lease->id));
    QVERIFY(s->keepAlive(lease->id));
    // Revisions keep counting from where they were.
    QCOMPARE(s->put(b("/keep/3"), b("three")).value(), rev + 2);
}

void StoreContract::invalidArgumentsAreRejected()
{
    CoordinatorStore *s = freshStore();
    QCOMPARE(s->put(QByteArray(), b("x")).error().code, StoreErrorCode::InvalidArgument);
    QCOMPARE(s->grantLease(0).error().code, StoreErrorCode::InvalidArgument);
    QCOMPARE(s->grantLease(-5).error().code, StoreErrorCode::InvalidArgument);
    QObject context;
    QVERIFY(!s->watch(QByteArray(), {}, 0, &context, [](const QList<WatchEvent> &) {}));
    QCOMPARE(s->keepAlive(424242).error().code, StoreErrorCode::LeaseNotFound);
}
