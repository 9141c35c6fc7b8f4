#include "cluster/ClusterClient.h"

#include "cluster/AccessToken.h"

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
    : m_base(base)
    , m_token(token)
    , m_nam(new QNetworkAccessManager)
{}

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
    QUrl url = m_base;
    const int q = path.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0) {
        url.setQuery(path.mid(q + 1));
    }
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
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
    Reply r;
    if (!reply->isFinished()) {
        reply->abort();
        r.error = QStringLiteral("no answer from %1 within %2 ms").arg(m_base.toString()).arg(timeoutMs);
        reply->deleteLater();
        return r;
    }
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    if (r.status == 0) {
        r.error = reply->errorString();
    } else if (!r.ok()) {
        r.error = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
        if (r.error.isEmpty()) {
            r.error = QStringLiteral("HTTP %1").arg(r.status);
        }
    }
    reply->deleteLater();
    return r;
}

bool ClusterClient::resolve(const QString &coordinatorArg, const QString &tokenFileArg, QUrl *url,
                            QByteArray *token, QString *error)
{
    QString c = coordinatorArg;
    if (c.isEmpty()) {
        c = qEnvironmentVariable("ACCEL_COORDINATOR", QStringLiteral("http://127.0.0.1:7420"));
    }
    *url = QUrl(c);
    if (!url->isValid() || url->host().isEmpty() ||
        (url->scheme() != QLatin1String("http") && url->scheme() != QLatin1String("https"))) {
        *error = QStringLiteral("coordinator must be an http(s) URL, got '%1'").arg(c);
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
