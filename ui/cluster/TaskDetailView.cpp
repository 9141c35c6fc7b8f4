#include "cluster/TaskDetailView.h"

#include "cluster/ClusterConnection.h"
#include "cluster/ClusterText.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace accel::ui {

TaskDetailView::TaskDetailView(ClusterConnection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_title(new QLabel(this))
    , m_attempts(new QTableWidget(0, 7, this))
    , m_log(new QPlainTextEdit(this))
{
    m_attempts->setHorizontalHeaderLabels(
        {tr("Attempt"), tr("Worker"), tr("Started"), tr("Ended"), tr("Outcome"), tr("Action"), tr("Reason")});
    m_attempts->verticalHeader()->hide();
    m_attempts->horizontalHeader()->setStretchLastSection(true);
    m_attempts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_attempts->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Select a task to see its output."));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_attempts);
    split->addWidget(m_log);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);

    connect(m_connection, &ClusterConnection::requestFinished, this,
            [this](const ClusterConnection::Reply &r) {
                if (r.id == m_detailRequest) {
                    m_detailRequest = 0;
                    if (r.ok() && r.json.isObject()) {
                        showDetail(r.json.object());
                    } else {
                        m_title->setText(tr("%1: %2").arg(m_key, ClusterText::error(r.error, r.detail)));
                    }
                    maybeLoaded();
                } else if (r.id == m_logRequest) {
                    m_logRequest = 0;
                    if (r.ok() && r.json.isObject()) {
                        // The fetched log already holds what the live events carried so far.
                        m_log->setPlainText(r.json.object().value(QStringLiteral("log")).toString());
                        m_log->moveCursor(QTextCursor::End);
                    } else {
                        m_log->setPlainText(ClusterText::error(r.error, r.detail));
                    }
                    maybeLoaded();
                }
            });
    connect(m_connection, &ClusterConnection::logReceived, this,
            [this](const QString &task, int attempt, const QString &, const QString &data) {
                if (task != m_key || m_logRequest != 0 || attempt != m_attempt) {
                    return;
                }
                m_log->moveCursor(QTextCursor::End);
                m_log->insertPlainText(data);
            });
    connect(m_connection, &ClusterConnection::taskUpdated, this, [this](const QJsonObject &t) {
        if (t.value(QStringLiteral("key")).toString() != m_key) {
            return;
        }
        const QString state = t.value(QStringLiteral("state")).toString();
        const int attempt = t.value(QStringLiteral("attempt")).toInt();
        if (state != m_state || attempt != m_attempt) {
            m_state = state;
            m_attempt = attempt;
            refetch();
        }
    });
}

void TaskDetailView::showTask(const QString &taskKey)
{
    if (taskKey == m_key) {
        return;
    }
    m_key = taskKey;
    m_state.clear();
    m_attempt = 0;
    m_attempts->setRowCount(0);
    m_log->clear();
    m_title->setText(taskKey.isEmpty() ? QString()
                                       : tr("<b>%1</b> (loading...)").arg(taskKey.toHtmlEscaped()));
    m_detailRequest = 0;
    m_logRequest = 0;
    if (!taskKey.isEmpty()) {
        refetch();
    }
}

void TaskDetailView::refetch()
{
    if (m_key.isEmpty()) {
        return;
    }
    m_detailRequest = m_connection->fetchTask(m_key);
    m_logRequest = m_connection->fetchTaskLog(m_key);
}

void TaskDetailView::showDetail(const QJsonObject &task)
{
    m_state = task.value(QStringLiteral("state")).toString();
    m_attempt = task.value(QStringLiteral("attempt")).toInt();
    QString title =
        tr("<b>%1</b>: %2, attempt %3").arg(m_key.toHtmlEscaped(), m_state.toHtmlEscaped()).arg(m_attempt);
    const QString why = task.value(QStringLiteral("unschedulable")).toString();
    if (!why.isEmpty()) {
        title += QStringLiteral("<br>") + tr("waiting: %1").arg(why.toHtmlEscaped());
    }
    m_title->setText(title);
    const QJsonArray history = task.value(QStringLiteral("history")).toArray();
    m_attempts->setRowCount(int(history.size()));
    for (int row = 0; row < history.size(); ++row) {
        const QJsonObject a = history.at(row).toObject();
        const QStringList cells{QString::number(a.value(QStringLiteral("attempt")).toInt()),
                                a.value(QStringLiteral("worker")).toString(),
                                a.value(QStringLiteral("startedAt")).toString(),
                                a.value(QStringLiteral("endedAt")).toString(),
                                a.value(QStringLiteral("outcome")).toString(),
                                a.value(QStringLiteral("action")).toString(),
                                a.value(QStringLiteral("reason")).toString()};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(cells.at(c));
            m_attempts->setItem(row, c, item);
        }
    }
    m_attempts->resizeColumnsToContents();
}

void TaskDetailView::maybeLoaded()
{
    if (m_detailRequest == 0 && m_logRequest == 0 && !m_key.isEmpty()) {
        emit loaded(m_key);
    }
}

QString TaskDetailView::logText() const
{
    return m_log->toPlainText();
}

int TaskDetailView::attemptCount() const
{
    return m_attempts->rowCount();
}

} // namespace accel::ui
