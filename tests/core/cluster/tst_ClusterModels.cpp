#include "LocalCluster.h"

#include "cluster/ClusterClient.h"
#include "cluster/ClusterConnection.h"
#include "cluster/ClusterSuitesModel.h"
#include "cluster/ClusterTasksModel.h"
#include "cluster/ClusterWorkersModel.h"
#include "common/Clock.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace accel;
using accel::test::LocalCluster;

namespace {

using State = ClusterConnection::State;
using Error = ClusterConnection::Error;
using Op = ClusterConnection::Operation;

/// One connection with its three models, each watched by QAbstractItemModelTester.
struct Console
{
    explicit Console(const ClusterConnection::Options &options = {})
        : connection(options)
        , workers(&connection)
        , suites(&connection)
        , tasks(&connection)
        , workersTester(&workers, QAbstractItemModelTester::FailureReportingMode::QtTest)
        , suitesTester(&suites, QAbstractItemModelTester::FailureReportingMode::QtTest)
        , tasksTester(&tasks, QAbstractItemModelTester::FailureReportingMode::QtTest)
    {}
    ClusterConnection connection;
    ClusterWorkersModel workers;
    ClusterSuitesModel suites;
    ClusterTasksModel tasks;
    QAbstractItemModelTester workersTester;
    QAbstractItemModelTester suitesTester;
    QAbstractItemModelTester tasksTester;
};

/// Waits for the answer to operation `id`.
ClusterConnection::Reply waitReply(ClusterConnection &c, quint64 id, int timeoutMs = 15000)
{
    ClusterConnection::Reply found;
    bool done = false;
    QObject context;
    QObject::connect(&c, &ClusterConnection::requestFinished, &context,
                     [&](const ClusterConnection::Reply &r) {
                         if (r.id == id) {
                             found = r;
                             done = true;
                         }
                     });
    if (!QTest::qWaitFor([&] { return done; }, timeoutMs)) {
        found.error = ClusterConnection::Error::Timeout;
        found.detail = QStringLiteral("no answer within the test timeout");
    }
    return found;
}

QVariant cellOf(const QAbstractItemModel &m, int row, int column, int role = Qt::DisplayRole)
{
    return m.data(m.index(row, column), role);
}

} // namespace

class tst_ClusterModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelsFillFromARealCoordinator();
    void liveUpdatesArriveThroughEvents();
    void workerActionsChangeState_data();
    void workerActionsChangeState();
    void unknownWorkerActionIsRejected();
    void badTokenIsAClearError();
    void invalidUrlIsRejected_data();
    void invalidUrlIsRejected();
    void lostCoordinatorReconnects();
    void taskLogAndAttempts();
    void flakyTaskIsCounted();
    void suiteSummaryHasCountsWithoutOutputs();
    void workersTableShowsBrowserProbes_data();
    void workersTableShowsBrowserProbes();
    void cancelSuiteSkipsTasks();
    void operationWithoutConnectionFails();
    void heartbeatAgeCountsOnWithTheClock();
    void modelMergesListsRowByRow();
};

