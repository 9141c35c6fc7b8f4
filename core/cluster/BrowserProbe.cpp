#include "cluster/BrowserProbe.h"

#include "common/EventWait.h"
#include "hosts/BrowserLauncher.h"
#include "hosts/BrowserProcess.h"
#include "hosts/HostCapabilities.h"
#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

namespace accel {

namespace {

bool isFeatureName(const QString &s)
{
    if (s.isEmpty() || s.size() > 64) {
        return false;
    }
    for (QChar ch : s) {
        if (!((ch >= QLatin1Char('a') && ch <= QLatin1Char('z')) || ch.isDigit() || ch == QLatin1Char('-'))) {
            return false;
        }
    }
    return true;
}

} // namespace

QJsonObject BrowserProbe::Result::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("path"), path},
            {QStringLiteral("features"), QJsonArray::fromStringList(features)},
            {QStringLiteral("error"), error},
            {QStringLiteral("probeMs"), probeMs},
            {QStringLiteral("userAgent"), userAgent},
            {QStringLiteral("webgpuAdapter"), webgpuAdapter}};
}

QStringList BrowserProbe::features(const HostCapabilities &caps)
{
    QStringList f{QStringLiteral("js")};
    if (caps.wasmSimd) {
        f << QStringLiteral("wasm-simd");
    }
    if (caps.wasmThreads) {
        f << QStringLiteral("wasm-threads");
    }
    if (caps.webgpu.adapterFound) {
        f << QStringLiteral("webgpu");
    }
    if (!caps.webnn.contextDevices.isEmpty()) {
        f << QStringLiteral("webnn");
    }
    return f;
}

BrowserProbe::Result BrowserProbe::probe(HostKind kind, const QString &program, int timeoutMs,
                                         const std::function<bool()> &cancelled)
{
    Result r;
    r.name = hostKindName(kind);
    QElapsedTimer timer;
    timer.start();
    auto finish = [&](const QString &error) {
        r.error = error;
        r.probeMs = timer.elapsed();
        return r;
    };
    if (kind == HostKind::Embedded) {
        return finish(QStringLiteral("the embedded host is not a browser"));
    }
    BrowserInstall install{kind, program};
    if (program.isEmpty()) {
        const std::optional<BrowserInstall> found = BrowserLauncher::find(kind);
        if (!found) {
            return finish(QStringLiteral("%1 is not installed").arg(r.name));
        }
        install = *found;
    }
    r.path = install.program;
    const QFileInfo info(install.program);
    if (!info.isFile() || !info.isExecutable()) {
        return finish(QStringLiteral("%1 is not an executable file").arg(install.program));
    }
    RuntimeServer server;
    QString error;
    if (!server.start(&error)) {
        return finish(QStringLiteral("cannot start the runtime server: ") + error);
    }
    const QString hostId = RuntimeServer::newHostId(kind);
    std::unique_ptr<BrowserProcess> browser(BrowserLauncher::launch(install, server.hostUrl(hostId, kind),
                                                                    BrowserLaunchOptions{}, nullptr, &error));
    if (!browser) {
        return finish(QStringLiteral("cannot start %1: %2").arg(install.program, error));
    }
    bool exited = false;
    QString exitDetail;
    QObject::connect(browser.get(), &BrowserProcess::exited, browser.get(),
                     [&](int, bool, const QString &detail) {
                         exited = true;
                         exitDetail = detail;
                     });
    auto stopped = [&] {
        return cancelled && cancelled();
    };
    waitInEventLoop([&] { return server.session(hostId) || exited || stopped(); },
                    int(std::max<qint64>(0, timeoutMs - timer.elapsed())));
    if (HostSession *session = server.session(hostId)) {
        const HostCapabilities &caps = session->capabilities();
        r.features = features(caps);
        r.userAgent = caps.userAgent.left(512);
        if (caps.webgpu.adapterFound) {
            r.webgpuAdapter = QStringList{caps.webgpu.vendor, caps.webgpu.architecture}
                                  .join(QLatin1Char(' '))
                                  .trimmed()
                                  .left(256);
        }
    } else if (exited) {
        const QString tail = QString::fromUtf8(browser->outputTail().right(400)).trimmed();
        error = QStringLiteral("%1 exited before the runtime page connected: %2").arg(r.name, exitDetail);
        if (!tail.isEmpty()) {
            error += QStringLiteral(" (output: %1)").arg(tail);
        }
    } else if (stopped()) {
        error = QStringLiteral("probe cancelled");
    } else {
        error = QStringLiteral("the %1 runtime page did not connect within %2 ms").arg(r.name).arg(timeoutMs);
    }
    if (!error.isEmpty()) {
        r.error = error;
    }
    r.probeMs = timer.elapsed();
    browser->stop(500);
    return r;
}

QByteArray BrowserProbe::encodeReport(const QList<Result> &results)
{
    QJsonArray list;
    for (const Result &r : results) {
        list.append(r.toJson());
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("browsers"), list}}).toJson(QJsonDocument::Indented);
}

bool BrowserProbe::decodeReport(const QByteArray &json, QList<Result> *out, QString *error)
{
    if (json.size() > kMaxReportBytes) {
        *error = QStringLiteral("probe report of %1 bytes exceeds %2").arg(json.size()).arg(kMaxReportBytes);
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("probe report is not a JSON object");
        return false;
    }
    const QJsonValue browsers = doc.object().value(QStringLiteral("browsers"));
    if (!browsers.isArray() || browsers.toArray().size() > 32) {
        *error = QStringLiteral("probe report needs a 'browsers' array (at most 32)");
        return false;
    }
    QList<Result> results;
    for (const QJsonValue &v : browsers.toArray()) {
        const QJsonObject o = v.toObject();
        Result r;
        r.name = o.value(QStringLiteral("name")).toString();
        if (!v.isObject() || !isFeatureName(r.name)) {
            *error = QStringLiteral("probe report: each browser needs a name of [a-z0-9-]");
            return false;
        }
        const QJsonValue features = o.value(QStringLiteral("features"));
        if (!features.isArray() || features.toArray().size() > 64) {
            *error = QStringLiteral("probe report: '%1' needs a 'features' array").arg(r.name);
            return false;
        }
        for (const QJsonValue &f : features.toArray()) {
            if (!isFeatureName(f.toString())) {
                *error = QStringLiteral("probe report: '%1' has an invalid feature name").arg(r.name);
                return false;
            }
            r.features << f.toString();
        }
        const QJsonValue err = o.value(QStringLiteral("error"));
        if (!err.isUndefined() && !err.isString()) {
            *error = QStringLiteral("probe report: '%1' error must be a string").arg(r.name);
            return false;
        }
        r.error = err.toString().left(4000);
        r.path = o.value(QStringLiteral("path")).toString().left(4096);
        r.probeMs = qint64(o.value(QStringLiteral("probeMs")).toDouble());
        r.userAgent = o.value(QStringLiteral("userAgent")).toString().left(512);
        r.webgpuAdapter = o.value(QStringLiteral("webgpuAdapter")).toString().left(256);
        if (!r.error.isEmpty()) {
            r.features.clear(); // a failed probe measured nothing
        }
        results.append(r);
    }
    *out = results;
    return true;
}

} // namespace accel
