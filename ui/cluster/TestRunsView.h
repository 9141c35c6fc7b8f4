#pragma once

#include <QHash>
#include <QWidget>

class QAction;
class QLabel;
class QMessageBox;
class QTableView;

namespace accel {
class ClusterConnection;
class ClusterSuitesModel;
class ClusterTasksModel;
} // namespace accel

namespace accel::ui {

class TaskDetailView;

/// The Tests dock: submit a suite file (validated with the TaskSpec parser before it is sent),
/// the coordinator's suites with live progress bars, the selected suite's tasks, and the
/// selected task's attempts and log; cancel a running suite. Nothing blocks: requests go through
/// the ClusterConnection (not owned; must outlive the view) and error dialogs are non-modal to
/// the application (window-modal, opened with open()). Thread: GUI.
class TestRunsView : public QWidget
{
    Q_OBJECT
public:
    explicit TestRunsView(ClusterConnection *connection, QWidget *parent = nullptr);
    ~TestRunsView() override;

    /// Reads, validates and submits a suite file. False (and an error dialog) when the file cannot
    /// be read or is not a valid suite; true when it was sent (the outcome arrives later).
    bool submitSuiteFile(const QString &path);
    /// Selects a suite (its tasks are shown); false when it is not in the list.
    bool selectSuite(const QString &suiteId);
    /// Selects a task of the shown suite (its attempts and log are shown).
    bool selectTask(const QString &taskKey);

    ClusterSuitesModel *suitesModel() const { return m_suites; }
    ClusterTasksModel *tasksModel() const { return m_tasks; }
    TaskDetailView *detailView() const { return m_detail; }
    QTableView *suitesTable() const { return m_suitesTable; }
    QTableView *tasksTable() const { return m_tasksTable; }
    QAction *submitAction() const { return m_submit; }
    QAction *cancelAction() const { return m_cancel; }
    QString statusText() const;
    /// The error dialog currently shown, if any.
    QMessageBox *errorDialog() const { return m_errorBox; }

Q_SIGNALS:
    /// The coordinator accepted a suite.
    void suiteSubmitted(const QString &suiteId);

private:
    void chooseSuiteFile();
    void cancelSelectedSuite();
    void onSuiteSelected();
    void onTaskSelected();
    void updateActions();
    QString selectedSuite() const;
    void showError(const QString &title, const QString &text);
    void setStatus(const QString &text, bool error);

    ClusterConnection *m_connection;
    ClusterSuitesModel *m_suites;
    ClusterTasksModel *m_tasks;
    QTableView *m_suitesTable;
    QTableView *m_tasksTable;
    TaskDetailView *m_detail;
    QAction *m_submit;
    QAction *m_cancel;
    QLabel *m_status;
    QMessageBox *m_errorBox = nullptr;
    QHash<quint64, QString> m_submissions; ///< request id -> file name
    QHash<quint64, QString> m_cancels;     ///< request id -> suite id
    QString m_selectAfterSubmit;
};

} // namespace accel::ui
