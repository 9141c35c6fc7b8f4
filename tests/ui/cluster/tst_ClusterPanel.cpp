#include "../../core/cluster/LocalCluster.h"

#include "cluster/ClusterConnection.h"
#include "cluster/ClusterPanel.h"
#include "cluster/ClusterSuitesModel.h"
#include "cluster/ClusterTasksModel.h"
#include "cluster/ClusterWorkersModel.h"
#include "cluster/ConnectDialog.h"
#include "cluster/TaskDetailView.h"
#include "cluster/TestRunsView.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace accel;
using namespace accel::ui;
using accel::test::LocalCluster;

namespace {

/// The panel's LocalClusterControl wired to a LocalCluster (real coordinator, real worker).
LocalClusterControl controlFor(LocalCluster *cluster)
{
    LocalClusterControl c;
    c.startCoordinator = [cluster](QString *error) {
        return cluster->startCoordinator(error, cluster->port());
    };
    c.stopCoordinator = [cluster](QString *) {
        cluster->stopCoordinator();
        return true;
    };
    c.coordinatorRunning = [cluster] {
        return cluster->isCoordinatorRunning();
    };
    auto workerUp = std::make_shared<bool>(false);
    c.startWorker = [cluster, workerUp](QString *) {
        cluster->addWorker(QStringLiteral("local"));
        *workerUp = true;
        return true;
    };
    c.stopWorker = [cluster, workerUp](QString *) {
        cluster->removeWorkers();
        *workerUp = false;
        return true;
    };
    c.workerRunning = [workerUp] {
        return *workerUp;
    };
    c.localEndpoint = [cluster](QUrl *url, QByteArray *token) {
        if (!cluster->isCoordinatorRunning()) {
            return false;
        }
        *url = cluster->url();
        *token = cluster->token();
        return true;
    };
    return c;
}

QString writeFile(const LocalCluster &cluster, const QString &name, const QByteArray &content)
{
    const QString path = cluster.path(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size()) {
        return {};
    }
    return path;
}

int workerState(const ClusterPanel &panel)
{
    return panel.workersModel()->index(0, 0).data(ClusterWorkersModel::StateRole).toInt();
}

} // namespace

class tst_ClusterPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void panelShowsWorkersAndActsOnThem();
    void localControlStartsAndStops();
    void actionsDisabledWithoutControl();
    void connectDialogHidesTokenAndValidates();
    void submittedSuiteRunsToDoneWithLogs();
    void badSuiteFileShowsError_data();
    void badSuiteFileShowsError();
    void cancelSuiteFromTheView();
};

