#include "cluster/SchedulerBenchmark.h"

#include "cluster/ClusterProtocol.h"
#include "cluster/Coordinator.h"
#include "cluster/SqliteStore.h"
#include "cluster/WorkerLink.h"
#include "common/Clock.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

#include <memory>
#include <vector>

namespace accel {

namespace {

/// An in-process worker: answers every assignment with a passed result on the next event-loop
/// turn, through the same codec as a real worker.
class InProcessWorker final : public WorkerLink
{
public:
    InProcessWorker(Coordinator *c)
        : m_coordinator(c)
    {}
    void sendFrame(const QByteArray &frame) override
    {
        ClusterMessage m;
        QString error;
        if (!ClusterProtocol::decode(frame, &m, &error) || m.type != ClusterMessage::Type::Assign) {
            return;
        }
        ClusterMessage r;
        r.type = ClusterMessage::Type::Result;
        r.task = m.task;
        r.attempt = m.attempt;
        r.epoch = m.epoch;
        r.status = QStringLiteral("passed");
        const QByteArray frameOut = ClusterProtocol::encode(r);
        Coordinator *c = m_coordinator;
        const quint64 id = linkId;
        QMetaObject::invokeMethod(
            c, [c, id, frameOut] { c->frameReceived(id, frameOut); }, Qt::QueuedConnection);
    }
    void closeLink(const QString &) override {}
    quint64 linkId = 0;

private:
    Coordinator *m_coordinator;
};

} // namespace

double SchedulerBenchmark::rawDurableInsertsPerSec(const QString &dbPath, int durationMs, QString *error)
{
    const QString name = QStringLiteral("accel-bench-raw");
    double rate = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dbPath);
        if (!db.open()) {
            *error = db.lastError().text();
            return 0;
        }
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        q.exec(QStringLiteral("PRAGMA synchronous=FULL"));
        q.exec(
            QStringLiteral("CREATE TABLE IF NOT EXISTS raw(id INTEGER PRIMARY KEY, key BLOB, value BLOB)"));
        QSqlQuery ins(db);
        ins.prepare(QStringLiteral("INSERT INTO raw(key, value) VALUES(?, ?)"));
        const QByteArray value(200, 'x'); // about the size of a task record
        const qint64 start = Clock::system()->nowNs();
        qint64 rows = 0;
        while (Clock::system()->nowNs() - start < qint64(durationMs) * 1'000'000) {
            q.exec(QStringLiteral("BEGIN IMMEDIATE"));
            ins.bindValue(0, QByteArray(QByteArray("/raw/") + QByteArray::number(rows)));
            ins.bindValue(1, value);
            if (!ins.exec() || !q.exec(QStringLiteral("COMMIT"))) {
                *error = ins.lastError().text();
                break;
            }
            ++rows;
        }
        rate = double(rows) / (double(Clock::system()->nowNs() - start) / 1e9);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return rate;
}

bool SchedulerBenchmark::run(int queuedTasks, int workers, int slotsPerWorker, const QString &dir, Row *out,
                             QString *error)
{
    QDir().mkpath(dir);
    QFile::remove(QDir(dir).filePath(QStringLiteral("bench.db")));
    QFile::remove(QDir(dir).filePath(QStringLiteral("bench.db-wal")));
    QFile::remove(QDir(dir).filePath(QStringLiteral("bench.db-shm")));
    Row row;
    row.queuedTasks = queuedTasks;
    row.workers = workers;
    {
        SqliteStore store(QDir(dir).filePath(QStringLiteral("bench.db")), Clock::system());
        auto opened = store.open();
        if (!opened) {
            *error = opened.error().message;
            return false;
        }
        CoordinatorConfig config;
        config.tickMs = 50;
        config.suspectAfterMs = 60000;
        config.deadAfterMs = 120000;
        Coordinator coordinator(&store, Clock::system(), config);
        if (!coordinator.start(error)) {
            return false;
        }
        SuiteSpec suite;
        suite.name = QStringLiteral("bench");
        for (int i = 0; i < queuedTasks; ++i) {
            TaskSpec t;
            t.id = QStringLiteral("noop-%1").arg(i);
            t.name = t.id;
            t.classname = QStringLiteral("bench");
            t.argv = {QStringLiteral("true")};
            suite.tasks.append(t);
        }
        const qint64 rev0 = store.revision().value();
        const qint64 t0 = Clock::system()->nowNs();
        coordinator.submitSuite(suite);
        if (!coordinator.flush()) {
            *error = QStringLiteral("submission was not stored");
            return false;
        }
        const qint64 t1 = Clock::system()->nowNs();
        row.submitPerSec = queuedTasks / (double(t1 - t0) / 1e9);

        std::vector<std::unique_ptr<InProcessWorker>> links;
        const qint64 t2 = Clock::system()->nowNs();
        for (int w = 0; w < workers; ++w) {
            auto link = std::make_unique<InProcessWorker>(&coordinator);
            link->linkId = coordinator.linkOpened(link.get());
            ClusterMessage reg;
            reg.type = ClusterMessage::Type::Register;
            reg.workerId = QStringLiteral("bench-%1").arg(w);
            reg.capabilities.commandTasks = true;
            reg.capabilities.slotCount = slotsPerWorker;
            reg.capabilities.cpus = 1;
            links.push_back(std::move(link));
            // Registration triggers scheduling, so the clock (t2) covers it.
            coordinator.frameReceived(links.back()->linkId, ClusterProtocol::encode(reg));
        }
        QEventLoop loop;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (coordinator.unfinishedCount() == 0) {
                loop.quit();
            }
        });
        poll.start(1);
        QTimer::singleShot(300000, &loop, &QEventLoop::quit);
        loop.exec();
        coordinator.flush();
        const qint64 t3 = Clock::system()->nowNs();
        if (coordinator.unfinishedCount() != 0) {
            *error = QStringLiteral("%1 tasks unfinished after 300 s").arg(coordinator.unfinishedCount());
            return false;
        }
        row.assignPerSec = queuedTasks / (double(t3 - t2) / 1e9);
        row.commits = store.revision().value() - rev0;
        for (auto &l : links) {
            coordinator.linkClosed(l->linkId);
        }
    }
    row.rawInsertPerSec = rawDurableInsertsPerSec(QDir(dir).filePath(QStringLiteral("raw.db")), 1500, error);
    QFile::remove(QDir(dir).filePath(QStringLiteral("raw.db")));
    *out = row;
    return row.rawInsertPerSec > 0;
}

} // namespace accel
