// accelerate-node: headless daemon, --role coordinator or --role worker. Parses arguments, builds
// the core objects (SqliteStore + Coordinator + CoordinatorServer; or, with --store etcd, a
// CoordinatorNode that leads or follows; or a Worker) and runs.
#include "cluster/AccessToken.h"
#include "cluster/Coordinator.h"
#include "cluster/CoordinatorNode.h"
#include "cluster/CoordinatorServer.h"
#include "cluster/SqliteStore.h"
#include "cluster/Worker.h"
#include "common/Clock.h"
#include "common/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QSaveFile>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslKey>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTextStream>
#include <QUrl>

#include <csignal>
#include <functional>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalFds[2] = {-1, -1};

void onTerminationSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalFds[0], &c, 1);
}

/// SIGTERM/SIGINT → `handler` on the event loop (self-pipe; the handler itself only writes a byte).
bool installTerminationHandler(QObject *context, const std::function<void()> &handler)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0) {
        return false;
    }
    auto *notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [notifier, handler] {
        char c = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalFds[1], &c, 1);
        notifier->setEnabled(false);
        handler();
    });
    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGTERM, &action, nullptr) == 0 && ::sigaction(SIGINT, &action, nullptr) == 0;
}

QList<QUrl> parseUrlList(const QString &list, QString *error)
{
    QList<QUrl> urls;
    for (const QString &part : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QUrl url(part.trimmed(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https") &&
             url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))) {
            *error = QStringLiteral("'%1' is not an http(s) URL").arg(part.trimmed());
            return {};
        }
        urls.append(url);
    }
    if (urls.isEmpty()) {
        *error = QStringLiteral("no URL given");
    }
    return urls;
}

int fail(const QString &message, int code = 2)
{
    QTextStream(stderr) << "accelerate-node: " << message << '\n';
    return code;
}

