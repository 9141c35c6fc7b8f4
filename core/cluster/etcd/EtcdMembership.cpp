#include "cluster/etcd/EtcdMembership.h"

#include "cluster/etcd/EtcdBlockingClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QHash>
#include <QThread>
#include <QUrl>

#include <algorithm>

namespace accel {

namespace {

EtcdError makeError(EtcdErrorCode code, const QString &message)
{
    EtcdError e;
    e.code = code;
    e.message = message;
    return e;
}

const EtcdMember *findByPeerUrl(const QList<EtcdMember> &members, const QString &peerUrl)
{
    for (const EtcdMember &m : members) {
        if (m.peerUrls.contains(peerUrl)) {
            return &m;
        }
    }
    return nullptr;
}

const EtcdMember *findById(const QList<EtcdMember> &members, quint64 id)
{
    for (const EtcdMember &m : members) {
        if (m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

QString describeMembers(const QList<EtcdMember> &members)
{
    QStringList parts;
    for (const EtcdMember &m : members) {
        parts << QStringLiteral("%1 (%2)").arg(m.name.isEmpty() ? QStringLiteral("unstarted") : m.name,
                                               EtcdMembership::formatMemberId(m.id));
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

EtcdMembership::EtcdMembership(const Options &options, const Clock *clock)
    : m_options(options)
    , m_clock(clock ? clock : Clock::system())
{}

bool EtcdMembership::isRetryable(const EtcdError &error)
{
    switch (error.code) {
    case EtcdErrorCode::NoQuorum:
    case EtcdErrorCode::Timeout:
    case EtcdErrorCode::Unreachable:
        return true;
    default:
        break;
    }
    static const char *const settling[] = {"unhealthy cluster", "not enough started members",
                                           "too many requests", "leader changed",
                                           "server stopped",    "no leader",
                                           "request timed out"};
    for (const char *text : settling) {
        if (error.message.contains(QLatin1String(text), Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

QString EtcdMembership::formatMemberId(quint64 id)
{
    return QString::number(id, 16);
}

std::optional<quint64> EtcdMembership::parseMemberId(const QString &text)
{
    QString t = text.trimmed().toLower();
    if (t.startsWith(QLatin1String("0x"))) {
        t = t.mid(2);
    }
    if (t.isEmpty() || t.size() > 16) {
        return std::nullopt;
    }
    for (const QChar c : std::as_const(t)) {
        if (!c.isDigit() && (c < QLatin1Char('a') || c > QLatin1Char('f'))) {
            return std::nullopt;
        }
    }
    bool ok = false;
    const quint64 id = t.toULongLong(&ok, 16);
    if (!ok || id == 0) {
        return std::nullopt;
    }
    return id;
}

bool EtcdMembership::isValidPeerUrl(const QString &url, QString *error)
{
    const QUrl u(url, QUrl::StrictMode);
    if (!u.isValid() || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")) ||
        u.host().isEmpty() || u.port() <= 0 || (!u.path().isEmpty() && u.path() != QLatin1String("/")) ||
        u.hasQuery() || u.hasFragment()) {
        *error = QStringLiteral("peer URL '%1' is not of the form http://host:port").arg(url.left(200));
        return false;
    }
    return true;
}

QString EtcdMembership::initialCluster(const QList<EtcdMember> &members, quint64 newMemberId,
                                       const QString &newName)
{
    QStringList parts;
    for (const EtcdMember &m : members) {
        const QString name = m.id == newMemberId ? newName : m.name;
        if (name.isEmpty()) {
            continue; // another member that was added but never started: it cannot vouch for anyone
        }
        for (const QString &peer : m.peerUrls) {
            parts << name + QLatin1Char('=') + peer;
        }
    }
    return parts.join(QLatin1Char(','));
}

void EtcdMembership::backoff(int attempt, const EtcdError &error, qint64 deadlineMs)
{
    const int shift = qMin(attempt - 1, 10);
    const qint64 wanted = qMin<qint64>(qint64(m_options.initialBackoffMs) << shift, m_options.maxBackoffMs);
    const qint64 leftMs = deadlineMs - m_clock->nowMs();
    const int delayMs = int(qBound(qint64(0), qMin(wanted, leftMs), qint64(m_options.maxBackoffMs)));
    qCInfo(lcCluster).noquote() << "etcd membership: attempt" << attempt << "failed (" << error.toString()
                                << "); retrying in" << delayMs << "ms";
    if (m_observer) {
        m_observer(error, attempt, delayMs);
    }
    if (delayMs > 0) {
        // A CLI/worker-thread API (see the class comment): nothing else runs on this thread.
        QThread::msleep(ulong(delayMs));
    }
}

EtcdResult<EtcdMemberListResponse> EtcdMembership::memberList()
{
    const qint64 deadlineMs = m_clock->nowMs() + m_options.timeoutMs;
    EtcdBlockingClient client(m_options.endpoints, m_clock);
    client.setAttemptTimeoutMs(m_options.attemptTimeoutMs);
    for (int attempt = 1;; ++attempt) {
        client.setTimeoutMs(int(qMax<qint64>(1, deadlineMs - m_clock->nowMs())));
        const auto raw = client.post(QStringLiteral("/v3/cluster/member/list"), EtcdCodec::encodeEmpty(),
                                     /*idempotent=*/true);
        EtcdError error = raw.ok() ? EtcdError() : raw.error();
        if (raw.ok()) {
            auto decoded = EtcdCodec::decodeMemberList(raw.value());
            if (decoded.ok()) {
                return decoded;
            }
            error = decoded.error();
        }
        if (!isRetryable(error) || m_clock->nowMs() >= deadlineMs) {
            return error;
        }
        backoff(attempt, error, deadlineMs);
    }
}

EtcdResult<QList<EtcdMemberRow>> EtcdMembership::list()
{
    if (m_options.endpoints.isEmpty()) {
        return makeError(EtcdErrorCode::NoEndpoints, QStringLiteral("no etcd endpoints given"));
    }
    const auto members = memberList();
    if (!members.ok()) {
        return members.error();
    }
    QList<EtcdMemberRow> rows;
    QHash<quint64, int> leaderVotes;
    for (const EtcdMember &m : members.value().members) {
        EtcdMemberRow row;
        row.member = m;
        if (m.clientUrls.isEmpty()) {
            row.statusError =
                m.name.isEmpty() ? QStringLiteral("not started yet") : QStringLiteral("no client URL");
        } else {
            EtcdBlockingClient one({m.clientUrls.first()}, m_clock);
            one.setTimeoutMs(m_options.statusTimeoutMs);
            one.setAttemptTimeoutMs(m_options.statusTimeoutMs);
            const auto raw =
                one.post(QStringLiteral("/v3/maintenance/status"), EtcdCodec::encodeEmpty(), true);
            if (!raw.ok()) {
                row.statusError = raw.error().toString();
            } else {
                const auto status = EtcdCodec::decodeStatus(raw.value());
                if (status.ok()) {
                    row.status = status.value();
                    if (status.value().leader != 0) {
                        ++leaderVotes[status.value().leader];
                    }
                } else {
                    row.statusError = status.error().toString();
                }
            }
        }
        rows << row;
    }
    quint64 leader = 0;
    int votes = 0;
    for (auto it = leaderVotes.cbegin(); it != leaderVotes.cend(); ++it) {
        if (it.value() > votes) {
            leader = it.key();
            votes = it.value();
        }
    }
    for (EtcdMemberRow &row : rows) {
        row.isLeader = leader != 0 && row.member.id == leader;
    }
    std::sort(rows.begin(), rows.end(), [](const EtcdMemberRow &a, const EtcdMemberRow &b) {
        if (a.member.name.isEmpty() != b.member.name.isEmpty()) {
            return b.member.name.isEmpty();
        }
        return a.member.name != b.member.name ? a.member.name < b.member.name : a.member.id < b.member.id;
    });
    return rows;
}

EtcdResult<EtcdMembership::AddResult> EtcdMembership::add(const QString &peerUrl, const QString &name)
{
    QString invalid;
    if (!isValidPeerUrl(peerUrl, &invalid)) {
        return makeError(EtcdErrorCode::InvalidArgument, invalid);
    }
    if (m_options.endpoints.isEmpty()) {
        return makeError(EtcdErrorCode::NoEndpoints, QStringLiteral("no etcd endpoints given"));
    }
    const QString peer = peerUrl.endsWith(QLatin1Char('/')) ? peerUrl.chopped(1) : peerUrl;
    const qint64 deadlineMs = m_clock->nowMs() + m_options.timeoutMs;
    EtcdBlockingClient client(m_options.endpoints, m_clock);
    client.setAttemptTimeoutMs(m_options.attemptTimeoutMs);
    auto finish = [&](const EtcdMember &member, const QList<EtcdMember> &all, int attempts) {
        AddResult r;
        r.member = member;
        r.name = name.isEmpty() ? QStringLiteral("member-") + formatMemberId(member.id) : name;
        r.members = all;
        r.initialCluster = initialCluster(all, member.id, r.name);
        r.attempts = attempts;
        return r;
    };
    for (int attempt = 1;; ++attempt) {
        if (attempt > 1) {
            // The previous answer may have been lost after etcd applied the change.
            const auto current = memberList();
            if (current.ok()) {
                if (const EtcdMember *m = findByPeerUrl(current.value().members, peer)) {
                    return finish(*m, current.value().members, attempt - 1);
                }
            }
        }
        client.setTimeoutMs(int(
            qMax<qint64>(1, qMin<qint64>(deadlineMs - m_clock->nowMs(), 2 * m_options.attemptTimeoutMs))));
        const auto raw =
            client.post(QStringLiteral("/v3/cluster/member/add"), EtcdCodec::encodeMemberAdd({peer}), false);
        EtcdError error = raw.ok() ? EtcdError() : raw.error();
        if (raw.ok()) {
            const auto decoded = EtcdCodec::decodeMemberAdd(raw.value());
            if (decoded.ok()) {
                return finish(decoded.value().member, decoded.value().members, attempt);
            }
            error = decoded.error();
        }
        if (!isRetryable(error) || m_clock->nowMs() >= deadlineMs) {
            error.message = QStringLiteral("member add %1 failed after %2 attempt(s): %3")
                                .arg(peer)
                                .arg(attempt)
                                .arg(error.message);
            return error;
        }
        backoff(attempt, error, deadlineMs);
    }
}

EtcdResult<EtcdMembership::RemoveResult> EtcdMembership::remove(const QString &idOrName)
{
    if (idOrName.trimmed().isEmpty()) {
        return makeError(EtcdErrorCode::InvalidArgument,
                         QStringLiteral("member-remove needs a member id or name"));
    }
    if (m_options.endpoints.isEmpty()) {
        return makeError(EtcdErrorCode::NoEndpoints, QStringLiteral("no etcd endpoints given"));
    }
    const auto before = memberList();
    if (!before.ok()) {
        return before.error();
    }
    const QList<EtcdMember> &members = before.value().members;
    const EtcdMember *target = nullptr;
    if (const auto id = parseMemberId(idOrName)) {
        target = findById(members, *id);
    }
    if (!target) {
        for (const EtcdMember &m : members) {
            if (!m.name.isEmpty() && m.name == idOrName.trimmed()) {
                target = &m;
                break;
            }
        }
    }
    if (!target) {
        return makeError(EtcdErrorCode::NotFound,
                         QStringLiteral("no etcd member with id or name '%1' (members: %2)")
                             .arg(idOrName.left(100), describeMembers(members)));
    }
    const EtcdMember removed = *target;
    const qint64 deadlineMs = m_clock->nowMs() + m_options.timeoutMs;
    EtcdBlockingClient client(m_options.endpoints, m_clock);
    client.setAttemptTimeoutMs(m_options.attemptTimeoutMs);
    for (int attempt = 1;; ++attempt) {
        if (attempt > 1) {
            const auto current = memberList();
            if (current.ok() && !findById(current.value().members, removed.id)) {
                return RemoveResult{removed, current.value().members, attempt - 1};
            }
        }
        client.setTimeoutMs(int(
            qMax<qint64>(1, qMin<qint64>(deadlineMs - m_clock->nowMs(), 2 * m_options.attemptTimeoutMs))));
        const auto raw = client.post(QStringLiteral("/v3/cluster/member/remove"),
                                     EtcdCodec::encodeMemberRemove(removed.id), false);
        EtcdError error = raw.ok() ? EtcdError() : raw.error();
        if (raw.ok()) {
            const auto decoded = EtcdCodec::decodeMemberRemove(raw.value());
            if (decoded.ok()) {
                return RemoveResult{removed, decoded.value().members, attempt};
            }
            error = decoded.error();
        }
        if (!isRetryable(error) || m_clock->nowMs() >= deadlineMs) {
            error.message = QStringLiteral("member remove %1 failed after %2 attempt(s): %3")
                                .arg(formatMemberId(removed.id))
                                .arg(attempt)
                                .arg(error.message);
            return error;
        }
        backoff(attempt, error, deadlineMs);
    }
}

} // namespace accel