void tst_ClusterPanel::panelShowsWorkersAndActsOnThem()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w1"));
    ClusterConnection connection;
    ClusterPanel panel(&connection, controlFor(&cluster));
    QAbstractItemModelTester tester(panel.workersModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.resize(1000, 400);
    panel.show();

    QVERIFY(panel.connectToLocal());
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel.workersTable()->model()->rowCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(workerState(panel), int(ClusterWorkersModel::WorkerState::Alive), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(panel.headerText().contains(QLatin1String("sqlite")), 10000);
    const QString header = panel.headerText();
    QVERIFY2(header.contains(cluster.url().toString()), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("epoch 1")), qPrintable(header));
    QVERIFY2(header.contains(QLatin1String("connected")), qPrintable(header));
    QVERIFY2(!header.contains(QString::fromLatin1(cluster.token())), "the token must never be shown");
    QCOMPARE(panel.workersTable()
                 ->model()
                 ->headerData(ClusterWorkersModel::HeartbeatColumn, Qt::Horizontal)
                 .toString(),
             QStringLiteral("Heartbeat"));

    // Nothing selected: worker actions are off.
    QVERIFY(!panel.action(ClusterPanel::Action::Drain)->isEnabled());
    panel.workersTable()->selectRow(0);
    QVERIFY(panel.action(ClusterPanel::Action::Drain)->isEnabled());
    panel.action(ClusterPanel::Action::Drain)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(workerState(panel), int(ClusterWorkersModel::WorkerState::Drained), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(panel.statusText().contains(QLatin1String("done")), 5000);
    panel.action(ClusterPanel::Action::Undrain)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(workerState(panel), int(ClusterWorkersModel::WorkerState::Alive), 5000);
    panel.action(ClusterPanel::Action::Quarantine)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(workerState(panel), int(ClusterWorkersModel::WorkerState::Quarantined), 5000);
    panel.action(ClusterPanel::Action::Unquarantine)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(workerState(panel), int(ClusterWorkersModel::WorkerState::Alive), 5000);
    QVERIFY(!panel.grab().isNull()); // paints with the state delegate
}

void tst_ClusterPanel::localControlStartsAndStops()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    ClusterConnection::Options options;
    options.reconnectMinMs = 100;
    options.reconnectMaxMs = 400;
    ClusterConnection connection(options);
    ClusterPanel panel(&connection, controlFor(&cluster));
    QVERIFY(panel.connectToLocal());
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);
    QVERIFY(!panel.action(ClusterPanel::Action::StartCoordinator)->isEnabled());
    QVERIFY(panel.action(ClusterPanel::Action::StopCoordinator)->isEnabled());
    QVERIFY(panel.action(ClusterPanel::Action::StartWorker)->isEnabled());
    QVERIFY(!panel.action(ClusterPanel::Action::StopWorker)->isEnabled());

    panel.action(ClusterPanel::Action::StartWorker)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(panel.workersModel()->rowCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(workerState(panel), int(ClusterWorkersModel::WorkerState::Alive), 10000);
    QVERIFY(panel.action(ClusterPanel::Action::StopWorker)->isEnabled());
    panel.action(ClusterPanel::Action::StopWorker)->trigger();
    // Disconnected at once, then suspect and dead as heartbeats stay missing.
    QTRY_VERIFY_WITH_TIMEOUT(workerState(panel) != int(ClusterWorkersModel::WorkerState::Alive), 10000);
    QCOMPARE(panel.workersModel()->rowObject(0).value(QStringLiteral("connected")).toBool(), false);
    QVERIFY(!panel.action(ClusterPanel::Action::StopWorker)->isEnabled());

    panel.action(ClusterPanel::Action::StopCoordinator)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Reconnecting, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(panel.headerText().contains(QLatin1String("reconnecting")), 5000);
    QVERIFY(panel.headerText().contains(QLatin1String("cannot be reached")) ||
            panel.headerText().contains(QLatin1String("did not answer")));
    QVERIFY(panel.action(ClusterPanel::Action::StartCoordinator)->isEnabled());
    QVERIFY(!panel.connectToLocal());

    panel.action(ClusterPanel::Action::StartCoordinator)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);
    QVERIFY(!panel.action(ClusterPanel::Action::StartCoordinator)->isEnabled());
}

void tst_ClusterPanel::actionsDisabledWithoutControl()
{
    ClusterConnection connection;
    ClusterPanel panel(&connection, LocalClusterControl{});
    for (auto a : {ClusterPanel::Action::StartCoordinator, ClusterPanel::Action::StopCoordinator,
                   ClusterPanel::Action::StartWorker, ClusterPanel::Action::StopWorker,
                   ClusterPanel::Action::ConnectLocal, ClusterPanel::Action::Drain,
                   ClusterPanel::Action::Quarantine}) {
        QVERIFY2(!panel.action(a)->isEnabled(),
                 QMetaEnum::fromType<ClusterPanel::Action>().valueToKey(int(a)));
    }
    QVERIFY(panel.action(ClusterPanel::Action::Connect)->isEnabled());
    QVERIFY(!panel.connectToLocal());
    QVERIFY(panel.headerText().contains(QLatin1String("disconnected")));
}

