#include "StoreContract.h"

#include "cluster/SqliteStore.h"
#include "common/Clock.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace accel;

/// The store contract against SqliteStore on a temp file, plus SQLite-specific checks.
class tst_SqliteStore : public StoreContract
{
    Q_OBJECT
protected:
    CoordinatorStore *freshStore() override
    {
        dropStore();
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<SqliteStore>(m_dir->filePath(QStringLiteral("store.db")), &m_clock);
        auto r = m_store->open();
        if (!r) {
            qFatal("open failed: %s", qPrintable(r.error().message));
        }
        return m_store.get();
    }
    CoordinatorStore *reopenStore() override
    {
        const QString path = m_store->path();
        m_store.reset();
        m_store = std::make_unique<SqliteStore>(path, &m_clock);
        return m_store->open() ? m_store.get() : nullptr;
    }
    void advanceLeaseTime(qint64 ms) override
    {
        m_clock.advanceMs(ms);
        m_store->checkLeases();
    }
    void dropStore() override
    {
        m_store.reset();
        m_dir.reset();
    }

private Q_SLOTS:
    void secondProcessCannotOpenTheSameFile()
    {
        freshStore();
        SqliteStore other(m_store->path(), &m_clock);
        auto r = other.open();
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QStringLiteral("in use")));
    }

    void usesWalAndFullSync()
    {
        freshStore();
        QVERIFY(m_store->put("k", "v"));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inspect"));
        db.setDatabaseName(m_store->path());
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
            QVERIFY(q.exec(QStringLiteral("SELECT value FROM meta WHERE name = 'revision'")) && q.next());
            QCOMPARE(q.value(0).toLongLong(), 1);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("inspect"));
    }

    void corruptFileIsAnErrorNotACrash()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        SqliteStore store(path, &m_clock);
        auto r = store.open();
        QVERIFY(!r);
        QCOMPARE(r.error().code, StoreErrorCode::Io);
        QCOMPARE(store.put("k", "v").error().code, StoreErrorCode::Closed);
    }

private:
    ManualClock m_clock;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SqliteStore> m_store;
};

QTEST_GUILESS_MAIN(tst_SqliteStore)
#include "tst_SqliteStore.moc"