void tst_ClusterModels::modelsFillFromARealCoordinator()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w1"), true, {QStringLiteral("gpu-less")});

    Console console;
    QSignalSpy states(&console.connection, &ClusterConnection::stateChanged);
    console.connection.connectTo(cluster.url(), cluster.token());
    QCOMPARE(console.connection.state(), State::Connecting);
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    QCOMPARE(states.first().first().value<State>(), State::Connecting);
    QCOMPARE(console.connection.lastError(), Error::None);
    QCOMPARE(console.connection.health().value(QStringLiteral("store")).toString(), QStringLiteral("sqlite"));
    QCOMPARE(console.connection.health().value(QStringLiteral("epoch")).toInt(), 1);

    QTRY_COMPARE_WITH_TIMEOUT(console.workers.rowCount(), 1, 10000);
    QCOMPARE(cellOf(console.workers, 0, ClusterWorkersModel::WorkerColumn).toString(), QStringLiteral("w1"));
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.workers, 0, 0, ClusterWorkersModel::StateRole).toInt(),
                              int(ClusterWorkersModel::WorkerState::Alive), 10000);
    QVERIFY(cellOf(console.workers, 0, ClusterWorkersModel::CpusColumn).toInt() > 0);
    QVERIFY(cellOf(console.workers, 0, ClusterWorkersModel::MemoryColumn)
                .toString()
                .contains(QLatin1String("iB")));
    QVERIFY(!cellOf(console.workers, 0, ClusterWorkersModel::OsColumn).toString().isEmpty());
    QCOMPARE(cellOf(console.workers, 0, ClusterWorkersModel::LabelsColumn).toString(),
             QStringLiteral("gpu-less"));
    QVERIFY(cellOf(console.workers, 0, ClusterWorkersModel::HeartbeatColumn,
                   ClusterWorkersModel::HeartbeatAgeMsRole)
                .toLongLong() >= 0);

    const QByteArray suite = LocalCluster::suiteJson(
        QStringLiteral("fill"), {{QStringLiteral("ok1"), {QStringLiteral("/bin/true")}},
                                 {QStringLiteral("ok2"), {QStringLiteral("/bin/true")}},
                                 {QStringLiteral("bad"), {QStringLiteral("/bin/false")}}});
    const auto submitted = waitReply(console.connection, console.connection.submitSuite(suite));
    QVERIFY2(submitted.ok(), qPrintable(submitted.detail));
    QCOMPARE(submitted.status, 201);
    const QString suiteId = submitted.json.object().value(QStringLiteral("id")).toString();
    QVERIFY(!suiteId.isEmpty());

    QTRY_COMPARE_WITH_TIMEOUT(console.suites.rowCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("finished"), 20000);
    QCOMPARE(cellOf(console.suites, 0, 0, ClusterSuitesModel::SuiteIdRole).toString(), suiteId);
    QCOMPARE(cellOf(console.suites, 0, ClusterSuitesModel::ProgressColumn).toString(), QStringLiteral("3/3"));
    QCOMPARE(cellOf(console.suites, 0, 0, ClusterSuitesModel::ProgressRole).toDouble(), 1.0);
    QCOMPARE(cellOf(console.suites, 0, ClusterSuitesModel::PassedColumn).toInt(), 2);
    QCOMPARE(cellOf(console.suites, 0, ClusterSuitesModel::FailedColumn).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::FlakyRole).toInt(), 0, 10000);
    QVERIFY(!cellOf(console.suites, 0, ClusterSuitesModel::StartedColumn).toString().isEmpty());

    console.tasks.setSuite(suiteId);
    QCOMPARE(console.connection.watchedSuite(), suiteId);
    QTRY_COMPARE_WITH_TIMEOUT(console.tasks.rowCount(), 3, 10000);
    const int bad = console.tasks.rowOf(suiteId + QStringLiteral("/bad"));
    const int ok1 = console.tasks.rowOf(suiteId + QStringLiteral("/ok1"));
    QVERIFY(bad >= 0 && ok1 >= 0);
    QCOMPARE(cellOf(console.tasks, bad, ClusterTasksModel::StateColumn).toString(), QStringLiteral("failed"));
    QCOMPARE(cellOf(console.tasks, bad, ClusterTasksModel::WorkerColumn).toString(), QStringLiteral("w1"));
    QCOMPARE(cellOf(console.tasks, bad, ClusterTasksModel::AttemptsColumn).toInt(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(
        cellOf(console.tasks, bad, 0, ClusterTasksModel::DurationMsRole).toLongLong() >= 0, 10000);
    QVERIFY(!cellOf(console.tasks, bad, ClusterTasksModel::FailureColumn).toString().isEmpty());
    QCOMPARE(cellOf(console.tasks, ok1, ClusterTasksModel::StateColumn).toString(), QStringLiteral("passed"));
    QVERIFY(cellOf(console.tasks, ok1, ClusterTasksModel::FailureColumn).toString().isEmpty());

    // Another suite: the tasks model follows the selection and forgets the old rows.
    console.tasks.setSuite(QString());
    QCOMPARE(console.tasks.rowCount(), 0);
}

void tst_ClusterModels::liveUpdatesArriveThroughEvents()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));

    // Polls far beyond the test's length: every change below must come through the event stream.
    ClusterConnection::Options options;
    options.pollIntervalMs = 600000;
    options.fallbackPollIntervalMs = 600000;
    Console console(options);
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(console.connection.isLive(), 10000);
    QCOMPARE(console.workers.rowCount(), 0);

    cluster.addWorker(QStringLiteral("late"));
    QTRY_COMPARE_WITH_TIMEOUT(console.workers.rowCount(), 1, 10000);

    QSignalSpy logs(&console.connection, &ClusterConnection::logReceived);
    const QByteArray suite = LocalCluster::suiteJson(
        QStringLiteral("live"),
        {{QStringLiteral("echo"), {QStringLiteral("/bin/echo"), QStringLiteral("hello-from-a-live-task")}},
         {QStringLiteral("nap"), {QStringLiteral("/bin/sleep"), QStringLiteral("0.3")}}});
    QVERIFY(cluster.coordinator()
                ->handleHttp(QStringLiteral("POST"), QStringLiteral("/api/v1/suites"), {}, suite)
                .status == 201);
    QTRY_COMPARE_WITH_TIMEOUT(console.suites.rowCount(), 1, 10000);
    const QString suiteId = cellOf(console.suites, 0, 0, ClusterSuitesModel::SuiteIdRole).toString();
    console.tasks.setSuite(suiteId);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, ClusterSuitesModel::ProgressColumn).toString(),
                              QStringLiteral("2/2"), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("finished"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(console.tasks.rowCount(), 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.tasks, console.tasks.rowOf(suiteId + QStringLiteral("/nap")),
                                     ClusterTasksModel::StateColumn)
                                  .toString(),
                              QStringLiteral("passed"), 10000);
    bool sawOutput = false;
    for (const auto &args : std::as_const(logs)) {
        sawOutput = sawOutput || args.at(3).toString().contains(QLatin1String("hello-from-a-live-task"));
    }
    QVERIFY(sawOutput);
    QVERIFY(console.connection.isLive());
}

