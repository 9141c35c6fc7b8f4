// accelctl cluster commands: submit, status, tasks, workers, cancel, drain, logs, results.
// Talk to a coordinator's HTTP/JSON API (core/cluster/ClusterClient); tables by default, --json
// for scripts. Exit codes: 0 ok, 1 suite failed / request refused, 2 usage, 3 coordinator
// unreachable or token refused, 4 --wait timed out.
#include "../CommandRegistry.h"

#include "cluster/ClusterClient.h"
#include "common/Clock.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

namespace {

struct Options
{
    QString coordinator;
    QString tokenFile;
    bool json = false;
    bool wait = false;
    int timeoutSec = 3600;
    QString output;
    QStringList positional;
};

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitTimeout = 4;

const char *kCommonHelp =
    "  --coordinator URL[,URL...]  coordinator(s), tried in order, redirects to the leader followed\n"
    "                      (default $ACCEL_COORDINATOR or http://127.0.0.1:7420)\n"
    "  --token-file FILE   token file (default $ACCEL_TOKEN_FILE, $ACCEL_TOKEN, or the local one)\n"
    "  --json              machine-readable output\n";

bool parse(const QStringList &args, Options *o, const QString &usage, int *exitCode)
{
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        auto value = [&](QString *dst) {
            if (i + 1 >= args.size()) {
                QTextStream(stderr) << "accelctl: " << a << " needs a value\n";
                return false;
            }
            *dst = args[++i];
            return true;
        };
        QString timeout;
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            QTextStream(stdout) << usage << kCommonHelp;
            *exitCode = 0;
            return false;
        } else if (a == QLatin1String("--json")) {
            o->json = true;
        } else if (a == QLatin1String("--wait")) {
            o->wait = true;
        } else if (a == QLatin1String("--coordinator")) {
            if (!value(&o->coordinator)) {
                *exitCode = kExitUsage;
                return false;
            }
        } else if (a == QLatin1String("--token-file")) {
            if (!value(&o->tokenFile)) {
                *exitCode = kExitUsage;
                return false;
            }
        } else if (a == QLatin1String("--output") || a == QLatin1String("-o")) {
            if (!value(&o->output)) {
                *exitCode = kExitUsage;
                return false;
            }
        } else if (a == QLatin1String("--timeout")) {
            bool ok = false;
            if (!value(&timeout) || (o->timeoutSec = timeout.toInt(&ok), !ok || o->timeoutSec < 1)) {
                QTextStream(stderr) << "accelctl: --timeout wants seconds\n";
                *exitCode = kExitUsage;
                return false;
            }
        } else if (a.startsWith(QLatin1String("--"))) {
            QTextStream(stderr) << "accelctl: unknown option " << a << "\n" << usage;
            *exitCode = kExitUsage;
            return false;
        } else {
            o->positional << a;
        }
    }
    return true;
}

std::unique_ptr<accel::ClusterClient> connectClient(const Options &o, int *exitCode)
{
    QList<QUrl> urls;
    QByteArray token;
    QString error;
    if (!accel::ClusterClient::resolve(o.coordinator, o.tokenFile, &urls, &token, &error)) {
        QTextStream(stderr) << "accelctl: " << error << '\n';
        *exitCode = kExitUnreachable;
        return nullptr;
    }
    return std::make_unique<accel::ClusterClient>(urls, token);
}

/// Prints an API failure and returns the exit code for it.
int failure(const accel::ClusterClient::Reply &r)
{
    QTextStream(stderr) << "accelctl: " << (r.error.isEmpty() ? QStringLiteral("request failed") : r.error)
                        << '\n';
    return (r.status == 0 || r.status == 401) ? kExitUnreachable : kExitFailed;
}

void printJson(const QJsonDocument &doc)
{
    QTextStream(stdout) << doc.toJson(QJsonDocument::Indented);
}

void printTable(const QStringList &headers, const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QString &h : headers) {
        widths << int(h.size());
    }
    for (const QStringList &r : rows) {
        for (int i = 0; i < r.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], int(r[i].size()));
        }
    }
    QTextStream out(stdout);
    auto line = [&](const QStringList &cells) {
        QString s;
        for (int i = 0; i < cells.size(); ++i) {
            s += i + 1 < cells.size() ? cells[i].leftJustified(widths[i] + 2) : cells[i];
        }
        out << s << '\n';
    };
    line(headers);
    for (const QStringList &r : rows) {
        line(r);
    }
}

