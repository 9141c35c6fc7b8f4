// `accelctl etcd members|member-add|member-remove`: etcd cluster membership for operators (issue 8).
// The logic and the retry policy live in core (EtcdMembership); this file parses and prints.
// Exit codes: 0 ok, 1 error (etcd refused, unreachable, not found, timed out), 2 usage.
#include "../CommandRegistry.h"

#include "cluster/etcd/EtcdMembership.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

const char *kUsage =
    "usage: accelctl etcd members [options]\n"
    "       accelctl etcd member-add --peer-url URL [--name NAME] [options]\n"
    "       accelctl etcd member-remove ID|NAME [options]\n"
    "  members         every member with its raft status (term, index, applied index, leader, db size)\n"
    "  member-add      adds a voting member; prints its id and the --initial-cluster the new etcd needs\n"
    "                  (start it with --initial-cluster-state existing)\n"
    "  member-remove   removes a member by id (hex) or name\n"
    "options:\n"
    "  --etcd-endpoints URL[,URL...]  etcd client URLs (default $ACCEL_ETCD_ENDPOINTS or\n"
    "                                 http://127.0.0.1:2379)\n"
    "  --timeout S     give up after S seconds; changes are retried while the cluster settles\n"
    "                  (default 30)\n"
    "  --json          machine-readable output\n";

struct Options
{
    QString subcommand;
    QStringList endpoints;
    int timeoutSec = 30;
    bool json = false;
    QString peerUrl;
    QString name;
    QStringList positional;
};

/// Returns -1 when parsing succeeded, else the exit code.
int parse(const QStringList &args, Options *o)
{
    QTextStream err(stderr);
    QString endpoints = qEnvironmentVariable("ACCEL_ETCD_ENDPOINTS", QStringLiteral("http://127.0.0.1:2379"));
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        auto value = [&](QString *dst) {
            if (i + 1 >= args.size()) {
                err << "accelctl etcd: " << a << " needs a value\n";
                return false;
            }
            *dst = args[++i];
            return true;
        };
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            QTextStream(stdout) << kUsage;
            return 0;
        } else if (a == QLatin1String("--json")) {
            o->json = true;
        } else if (a == QLatin1String("--etcd-endpoints")) {
            if (!value(&endpoints)) {
                return kExitUsage;
            }
        } else if (a == QLatin1String("--peer-url")) {
            if (!value(&o->peerUrl)) {
                return kExitUsage;
            }
        } else if (a == QLatin1String("--name")) {
            if (!value(&o->name)) {
                return kExitUsage;
            }
        } else if (a == QLatin1String("--timeout")) {
            QString t;
            bool ok = false;
            if (!value(&t) ||
                (o->timeoutSec = t.toInt(&ok), !ok || o->timeoutSec < 1 || o->timeoutSec > 3600)) {
                err << "accelctl etcd: --timeout wants 1..3600 seconds\n";
                return kExitUsage;
            }
        } else if (a.startsWith(QLatin1String("--"))) {
            err << "accelctl etcd: unknown option " << a << "\n" << kUsage;
            return kExitUsage;
        } else if (o->subcommand.isEmpty()) {
            o->subcommand = a;
        } else {
            o->positional << a;
        }
    }
    for (const QString &e : endpoints.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        o->endpoints << e.trimmed();
    }
    if (o->endpoints.isEmpty()) {
        err << "accelctl etcd: --etcd-endpoints needs at least one URL\n";
        return kExitUsage;
    }
    for (const QString &e : std::as_const(o->endpoints)) {
        QString error;
        if (!accel::EtcdMembership::isValidPeerUrl(e, &error)) {
            err << "accelctl etcd: endpoint '" << e << "' is not of the form http://host:port\n";
            return kExitUsage;
        }
    }
    if (o->subcommand.isEmpty()) {
        err << kUsage;
        return kExitUsage;
    }
    return -1;
}

