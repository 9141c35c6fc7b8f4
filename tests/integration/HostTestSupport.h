#pragma once

// Shared by the integration tests that run model layers on real hosts (model, sharding).
#include "hosts/HostKind.h"
#include "model/ReferenceCheck.h"
#include "pool/StandaloneHosts.h"

#include <QByteArray>
#include <QTest>

#include <vector>

namespace accel::testsupport {

/// Relative error of a host's float32 answer against the native reference (ReferenceCheck).
inline double relError(const QByteArray &got, const std::vector<float> &want)
{
    return ReferenceCheck::compare(reinterpret_cast<const float *>(got.constData()),
                                   std::size_t(got.size()) / sizeof(float), want)
        .relative;
}

/// Starts a host of `kind`: skips the test (empty id) when this machine has no such host, fails
/// it (empty id) when the host does not connect within `timeoutMs`.
inline QString launchOrSkip(StandaloneHosts &hosts, HostKind kind, int timeoutMs)
{
    QString why;
    if (!StandaloneHosts::isAvailable(kind, &why)) {
        QTest::qSkip(qPrintable(why), __FILE__, __LINE__);
        return {};
    }
    const QString id = hosts.launch(kind, timeoutMs, &why);
    if (id.isEmpty()) {
        QTest::qFail(qPrintable(why), __FILE__, __LINE__);
    }
    return id;
}

} // namespace accel::testsupport