void tst_ClusterModels::workerActionsChangeState_data()
{
    QTest::addColumn<Op>("action");
    QTest::addColumn<int>("expected");
    QTest::addColumn<Op>("undo");
    QTest::newRow("drain") << Op::DrainWorker << int(ClusterWorkersModel::WorkerState::Drained)
                           << Op::UndrainWorker;
    QTest::newRow("quarantine") << Op::QuarantineWorker << int(ClusterWorkersModel::WorkerState::Quarantined)
                                << Op::UnquarantineWorker;
}

void tst_ClusterModels::workerActionsChangeState()
{
    QFETCH(Op, action);
    QFETCH(int, expected);
    QFETCH(Op, undo);
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("target"));
    Console console;
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.workers.rowCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.workers, 0, 0, ClusterWorkersModel::StateRole).toInt(),
                              int(ClusterWorkersModel::WorkerState::Alive), 10000);

    auto reply =
        waitReply(console.connection, console.connection.workerAction(QStringLiteral("target"), action));
    QVERIFY2(reply.ok(), qPrintable(reply.detail));
    QCOMPARE(reply.subject, QStringLiteral("target"));
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.workers, 0, 0, ClusterWorkersModel::StateRole).toInt(), expected,
                              5000);
    const QString shown = cellOf(console.workers, 0, ClusterWorkersModel::StateColumn).toString();
    QVERIFY2(
        shown.contains(action == Op::DrainWorker ? QLatin1String("drained") : QLatin1String("quarantined")),
        qPrintable(shown));

    // The coordinator agrees (not only the model).
    const auto worker = cluster.coordinator()->handleHttp(QStringLiteral("GET"),
                                                          QStringLiteral("/api/v1/workers/target"), {}, {});
    QCOMPARE(
        worker.body
            .value(action == Op::DrainWorker ? QStringLiteral("draining") : QStringLiteral("quarantined"))
            .toBool(),
        true);

    reply = waitReply(console.connection, console.connection.workerAction(QStringLiteral("target"), undo));
    QVERIFY2(reply.ok(), qPrintable(reply.detail));
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.workers, 0, 0, ClusterWorkersModel::StateRole).toInt(),
                              int(ClusterWorkersModel::WorkerState::Alive), 5000);
}

