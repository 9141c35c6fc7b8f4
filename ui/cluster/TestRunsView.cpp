#include "cluster/TestRunsView.h"

#include "cluster/ClusterConnection.h"
#include "cluster/ClusterItemDelegate.h"
#include "cluster/ClusterSuitesModel.h"
#include "cluster/ClusterTasksModel.h"
#include "cluster/ClusterText.h"
#include "cluster/TaskDetailView.h"
#include "cluster/TaskSpec.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace accel::ui {

namespace {

void setUpTable(QTableView *table)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
}

} // namespace

TestRunsView::TestRunsView(ClusterConnection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_suites(new ClusterSuitesModel(connection, this))
    , m_tasks(new ClusterTasksModel(connection, this))
    , m_suitesTable(new QTableView(this))
    , m_tasksTable(new QTableView(this))
    , m_detail(new TaskDetailView(connection, this))
    , m_status(new QLabel(this))
{
    m_suites->setHeaderLabels(
        {tr("Suite"), tr("State"), tr("Progress"), tr("Passed"), tr("Failed"), tr("Flaky"), tr("Started")});
    m_tasks->setHeaderLabels(
        {tr("Task"), tr("State"), tr("Worker"), tr("Attempts"), tr("Duration"), tr("Last failure")});

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_submit = bar->addAction(tr("Submit suite..."));
    m_submit->setToolTip(tr("Send a suite JSON file to the coordinator"));
    connect(m_submit, &QAction::triggered, this, &TestRunsView::chooseSuiteFile);
    m_cancel = bar->addAction(tr("Cancel suite"));
    m_cancel->setToolTip(tr("Stop the selected suite: running tasks are cancelled, queued ones skipped"));
    connect(m_cancel, &QAction::triggered, this, &TestRunsView::cancelSelectedSuite);
    auto *refresh = bar->addAction(tr("Refresh"));
    refresh->setToolTip(tr("Fetch everything from the coordinator again"));
    connect(refresh, &QAction::triggered, m_connection, &ClusterConnection::refresh);

    setUpTable(m_suitesTable);
    m_suitesTable->setModel(m_suites);
    m_suitesTable->setItemDelegate(new ClusterItemDelegate(
        ClusterSuitesModel::ProgressColumn, ClusterSuitesModel::ProgressRole, ClusterSuitesModel::StateColumn,
        ClusterSuitesModel::StateRole, ClusterItemDelegate::Palette::RunState, m_suitesTable));
    m_suitesTable->horizontalHeader()->resizeSection(ClusterSuitesModel::ProgressColumn, 160);
    setUpTable(m_tasksTable);
    m_tasksTable->setModel(m_tasks);
    m_tasksTable->setItemDelegate(
        new ClusterItemDelegate(-1, 0, ClusterTasksModel::StateColumn, ClusterTasksModel::StateRole,
                                ClusterItemDelegate::Palette::RunState, m_tasksTable));

    connect(m_suitesTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TestRunsView::onSuiteSelected);
    connect(m_tasksTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TestRunsView::onTaskSelected);
    connect(m_suites, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_selectAfterSubmit.isEmpty() && selectSuite(m_selectAfterSubmit)) {
            m_selectAfterSubmit.clear();
        }
    });
    connect(m_suites, &QAbstractItemModel::dataChanged, this, &TestRunsView::updateActions);
    connect(m_suites, &QAbstractItemModel::modelReset, this, &TestRunsView::updateActions);
    connect(m_suites, &QAbstractItemModel::rowsRemoved, this, &TestRunsView::updateActions);
    connect(m_connection, &ClusterConnection::stateChanged, this, &TestRunsView::updateActions);
    connect(m_connection, &ClusterConnection::requestFinished, this,
            [this](const ClusterConnection::Reply &r) {
                if (m_submissions.contains(r.id)) {
                    const QString file = m_submissions.take(r.id);
                    if (!r.ok()) {
                        showError(tr("Suite not submitted"),
                                  tr("The coordinator did not accept %1:\n%2")
                                      .arg(file, ClusterText::error(r.error, r.detail)));
                        return;
                    }
                    const QString id = r.json.object().value(QStringLiteral("id")).toString();
                    const int tasks = r.json.object().value(QStringLiteral("tasks")).toInt();
                    setStatus(tr("Submitted %1 as suite %2 (%n task(s)).", "", tasks).arg(file, id), false);
                    if (!selectSuite(id)) {
                        m_selectAfterSubmit = id;
                    }
                    emit suiteSubmitted(id);
                } else if (m_cancels.contains(r.id)) {
                    const QString suite = m_cancels.take(r.id);
                    if (r.ok()) {
                        const int n = r.json.object().value(QStringLiteral("cancelled")).toInt();
                        setStatus(tr("Suite %1 cancelled (%n task(s) stopped or skipped).", "", n).arg(suite),
                                  false);
                    } else {
                        setStatus(tr("Suite %1 could not be cancelled: %2")
                                      .arg(suite, ClusterText::error(r.error, r.detail)),
                                  true);
                    }
                }
            });

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_tasksTable);
    lower->addWidget(m_detail);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_suitesTable);
    split->addWidget(lower);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    updateActions();
}

