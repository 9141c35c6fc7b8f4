#pragma once

// Test fixture: real etcd members on loopback (see accel::EtcdProcessCluster) plus helpers to
// wait for EtcdClient callbacks. Header-only; used by the tests in this folder.

#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdProcessCluster.h"

#include <QElapsedTimer>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

namespace accel::test {

/// Starts `members` etcd members at --heartbeat-interval 50 --election-timeout 500 on free high
/// ports with temp data dirs; SIGKILLs them all when destroyed (also when a test fails).
class EtcdTestCluster
{
public:
    explicit EtcdTestCluster(int members = 1)
    {
        EtcdProcessCluster::Options options;
        options.members = members;
        m_cluster = std::make_unique<EtcdProcessCluster>(options);
    }
    static bool etcdInstalled() { return !EtcdProcessCluster::findEtcd().isEmpty(); }
    bool start(QString *error) { return m_cluster->start(error); }
    EtcdProcessCluster *operator->() { return m_cluster.get(); }
    EtcdProcessCluster &processes() { return *m_cluster; }

private:
    std::unique_ptr<EtcdProcessCluster> m_cluster;
};

/// Runs `start(context, callback)` and processes events until the callback ran or `timeoutMs`.
template<typename T>
std::optional<EtcdResult<T>> await(const std::function<void(QObject *, EtcdClient::Callback<T>)> &start,
                                   int timeoutMs = 15000)
{
    std::optional<EtcdResult<T>> out;
    QObject context;
    start(&context, [&out](const EtcdResult<T> &r) { out = r; });
    (void)QTest::qWaitFor([&out] { return out.has_value(); }, timeoutMs);
    return out;
}

} // namespace accel::test

/// In a test function: start an etcd cluster or QSKIP when etcd is not installed.
#define ACCEL_START_ETCD(cluster)                                                                            \
    do {                                                                                                     \
        if (!accel::test::EtcdTestCluster::etcdInstalled()) {                                                \
            QSKIP("etcd is not installed (packaging/install-deps.sh installs etcd-server)");                 \
        }                                                                                                    \
        QString startError_;                                                                                 \
        QVERIFY2((cluster).start(&startError_), qPrintable(startError_));                                    \
    } while (false)