void tst_ClusterModels::unknownWorkerActionIsRejected()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    Console console;
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    const auto reply =
        waitReply(console.connection, console.connection.drainWorker(QStringLiteral("nobody")));
    QCOMPARE(reply.error, Error::Rejected);
    QCOMPARE(reply.status, 404);
    QVERIFY2(reply.detail.contains(QLatin1String("nobody")), qPrintable(reply.detail));
    const auto bad = waitReply(console.connection, console.connection.submitSuite("{\"name\": \"x\"}"));
    QCOMPARE(bad.error, Error::Rejected);
    QCOMPARE(bad.status, 400);
    QVERIFY2(bad.detail.contains(QLatin1String("tasks")), qPrintable(bad.detail));
    // Rejections do not break the connection.
    QCOMPARE(console.connection.state(), State::Connected);
}

void tst_ClusterModels::badTokenIsAClearError()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    Console console;
    QSignalSpy errors(&console.connection, &ClusterConnection::errorOccurred);
    console.connection.connectTo(cluster.url(), QByteArrayLiteral("not-the-token"));
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Disconnected, 10000);
    QCOMPARE(console.connection.lastError(), Error::Unauthorized);
    QVERIFY(!console.connection.lastErrorDetail().isEmpty());
    QVERIFY(!console.connection.lastErrorDetail().contains(QLatin1String("not-the-token")));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().first().value<Error>(), Error::Unauthorized);
    QCOMPARE(console.workers.rowCount(), 0);
    // No retry storm: it stays stopped until the operator acts.
    QTest::qWait(600);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(console.connection.state(), State::Disconnected);

    // The right token works on the same object.
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(console.workers.rowCount(), 1, 10000);
}

void tst_ClusterModels::invalidUrlIsRejected_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1:21");
    QTest::newRow("no host") << QStringLiteral("http://");
    QTest::newRow("words") << QStringLiteral("coordinator please");
    QTest::newRow("empty") << QString();
}

void tst_ClusterModels::invalidUrlIsRejected()
{
    QFETCH(QString, url);
    ClusterConnection c;
    c.connectTo(QUrl(url), QByteArrayLiteral("t"));
    QCOMPARE(c.state(), State::Disconnected);
    QCOMPARE(c.lastError(), Error::InvalidUrl);
    QVERIFY(!c.lastErrorDetail().isEmpty());
}

void tst_ClusterModels::lostCoordinatorReconnects()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    ClusterConnection::Options options;
    options.reconnectMinMs = 100;
    options.reconnectMaxMs = 400;
    Console console(options);
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(console.connection.isLive(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(console.workers.rowCount(), 1, 10000);

    const quint16 port = cluster.port();
    cluster.stopCoordinator();
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Reconnecting, 10000);
    QVERIFY(!console.connection.isLive());
    QVERIFY(console.connection.lastError() == Error::Unreachable ||
            console.connection.lastError() == Error::Timeout);
    // Backoff grows while nobody answers, up to the maximum.
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.reconnectDelayMs(), qint64(400), 10000);
    QCOMPARE(console.connection.state(), State::Reconnecting);
    // The view keeps the last known workers while reconnecting.
    QCOMPARE(console.workers.rowCount(), 1);

    // The same coordinator comes back (same store, same port): the connection recovers on its own.
    QVERIFY2(cluster.startCoordinator(&error, port), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    QCOMPARE(console.connection.lastError(), Error::None);
    QTRY_VERIFY_WITH_TIMEOUT(console.connection.isLive(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.workers, 0, 0, ClusterWorkersModel::StateRole).toInt(),
                              int(ClusterWorkersModel::WorkerState::Alive), 15000);
}

void tst_ClusterModels::taskLogAndAttempts()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    Console console;
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    const auto submitted = waitReply(
        console.connection,
        console.connection.submitSuite(LocalCluster::suiteJson(
            QStringLiteral("logs"),
            {{QStringLiteral("say"), {QStringLiteral("/bin/echo"), QStringLiteral("output-of-the-task")}}})));
    QVERIFY2(submitted.ok(), qPrintable(submitted.detail));
    const QString key =
        submitted.json.object().value(QStringLiteral("id")).toString() + QStringLiteral("/say");
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("finished"), 20000);

    const auto log = waitReply(console.connection, console.connection.fetchTaskLog(key));
    QVERIFY2(log.ok(), qPrintable(log.detail));
    QCOMPARE(log.operation, Op::TaskLog);
    QCOMPARE(log.subject, key);
    QVERIFY(log.json.object().value(QStringLiteral("final")).toBool());
    QVERIFY2(log.json.object()
                 .value(QStringLiteral("log"))
                 .toString()
                 .contains(QLatin1String("output-of-the-task")),
             qPrintable(log.json.object().value(QStringLiteral("log")).toString()));

    const auto detail = waitReply(console.connection, console.connection.fetchTask(key));
    QVERIFY2(detail.ok(), qPrintable(detail.detail));
    const QJsonArray history = detail.json.object().value(QStringLiteral("history")).toArray();
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().toObject().value(QStringLiteral("worker")).toString(), QStringLiteral("w"));
    QCOMPARE(history.first().toObject().value(QStringLiteral("outcome")).toString(),
             QStringLiteral("passed"));

    const auto missing =
        waitReply(console.connection, console.connection.fetchTaskLog(QStringLiteral("nope/nothing")));
    QCOMPARE(missing.error, Error::Rejected);
    QCOMPARE(missing.status, 404);
}

