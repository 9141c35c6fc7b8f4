#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace accel {
class ClusterConnection;
}

namespace accel::ui {

/// One task's attempts (worker, start/end, outcome, recovery action, reason, duration) and its
/// log. Both are fetched asynchronously when a task is shown; the log then follows the live log
/// events of the running attempt and is fetched again when the task changes state.
/// Thread: GUI. The connection is not owned and must outlive the view.
class TaskDetailView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxLogLines = 20000;

    explicit TaskDetailView(ClusterConnection *connection, QWidget *parent = nullptr);

    /// Shows task "suite/task" (empty: nothing).
    void showTask(const QString &taskKey);
    QString task() const { return m_key; }
    QString logText() const;
    int attemptCount() const;
    QTableWidget *attemptsTable() const { return m_attempts; }

Q_SIGNALS:
    /// The task's detail and log have both arrived (for tests and busy indicators).
    void loaded(const QString &taskKey);

private:
    void refetch();
    void showDetail(const QJsonObject &task);
    void maybeLoaded();

    ClusterConnection *m_connection;
    QLabel *m_title;
    QTableWidget *m_attempts;
    QPlainTextEdit *m_log;
    QString m_key;
    QString m_state;
    int m_attempt = 0;
    quint64 m_detailRequest = 0;
    quint64 m_logRequest = 0;
};

} // namespace accel::ui
