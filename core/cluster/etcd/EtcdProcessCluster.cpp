#include "cluster/etcd/EtcdProcessCluster.h"

#include "cluster/etcd/EtcdCodec.h"
#include "common/LogCategories.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <memory>
#include <unistd.h>

namespace accel {

namespace {

/// One blocking HTTP exchange on a private event loop. Returns the HTTP status (0 on no answer).
int blockingHttp(const QString &url, const QByteArray *postBody, int timeoutMs, QByteArray *answer)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = postBody ? network.post(request, *postBody) : network.get(request);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (!reply->isFinished()) {
        loop.exec();
    }
    int status = 0;
    if (reply->isFinished()) {
        status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (answer) {
            *answer = reply->readAll();
        }
    } else {
        reply->abort();
    }
    delete reply;
    return status;
}

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

EtcdProcessCluster::EtcdProcessCluster(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_binary = findEtcd(options.etcdBinary);
}

EtcdProcessCluster::~EtcdProcessCluster()
{
    killAll();
}

QString EtcdProcessCluster::findEtcd(const QString &preferred)
{
    if (!preferred.isEmpty()) {
        return QFileInfo(preferred).isExecutable() ? preferred : QString();
    }
    const QString fromEnv = qEnvironmentVariable("ACCEL_ETCD");
    if (!fromEnv.isEmpty()) {
        return QFileInfo(fromEnv).isExecutable() ? fromEnv : QString();
    }
    QString path = QStandardPaths::findExecutable(QStringLiteral("etcd"));
    if (path.isEmpty()) {
        path = QStandardPaths::findExecutable(QStringLiteral("etcd"),
                                              {QStringLiteral("/usr/bin"), QStringLiteral("/usr/local/bin")});
    }
    return path;
}

QStringList EtcdProcessCluster::clientUrls() const
{
    QStringList urls;
    for (int i = 0; i < m_members.size(); ++i) {
        urls << clientUrl(i);
    }
    return urls;
}

QString EtcdProcessCluster::clientUrl(int index) const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_members.at(index).clientPort);
}

qint64 EtcdProcessCluster::pid(int index) const
{
    const QProcess *p = m_members.at(index).process;
    return p ? p->processId() : 0;
}

bool EtcdProcessCluster::isRunning(int index) const
{
    const QProcess *p = m_members.at(index).process;
    return p && p->state() != QProcess::NotRunning;
}

quint64 EtcdProcessCluster::memberId(int index) const
{
    return m_members.at(index).memberId;
}

QString EtcdProcessCluster::initialCluster() const
{
    QStringList parts;
    for (const Member &m : m_members) {
        if (m.retired) {
            continue;
        }
        parts << QStringLiteral("%1=http://127.0.0.1:%2").arg(m.name).arg(m.peerPort);
    }
    return parts.join(QLatin1Char(','));
}

bool EtcdProcessCluster::start(QString *error)
{
    for (int tryNo = 0; tryNo < 3; ++tryNo) {
        if (!launchAll(error)) {
            return false;
        }
        QList<int> all;
        for (int i = 0; i < m_members.size(); ++i) {
            all << i;
        }
        if (waitHealthy(all, m_options.startTimeoutMs, error)) {
            refreshMemberIds();
            return true;
        }
        // A port taken between our probe and etcd's bind makes a member exit: try new ports.
        bool anyExited = false;
        for (int i = 0; i < m_members.size(); ++i) {
            anyExited = anyExited || !isRunning(i);
        }
        if (!anyExited) {
            break;
        }
        qCInfo(lcCluster) << "etcd member exited during start; retrying with new ports:" << *error;
    }
    killAll();
    return false;
}

bool EtcdProcessCluster::launchAll(QString *error)
{
    if (m_binary.isEmpty()) {
        *error =
            QStringLiteral("etcd is not installed (Debian: apt-get install etcd-server; or set ACCEL_ETCD)");
        return false;
    }
    killAll();
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/accel-etcd-XXXXXX"));
    if (!m_dir->isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: ") + m_dir->errorString();
        return false;
    }
    // Pick all ports while holding every listener, so no two members get the same one.
    std::vector<std::unique_ptr<QTcpServer>> holders;
    m_members.clear();
    for (int i = 0; i < qMax(1, m_options.members); ++i) {
        Member m;
        m.name = QStringLiteral("e%1").arg(i + 1);
        for (quint16 *port : {&m.clientPort, &m.peerPort}) {
            auto server = std::make_unique<QTcpServer>();
            if (!server->listen(QHostAddress::LocalHost, 0)) {
                *error = QStringLiteral("no free loopback port: ") + server->errorString();
                return false;
            }
            *port = server->serverPort();
            holders.push_back(std::move(server));
        }
        m.dataDir = m_dir->filePath(m.name + QStringLiteral(".etcd"));
        m.logFile = m_dir->filePath(m.name + QStringLiteral(".log"));
        m_members << m;
    }
    holders.clear();
    for (int i = 0; i < m_members.size(); ++i) {
        if (!launch(i, false, error)) {
            killAll();
            return false;
        }
    }
    return true;
}