void tst_ClusterModels::flakyTaskIsCounted()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    Console console;
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    // Fails the first time (creates the marker), passes on the retry.
    const QString marker = cluster.path(QStringLiteral("flaky-marker"));
    const QStringList flakyArgv{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                QStringLiteral("test -e \"$0\" || { : > \"$0\"; exit 1; }"), marker};
    const auto submitted =
        waitReply(console.connection,
                  console.connection.submitSuite(LocalCluster::suiteJson(
                      QStringLiteral("flaky"), {{QStringLiteral("flip"), flakyArgv, 1},
                                                {QStringLiteral("fine"), {QStringLiteral("/bin/true")}}})));
    QVERIFY2(submitted.ok(), qPrintable(submitted.detail));
    const QString suiteId = submitted.json.object().value(QStringLiteral("id")).toString();
    console.tasks.setSuite(suiteId);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("finished"), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::FlakyRole).toInt(), 1, 10000);
    QCOMPARE(cellOf(console.suites, 0, ClusterSuitesModel::PassedColumn).toInt(), 2);
    QCOMPARE(cellOf(console.suites, 0, ClusterSuitesModel::FailedColumn).toInt(), 0);
    const int row = console.tasks.rowOf(suiteId + QStringLiteral("/flip"));
    QVERIFY(row >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(cellOf(console.tasks, row, 0, ClusterTasksModel::FlakyRole).toBool(), 10000);
    QCOMPARE(cellOf(console.tasks, row, ClusterTasksModel::AttemptsColumn).toInt(), 2);
    QVERIFY2(cellOf(console.tasks, row, ClusterTasksModel::FailureColumn)
                 .toString()
                 .startsWith(QLatin1String("attempt 1")),
             qPrintable(cellOf(console.tasks, row, ClusterTasksModel::FailureColumn).toString()));
    QVERIFY(cellOf(console.tasks, row, ClusterTasksModel::StateColumn)
                .toString()
                .contains(QLatin1String("flaky")));
}

