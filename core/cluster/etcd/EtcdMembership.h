#pragma once

#include "cluster/etcd/EtcdError.h"
#include "cluster/etcd/EtcdTypes.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace accel {

class Clock;

/// One row of `accelctl etcd members`: the member as the cluster lists it, plus its own
/// /v3/maintenance/status when it answered (a member added but not started has no client URL).
struct EtcdMemberRow
{
    EtcdMember member;
    std::optional<EtcdStatusResponse> status;
    QString statusError;   ///< why status is empty
    bool isLeader = false; ///< the raft leader according to the members that answered
};

/// etcd cluster membership for operators (list with per-member raft status, add, remove), with the
/// retry policy membership changes need: etcd refuses a change while the cluster is unhealthy or
/// right after another change ("unhealthy cluster", "not enough started members", "no leader"), so
/// those are retried with exponential backoff until the deadline. A change whose answer was lost
/// (timeout) is checked against the member list before it is sent again, so a retried add never
/// adds a second member and a retried remove never reports "not found" for its own success.
///
/// Synchronous: blocks the calling thread on sockets (EtcdBlockingClient) and sleeps between
/// attempts — for CLIs, tests and worker threads, never a GUI thread. Not a QObject; one thread.
class EtcdMembership
{
public:
    struct Options
    {
        QStringList endpoints;
        int timeoutMs = 30000;       ///< whole operation, retries included
        int attemptTimeoutMs = 2000; ///< one HTTP exchange
        int statusTimeoutMs = 1000;  ///< per-member status in list()
        int initialBackoffMs = 100;
        int maxBackoffMs = 2000;
    };

    struct AddResult
    {
        EtcdMember member;         ///< the new member (no name until it starts)
        QString name;              ///< name the new etcd must be started with
        QString initialCluster;    ///< its --initial-cluster value
        QList<EtcdMember> members; ///< the membership after the change
        int attempts = 0;
    };

    struct RemoveResult
    {
        EtcdMember removed;
        QList<EtcdMember> members;
        int attempts = 0;
    };

    /// Called before each retry with the error that caused it and the delay (for progress output).
    using RetryObserver = std::function<void(const EtcdError &error, int attempt, int delayMs)>;

    explicit EtcdMembership(const Options &options, const Clock *clock = nullptr);

    void setRetryObserver(RetryObserver observer) { m_observer = std::move(observer); }

    /// Members with their status, sorted by name (unstarted members last).
    EtcdResult<QList<EtcdMemberRow>> list();
    /// Adds a voting member with `peerUrl`; `name` is what the new etcd will be started with
    /// (empty: "member-<id hex>").
    EtcdResult<AddResult> add(const QString &peerUrl, const QString &name = {});
    /// Removes the member given by id (hex, as etcdctl prints it) or by name.
    EtcdResult<RemoveResult> remove(const QString &idOrName);

    /// Errors that mean "the cluster is settling, try again": no leader / quorum, unhealthy
    /// cluster, not enough started members, timeouts and unreachable endpoints.
    static bool isRetryable(const EtcdError &error);
    /// The --initial-cluster string for `newMember` joining `members` (etcdctl's rule: every
    /// started member, plus the new one under `newName`).
    static QString initialCluster(const QList<EtcdMember> &members, quint64 newMemberId,
                                  const QString &newName);
    /// Member ids as hex (etcdctl's form, "8e9e05c52164694d"); accepts an optional 0x prefix.
    static std::optional<quint64> parseMemberId(const QString &text);
    static QString formatMemberId(quint64 id);
    /// A peer URL the way etcd wants it: http(s)://host:port, no path.
    static bool isValidPeerUrl(const QString &url, QString *error);

private:
    EtcdResult<EtcdMemberListResponse> memberList();
    void backoff(int attempt, const EtcdError &error, qint64 deadlineMs);

    Options m_options;
    const Clock *m_clock;
    RetryObserver m_observer;
};

} // namespace accel