void tst_ClusterPanel::connectDialogHidesTokenAndValidates()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("remote-w"));
    ClusterConnection connection;
    ClusterPanel panel(&connection, LocalClusterControl{});
    panel.show();
    panel.action(ClusterPanel::Action::Connect)->trigger();
    ConnectDialog *dialog = panel.connectDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->tokenEdit()->echoMode(), QLineEdit::Password);

    // Bad URL: the dialog stays open with a message.
    dialog->urlEdit()->setText(QStringLiteral("ftp://somewhere"));
    dialog->tokenEdit()->setText(QStringLiteral("whatever"));
    dialog->accept();
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->errorText().isEmpty());
    // No token.
    dialog->urlEdit()->setText(cluster.url().toString());
    dialog->tokenEdit()->clear();
    dialog->accept();
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->errorText().contains(QLatin1String("token")));
    // Unreadable token file.
    QVERIFY(!dialog->loadTokenFile(cluster.path(QStringLiteral("no-such-token"))));
    QVERIFY(!dialog->errorText().isEmpty());

    // Wrong token: a clear error in the header, no workers.
    dialog->tokenEdit()->setText(QStringLiteral("wrong-token-wrong-token"));
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Disconnected, 10000);
    QCOMPARE(connection.lastError(), ClusterConnection::Error::Unauthorized);
    QTRY_VERIFY(panel.headerText().contains(QLatin1String("refused the access token")));
    QCOMPARE(panel.workersModel()->rowCount(), 0);
    QTRY_VERIFY(!panel.connectDialog());

    // The right token, read from a token file.
    const QString tokenFile = writeFile(cluster, QStringLiteral("token"), cluster.token() + '\n');
    QVERIFY(!tokenFile.isEmpty());
    panel.showConnectDialog();
    dialog = panel.connectDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->urlEdit()->text(), cluster.url().toString());
    QVERIFY(dialog->loadTokenFile(tokenFile));
    QCOMPARE(dialog->token(), cluster.token());
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(panel.workersModel()->rowCount(), 1, 10000);
}