void tst_ClusterModels::suiteSummaryHasCountsWithoutOutputs()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    const QString marker = cluster.path(QStringLiteral("flaky-marker"));
    // ~200 KB of output: what the live view must not download every 2 s.
    const QStringList noisy{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                            QStringLiteral("head -c 200000 /dev/zero | tr '\\0' x")};
    ClusterClient client(cluster.url(), cluster.token());
    const auto submitted = client.post(
        QStringLiteral("/api/v1/suites"),
        LocalCluster::suiteJson(QStringLiteral("summary"),
                                {{QStringLiteral("noisy"), noisy},
                                 {QStringLiteral("broken"), {QStringLiteral("/bin/false")}},
                                 {QStringLiteral("flip"),
                                  {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                   QStringLiteral("test -e \"$0\" || { : > \"$0\"; exit 1; }"), marker},
                                  1}}),
        10000);
    QVERIFY2(submitted.ok(), qPrintable(submitted.error));
    const QString suiteId = submitted.json().object().value(QStringLiteral("id")).toString();

    // A live view of the suite: the watched suite's summary carries its cases, without outputs.
    Console console;
    QSignalSpy summaries(&console.connection, &ClusterConnection::summaryReceived);
    console.connection.connectTo(cluster.url(), cluster.token());
    console.tasks.setSuite(suiteId);
    const QString path = QStringLiteral("/api/v1/suites/%1/summary").arg(suiteId);
    QTRY_COMPARE_WITH_TIMEOUT(client.get(path, 5000).json().object().value(QStringLiteral("done")).toInt(), 3,
                              30000);

    const auto reply = client.get(path, 5000);
    QCOMPARE(reply.status, 200);
    const QJsonObject summary = reply.json().object();
    QCOMPARE(summary.value(QStringLiteral("id")).toString(), suiteId);
    QCOMPARE(summary.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
    QCOMPARE(summary.value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(summary.value(QStringLiteral("passed")).toInt(), 2);
    QCOMPARE(summary.value(QStringLiteral("failed")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("error")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("skipped")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("flaky")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("attempts")).toInt(), 4); // flip ran twice
    QCOMPARE(summary.value(QStringLiteral("retried")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("counts")).toObject().value(QStringLiteral("passed")).toInt(), 2);
    QVERIFY(summary.value(QStringLiteral("durationMs")).toInteger() >= 0);
    QVERIFY(summary.value(QStringLiteral("taskDurationMs")).toInteger() >= 0);
    QVERIFY(!summary.contains(QStringLiteral("cases")));
    const qsizetype resultsBytes =
        client.get(QStringLiteral("/api/v1/suites/%1/results").arg(suiteId), 5000).body.size();
    QVERIFY2(
        reply.body.size() < 2048 && resultsBytes > 200000,
        qPrintable(QStringLiteral("summary %1 bytes, results %2").arg(reply.body.size()).arg(resultsBytes)));

    const QJsonObject withCases = client.get(path + QStringLiteral("?cases=1"), 5000).json().object();
    const QJsonArray cases = withCases.value(QStringLiteral("cases")).toArray();
    QCOMPARE(cases.size(), 3);
    for (const QJsonValue &c : cases) {
        QVERIFY(!c.toObject().contains(QStringLiteral("output")));
        QVERIFY(!c.toObject().contains(QStringLiteral("artifacts")));
        QVERIFY(!c.toObject().value(QStringLiteral("status")).toString().isEmpty());
    }

    // The connection delivered the watched suite's summary with its cases to the tasks model.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QList<QVariant> &args : std::as_const(summaries)) {
                const QJsonObject o = args.at(1).toJsonObject();
                if (args.at(0).toString() == suiteId && o.value(QStringLiteral("done")).toInt() == 3 &&
                    o.value(QStringLiteral("cases")).toArray().size() == 3) {
                    return true;
                }
            }
            return false;
        }(),
        15000);
    for (const QList<QVariant> &args : std::as_const(summaries)) {
        for (const QJsonValue &c : args.at(1).toJsonObject().value(QStringLiteral("cases")).toArray()) {
            QVERIFY(!c.toObject().contains(QStringLiteral("output")));
        }
    }
    const int row = console.tasks.rowOf(suiteId + QStringLiteral("/flip"));
    QVERIFY(row >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(cellOf(console.tasks, row, 0, ClusterTasksModel::FlakyRole).toBool(), 10000);

    // Same authentication and errors as the rest of the API.
    QCOMPARE(ClusterClient(cluster.url(), QByteArrayLiteral("wrong-token-wrong-token-wrong-token"))
                 .get(path)
                 .status,
             401);
    QCOMPARE(client.get(QStringLiteral("/api/v1/suites/nope/summary")).status, 404);
    QCOMPARE(client.post(path, QByteArray()).status, 405);
}

void tst_ClusterModels::workersTableShowsBrowserProbes_data()
{
    QTest::addColumn<QJsonArray>("browsers");
    QTest::addColumn<QString>("expected");
    auto browser = [](const QString &probe, const QStringList &features, const QString &error) {
        QJsonObject b{{QStringLiteral("name"), QStringLiteral("chromium")},
                      {QStringLiteral("path"), QStringLiteral("/usr/bin/chromium")},
                      {QStringLiteral("features"), QJsonArray::fromStringList(features)}};
        if (!probe.isEmpty()) {
            b.insert(QStringLiteral("probe"), probe);
        }
        if (!error.isEmpty()) {
            b.insert(QStringLiteral("probeError"), error);
        }
        return b;
    };
    QTest::newRow("not probed") << QJsonArray{browser({}, {}, {})} << QStringLiteral("chromium");
    QTest::newRow("pending") << QJsonArray{browser(QStringLiteral("pending"), {}, {})}
                             << QStringLiteral("chromium (probing)");
    QTest::newRow("done") << QJsonArray{browser(QStringLiteral("done"),
                                                {QStringLiteral("js"), QStringLiteral("webgpu")}, {})}
                          << QStringLiteral("chromium (js, webgpu)");
    QTest::newRow("failed") << QJsonArray{browser(QStringLiteral("failed"), {},
                                                  QStringLiteral("chromium exited with code 1"))}
                            << QStringLiteral("chromium (probe failed: chromium exited with code 1)");
    QTest::newRow("none") << QJsonArray{} << QStringLiteral("-");
}