bool parseListen(const QString &spec, QHostAddress *address, quint16 *port)
{
    const int colon = spec.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0) {
        return false;
    }
    bool ok = false;
    const uint p = spec.mid(colon + 1).toUInt(&ok);
    QString host = spec.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'))) {
        host = host.mid(1, host.size() - 2);
    }
    if (!ok || p > 65535 || !address->setAddress(host)) {
        return false;
    }
    *port = quint16(p);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("accelerate-node"));
    QCoreApplication::setApplicationVersion(accel::projectVersion());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Accelerate Console headless node (coordinator or worker)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption role(QStringLiteral("role"), QStringLiteral("coordinator or worker."),
                                  QStringLiteral("role"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("State directory (store, token, task work dirs)."),
                                     QStringLiteral("dir"));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QStringLiteral("Coordinator address, default 127.0.0.1:7420 (port 0: OS-chosen)."),
        QStringLiteral("host:port"), QStringLiteral("127.0.0.1:7420"));
    const QCommandLineOption portFile(QStringLiteral("port-file"),
                                      QStringLiteral("Write the bound port to this file."),
                                      QStringLiteral("file"));
    const QCommandLineOption tokenFile(
        QStringLiteral("token-file"),
        QStringLiteral("Token file (coordinator: created 0600 on first start; worker: read)."),
        QStringLiteral("file"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                                     QStringLiteral("PEM certificate: serve HTTPS/WSS."),
                                     QStringLiteral("file"));
    const QCommandLineOption tlsKey(
        QStringLiteral("tls-key"), QStringLiteral("PEM private key for --tls-cert."), QStringLiteral("file"));
    const QCommandLineOption heartbeat(QStringLiteral("heartbeat-ms"),
                                       QStringLiteral("Worker heartbeat period."), QStringLiteral("ms"),
                                       QStringLiteral("500"));
    const QCommandLineOption suspect(QStringLiteral("suspect-ms"),
                                     QStringLiteral("Silence before a worker is suspect."),
                                     QStringLiteral("ms"), QStringLiteral("1500"));
    const QCommandLineOption dead(QStringLiteral("dead-ms"),
                                  QStringLiteral("Silence before a worker is dead and its tasks migrate."),
                                  QStringLiteral("ms"), QStringLiteral("4000"));
    const QCommandLineOption coordinator(
        QStringLiteral("coordinator"),
        QStringLiteral("Worker: coordinator URL(s), comma-separated (http://host:port,...): tried in order, "
                       "leader followed."),
        QStringLiteral("url"));
    const QCommandLineOption workerId(QStringLiteral("worker-id"),
                                      QStringLiteral("Worker: stable id (default: host name)."),
                                      QStringLiteral("id"));
    const QCommandLineOption label(QStringLiteral("label"), QStringLiteral("Worker: a label (repeatable)."),
                                   QStringLiteral("label"));
    const QCommandLineOption slotsOption(QStringLiteral("slots"), QStringLiteral("Worker: concurrent tasks."),
                                         QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption allowCommands(QStringLiteral("allow-commands"),
                                           QStringLiteral("Worker: run command tasks (off by default)."));
    const QCommandLineOption noBrowserProbe(
        QStringLiteral("no-browser-probe"),
        QStringLiteral("Worker: do not start the browsers found to measure their compute features."));
    const QCommandLineOption store(
        QStringLiteral("store"),
        QStringLiteral("Coordinator: sqlite (default, embedded) or etcd (redundant)."),
        QStringLiteral("kind"), QStringLiteral("sqlite"));
    const QCommandLineOption etcdEndpoints(
        QStringLiteral("etcd-endpoints"),
        QStringLiteral("Coordinator with --store etcd: etcd client URLs, comma-separated."),
        QStringLiteral("url,url"));
    const QCommandLineOption etcdPrefix(QStringLiteral("etcd-prefix"),
                                        QStringLiteral("Coordinator with --store etcd: key namespace."),
                                        QStringLiteral("prefix"), QStringLiteral("/accel"));
    const QCommandLineOption advertiseUrl(
        QStringLiteral("advertise-url"),
        QStringLiteral("Coordinator with --store etcd: URL other nodes redirect to (default: the bound "
                       "address)."),
        QStringLiteral("url"));
    const QCommandLineOption leaseTtl(QStringLiteral("lease-ttl"),
                                      QStringLiteral("Coordinator with --store etcd: leader lease TTL."),
                                      QStringLiteral("seconds"), QStringLiteral("1"));
    parser.addOptions({role,          dataDir, listen,        portFile,    tokenFile,    tlsCert, tlsKey,
                       heartbeat,     suspect, dead,          coordinator, workerId,     label,   slotsOption,
                       allowCommands, store,   etcdEndpoints, etcdPrefix,  advertiseUrl, leaseTtl});
    parser.addOption(noBrowserProbe);
    parser.process(app);

    const QString roleName = parser.value(role);
    if (roleName != QLatin1String("coordinator") && roleName != QLatin1String("worker")) {
        return fail(QStringLiteral("--role must be 'coordinator' or 'worker'"));
    }
    QString dir = parser.value(dataDir);
    if (dir.isEmpty()) {
        dir = QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(roleName);
    }
    if (!QDir().mkpath(dir)) {
        return fail(QStringLiteral("cannot create data dir %1").arg(dir));
    }
    QString error;

    if (roleName == QLatin1String("coordinator")) {
        QHostAddress address;
        quint16 port = 0;
        if (!parseListen(parser.value(listen), &address, &port)) {
            return fail(QStringLiteral("--listen wants host:port, got '%1'").arg(parser.value(listen)));
        }
        const QString tokenPath =
            parser.isSet(tokenFile) ? parser.value(tokenFile) : QDir(dir).filePath(QStringLiteral("token"));
        const QByteArray token = accel::AccessToken::loadOrCreate(tokenPath, &error);
        if (token.isEmpty()) {
            return fail(error);
        }
        accel::CoordinatorConfig config;
        config.heartbeatMs = parser.value(heartbeat).toLongLong();
        config.suspectAfterMs = parser.value(suspect).toLongLong();
        config.deadAfterMs = parser.value(dead).toLongLong();
        if (config.heartbeatMs < 10 || config.suspectAfterMs <= config.heartbeatMs ||
            config.deadAfterMs < config.suspectAfterMs) {
            return fail(QStringLiteral("need 10 <= --heartbeat-ms < --suspect-ms <= --dead-ms"));
        }
        const QString storeKind = parser.value(store);
        if (storeKind != QLatin1String("sqlite") && storeKind != QLatin1String("etcd")) {
            return fail(QStringLiteral("--store must be 'sqlite' or 'etcd', got '%1'").arg(storeKind));
        }
        const bool etcd = storeKind == QLatin1String("etcd");
        accel::CoordinatorNode::Options nodeOptions;
        if (etcd) {
            nodeOptions.etcdEndpoints =
                parser.value(etcdEndpoints).split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (QString &e : nodeOptions.etcdEndpoints) {
                e = e.trimmed();
            }
            nodeOptions.prefix = parser.value(etcdPrefix).toUtf8();
            bool ttlOk = false;
            nodeOptions.leaseTtlSeconds = parser.value(leaseTtl).toLongLong(&ttlOk);
            if (!ttlOk) {
                return fail(
                    QStringLiteral("--lease-ttl wants whole seconds, got '%1'").arg(parser.value(leaseTtl)));
            }
            nodeOptions.config = config;
            // Checked now with a placeholder URL: the real one may need the bound port.
            nodeOptions.advertiseUrl = QUrl(QStringLiteral("http://127.0.0.1"));
            if (!accel::CoordinatorNode::validate(nodeOptions, &error)) {
                return fail(error);
            }
        } else if (parser.isSet(etcdEndpoints)) {
            return fail(QStringLiteral("--etcd-endpoints needs --store etcd"));
        }
        accel::Coordinator *coord = nullptr;
        if (!etcd) {
            auto *sqlite = new accel::SqliteStore(QDir(dir).filePath(QStringLiteral("coordinator.db")),
                                                  accel::Clock::system(), &app);
            auto opened = sqlite->open();
            if (!opened) {
                return fail(opened.error().message, 1);
            }
            coord = new accel::Coordinator(sqlite, accel::Clock::system(), config, &app);
            if (!coord->start(&error)) {
                return fail(error, 1);
            }
        }
        auto *server = new accel::CoordinatorServer(coord, token, &app);
        if (parser.isSet(tlsCert)) {
            QFile certFile(parser.value(tlsCert));
            QFile keyFile(parser.value(tlsKey));
            if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
                return fail(QStringLiteral("cannot read --tls-cert/--tls-key"));
            }
            const QSslCertificate cert(&certFile, QSsl::Pem);
            const QByteArray keyPem = keyFile.readAll();
            QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
            if (key.isNull()) {
                key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
            }
            if (cert.isNull() || key.isNull()) {
                return fail(QStringLiteral("--tls-cert/--tls-key are not a PEM certificate and RSA/EC key"));
            }
            server->sslSetup(cert, key);
        }
        const quint16 bound = server->start(address, port, &error);
        if (bound == 0) {
            return fail(error, 1);
        }
        if (parser.isSet(portFile)) {
            QSaveFile f(parser.value(portFile));
            if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::number(bound) + '\n') < 0 ||
                !f.commit()) {
                return fail(QStringLiteral("cannot write --port-file %1").arg(parser.value(portFile)), 1);
            }
        }
        const QString scheme = parser.isSet(tlsCert) ? QStringLiteral("https") : QStringLiteral("http");
        QTextStream(stdout) << "coordinator listening on " << scheme << "://" << address.toString() << ':'
                            << bound << " (token file " << tokenPath << ")" << Qt::endl;
        if (!etcd) {
            return app.exec();
        }
        if (parser.isSet(advertiseUrl)) {
            nodeOptions.advertiseUrl = QUrl(parser.value(advertiseUrl), QUrl::StrictMode);
        } else {
            QUrl self;
            self.setScheme(scheme);
            self.setHost(address.toString());
            self.setPort(bound);
            nodeOptions.advertiseUrl = self;
        }
        if (!accel::CoordinatorNode::validate(nodeOptions, &error)) {
            return fail(error);
        }
        auto *node = new accel::CoordinatorNode(nodeOptions, server, accel::Clock::system(), &app);
        QObject::connect(node, &accel::CoordinatorNode::shutDown, &app, &QCoreApplication::quit);
        if (!installTerminationHandler(&app, [node] { node->shutdown(); })) {
            return fail(QStringLiteral("cannot install the SIGTERM handler"), 1);
        }
        node->start();
        QTextStream(stdout) << "coordinator node " << nodeOptions.advertiseUrl.toString() << " on etcd "
                            << nodeOptions.etcdEndpoints.join(QLatin1Char(',')) << " prefix "
                            << QString::fromUtf8(nodeOptions.prefix) << Qt::endl;
        const int rc = app.exec();
        delete node; // before the server it points to
        return rc;
    }

    // Worker
    if (!parser.isSet(coordinator)) {
        return fail(QStringLiteral("a worker needs --coordinator URL"));
    }
    accel::WorkerConfig config;
    config.coordinators = parseUrlList(parser.value(coordinator), &error);
    if (config.coordinators.isEmpty()) {
        return fail(QStringLiteral("--coordinator wants URL[,URL...]: %1").arg(error));
    }
    config.coordinator = config.coordinators.first();
    QByteArray token = qgetenv("ACCEL_TOKEN");
    if (parser.isSet(tokenFile)) {
        token = accel::AccessToken::read(parser.value(tokenFile), &error);
    }
    if (token.isEmpty()) {
        return fail(error.isEmpty() ? QStringLiteral("a worker needs --token-file or ACCEL_TOKEN") : error);
    }
    config.token = token;
    config.workerId = parser.isSet(workerId) ? parser.value(workerId) : QSysInfo::machineHostName();
    config.name = config.workerId;
    config.workDir = QDir(dir).filePath(QStringLiteral("work"));
    config.labels = parser.values(label);
    bool ok = false;
    config.slotCount = parser.value(slotsOption).toInt(&ok);
    if (!ok || config.slotCount < 1 || config.slotCount > 1024) {
        return fail(QStringLiteral("--slots must be 1..1024"));
    }
    config.allowCommands = parser.isSet(allowCommands);
    config.probeBrowsers = !parser.isSet(noBrowserProbe);
    auto *worker = new accel::Worker(config, &app);
    worker->start();
    QStringList urls;
    for (const QUrl &u : std::as_const(config.coordinators)) {
        urls << u.toString();
    }
    QTextStream(stdout) << "worker " << config.workerId << " connecting to " << urls.join(QLatin1Char(','))
                        << Qt::endl;
    return app.exec();
}
