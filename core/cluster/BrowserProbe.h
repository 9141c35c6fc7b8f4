#pragma once

#include "hosts/HostKind.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace accel {

struct HostCapabilities;

/// Measures the compute features of one browser on this machine: starts it headless on our
/// runtime page (RuntimeServer + BrowserLauncher, own profile and process group), reads the
/// capabilities the page reported in its hello, and stops it. Used by `accelctl probe`, which a
/// worker runs as a subprocess (BrowserProber) so its own event loop never waits on a browser.
///
/// Also the pure codec of `accelctl probe --json` output: {"browsers": [Result...]}.
class BrowserProbe
{
public:
    struct Result
    {
        QString name; ///< "chromium", "firefox", "edge"
        QString path;
        QStringList features; ///< "js", "wasm-simd", "wasm-threads", "webgpu", "webnn"
        QString error;        ///< empty when the page connected and reported
        qint64 probeMs = 0;   ///< launch until hello (or failure)
        QString userAgent;
        QString webgpuAdapter; ///< "vendor architecture" of the adapter, when there is one

        QJsonObject toJson() const;
    };

    /// Features a worker advertises for a page that reported `caps`: "js" (the page ran),
    /// "wasm-simd", "wasm-threads", "webgpu" (an adapter, not just the API), "webnn" (a context
    /// could be created for some device). Nothing is assumed: only what the page measured.
    static QStringList features(const HostCapabilities &caps);

    /// Probes `kind` with the browser at `program` (empty: BrowserLauncher's discovery). Waits in
    /// a nested event loop at most `timeoutMs` for the hello; returns early when the browser
    /// exits or `cancelled` returns true. The browser's process group is always stopped.
    static Result probe(HostKind kind, const QString &program, int timeoutMs,
                        const std::function<bool()> &cancelled = {});

    static QByteArray encodeReport(const QList<Result> &results);
    /// Parses and validates a report (size, types, feature names); false + *error on bad input.
    static bool decodeReport(const QByteArray &json, QList<Result> *out, QString *error);

    static constexpr qint64 kMaxReportBytes = 256 * 1024;
};

} // namespace accel