void tst_ClusterModels::workersTableShowsBrowserProbes()
{
    QFETCH(QJsonArray, browsers);
    QFETCH(QString, expected);
    ClusterWorkersModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWorkers(QJsonArray{
        QJsonObject{{QStringLiteral("id"), QStringLiteral("w1")},
                    {QStringLiteral("state"), QStringLiteral("alive")},
                    {QStringLiteral("connected"), true},
                    {QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("browsers"), browsers}}}}});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cellOf(model, 0, ClusterWorkersModel::BrowsersColumn).toString(), expected);
}

void tst_ClusterModels::cancelSuiteSkipsTasks()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    Console console;
    console.connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(console.connection.state(), State::Connected, 10000);
    const auto submitted =
        waitReply(console.connection,
                  console.connection.submitSuite(LocalCluster::suiteJson(
                      QStringLiteral("long"),
                      {{QStringLiteral("a"), {QStringLiteral("/bin/sleep"), QStringLiteral("30")}},
                       {QStringLiteral("b"), {QStringLiteral("/bin/sleep"), QStringLiteral("30")}}})));
    QVERIFY2(submitted.ok(), qPrintable(submitted.detail));
    const QString suiteId = submitted.json.object().value(QStringLiteral("id")).toString();
    console.tasks.setSuite(suiteId);
    QTRY_COMPARE_WITH_TIMEOUT(console.tasks.rowCount(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        cellOf(console.tasks, 0, 0, ClusterTasksModel::StateRole).toString() == QLatin1String("running") ||
            cellOf(console.tasks, 1, 0, ClusterTasksModel::StateRole).toString() == QLatin1String("running"),
        10000);
    const auto cancelled = waitReply(console.connection, console.connection.cancelSuite(suiteId));
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.detail));
    QCOMPARE(cancelled.json.object().value(QStringLiteral("cancelled")).toInt(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.suites, 0, 0, ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("cancelled"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.tasks, 0, 0, ClusterTasksModel::StateRole).toString(),
                              QStringLiteral("skipped"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cellOf(console.tasks, 1, 0, ClusterTasksModel::StateRole).toString(),
                              QStringLiteral("skipped"), 10000);
    const auto again =
        waitReply(console.connection, console.connection.cancelSuite(QStringLiteral("no-such-suite")));
    QCOMPARE(again.error, Error::Rejected);
}

void tst_ClusterModels::operationWithoutConnectionFails()
{
    ClusterConnection c;
    QSignalSpy finished(&c, &ClusterConnection::requestFinished);
    const quint64 id = c.submitSuite("{}");
    QCOMPARE(finished.size(), 0); // never synchronously: the caller gets the id first
    QVERIFY(finished.wait(5000));
    const auto r = finished.first().first().value<ClusterConnection::Reply>();
    QCOMPARE(r.id, id);
    QCOMPARE(r.error, Error::Unreachable);
    QCOMPARE(r.operation, Op::SubmitSuite);
}

void tst_ClusterModels::heartbeatAgeCountsOnWithTheClock()
{
    ManualClock clock;
    ClusterWorkersModel model(nullptr, &clock);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWorkers(QJsonArray{
        QJsonObject{{QStringLiteral("id"), QStringLiteral("a")},
                    {QStringLiteral("state"), QStringLiteral("alive")},
                    {QStringLiteral("connected"), true},
                    {QStringLiteral("heartbeatAgeMs"), 200}},
        QJsonObject{{QStringLiteral("id"), QStringLiteral("b")},
                    {QStringLiteral("state"), QStringLiteral("dead")},
                    {QStringLiteral("connected"), false},
                    {QStringLiteral("heartbeatAgeMs"), -1}},
    });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.heartbeatAgeMs(0), qint64(200));
    clock.advanceMs(3000);
    QCOMPARE(model.heartbeatAgeMs(0), qint64(3200));
    QCOMPARE(cellOf(model, 0, ClusterWorkersModel::HeartbeatColumn).toString(), QStringLiteral("3.2 s"));
    QCOMPARE(model.heartbeatAgeMs(1), qint64(-1));
    QCOMPARE(cellOf(model, 1, ClusterWorkersModel::HeartbeatColumn).toString(), QStringLiteral("-"));
    QCOMPARE(cellOf(model, 1, 0, ClusterWorkersModel::StateRole).toInt(),
             int(ClusterWorkersModel::WorkerState::Dead));
    // The column is repainted by the ticker while rows exist.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(changed.wait(3000));
    QCOMPARE(changed.first().at(0).toModelIndex().column(), int(ClusterWorkersModel::HeartbeatColumn));
    QCOMPARE(changed.first().at(1).toModelIndex().row(), 1);
}