QString countsText(const QJsonObject &counts)
{
    QStringList parts;
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        parts << QStringLiteral("%1 %2").arg(it.value().toInt()).arg(it.key());
    }
    return parts.join(QStringLiteral(", "));
}

int suiteExitCode(const QJsonObject &suite)
{
    const QJsonObject counts = suite.value(QStringLiteral("counts")).toObject();
    return (counts.value(QStringLiteral("failed")).toInt() + counts.value(QStringLiteral("error")).toInt()) >
                   0
               ? kExitFailed
               : 0;
}

int runSubmit(const QStringList &args)
{
    const QString usage =
        QStringLiteral("usage: accelctl submit SUITE.json [--wait [--timeout SEC]] [options]\n");
    Options o;
    int code = 0;
    if (!parse(args, &o, usage, &code)) {
        return code;
    }
    if (o.positional.size() != 1) {
        QTextStream(stderr) << usage;
        return kExitUsage;
    }
    QFile f(o.positional.first());
    if (!f.open(QIODevice::ReadOnly)) {
        QTextStream(stderr) << "accelctl: cannot read " << f.fileName() << ": " << f.errorString() << '\n';
        return kExitUsage;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    const auto r = client->post(QStringLiteral("/api/v1/suites"), f.read(64 * 1024 * 1024));
    if (!r.ok()) {
        return r.status == 400 || r.status == 413 ? (failure(r), kExitUsage) : failure(r);
    }
    const QString id = r.json().object().value(QStringLiteral("id")).toString();
    if (!o.wait) {
        if (o.json) {
            printJson(r.json());
        } else {
            QTextStream(stdout) << id << '\n';
        }
        return 0;
    }
    if (!o.json) {
        QTextStream(stderr) << "submitted " << id << ", waiting...\n";
    }
    const qint64 deadline = accel::Clock::system()->nowMs() + qint64(o.timeoutSec) * 1000;
    QString lastLine;
    while (true) {
        const auto s = client->get(QStringLiteral("/api/v1/suites/") + id);
        if (s.ok()) {
            const QJsonObject suite = s.json().object();
            const QString state = suite.value(QStringLiteral("state")).toString();
            const QString line = QStringLiteral("%1/%2 done (%3)")
                                     .arg(suite.value(QStringLiteral("done")).toInt())
                                     .arg(suite.value(QStringLiteral("total")).toInt())
                                     .arg(countsText(suite.value(QStringLiteral("counts")).toObject()));
            if (!o.json && line != lastLine) {
                QTextStream(stderr) << line << '\n';
                lastLine = line;
            }
            if (state != QLatin1String("running")) {
                if (o.json) {
                    printJson(QJsonDocument(suite));
                } else {
                    QTextStream(stdout)
                        << id << ' ' << state << ": "
                        << countsText(suite.value(QStringLiteral("counts")).toObject()) << '\n';
                }
                return suiteExitCode(suite);
            }
        } else if (s.status == 404) {
            return failure(s);
        } // else: the coordinator may be restarting; keep waiting until the deadline
        if (accel::Clock::system()->nowMs() > deadline) {
            QTextStream(stderr) << "accelctl: suite " << id << " still running after " << o.timeoutSec
                                << " s\n";
            return kExitTimeout;
        }
        QEventLoop loop;
        QTimer::singleShot(500, &loop, &QEventLoop::quit);
        loop.exec();
    }
}

int runStatus(const QStringList &args)
{
    const QString usage = QStringLiteral("usage: accelctl status [SUITE] [options]\n");
    Options o;
    int code = 0;
    if (!parse(args, &o, usage, &code)) {
        return code;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    if (o.positional.isEmpty()) {
        const auto health = client->get(QStringLiteral("/api/v1/health"));
        const auto suites = client->get(QStringLiteral("/api/v1/suites"));
        if (!health.ok() || !suites.ok()) {
            return failure(health.ok() ? suites : health);
        }
        if (o.json) {
            printJson(QJsonDocument(QJsonObject{{QStringLiteral("health"), health.json().object()},
                                                {QStringLiteral("suites"), suites.json().array()}}));
            return 0;
        }
        const QJsonObject h = health.json().object();
        QTextStream(stdout) << "coordinator " << h.value(QStringLiteral("version")).toString() << ", store "
                            << h.value(QStringLiteral("store")).toString() << ", epoch "
                            << h.value(QStringLiteral("epoch")).toInteger() << ", "
                            << h.value(QStringLiteral("queued")).toInt() << " queued, "
                            << h.value(QStringLiteral("unfinished")).toInt() << " unfinished\n\n";
        QList<QStringList> rows;
        for (const QJsonValue &v : suites.json().array()) {
            const QJsonObject s = v.toObject();
            rows << QStringList{s.value(QStringLiteral("id")).toString(),
                                s.value(QStringLiteral("name")).toString(),
                                s.value(QStringLiteral("state")).toString(),
                                QStringLiteral("%1/%2")
                                    .arg(s.value(QStringLiteral("done")).toInt())
                                    .arg(s.value(QStringLiteral("total")).toInt()),
                                countsText(s.value(QStringLiteral("counts")).toObject())};
        }
        printTable({QStringLiteral("SUITE"), QStringLiteral("NAME"), QStringLiteral("STATE"),
                    QStringLiteral("DONE"), QStringLiteral("TASKS")},
                   rows);
        return 0;
    }
    const auto r = client->get(QStringLiteral("/api/v1/suites/") + o.positional.first());
    if (!r.ok()) {
        return failure(r);
    }
    const QJsonObject s = r.json().object();
    if (o.json) {
        printJson(r.json());
    } else {
        QTextStream(stdout) << s.value(QStringLiteral("id")).toString() << " ("
                            << s.value(QStringLiteral("name")).toString() << ") "
                            << s.value(QStringLiteral("state")).toString() << ": "
                            << s.value(QStringLiteral("done")).toInt() << '/'
                            << s.value(QStringLiteral("total")).toInt() << " done; "
                            << countsText(s.value(QStringLiteral("counts")).toObject()) << '\n';
    }
    return s.value(QStringLiteral("state")).toString() == QLatin1String("running") ? 0 : suiteExitCode(s);
}

int runTasks(const QStringList &args)
{
    const QString usage = QStringLiteral("usage: accelctl tasks [SUITE] [--state STATE] [options]\n"
                                         "       accelctl tasks SUITE/TASK   (one task with its attempts)\n");
    QStringList rest = args;
    QString state;
    const qsizetype si = rest.indexOf(QStringLiteral("--state"));
    if (si >= 0) {
        if (si + 1 >= rest.size()) {
            QTextStream(stderr) << usage;
            return kExitUsage;
        }
        state = rest[si + 1];
        rest.remove(si, 2);
    }
    Options o;
    int code = 0;
    if (!parse(rest, &o, usage, &code)) {
        return code;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    if (!o.positional.isEmpty() && o.positional.first().contains(QLatin1Char('/'))) {
        const auto r = client->get(QStringLiteral("/api/v1/tasks/") + o.positional.first());
        if (!r.ok()) {
            return failure(r);
        }
        const QJsonObject t = r.json().object();
        if (o.json) {
            printJson(r.json());
            return 0;
        }
        QTextStream out(stdout);
        out << t.value(QStringLiteral("key")).toString() << ": "
            << t.value(QStringLiteral("state")).toString() << ", attempt "
            << t.value(QStringLiteral("attempt")).toInt();
        if (t.contains(QStringLiteral("unschedulable")) &&
            !t.value(QStringLiteral("unschedulable")).toString().isEmpty()) {
            out << "\n  unschedulable: " << t.value(QStringLiteral("unschedulable")).toString();
        }
        out << '\n';
        out.flush();
        QList<QStringList> rows;
        for (const QJsonValue &v : t.value(QStringLiteral("history")).toArray()) {
            const QJsonObject a = v.toObject();
            rows << QStringList{
                QString::number(a.value(QStringLiteral("attempt")).toInt()),
                a.value(QStringLiteral("worker")).toString(), a.value(QStringLiteral("outcome")).toString(),
                a.value(QStringLiteral("action")).toString(), a.value(QStringLiteral("reason")).toString()};
        }
        printTable({QStringLiteral("ATTEMPT"), QStringLiteral("WORKER"), QStringLiteral("OUTCOME"),
                    QStringLiteral("ACTION"), QStringLiteral("REASON")},
                   rows);
        return 0;
    }
    QString path = QStringLiteral("/api/v1/tasks");
    QStringList query;
    if (!o.positional.isEmpty()) {
        query << QStringLiteral("suite=") + o.positional.first();
    }
    if (!state.isEmpty()) {
        query << QStringLiteral("state=") + state;
    }
    if (!query.isEmpty()) {
        path += QLatin1Char('?') + query.join(QLatin1Char('&'));
    }
    const auto r = client->get(path);
    if (!r.ok()) {
        return failure(r);
    }
    if (o.json) {
        printJson(r.json());
        return 0;
    }
    QList<QStringList> rows;
    for (const QJsonValue &v : r.json().array()) {
        const QJsonObject t = v.toObject();
        rows << QStringList{t.value(QStringLiteral("key")).toString(),
                            t.value(QStringLiteral("state")).toString(),
                            QString::number(t.value(QStringLiteral("attempt")).toInt()),
                            t.value(QStringLiteral("worker")).toString(),
                            QString::number(t.value(QStringLiteral("priority")).toInt())};
    }
    printTable({QStringLiteral("TASK"), QStringLiteral("STATE"), QStringLiteral("ATTEMPT"),
                QStringLiteral("WORKER"), QStringLiteral("PRIORITY")},
               rows);
    return 0;
}

int runWorkers(const QStringList &args)
{
    const QString usage = QStringLiteral("usage: accelctl workers [options]\n");
    Options o;
    int code = 0;
    if (!parse(args, &o, usage, &code)) {
        return code;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    const auto r = client->get(QStringLiteral("/api/v1/workers"));
    if (!r.ok()) {
        return failure(r);
    }
    if (o.json) {
        printJson(r.json());
        return 0;
    }
    QList<QStringList> rows;
    for (const QJsonValue &v : r.json().array()) {
        const QJsonObject w = v.toObject();
        QString state = w.value(QStringLiteral("state")).toString();
        if (w.value(QStringLiteral("quarantined")).toBool()) {
            state += QStringLiteral(",quarantined");
        }
        if (w.value(QStringLiteral("draining")).toBool()) {
            state += QStringLiteral(",draining");
        }
        const QJsonObject caps = w.value(QStringLiteral("capabilities")).toObject();
        const qint64 age = w.value(QStringLiteral("heartbeatAgeMs")).toInteger();
        QStringList capStrings;
        for (const QJsonValue &c : w.value(QStringLiteral("capabilityStrings")).toArray()) {
            capStrings << c.toString();
        }
        rows << QStringList{w.value(QStringLiteral("id")).toString(),
                            state,
                            QStringLiteral("%1/%2")
                                .arg(w.value(QStringLiteral("tasks")).toArray().size())
                                .arg(caps.value(QStringLiteral("slots")).toInt()),
                            age < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(age),
                            QStringLiteral("%1 cpu, %2 MB")
                                .arg(caps.value(QStringLiteral("cpus")).toInt())
                                .arg(caps.value(QStringLiteral("memoryMb")).toInteger()),
                            capStrings.join(QLatin1Char(' '))};
    }
    printTable({QStringLiteral("WORKER"), QStringLiteral("STATE"), QStringLiteral("TASKS"),
                QStringLiteral("HEARTBEAT"), QStringLiteral("RESOURCES"), QStringLiteral("CAPABILITIES")},
               rows);
    return 0;
}

int postAction(const QStringList &args, const QString &usage,
               const std::function<QString(const QString &)> &pathFor)
{
    Options o;
    int code = 0;
    if (!parse(args, &o, usage, &code)) {
        return code;
    }
    if (o.positional.size() != 1) {
        QTextStream(stderr) << usage;
        return kExitUsage;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    const auto r = client->post(pathFor(o.positional.first()), {});
    if (!r.ok()) {
        return failure(r);
    }
    if (o.json) {
        printJson(r.json());
    } else {
        QTextStream(stdout) << "ok\n";
    }
    return 0;
}

int runCancel(const QStringList &args)
{
    return postAction(
        args, QStringLiteral("usage: accelctl cancel SUITE | SUITE/TASK [options]\n"), [](const QString &id) {
            return id.contains(QLatin1Char('/')) ? QStringLiteral("/api/v1/tasks/%1/cancel").arg(id)
                                                 : QStringLiteral("/api/v1/suites/%1/cancel").arg(id);
        });
}

int runDrain(const QStringList &args)
{
    QStringList rest = args;
    QString action = QStringLiteral("drain");
    for (const QString &flag :
         {QStringLiteral("--undo"), QStringLiteral("--quarantine"), QStringLiteral("--release")}) {
        if (rest.removeAll(flag) > 0) {
            action = flag == QLatin1String("--undo")         ? QStringLiteral("undrain")
                     : flag == QLatin1String("--quarantine") ? QStringLiteral("quarantine")
                                                             : QStringLiteral("unquarantine");
        }
    }
    return postAction(
        rest, QStringLiteral("usage: accelctl drain WORKER [--undo | --quarantine | --release] [options]\n"),
        [action](const QString &id) { return QStringLiteral("/api/v1/workers/%1/%2").arg(id, action); });
}

int runLogs(const QStringList &args)
{
    const QString usage = QStringLiteral("usage: accelctl logs SUITE/TASK [options]\n");
    Options o;
    int code = 0;
    if (!parse(args, &o, usage, &code)) {
        return code;
    }
    if (o.positional.size() != 1 || !o.positional.first().contains(QLatin1Char('/'))) {
        QTextStream(stderr) << usage;
        return kExitUsage;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    const auto r = client->get(QStringLiteral("/api/v1/tasks/%1/logs").arg(o.positional.first()));
    if (!r.ok()) {
        return failure(r);
    }
    if (o.json) {
        printJson(r.json());
    } else {
        QTextStream(stdout) << r.json().object().value(QStringLiteral("log")).toString();
    }
    return 0;
}

int runResults(const QStringList &args)
{
    const QString usage = QStringLiteral("usage: accelctl results SUITE [-o FILE] [options]\n"
                                         "Fetches the suite's results document (docs/results-format.md).\n");
    Options o;
    int code = 0;
    if (!parse(args, &o, usage, &code)) {
        return code;
    }
    if (o.positional.size() != 1) {
        QTextStream(stderr) << usage;
        return kExitUsage;
    }
    auto client = connectClient(o, &code);
    if (!client) {
        return code;
    }
    const auto r = client->get(QStringLiteral("/api/v1/suites/%1/results").arg(o.positional.first()));
    if (!r.ok()) {
        return failure(r);
    }
    const QByteArray doc = r.json().toJson(QJsonDocument::Indented);
    if (o.output.isEmpty()) {
        QTextStream(stdout) << doc;
    } else {
        QFile f(o.output);
        if (!f.open(QIODevice::WriteOnly) || f.write(doc) != doc.size()) {
            QTextStream(stderr) << "accelctl: cannot write " << o.output << '\n';
            return kExitFailed;
        }
    }
    int bad = 0;
    for (const QJsonValue &c : r.json().object().value(QStringLiteral("cases")).toArray()) {
        const QString s = c.toObject().value(QStringLiteral("status")).toString();
        bad += (s == QLatin1String("failed") || s == QLatin1String("error")) ? 1 : 0;
    }
    return bad > 0 ? kExitFailed : 0;
}

} // namespace

ACCELCTL_COMMAND("submit", "submit a test suite to a coordinator (--wait for the verdict)", runSubmit);
ACCELCTL_COMMAND("status", "coordinator and suite status", runStatus);
ACCELCTL_COMMAND("tasks", "list tasks, or one task with its attempts", runTasks);
ACCELCTL_COMMAND("workers", "list workers with state, load and capabilities", runWorkers);
ACCELCTL_COMMAND("cancel", "cancel a suite or one task", runCancel);
ACCELCTL_COMMAND("drain", "drain (or quarantine/release) a worker", runDrain);
ACCELCTL_COMMAND("logs", "output of a task", runLogs);
ACCELCTL_COMMAND("results", "fetch a suite's results JSON (input of accelctl report)", runResults);