bool EtcdProcessCluster::pickPorts(Member *member, QString *error)
{
    QTcpServer client;
    QTcpServer peer;
    if (!client.listen(QHostAddress::LocalHost, 0) || !peer.listen(QHostAddress::LocalHost, 0)) {
        *error = QStringLiteral("no free loopback port: ") + client.errorString() + peer.errorString();
        return false;
    }
    member->clientPort = client.serverPort();
    member->peerPort = peer.serverPort();
    return true;
}

bool EtcdProcessCluster::relaunch(int index, QString *error)
{
    kill(index);
    return launch(index, true, error);
}

int EtcdProcessCluster::reserveMember(QString *error)
{
    if (!m_dir || m_binary.isEmpty()) {
        *error = QStringLiteral("the etcd cluster was not started");
        return -1;
    }
    Member m;
    m.name = QStringLiteral("e%1").arg(m_members.size() + 1);
    if (!pickPorts(&m, error)) {
        return -1;
    }
    m.dataDir = m_dir->filePath(m.name + QStringLiteral(".etcd"));
    m.logFile = m_dir->filePath(m.name + QStringLiteral(".log"));
    m_members << m;
    return int(m_members.size()) - 1;
}

bool EtcdProcessCluster::launchReserved(int index, QString *error)
{
    return launch(index, true, error);
}

bool EtcdProcessCluster::startJoining(int index, const QString &initialCluster, QString *error, int timeoutMs)
{
    if (index < 0 || index >= m_members.size() || initialCluster.isEmpty()) {
        *error = QStringLiteral("startJoining: no such reserved member or empty --initial-cluster");
        return false;
    }
    m_members[index].joinCluster = initialCluster;
    if (!launchReserved(index, error) || !waitHealthy({index}, timeoutMs, error)) {
        return false;
    }
    refreshMemberIds();
    return true;
}

void EtcdProcessCluster::retire(int index)
{
    kill(index);
    m_members[index].retired = true;
}

QString EtcdProcessCluster::peerUrl(int index) const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_members.at(index).peerPort);
}

