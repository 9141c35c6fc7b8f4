// ClusterConnection: HTTP requests (size-capped, token-authenticated, one handler each) and the
// operations built on them (submit, cancel, worker actions, task logs and details).
#include "cluster/ClusterConnection.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <utility>

namespace accel {

namespace {

constexpr char kTooLargeProperty[] = "accelReplyTooLarge";

QString encodeSegments(const QString &key)
{
    QStringList parts = key.split(QLatin1Char('/'));
    for (QString &p : parts) {
        p = QString::fromLatin1(QUrl::toPercentEncoding(p));
    }
    return parts.join(QLatin1Char('/'));
}

} // namespace

// --- transport ---------------------------------------------------------------------------------

QNetworkReply *ClusterConnection::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                                       Handler handler)
{
    QUrl url = m_base;
    QString basePath = m_base.path();
    while (basePath.endsWith(QLatin1Char('/'))) {
        basePath.chop(1);
    }
    const int q = path.indexOf(QLatin1Char('?'));
    url.setPath(basePath + (q < 0 ? path : path.left(q)));
    url.setQuery(q < 0 ? QString() : path.mid(q + 1));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(int(m_options.requestTimeoutMs));
    QNetworkReply *reply = m_nam->sendCustomRequest(request, verb, body);
    m_replies.insert(reply, handler);
    connect(reply, &QNetworkReply::downloadProgress, this, [reply](qint64 received, qint64 total) {
        if (received > kMaxReplyBytes || total > kMaxReplyBytes) {
            reply->setProperty(kTooLargeProperty, true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const Handler h = m_replies.take(reply);
        finishReply(reply, h);
    });
    return reply;
}

void ClusterConnection::finishReply(QNetworkReply *reply, const Handler &handler)
{
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (reply->property(kTooLargeProperty).toBool()) {
        r.error = Error::BadReply;
        r.detail = QStringLiteral("reply larger than %1 bytes").arg(kMaxReplyBytes);
    } else if (r.status == 0) {
        const auto e = reply->error();
        r.error = (e == QNetworkReply::TimeoutError || e == QNetworkReply::OperationCanceledError)
                      ? Error::Timeout
                      : Error::Unreachable;
        r.detail = r.error == Error::Timeout
                       ? QStringLiteral("no answer within %1 ms").arg(m_options.requestTimeoutMs)
                       : reply->errorString();
    } else {
        QJsonParseError parse{};
        r.json = QJsonDocument::fromJson(body, &parse);
        if (r.status == 401) {
            r.error = Error::Unauthorized;
            r.detail = QStringLiteral("the coordinator refused the token");
        } else if (r.status < 200 || r.status >= 300) {
            r.error = Error::Rejected;
            r.detail = r.json.object().value(QStringLiteral("error")).toString().left(2000);
            if (r.detail.isEmpty()) {
                r.detail = QStringLiteral("HTTP %1").arg(r.status);
            }
        } else if (parse.error != QJsonParseError::NoError || r.json.isNull()) {
            r.error = Error::BadReply;
            r.detail = QStringLiteral("the answer is not JSON: %1").arg(parse.errorString());
        }
    }
    reply->deleteLater();
    if (handler) {
        handler(r);
    }
}

void ClusterConnection::abortAll()
{
    const auto replies = std::exchange(m_replies, {});
    for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        it.key()->deleteLater();
    }
    for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
        if (it.value()) {
            Reply r;
            r.error = Error::Unreachable;
            r.detail = QStringLiteral("the connection to the coordinator was closed");
            it.value()(r);
        }
    }
}

// --- operations --------------------------------------------------------------------------------

quint64 ClusterConnection::operation(Operation op, const QString &subject, const QByteArray &verb,
                                     const QString &path, const QByteArray &body)
{
    const quint64 id = m_nextId++;
    if (m_state == State::Disconnected || m_base.isEmpty()) {
        Reply r;
        r.id = id;
        r.operation = op;
        r.subject = subject;
        r.error = Error::Unreachable;
        r.detail = QStringLiteral("not connected to a coordinator");
        // Answered on the next event-loop turn so the caller knows the id first.
        QTimer::singleShot(0, this, [this, r] { emit requestFinished(r); });
        return id;
    }
    send(verb, path, body, [this, id, op, subject](const Reply &answer) {
        Reply r = answer;
        r.id = id;
        r.operation = op;
        r.subject = subject;
        if (r.ok()) {
            switch (op) {
            case Operation::DrainWorker:
            case Operation::UndrainWorker:
            case Operation::QuarantineWorker:
            case Operation::UnquarantineWorker:
                if (r.json.isObject()) {
                    emit workerUpdated(r.json.object()); // drain/undrain publish no event
                }
                markDirty(DirtyHealth);
                break;
            case Operation::SubmitSuite:
            case Operation::CancelSuite:
                markDirty(DirtyHealth | DirtySuites | DirtyTasks);
                break;
            case Operation::TaskLog:
            case Operation::TaskDetail:
                break;
            }
        } else if (r.error == Error::Unreachable || r.error == Error::Timeout) {
            lost(r.error, r.detail);
        } else if (r.error == Error::Unauthorized) {
            handleBackgroundFailure(r);
        }
        emit requestFinished(r);
    });
    return id;
}

quint64 ClusterConnection::submitSuite(const QByteArray &suiteJson)
{
    return operation(Operation::SubmitSuite, QString(), "POST", QStringLiteral("/api/v1/suites"), suiteJson);
}

quint64 ClusterConnection::cancelSuite(const QString &suiteId)
{
    return operation(Operation::CancelSuite, suiteId, "POST",
                     QStringLiteral("/api/v1/suites/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(suiteId)) + QStringLiteral("/cancel"),
                     {});
}

quint64 ClusterConnection::workerAction(const QString &workerId, Operation action)
{
    QString verb;
    switch (action) {
    case Operation::DrainWorker:
        verb = QStringLiteral("drain");
        break;
    case Operation::UndrainWorker:
        verb = QStringLiteral("undrain");
        break;
    case Operation::QuarantineWorker:
        verb = QStringLiteral("quarantine");
        break;
    case Operation::UnquarantineWorker:
        verb = QStringLiteral("unquarantine");
        break;
    default:
        break;
    }
    if (verb.isEmpty()) {
        const quint64 id = m_nextId++;
        Reply r;
        r.id = id;
        r.operation = action;
        r.subject = workerId;
        r.error = Error::Rejected;
        r.detail = QStringLiteral("not a worker action");
        QTimer::singleShot(0, this, [this, r] { emit requestFinished(r); });
        return id;
    }
    return operation(action, workerId, "POST",
                     QStringLiteral("/api/v1/workers/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(workerId)) + QLatin1Char('/') + verb,
                     {});
}

quint64 ClusterConnection::fetchTaskLog(const QString &taskKey)
{
    return operation(Operation::TaskLog, taskKey, "GET",
                     QStringLiteral("/api/v1/tasks/") + encodeSegments(taskKey) + QStringLiteral("/logs"),
                     {});
}

quint64 ClusterConnection::fetchTask(const QString &taskKey)
{
    return operation(Operation::TaskDetail, taskKey, "GET",
                     QStringLiteral("/api/v1/tasks/") + encodeSegments(taskKey), {});
}

} // namespace accel