QJsonObject memberJson(const accel::EtcdMember &m)
{
    return {{QStringLiteral("id"), accel::EtcdMembership::formatMemberId(m.id)},
            {QStringLiteral("name"), m.name},
            {QStringLiteral("peerUrls"), QJsonArray::fromStringList(m.peerUrls)},
            {QStringLiteral("clientUrls"), QJsonArray::fromStringList(m.clientUrls)},
            {QStringLiteral("learner"), m.isLearner}};
}

QString dash(const QString &s)
{
    return s.isEmpty() ? QStringLiteral("-") : s;
}

int runMembers(const Options &o, accel::EtcdMembership &membership)
{
    QTextStream out(stdout);
    const auto rows = membership.list();
    if (!rows.ok()) {
        QTextStream(stderr) << "accelctl etcd members: " << rows.error().toString() << '\n';
        return kExitError;
    }
    if (o.json) {
        QJsonArray list;
        for (const accel::EtcdMemberRow &r : rows.value()) {
            QJsonObject m = memberJson(r.member);
            m.insert(QStringLiteral("leader"), r.isLeader);
            if (r.status) {
                m.insert(QStringLiteral("version"), r.status->version);
                m.insert(QStringLiteral("raftTerm"), double(r.status->raftTerm));
                m.insert(QStringLiteral("raftIndex"), double(r.status->raftIndex));
                m.insert(QStringLiteral("raftAppliedIndex"), double(r.status->raftAppliedIndex));
                m.insert(QStringLiteral("dbSizeBytes"), double(r.status->dbSizeBytes));
                m.insert(QStringLiteral("raftLeaderId"),
                         accel::EtcdMembership::formatMemberId(r.status->leader));
            } else {
                m.insert(QStringLiteral("statusError"), r.statusError);
            }
            list.append(m);
        }
        out << QJsonDocument(list).toJson(QJsonDocument::Indented);
        return 0;
    }
    const QStringList header{QStringLiteral("ID"),        QStringLiteral("NAME"),
                             QStringLiteral("PEER URLS"), QStringLiteral("CLIENT URLS"),
                             QStringLiteral("LEARNER"),   QStringLiteral("LEADER"),
                             QStringLiteral("RAFT TERM"), QStringLiteral("RAFT INDEX"),
                             QStringLiteral("APPLIED"),   QStringLiteral("DB SIZE")};
    QList<QStringList> table{header};
    for (const accel::EtcdMemberRow &r : rows.value()) {
        QStringList row{accel::EtcdMembership::formatMemberId(r.member.id),
                        dash(r.member.name),
                        dash(r.member.peerUrls.join(QLatin1Char(','))),
                        dash(r.member.clientUrls.join(QLatin1Char(','))),
                        r.member.isLearner ? QStringLiteral("yes") : QStringLiteral("no"),
                        r.isLeader ? QStringLiteral("*") : QString()};
        if (r.status) {
            row << QString::number(r.status->raftTerm) << QString::number(r.status->raftIndex)
                << QString::number(r.status->raftAppliedIndex)
                << QStringLiteral("%1 KiB").arg((r.status->dbSizeBytes + 1023) / 1024);
        } else {
            row << QStringLiteral("-") << QStringLiteral("-") << QStringLiteral("-") << QStringLiteral("-");
        }
        table << row;
    }
    QList<int> widths(header.size(), 0);
    for (const QStringList &row : std::as_const(table)) {
        for (int c = 0; c < row.size(); ++c) {
            widths[c] = qMax(widths[c], int(row[c].size()));
        }
    }
    for (const QStringList &row : std::as_const(table)) {
        QString line;
        for (int c = 0; c < row.size(); ++c) {
            line += row[c].leftJustified(widths[c] + 2);
        }
        out << line.trimmed() << '\n';
    }
    for (const accel::EtcdMemberRow &r : rows.value()) {
        if (!r.status) {
            out << "note: " << dash(r.member.name) << " ("
                << accel::EtcdMembership::formatMemberId(r.member.id) << "): no status: " << r.statusError
                << '\n';
        }
    }
    return 0;
}