void tst_ClusterPanel::submittedSuiteRunsToDoneWithLogs()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    ClusterConnection connection;
    TestRunsView view(&connection);
    QAbstractItemModelTester suitesTester(view.suitesModel(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester tasksTester(view.tasksModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.resize(1200, 700);
    view.show();
    QVERIFY(!view.submitAction()->isEnabled());
    connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);
    QVERIFY(view.submitAction()->isEnabled());

    const QString path =
        writeFile(cluster, QStringLiteral("suite.json"),
                  LocalCluster::suiteJson(
                      QStringLiteral("gui-suite"),
                      {{QStringLiteral("hello"),
                        {QStringLiteral("/bin/echo"), QStringLiteral("hello-from-the-gui-test")}},
                       {QStringLiteral("nap"), {QStringLiteral("/bin/sleep"), QStringLiteral("0.5")}},
                       {QStringLiteral("boom"), {QStringLiteral("/bin/false")}}}));
    QSignalSpy submitted(&view, &TestRunsView::suiteSubmitted);
    QVERIFY(view.submitSuiteFile(path));
    QVERIFY(submitted.wait(10000));
    const QString suiteId = submitted.first().first().toString();
    QVERIFY(!view.errorDialog());

    // The new suite is selected and its progress reaches done.
    QTRY_COMPARE_WITH_TIMEOUT(view.tasksModel()->suite(), suiteId, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(view.suitesModel()->index(0, 0).data(ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("finished"), 20000);
    QCOMPARE(view.suitesModel()->index(0, ClusterSuitesModel::ProgressColumn).data().toString(),
             QStringLiteral("3/3"));
    QCOMPARE(view.suitesModel()->index(0, 0).data(ClusterSuitesModel::ProgressRole).toDouble(), 1.0);
    QCOMPARE(view.suitesModel()->index(0, ClusterSuitesModel::FailedColumn).data().toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(view.tasksTable()->model()->rowCount(), 3, 10000);
    QVERIFY(view.cancelAction()->isEnabled() == false); // finished suites cannot be cancelled
    QVERIFY(!view.grab().isNull());                     // paints the progress bars

    const QString key = suiteId + QStringLiteral("/hello");
    QSignalSpy loaded(view.detailView(), &TaskDetailView::loaded);
    QVERIFY(view.selectTask(key));
    QCOMPARE(view.detailView()->task(), key);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
    QVERIFY2(view.detailView()->logText().contains(QLatin1String("hello-from-the-gui-test")),
             qPrintable(view.detailView()->logText()));
    QCOMPARE(view.detailView()->attemptCount(), 1);
    QCOMPARE(view.detailView()->attemptsTable()->item(0, 1)->text(), QStringLiteral("w"));
    QCOMPARE(view.detailView()->attemptsTable()->item(0, 4)->text(), QStringLiteral("passed"));

    const QString boom = suiteId + QStringLiteral("/boom");
    QVERIFY(view.selectTask(boom));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 10000);
    QCOMPARE(view.detailView()->attemptsTable()->item(0, 4)->text(), QStringLiteral("failed"));
    const int boomRow = view.tasksModel()->rowOf(boom);
    QTRY_VERIFY_WITH_TIMEOUT(
        !view.tasksModel()->index(boomRow, ClusterTasksModel::FailureColumn).data().toString().isEmpty(),
        5000);
}

void tst_ClusterPanel::badSuiteFileShowsError_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("exists");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{ this is not json") << true << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[1, 2]") << true << QStringLiteral("must be a JSON object");
    QTest::newRow("no tasks") << QByteArray("{\"name\": \"x\"}") << true << QStringLiteral("tasks");
    QTest::newRow("no argv") << QByteArray("{\"name\": \"x\", \"tasks\": [{\"id\": \"a\"}]}") << true
                             << QStringLiteral("argv");
    QTest::newRow("missing file") << QByteArray() << false << QStringLiteral("missing.json");
}

void tst_ClusterPanel::badSuiteFileShowsError()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, exists);
    QFETCH(QString, expected);
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    ClusterConnection connection;
    TestRunsView view(&connection);
    view.show();
    connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);

    const QString path = exists ? writeFile(cluster, QStringLiteral("bad.json"), content)
                                : cluster.path(QStringLiteral("missing.json"));
    QVERIFY(!path.isEmpty());
    QVERIFY(!view.submitSuiteFile(path));
    QMessageBox *box = view.errorDialog();
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY2(box->text().contains(expected), qPrintable(box->text()));
    QVERIFY(view.statusText().contains(expected));
    box->accept();
    QTRY_VERIFY(!view.errorDialog());
    // Nothing reached the coordinator.
    const auto suites =
        cluster.coordinator()->handleHttp(QStringLiteral("GET"), QStringLiteral("/api/v1/suites"), {}, {});
    QVERIFY(suites.isArray);
    QCOMPARE(suites.array.size(), 0);
}

void tst_ClusterPanel::cancelSuiteFromTheView()
{
    LocalCluster cluster;
    QString error;
    QVERIFY2(cluster.startCoordinator(&error), qPrintable(error));
    cluster.addWorker(QStringLiteral("w"));
    ClusterConnection connection;
    TestRunsView view(&connection);
    connection.connectTo(cluster.url(), cluster.token());
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), ClusterConnection::State::Connected, 10000);
    const QString path =
        writeFile(cluster, QStringLiteral("long.json"),
                  LocalCluster::suiteJson(
                      QStringLiteral("long"),
                      {{QStringLiteral("a"), {QStringLiteral("/bin/sleep"), QStringLiteral("30")}}}));
    QSignalSpy submitted(&view, &TestRunsView::suiteSubmitted);
    QVERIFY(view.submitSuiteFile(path));
    QVERIFY(submitted.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(view.cancelAction()->isEnabled(), 10000);
    view.cancelAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(view.suitesModel()->index(0, 0).data(ClusterSuitesModel::StateRole).toString(),
                              QStringLiteral("cancelled"), 10000);
    QTRY_VERIFY(view.statusText().contains(QLatin1String("cancelled")));
    QTRY_VERIFY(!view.cancelAction()->isEnabled());
}

QTEST_MAIN(tst_ClusterPanel)
#include "tst_ClusterPanel.moc"