void tst_ClusterModels::modelMergesListsRowByRow()
{
    ClusterSuitesModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto suite = [](const QString &id, int done, int total) {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("name"), QString(id + QStringLiteral("-name"))},
                           {QStringLiteral("state"), QStringLiteral("running")},
                           {QStringLiteral("done"), done},
                           {QStringLiteral("total"), total}};
    };
    model.setSuites(QJsonArray{suite(QStringLiteral("s1"), 0, 4), suite(QStringLiteral("s2"), 0, 2),
                               suite(QStringLiteral("s3"), 1, 1)});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(ClusterSuitesModel::ColumnCount));

    // Bad rows from the wire are ignored, not fatal.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setSuites(QJsonArray{suite(QStringLiteral("s1"), 2, 4), QJsonValue(42),
                               QJsonObject{{QStringLiteral("name"), 1}}, suite(QStringLiteral("s3"), 1, 1),
                               suite(QStringLiteral("s4"), 0, 1)});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(removed.size(), 1);  // s2
    QCOMPARE(inserted.size(), 1); // s4
    QCOMPARE(model.keyAt(0), QStringLiteral("s1"));
    QCOMPARE(model.keyAt(1), QStringLiteral("s3"));
    QCOMPARE(model.keyAt(2), QStringLiteral("s4"));
    QCOMPARE(model.rowOf(QStringLiteral("s2")), -1);
    // Only s1 changed, and only its progress column.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.first().at(0).toModelIndex().column(), int(ClusterSuitesModel::ProgressColumn));
    QCOMPARE(changed.first().at(1).toModelIndex().column(), int(ClusterSuitesModel::ProgressColumn));
    QCOMPARE(cellOf(model, 0, ClusterSuitesModel::ProgressColumn).toString(), QStringLiteral("2/4"));
    QCOMPARE(cellOf(model, 0, ClusterSuitesModel::FlakyColumn).toString(), QStringLiteral("-"));

    // A summary without a flaky count (malformed) changes nothing; one with it sets the column.
    model.applySummary(QStringLiteral("s1"), QJsonObject{{QStringLiteral("flaky"), QStringLiteral("x")}});
    QCOMPARE(cellOf(model, 0, ClusterSuitesModel::FlakyColumn).toString(), QStringLiteral("-"));
    model.applySummary(QStringLiteral("s1"), QJsonObject{{QStringLiteral("flaky"), 1}});
    QCOMPARE(cellOf(model, 0, ClusterSuitesModel::FlakyColumn).toInt(), 1);
    // A later refresh keeps the flaky count it does not carry.
    model.setSuites(QJsonArray{suite(QStringLiteral("s1"), 3, 4)});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cellOf(model, 0, 0, ClusterSuitesModel::FlakyRole).toInt(), 1);

    model.setHeaderLabels({QStringLiteral("too few")});
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Suite"));
    model.setHeaderLabels({QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C"), QStringLiteral("D"),
                           QStringLiteral("E"), QStringLiteral("F"), QStringLiteral("G")});
    QCOMPARE(model.headerData(6, Qt::Horizontal).toString(), QStringLiteral("G"));
    model.setSuites(QJsonArray());
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(tst_ClusterModels)
#include "tst_ClusterModels.moc"