TestRunsView::~TestRunsView() = default;

QString TestRunsView::statusText() const
{
    return m_status->text();
}

void TestRunsView::chooseSuiteFile()
{
    auto *picker =
        new QFileDialog(this, tr("Submit a suite"), QString(), tr("Suite JSON (*.json);;All files (*)"));
    picker->setAttribute(Qt::WA_DeleteOnClose);
    picker->setFileMode(QFileDialog::ExistingFile);
    connect(picker, &QFileDialog::fileSelected, this, [this](const QString &path) { submitSuiteFile(path); });
    picker->open();
}

bool TestRunsView::submitSuiteFile(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot read the suite file"), tr("%1: %2").arg(path, file.errorString()));
        return false;
    }
    const QByteArray json = file.read(SuiteSpec::kMaxBytes + 1);
    if (json.size() > SuiteSpec::kMaxBytes) {
        showError(
            tr("Invalid suite file"),
            tr("%1 is larger than the limit of %2 MiB.").arg(name).arg(SuiteSpec::kMaxBytes / (1024 * 1024)));
        return false;
    }
    SuiteSpec spec;
    QString error;
    if (!SuiteSpec::parse(json, &spec, &error)) {
        showError(tr("Invalid suite file"), tr("%1 is not a valid suite:\n%2").arg(name, error));
        return false;
    }
    if (m_connection->state() != ClusterConnection::State::Connected) {
        showError(tr("Suite not submitted"),
                  tr("Not connected to a coordinator. Connect in the Cluster panel first."));
        return false;
    }
    m_submissions.insert(m_connection->submitSuite(json), name);
    setStatus(tr("Submitting %1 (%n task(s))...", "", int(spec.tasks.size())).arg(name), false);
    return true;
}

bool TestRunsView::selectSuite(const QString &suiteId)
{
    const int row = m_suites->rowOf(suiteId);
    if (row < 0) {
        return false;
    }
    m_suitesTable->selectionModel()->select(m_suites->index(row, 0),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_suitesTable->scrollTo(m_suites->index(row, 0));
    return true;
}

bool TestRunsView::selectTask(const QString &taskKey)
{
    const int row = m_tasks->rowOf(taskKey);
    if (row < 0) {
        return false;
    }
    m_tasksTable->selectionModel()->select(m_tasks->index(row, 0),
                                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tasksTable->scrollTo(m_tasks->index(row, 0));
    return true;
}

QString TestRunsView::selectedSuite() const
{
    const QModelIndexList rows = m_suitesTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ClusterSuitesModel::SuiteIdRole).toString();
}

void TestRunsView::onSuiteSelected()
{
    m_tasks->setSuite(selectedSuite());
    m_detail->showTask(QString());
    updateActions();
}

void TestRunsView::onTaskSelected()
{
    const QModelIndexList rows = m_tasksTable->selectionModel()->selectedRows();
    m_detail->showTask(rows.isEmpty() ? QString()
                                      : rows.first().data(ClusterTasksModel::TaskKeyRole).toString());
}

void TestRunsView::cancelSelectedSuite()
{
    const QString suite = selectedSuite();
    if (suite.isEmpty()) {
        return;
    }
    m_cancels.insert(m_connection->cancelSuite(suite), suite);
    setStatus(tr("Cancelling suite %1...").arg(suite), false);
}

void TestRunsView::updateActions()
{
    const bool connected = m_connection->state() == ClusterConnection::State::Connected;
    m_submit->setEnabled(connected);
    const int row = m_suites->rowOf(selectedSuite());
    const bool running = row >= 0 && m_suites->index(row, 0).data(ClusterSuitesModel::StateRole).toString() ==
                                         QLatin1String("running");
    m_cancel->setEnabled(connected && running);
}

void TestRunsView::showError(const QString &title, const QString &text)
{
    setStatus(text, true);
    if (m_errorBox) {
        m_errorBox->close();
    }
    m_errorBox = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
    QMessageBox *box = m_errorBox;
    connect(box, &QObject::destroyed, this, [this, box] {
        if (m_errorBox == box) {
            m_errorBox = nullptr;
        }
    });
    box->open();
}

void TestRunsView::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828") : QString());
}

} // namespace accel::ui
