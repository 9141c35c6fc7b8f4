#include "cluster/ClusterClient.h"

#include "cluster/AccessToken.h"
#include "common/Clock.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTimer>

namespace accel {

ClusterClient::ClusterClient(const QUrl &base, const QByteArray &token)
    : ClusterClient(QList<QUrl>{base}, token)
{}

ClusterClient::ClusterClient(const QList<QUrl> &bases, const QByteArray &token)
    : m_bases(bases)
    , m_token(token)
    , m_nam(new QNetworkAccessManager)
{
    if (m_bases.isEmpty()) {
        m_bases.append(QUrl(QStringLiteral("http://127.0.0.1:7420")));
    }
}

ClusterClient::~ClusterClient()
{
    delete m_nam;
}

ClusterClient::Reply ClusterClient::get(const QString &path, int timeoutMs)
{
    return send("GET", path, {}, timeoutMs);
}

ClusterClient::Reply ClusterClient::post(const QString &path, const QByteArray &body, int timeoutMs)
{
    return send("POST", path, body, timeoutMs);
}

ClusterClient::Reply ClusterClient::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                                         int timeoutMs)
{
    const qint64 startMs = Clock::system()->nowMs();
    const bool idempotent = verb == "GET";
    int hops = 0;
    int failedInRow = 0;
    Reply last;
    while (true) {
        const int remaining = int(timeoutMs - (Clock::system()->nowMs() - startMs));
        if (remaining <= 0) {
            if (last.error.isEmpty()) {
                last.error = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
            }
            return last;
        }
        // A GET shares the budget among the URLs not tried yet, so one that hangs (a paused
        // process) does not eat it all; a POST is given all of it (a timeout is ambiguous).
        const int untried = int(m_bases.size()) - failedInRow;
        const int attemptMs =
            idempotent && untried > 1 ? qMin(remaining, qMax(500, remaining / untried)) : remaining;
        Attempt a = sendOnce(m_bases[m_current], verb, path, body, attemptMs);
        last = a.reply;
        if (a.reply.status == 307 && hops < 4) {
            QUrl leader = m_bases[m_current].resolved(QUrl::fromEncoded(a.location));
            leader.setPath(QString());
            leader.setQuery(QString());
            if (leader.isValid() && !leader.host().isEmpty()) {
                ++hops;
                qsizetype index = m_bases.indexOf(leader);
                if (index < 0) {
                    m_bases.append(leader);
                    index = m_bases.size() - 1;
                }
                m_current = int(index);
                continue;
            }
        }
        const bool unreachable = a.reply.status == 0 && (idempotent || a.refused);
        if ((unreachable || a.reply.status == 503 || a.reply.status == 307) &&
            ++failedInRow < m_bases.size()) {
            m_current = (m_current + 1) % int(m_bases.size());
            continue;
        }
        return last;
    }
}

ClusterClient::Attempt ClusterClient::sendOnce(const QUrl &base, const QByteArray &verb, const QString &path,
                                               const QByteArray &body, int timeoutMs)
{
    Attempt attempt;
    Reply &r = attempt.reply;
    QUrl url = base;
    const int q = path.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0) {
        url.setQuery(path.mid(q + 1));
    }
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_nam->sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (!reply->isFinished()) {
        loop.exec();
    }
    if (!reply->isFinished()) {
        reply->abort();
        r.error = QStringLiteral("no answer from %1 within %2 ms").arg(base.toString()).arg(timeoutMs);
        reply->deleteLater();
        return attempt;
    }
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    attempt.location = reply->rawHeader("Location");
    if (r.status == 0) {
        r.error = base.toString() + QStringLiteral(": ") + reply->errorString();
        attempt.refused = reply->error() == QNetworkReply::ConnectionRefusedError ||
                          reply->error() == QNetworkReply::HostNotFoundError;
    } else if (!r.ok()) {
        r.error = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
        if (r.error.isEmpty()) {
            r.error = QStringLiteral("HTTP %1").arg(r.status);
        }
    }
    reply->deleteLater();
    return attempt;
}

bool ClusterClient::resolve(const QString &coordinatorArg, const QString &tokenFileArg, QUrl *url,
                            QByteArray *token, QString *error)
{
    QList<QUrl> urls;
    if (!resolve(coordinatorArg, tokenFileArg, &urls, token, error)) {
        return false;
    }
    *url = urls.first();
    return true;
}

bool ClusterClient::resolve(const QString &coordinatorArg, const QString &tokenFileArg, QList<QUrl> *urls,
                            QByteArray *token, QString *error)
{
    QString c = coordinatorArg;
    if (c.isEmpty()) {
        c = qEnvironmentVariable("ACCEL_COORDINATOR", QStringLiteral("http://127.0.0.1:7420"));
    }
    urls->clear();
    for (const QString &part : c.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QUrl url(part.trimmed());
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            *error = QStringLiteral("coordinator must be an http(s) URL, got '%1'").arg(part.trimmed());
            return false;
        }
        urls->append(url);
    }
    if (urls->isEmpty()) {
        *error = QStringLiteral("no coordinator URL given");
        return false;
    }
    QString file = tokenFileArg;
    if (file.isEmpty()) {
        file = qEnvironmentVariable("ACCEL_TOKEN_FILE");
    }
    if (file.isEmpty() && qEnvironmentVariableIsSet("ACCEL_TOKEN")) {
        *token = qgetenv("ACCEL_TOKEN");
        return true;
    }
    if (file.isEmpty()) {
        file = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
                   .filePath(QStringLiteral("accelerate-node/coordinator/token"));
    }
    *token = AccessToken::read(file, error);
    return !token->isEmpty();
}

} // namespace accel