int runAdd(const Options &o, accel::EtcdMembership &membership)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (o.peerUrl.isEmpty() || !o.positional.isEmpty()) {
        err << "accelctl etcd member-add: needs --peer-url URL (and no other arguments)\n";
        return kExitUsage;
    }
    QString invalid;
    if (!accel::EtcdMembership::isValidPeerUrl(o.peerUrl, &invalid)) {
        err << "accelctl etcd member-add: " << invalid << '\n';
        return kExitUsage;
    }
    const auto r = membership.add(o.peerUrl, o.name);
    if (!r.ok()) {
        err << "accelctl etcd member-add: " << r.error().toString() << '\n';
        return kExitError;
    }
    const accel::EtcdMembership::AddResult &a = r.value();
    if (o.json) {
        QJsonArray members;
        for (const accel::EtcdMember &m : a.members) {
            members.append(memberJson(m));
        }
        out << QJsonDocument(
                   QJsonObject{{QStringLiteral("id"), accel::EtcdMembership::formatMemberId(a.member.id)},
                               {QStringLiteral("name"), a.name},
                               {QStringLiteral("peerUrls"), QJsonArray::fromStringList(a.member.peerUrls)},
                               {QStringLiteral("initialCluster"), a.initialCluster},
                               {QStringLiteral("initialClusterState"), QStringLiteral("existing")},
                               {QStringLiteral("attempts"), a.attempts},
                               {QStringLiteral("members"), members}})
                   .toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "added member " << accel::EtcdMembership::formatMemberId(a.member.id) << " (" << o.peerUrl
        << ") after " << a.attempts << " attempt(s)\n"
        << "start it with:\n"
        << "  --name " << a.name << "\n"
        << "  --initial-advertise-peer-urls " << o.peerUrl << "\n"
        << "  --initial-cluster " << a.initialCluster << "\n"
        << "  --initial-cluster-state existing\n";
    return 0;
}

int runRemove(const Options &o, accel::EtcdMembership &membership)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (o.positional.size() != 1) {
        err << "accelctl etcd member-remove: needs exactly one member id (hex) or name\n";
        return kExitUsage;
    }
    const auto r = membership.remove(o.positional.first());
    if (!r.ok()) {
        err << "accelctl etcd member-remove: " << r.error().toString() << '\n';
        return kExitError;
    }
    const accel::EtcdMembership::RemoveResult &rm = r.value();
    if (o.json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("removed"), memberJson(rm.removed)},
                                         {QStringLiteral("attempts"), rm.attempts},
                                         {QStringLiteral("members"), int(rm.members.size())}})
                   .toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "removed member " << accel::EtcdMembership::formatMemberId(rm.removed.id) << " ("
        << dash(rm.removed.name) << ") after " << rm.attempts << " attempt(s); " << rm.members.size()
        << " member(s) left\n";
    return 0;
}

int runEtcd(const QStringList &args)
{
    Options o;
    const int parsed = parse(args, &o);
    if (parsed >= 0) {
        return parsed;
    }
    accel::EtcdMembership::Options mo;
    mo.endpoints = o.endpoints;
    mo.timeoutMs = o.timeoutSec * 1000;
    mo.attemptTimeoutMs = qMin(2000, mo.timeoutMs);
    accel::EtcdMembership membership(mo);
    membership.setRetryObserver([](const accel::EtcdError &error, int attempt, int delayMs) {
        QTextStream(stderr) << "accelctl etcd: attempt " << attempt << " refused (" << error.toString()
                            << "); retrying in " << delayMs << " ms\n";
    });
    if (o.subcommand == QLatin1String("members")) {
        if (!o.positional.isEmpty()) {
            QTextStream(stderr) << "accelctl etcd members: takes no arguments\n";
            return kExitUsage;
        }
        return runMembers(o, membership);
    }
    if (o.subcommand == QLatin1String("member-add")) {
        return runAdd(o, membership);
    }
    if (o.subcommand == QLatin1String("member-remove")) {
        return runRemove(o, membership);
    }
    QTextStream(stderr) << "accelctl etcd: unknown subcommand '" << o.subcommand << "'\n" << kUsage;
    return kExitUsage;
}

} // namespace

ACCELCTL_COMMAND("etcd", "etcd cluster membership: members, member-add, member-remove", runEtcd);