bool EtcdProcessCluster::launch(int index, bool existing, QString *error)
{
    Member &m = m_members[index];
    if (m.process) {
        m.process->deleteLater();
    }
    m.process = new QProcess(this);
    m.process->setProgram(m_binary);
    const QString client = QStringLiteral("http://127.0.0.1:%1").arg(m.clientPort);
    const QString peer = QStringLiteral("http://127.0.0.1:%1").arg(m.peerPort);
    m.process->setArguments({
        QStringLiteral("--name"),
        m.name,
        QStringLiteral("--data-dir"),
        m.dataDir,
        QStringLiteral("--listen-client-urls"),
        client,
        QStringLiteral("--advertise-client-urls"),
        client,
        QStringLiteral("--listen-peer-urls"),
        peer,
        QStringLiteral("--initial-advertise-peer-urls"),
        peer,
        QStringLiteral("--initial-cluster"),
        m.joinCluster.isEmpty() ? initialCluster() : m.joinCluster,
        QStringLiteral("--initial-cluster-state"),
        existing ? QStringLiteral("existing") : QStringLiteral("new"),
        QStringLiteral("--initial-cluster-token"),
        QStringLiteral("accel-%1").arg(QCoreApplication::applicationPid()),
        QStringLiteral("--heartbeat-interval"),
        QString::number(m_options.heartbeatIntervalMs),
        QStringLiteral("--election-timeout"),
        QString::number(m_options.electionTimeoutMs),
    });
    m.process->setProcessChannelMode(QProcess::MergedChannels);
    m.process->setStandardOutputFile(m.logFile, QIODevice::Append);
    m.process->setChildProcessModifier([] { ::setsid(); });
    m.process->start();
    if (!m.process->waitForStarted(5000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(m_binary, m.process->errorString());
        return false;
    }
    m.stopped = false;
    return true;
}

bool EtcdProcessCluster::waitHealthy(const QList<int> &indexes, int timeoutMs, QString *error)
{
    QElapsedTimer elapsed;
    elapsed.start();
    while (true) {
        bool allHealthy = true;
        for (int i : indexes) {
            if (!isRunning(i)) {
                *error = QStringLiteral("etcd member %1 exited (code %2). Log:\n%3")
                             .arg(m_members.at(i).name)
                             .arg(m_members.at(i).process ? m_members.at(i).process->exitCode() : -1)
                             .arg(logTail(i));
                return false;
            }
            if (!isHealthy(i, 500)) {
                allHealthy = false;
                break;
            }
        }
        if (allHealthy) {
            return true;
        }
        if (elapsed.elapsed() > timeoutMs) {
            *error = QStringLiteral("etcd not healthy within %1 ms. Log of %2:\n%3")
                         .arg(timeoutMs)
                         .arg(m_members.at(indexes.first()).name, logTail(indexes.first()));
            return false;
        }
        pause(50);
    }
}

bool EtcdProcessCluster::isHealthy(int index, int timeoutMs)
{
    QByteArray answer;
    const int status =
        blockingHttp(clientUrl(index) + QStringLiteral("/health"), nullptr, timeoutMs, &answer);
    return status == 200 && answer.contains("\"health\":\"true\"");
}

void EtcdProcessCluster::refreshMemberIds()
{
    for (int i = 0; i < m_members.size(); ++i) {
        if (!isRunning(i) || m_members[i].stopped) {
            continue;
        }
        QByteArray answer;
        const QByteArray body = EtcdCodec::encodeEmpty();
        if (blockingHttp(clientUrl(i) + QStringLiteral("/v3/maintenance/status"), &body, 1000, &answer) ==
            200) {
            const auto status = EtcdCodec::decodeStatus(answer);
            if (status.ok()) {
                m_members[i].memberId = status.value().header.memberId;
            }
        }
    }
}

int EtcdProcessCluster::leaderIndex(int timeoutMs)
{
    refreshMemberIds();
    quint64 leader = 0;
    for (int i = 0; i < m_members.size(); ++i) {
        if (!isRunning(i) || m_members[i].stopped) {
            continue;
        }
        QByteArray answer;
        const QByteArray body = EtcdCodec::encodeEmpty();
        if (blockingHttp(clientUrl(i) + QStringLiteral("/v3/maintenance/status"), &body, timeoutMs,
                         &answer) != 200) {
            continue;
        }
        const auto status = EtcdCodec::decodeStatus(answer);
        if (!status.ok() || status.value().leader == 0) {
            continue;
        }
        if (leader != 0 && leader != status.value().leader) {
            return -1; // members disagree (an election is in progress)
        }
        leader = status.value().leader;
    }
    for (int i = 0; i < m_members.size(); ++i) {
        if (leader != 0 && m_members[i].memberId == leader) {
            return i;
        }
    }
    return -1;
}

void EtcdProcessCluster::kill(int index)
{
    Member &m = m_members[index];
    if (!m.process) {
        return;
    }
    const qint64 pid = m.process->processId();
    if (pid > 0 && m.process->state() != QProcess::NotRunning) {
        ::kill(pid_t(-pid), SIGKILL); // its own process group (setsid)
        ::kill(pid_t(pid), SIGKILL);
        m.process->waitForFinished(5000);
    }
    m.stopped = false;
}

void EtcdProcessCluster::stop(int index)
{
    Member &m = m_members[index];
    if (m.process && m.process->processId() > 0) {
        ::kill(pid_t(m.process->processId()), SIGSTOP);
        m.stopped = true;
    }
}

void EtcdProcessCluster::resume(int index)
{
    Member &m = m_members[index];
    if (m.process && m.process->processId() > 0) {
        ::kill(pid_t(m.process->processId()), SIGCONT);
        m.stopped = false;
    }
}

bool EtcdProcessCluster::restart(int index, QString *error, int timeoutMs)
{
    kill(index);
    if (!launch(index, true, error)) {
        return false;
    }
    if (!waitHealthy({index}, timeoutMs, error)) {
        return false;
    }
    refreshMemberIds();
    return true;
}

void EtcdProcessCluster::killAll()
{
    for (int i = 0; i < m_members.size(); ++i) {
        kill(i);
    }
}

QString EtcdProcessCluster::logTail(int index, int lines) const
{
    QFile file(m_members.at(index).logFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return QStringLiteral("(no log)");
    }
    const QList<QByteArray> all = file.readAll().split('\n');
    QStringList tail;
    for (qsizetype i = qMax<qsizetype>(0, all.size() - lines); i < all.size(); ++i) {
        tail << QString::fromUtf8(all.at(i));
    }
    return tail.join(QLatin1Char('\n'));
}

} // namespace accel
