#include "cluster/SqliteStore.h"

#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVariant>

#include <atomic>

namespace accel {

namespace {

std::atomic<int> s_connectionCounter{0};

bool inRange(const QByteArray &k, const QByteArray &key, const QByteArray &rangeEnd)
{
    if (rangeEnd.isEmpty()) {
        return k == key;
    }
    if (rangeEnd == QByteArray(1, '\0')) {
        return k >= key;
    }
    return k >= key && k < rangeEnd;
}

bool compareNumber(qint64 a, StoreCompare::Op op, qint64 b)
{
    switch (op) {
    case StoreCompare::Op::Equal:
        return a == b;
    case StoreCompare::Op::NotEqual:
        return a != b;
    case StoreCompare::Op::Greater:
        return a > b;
    case StoreCompare::Op::Less:
        return a < b;
    }
    return false;
}

bool compareBytes(const QByteArray &a, StoreCompare::Op op, const QByteArray &b)
{
    switch (op) {
    case StoreCompare::Op::Equal:
        return a == b;
    case StoreCompare::Op::NotEqual:
        return a != b;
    case StoreCompare::Op::Greater:
        return a > b;
    case StoreCompare::Op::Less:
        return a < b;
    }
    return false;
}

KeyValue readKv(const QSqlQuery &q)
{
    KeyValue kv;
    kv.key = q.value(0).toByteArray();
    kv.value = q.value(1).toByteArray();
    kv.createRevision = q.value(2).toLongLong();
    kv.modRevision = q.value(3).toLongLong();
    kv.version = q.value(4).toLongLong();
    kv.lease = q.value(5).toLongLong();
    return kv;
}

} // namespace

struct SqliteStore::Impl
{
    QSqlDatabase db;
    std::unique_ptr<QLockFile> lock;
    std::unique_ptr<QSqlQuery> getOne, rangeOne, rangeFrom, rangeBetween, upsert, delOne, logChange, getMeta,
        setMeta, keysOfLease;
};

SqliteStore::SqliteStore(const QString &path, const Clock *clock, QObject *parent)
    : CoordinatorStore(parent)
    , m_path(path)
    , m_connectionName(QStringLiteral("accel-sqlitestore-%1").arg(s_connectionCounter.fetch_add(1)))
    , m_clock(clock ? clock : Clock::system())
    , d(std::make_unique<Impl>())
    , m_leaseTimer(new QTimer(this))
{
    m_leaseTimer->setInterval(100);
    connect(m_leaseTimer, &QTimer::timeout, this, [this] { checkLeases(); });
}

SqliteStore::~SqliteStore()
{
    close();
}

StoreError SqliteStore::sqlError(const QString &what) const
{
    return {StoreErrorCode::Io, QStringLiteral("%1: %2").arg(what, d->db.lastError().text())};
}

StoreResult<bool> SqliteStore::open()
{
    if (m_open) {
        return true;
    }
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    d->lock = std::make_unique<QLockFile>(m_path + QStringLiteral(".lock"));
    d->lock->setStaleLockTime(0);
    if (!d->lock->tryLock(0)) {
        return StoreError{StoreErrorCode::Io,
                          QStringLiteral("%1 is in use by another process (lock file %1.lock)").arg(m_path)};
    }
    d->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    d->db.setDatabaseName(m_path);
    if (!d->db.open()) {
        return sqlError(QStringLiteral("cannot open %1").arg(m_path));
    }
    QSqlQuery q(d->db);
    const char *setup[] = {
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA busy_timeout=5000",
        "CREATE TABLE IF NOT EXISTS kv(key BLOB PRIMARY KEY, value BLOB NOT NULL, create_rev INTEGER NOT "
        "NULL,"
        " mod_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS kv_lease ON kv(lease) WHERE lease <> 0",
        "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY, ttl_ms INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS changes(rev INTEGER NOT NULL, seq INTEGER NOT NULL, type INTEGER NOT "
        "NULL,"
        " key BLOB NOT NULL, value BLOB, create_rev INTEGER, mod_rev INTEGER, version INTEGER, lease INTEGER,"
        " PRIMARY KEY(rev, seq))",
        "INSERT OR IGNORE INTO meta(name, value) VALUES('revision', 0), ('compact', 0), ('lease_seq', 0)",
    };
    for (const char *sql : setup) {
        if (!q.exec(QString::fromLatin1(sql))) {
            StoreError e = {StoreErrorCode::Io,
                            QStringLiteral("%1: %2").arg(QString::fromLatin1(sql), q.lastError().text())};
            close();
            return e;
        }
    }
    auto prepare = [this](std::unique_ptr<QSqlQuery> &query, const char *sql) {
        query = std::make_unique<QSqlQuery>(d->db);
        return query->prepare(QString::fromLatin1(sql));
    };
    const bool prepared =
        prepare(d->getOne, "SELECT key, value, create_rev, mod_rev, version, lease FROM kv WHERE key = ?") &&
        prepare(d->rangeOne,
                "SELECT key, value, create_rev, mod_rev, version, lease FROM kv WHERE key = ?") &&
        prepare(d->rangeFrom, "SELECT key, value, create_rev, mod_rev, version, lease FROM kv WHERE key >= ? "
                              "ORDER BY key LIMIT ?") &&
        prepare(d->rangeBetween,
                "SELECT key, value, create_rev, mod_rev, version, lease FROM kv WHERE key >= ? "
                "AND key < ? ORDER BY key LIMIT ?") &&
        prepare(d->upsert,
                "INSERT INTO kv(key, value, create_rev, mod_rev, version, lease) VALUES(?, ?, ?, ?, 1, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev, "
                "version = kv.version + 1, lease = excluded.lease RETURNING create_rev, version") &&
        prepare(d->delOne, "DELETE FROM kv WHERE key = ?") &&
        prepare(d->logChange, "INSERT INTO changes(rev, seq, type, key, value, create_rev, mod_rev, version, "
                              "lease) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)") &&
        prepare(d->getMeta, "SELECT value FROM meta WHERE name = ?") &&
        prepare(d->setMeta, "UPDATE meta SET value = ? WHERE name = ?") &&
        prepare(d->keysOfLease,
                "SELECT key, value, create_rev, mod_rev, version, lease FROM kv WHERE lease = ?");
    if (!prepared) {
        StoreError e = sqlError(QStringLiteral("prepare"));
        close();
        return e;
    }
    m_open = true;
    // Leases restart at their full TTL: the old process' deadlines are meaningless now.
    if (q.exec(QStringLiteral("SELECT id, ttl_ms FROM leases"))) {
        const qint64 now = m_clock->nowMs();
        while (q.next()) {
            const qint64 id = q.value(0).toLongLong();
            m_leaseTtlMs.insert(id, q.value(1).toLongLong());
            m_leaseDeadlineMs.insert(id, now + q.value(1).toLongLong());
        }
    }
    if (!m_leaseTtlMs.isEmpty()) {
        m_leaseTimer->start();
    }
    return true;
}

void SqliteStore::close()
{
    if (!d) {
        return;
    }
    m_leaseTimer->stop();
    d->getOne.reset();
    d->rangeOne.reset();
    d->rangeFrom.reset();
    d->rangeBetween.reset();
    d->upsert.reset();
    d->delOne.reset();
    d->logChange.reset();
    d->getMeta.reset();
    d->setMeta.reset();
    d->keysOfLease.reset();
    if (d->db.isValid()) {
        d->db.close();
        d->db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    d->lock.reset();
    m_open = false;
    m_leaseDeadlineMs.clear();
    m_leaseTtlMs.clear();
}

static StoreResult<qint64> metaValue(QSqlQuery &q, const QString &name)
{
    q.bindValue(0, name);
    if (!q.exec() || !q.next()) {
        return StoreError{StoreErrorCode::Io, QStringLiteral("meta %1: %2").arg(name, q.lastError().text())};
    }
    const qint64 v = q.value(0).toLongLong();
    q.finish();
    return v;
}

static bool setMetaValue(QSqlQuery &q, const QString &name, qint64 value)
{
    q.bindValue(0, value);
    q.bindValue(1, name);
    return q.exec();
}

StoreResult<qint64> SqliteStore::revision()
{
    if (!m_open) {
        return StoreError{StoreErrorCode::Closed, QStringLiteral("store is not open")};
    }
    return metaValue(*d->getMeta, QStringLiteral("revision"));
}

StoreResult<RangeResponse> SqliteStore::range(const QByteArray &key, const QByteArray &rangeEnd, qint64 limit)
{
    StoreTxn t;
    t.success.append(StoreOp::range(key, rangeEnd, limit));
    auto r = txn(t);
    if (!r) {
        return r.error();
    }
    RangeResponse resp;
    resp.revision = r->revision;
    resp.kvs = r->results.first().kvs;
    if (limit > 0 && resp.kvs.size() > limit) {
        resp.kvs.resize(limit);
        resp.more = true;
    }
    return resp;
}

StoreResult<TxnResponse> SqliteStore::txn(const StoreTxn &t)
{
    if (!m_open) {
        return StoreError{StoreErrorCode::Closed, QStringLiteral("store is not open")};
    }
    if (t.success.size() + t.failure.size() + t.compares.size() > kMaxOpsPerTxn) {
        return StoreError{StoreErrorCode::InvalidArgument,
                          QStringLiteral("too many operations in one transaction")};
    }
    for (const auto *ops : {&t.success, &t.failure}) {
        for (const StoreOp &op : *ops) {
            if (op.key.isEmpty()) {
                return StoreError{StoreErrorCode::InvalidArgument, QStringLiteral("empty key")};
            }
        }
    }
    bool readOnly = true;
    for (const auto *ops : {&t.success, &t.failure}) {
        for (const StoreOp &op : *ops) {
            readOnly = readOnly && op.type == StoreOp::Type::Range;
        }
    }
    QSqlQuery q(d->db);
    if (!q.exec(readOnly ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"))) {
        return StoreError{StoreErrorCode::Io, QStringLiteral("BEGIN: %1").arg(q.lastError().text())};
    }
    QList<WatchEvent> events;
    auto result = runTxn(t, &events);
    if (!result) {
        q.exec(QStringLiteral("ROLLBACK"));
        return result;
    }
    if (!q.exec(QStringLiteral("COMMIT"))) {
        StoreError e{StoreErrorCode::Io, QStringLiteral("COMMIT: %1").arg(q.lastError().text())};
        q.exec(QStringLiteral("ROLLBACK"));
        return e;
    }
    deliver(events);
    return result;
}

StoreResult<TxnResponse> SqliteStore::runTxn(const StoreTxn &t, QList<WatchEvent> *events)
{
    auto current = metaValue(*d->getMeta, QStringLiteral("revision"));
    if (!current) {
        return current.error();
    }
    const qint64 newRev = current.value() + 1;
    auto getKey = [this](const QByteArray &key, KeyValue *out) -> bool {
        QSqlQuery &g = *d->getOne;
        g.bindValue(0, key);
        if (!g.exec()) {
            return false;
        }
        if (g.next()) {
            *out = readKv(g);
        } else {
            *out = KeyValue{};
            out->key = key;
        }
        g.finish();
        return true;
    };
    auto readRange = [this](const QByteArray &key, const QByteArray &rangeEnd, qint64 limit,
                            QList<KeyValue> *out) -> bool {
        QSqlQuery *r;
        if (rangeEnd.isEmpty()) {
            r = d->rangeOne.get();
            r->bindValue(0, key);
        } else if (rangeEnd == QByteArray(1, '\0')) {
            r = d->rangeFrom.get();
            r->bindValue(0, key);
            r->bindValue(1, limit > 0 ? limit + 1 : -1);
        } else {
            r = d->rangeBetween.get();
            r->bindValue(0, key);
            r->bindValue(1, rangeEnd);
            r->bindValue(2, limit > 0 ? limit + 1 : -1);
        }
        if (!r->exec()) {
            return false;
        }
        while (r->next()) {
            out->append(readKv(*r));
        }
        r->finish();
        return true;
    };

    bool succeeded = true;
    for (const StoreCompare &c : t.compares) {
        KeyValue kv;
        if (!getKey(c.key, &kv)) {
            return sqlError(QStringLiteral("compare read"));
        }
        bool ok = false;
        switch (c.target) {
        case StoreCompare::Target::Version:
            ok = compareNumber(kv.version, c.op, c.number);
            break;
        case StoreCompare::Target::CreateRevision:
            ok = compareNumber(kv.createRevision, c.op, c.number);
            break;
        case StoreCompare::Target::ModRevision:
            ok = compareNumber(kv.modRevision, c.op, c.number);
            break;
        case StoreCompare::Target::Value:
            ok = compareBytes(kv.value, c.op, c.value);
            break;
        }
        if (!ok) {
            succeeded = false;
            break;
        }
    }
    const QList<StoreOp> &ops = succeeded ? t.success : t.failure;
    TxnResponse resp;
    resp.succeeded = succeeded;
    bool wrote = false;
    int seq = 0;
    auto logEvent = [&](WatchEvent::Type type, const KeyValue &kv) -> bool {
        QSqlQuery &l = *d->logChange;
        l.bindValue(0, newRev);
        l.bindValue(1, seq++);
        l.bindValue(2, int(type));
        l.bindValue(3, kv.key);
        l.bindValue(4, kv.value);
        l.bindValue(5, kv.createRevision);
        l.bindValue(6, kv.modRevision);
        l.bindValue(7, kv.version);
        l.bindValue(8, kv.lease);
        if (!l.exec()) {
            return false;
        }
        events->append({type, kv});
        return true;
    };
    for (const StoreOp &op : ops) {
        StoreOpResult opResult;
        switch (op.type) {
        case StoreOp::Type::Range:
            if (!readRange(op.key, op.rangeEnd, op.limit, &opResult.kvs)) {
                return sqlError(QStringLiteral("range"));
            }
            break;
        case StoreOp::Type::Put: {
            if (op.lease != 0 && !m_leaseTtlMs.contains(op.lease)) {
                return StoreError{StoreErrorCode::LeaseNotFound,
                                  QStringLiteral("lease %1 does not exist").arg(op.lease)};
            }
            // One statement: insert, or bump version and mod revision keeping create revision.
            QSqlQuery &u = *d->upsert;
            u.bindValue(0, op.key);
            u.bindValue(1, op.value);
            u.bindValue(2, newRev);
            u.bindValue(3, newRev);
            u.bindValue(4, op.lease);
            if (!u.exec() || !u.next()) {
                return sqlError(QStringLiteral("put"));
            }
            KeyValue kv;
            kv.key = op.key;
            kv.value = op.value;
            kv.createRevision = u.value(0).toLongLong();
            kv.modRevision = newRev;
            kv.version = u.value(1).toLongLong();
            kv.lease = op.lease;
            u.finish();
            if (!logEvent(WatchEvent::Type::Put, kv)) {
                return sqlError(QStringLiteral("put log"));
            }
            wrote = true;
            break;
        }
        case StoreOp::Type::Delete: {
            QList<KeyValue> doomed;
            if (!readRange(op.key, op.rangeEnd, 0, &doomed)) {
                return sqlError(QStringLiteral("delete read"));
            }
            for (const KeyValue &kv : doomed) {
                QSqlQuery &del = *d->delOne;
                del.bindValue(0, kv.key);
                KeyValue tomb;
                tomb.key = kv.key;
                tomb.modRevision = newRev;
                if (!del.exec() || !logEvent(WatchEvent::Type::Delete, tomb)) {
                    return sqlError(QStringLiteral("delete"));
                }
                wrote = true;
            }
            opResult.deleted = doomed.size();
            opResult.kvs = doomed;
            break;
        }
        }
        resp.results.append(opResult);
    }
    if (wrote) {
        if (!setMetaValue(*d->setMeta, QStringLiteral("revision"), newRev)) {
            return sqlError(QStringLiteral("bump revision"));
        }
        if (newRev % 1000 == 0 && newRev > kRetainedRevisions) {
            QSqlQuery c(d->db);
            c.prepare(QStringLiteral("DELETE FROM changes WHERE rev < ?"));
            c.bindValue(0, newRev - kRetainedRevisions);
            if (!c.exec() ||
                !setMetaValue(*d->setMeta, QStringLiteral("compact"), newRev - kRetainedRevisions)) {
                return sqlError(QStringLiteral("auto-compact"));
            }
        }
        resp.revision = newRev;
    } else {
        resp.revision = current.value();
    }
    return resp;
}

void SqliteStore::deliver(const QList<WatchEvent> &events)
{
    if (events.isEmpty()) {
        return;
    }
    for (auto it = m_watches.cbegin(); it != m_watches.cend(); ++it) {
        QList<WatchEvent> mine;
        for (const WatchEvent &e : events) {
            if (inRange(e.kv.key, it->key, it->rangeEnd)) {
                mine.append(e);
            }
        }
        if (mine.isEmpty() || !it->context) {
            continue;
        }
        const qint64 id = it.key();
        QPointer<SqliteStore> self(this);
        QMetaObject::invokeMethod(
            it->context.data(),
            [self, id, mine] {
                if (!self) {
                    return;
                }
                auto w = self->m_watches.constFind(id);
                if (w != self->m_watches.cend()) {
                    const WatchCallback cb = w->callback; // the callback may cancel its own watch
                    cb(mine);
                }
            },
            Qt::QueuedConnection);
    }
}

StoreResult<qint64> SqliteStore::watch(const QByteArray &key, const QByteArray &rangeEnd, qint64 fromRevision,
                                       QObject *context, WatchCallback callback)
{
    if (!m_open) {
        return StoreError{StoreErrorCode::Closed, QStringLiteral("store is not open")};
    }
    if (key.isEmpty() || !context || !callback) {
        return StoreError{StoreErrorCode::InvalidArgument,
                          QStringLiteral("watch needs a key, a context and a callback")};
    }
    const qint64 id = m_nextWatchId++;
    m_watches.insert(id, Watch{key, rangeEnd, context, std::move(callback)});
    if (fromRevision > 0) {
        auto compacted = metaValue(*d->getMeta, QStringLiteral("compact"));
        if (!compacted) {
            m_watches.remove(id);
            return compacted.error();
        }
        if (fromRevision < compacted.value()) {
            m_watches.remove(id);
            return StoreError{StoreErrorCode::Compacted,
                              QStringLiteral("revision %1 is compacted (oldest is %2)")
                                  .arg(fromRevision)
                                  .arg(compacted.value())};
        }
        QSqlQuery q(d->db);
        q.prepare(QStringLiteral("SELECT type, key, value, create_rev, mod_rev, version, lease FROM changes "
                                 "WHERE rev >= ? ORDER BY rev, seq"));
        q.bindValue(0, fromRevision);
        if (!q.exec()) {
            m_watches.remove(id);
            return sqlError(QStringLiteral("watch history"));
        }
        QList<WatchEvent> history;
        while (q.next()) {
            WatchEvent e;
            e.type = WatchEvent::Type(q.value(0).toInt());
            e.kv.key = q.value(1).toByteArray();
            if (!inRange(e.kv.key, key, rangeEnd)) {
                continue;
            }
            e.kv.value = q.value(2).toByteArray();
            e.kv.createRevision = q.value(3).toLongLong();
            e.kv.modRevision = q.value(4).toLongLong();
            e.kv.version = q.value(5).toLongLong();
            e.kv.lease = q.value(6).toLongLong();
            history.append(e);
        }
        if (!history.isEmpty()) {
            QPointer<SqliteStore> self(this);
            QMetaObject::invokeMethod(
                context,
                [self, id, history] {
                    if (!self) {
                        return;
                    }
                    auto w = self->m_watches.constFind(id);
                    if (w != self->m_watches.cend()) {
                        const WatchCallback cb = w->callback;
                        cb(history);
                    }
                },
                Qt::QueuedConnection);
        }
    }
    return id;
}

void SqliteStore::cancelWatch(qint64 watchId)
{
    m_watches.remove(watchId);
}

StoreResult<qint64> SqliteStore::compact(qint64 rev)
{
    auto current = revision();
    if (!current) {
        return current.error();
    }
    if (rev > current.value()) {
        return StoreError{StoreErrorCode::InvalidArgument,
                          QStringLiteral("cannot compact to future revision %1 (current %2)")
                              .arg(rev)
                              .arg(current.value())};
    }
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        return sqlError(QStringLiteral("compact"));
    }
    q.prepare(QStringLiteral("DELETE FROM changes WHERE rev < ?"));
    q.bindValue(0, rev);
    if (!q.exec() || !setMetaValue(*d->setMeta, QStringLiteral("compact"), rev)) {
        QSqlQuery(d->db).exec(QStringLiteral("ROLLBACK"));
        return sqlError(QStringLiteral("compact"));
    }
    if (!QSqlQuery(d->db).exec(QStringLiteral("COMMIT"))) {
        return sqlError(QStringLiteral("compact commit"));
    }
    return rev;
}

StoreResult<Lease> SqliteStore::grantLease(qint64 ttlMs)
{
    if (!m_open) {
        return StoreError{StoreErrorCode::Closed, QStringLiteral("store is not open")};
    }
    if (ttlMs <= 0) {
        return StoreError{StoreErrorCode::InvalidArgument, QStringLiteral("lease TTL must be positive")};
    }
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        return sqlError(QStringLiteral("grant"));
    }
    auto seq = metaValue(*d->getMeta, QStringLiteral("lease_seq"));
    const qint64 id = seq ? seq.value() + 1 : 0;
    QSqlQuery ins(d->db);
    ins.prepare(QStringLiteral("INSERT INTO leases(id, ttl_ms) VALUES(?, ?)"));
    ins.bindValue(0, id);
    ins.bindValue(1, ttlMs);
    if (!seq || !setMetaValue(*d->setMeta, QStringLiteral("lease_seq"), id) || !ins.exec() ||
        !q.exec(QStringLiteral("COMMIT"))) {
        StoreError e = sqlError(QStringLiteral("grant"));
        QSqlQuery(d->db).exec(QStringLiteral("ROLLBACK"));
        return e;
    }
    m_leaseTtlMs.insert(id, ttlMs);
    m_leaseDeadlineMs.insert(id, m_clock->nowMs() + ttlMs);
    m_leaseTimer->start();
    return Lease{id, ttlMs};
}

StoreResult<Lease> SqliteStore::keepAlive(qint64 leaseId)
{
    if (!m_leaseTtlMs.contains(leaseId)) {
        return StoreError{StoreErrorCode::LeaseNotFound, QStringLiteral("lease %1 not found").arg(leaseId)};
    }
    if (m_leaseDeadlineMs.value(leaseId) <= m_clock->nowMs()) {
        checkLeases();
        return StoreError{StoreErrorCode::LeaseNotFound, QStringLiteral("lease %1 expired").arg(leaseId)};
    }
    m_leaseDeadlineMs[leaseId] = m_clock->nowMs() + m_leaseTtlMs.value(leaseId);
    return Lease{leaseId, m_leaseTtlMs.value(leaseId)};
}

StoreResult<qint64> SqliteStore::leaseTimeToLive(qint64 leaseId)
{
    if (!m_leaseTtlMs.contains(leaseId)) {
        return StoreError{StoreErrorCode::LeaseNotFound, QStringLiteral("lease %1 not found").arg(leaseId)};
    }
    return std::max<qint64>(0, m_leaseDeadlineMs.value(leaseId) - m_clock->nowMs());
}

StoreResult<bool> SqliteStore::revokeLocked(qint64 leaseId, QList<WatchEvent> *events)
{
    auto current = metaValue(*d->getMeta, QStringLiteral("revision"));
    if (!current) {
        return current.error();
    }
    QSqlQuery &k = *d->keysOfLease;
    k.bindValue(0, leaseId);
    if (!k.exec()) {
        return sqlError(QStringLiteral("revoke read"));
    }
    QList<QByteArray> keys;
    while (k.next()) {
        keys.append(k.value(0).toByteArray());
    }
    k.finish();
    StoreTxn t;
    for (const QByteArray &key : keys) {
        t.success.append(StoreOp::remove(key));
    }
    if (!t.success.isEmpty()) {
        auto r = runTxn(t, events);
        if (!r) {
            return r.error();
        }
    }
    QSqlQuery del(d->db);
    del.prepare(QStringLiteral("DELETE FROM leases WHERE id = ?"));
    del.bindValue(0, leaseId);
    if (!del.exec()) {
        return sqlError(QStringLiteral("revoke"));
    }
    return true;
}

StoreResult<bool> SqliteStore::revokeLease(qint64 leaseId)
{
    if (!m_open) {
        return StoreError{StoreErrorCode::Closed, QStringLiteral("store is not open")};
    }
    if (!m_leaseTtlMs.contains(leaseId)) {
        return StoreError{StoreErrorCode::LeaseNotFound, QStringLiteral("lease %1 not found").arg(leaseId)};
    }
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        return sqlError(QStringLiteral("revoke"));
    }
    QList<WatchEvent> events;
    auto r = revokeLocked(leaseId, &events);
    if (!r || !q.exec(QStringLiteral("COMMIT"))) {
        QSqlQuery(d->db).exec(QStringLiteral("ROLLBACK"));
        return r ? sqlError(QStringLiteral("revoke commit")) : r;
    }
    m_leaseTtlMs.remove(leaseId);
    m_leaseDeadlineMs.remove(leaseId);
    deliver(events);
    return true;
}

int SqliteStore::checkLeases()
{
    if (!m_open) {
        return 0;
    }
    const qint64 now = m_clock->nowMs();
    QList<qint64> expired;
    for (auto it = m_leaseDeadlineMs.cbegin(); it != m_leaseDeadlineMs.cend(); ++it) {
        if (it.value() <= now) {
            expired.append(it.key());
        }
    }
    int revoked = 0;
    for (qint64 id : expired) {
        auto r = revokeLease(id);
        if (r) {
            ++revoked;
        } else {
            qCWarning(lcCluster) << "lease" << id << "expiry failed:" << r.error().message;
        }
    }
    if (m_leaseTtlMs.isEmpty()) {
        m_leaseTimer->stop();
    }
    return revoked;
}

} // namespace accel
