#include "hosts/HostCapabilities.h"

#include <QJsonArray>

namespace accel {

namespace {

// Small typed reader: every accessor checks the JSON type and records the first mismatch.
class Reader
{
public:
    explicit Reader(QString prefix)
        : m_prefix(std::move(prefix))
    {}

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    void str(const QJsonObject &o, const char *key, QString *out, qsizetype maxLen = 1024)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            return;
        }
        if (!v.isString()) {
            setError(key, "a string");
            return;
        }
        *out = v.toString().left(maxLen);
    }
    void boolean(const QJsonObject &o, const char *key, bool *out)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            return;
        }
        if (!v.isBool()) {
            setError(key, "a boolean");
            return;
        }
        *out = v.toBool();
    }
    void number(const QJsonObject &o, const char *key, double *out)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            return;
        }
        if (!v.isDouble()) {
            setError(key, "a number");
            return;
        }
        *out = v.toDouble();
    }
    void stringList(const QJsonObject &o, const char *key, QStringList *out)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            return;
        }
        if (!v.isArray() || v.toArray().size() > 1024) {
            setError(key, "an array of at most 1024 strings");
            return;
        }
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString()) {
                setError(key, "an array of strings");
                return;
            }
            out->append(item.toString().left(256));
        }
    }
    QJsonObject object(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isObject()) {
            setError(key, "an object");
            return {};
        }
        return v.toObject();
    }
    void setError(const char *key, const char *what)
    {
        if (m_error.isEmpty()) {
            m_error = QStringLiteral("capabilities: '%1%2' must be %3")
                          .arg(m_prefix, QLatin1String(key), QLatin1String(what));
        }
    }
    void setPrefix(QString prefix) { m_prefix = std::move(prefix); }

private:
    QString m_prefix;
    QString m_error;
};

} // namespace

std::optional<HostCapabilities> HostCapabilities::fromJson(const QJsonObject &json, QString *error)
{
    HostCapabilities caps;
    Reader r{QString()};
    r.str(json, "userAgent", &caps.userAgent);
    r.str(json, "runtimeVersion", &caps.runtimeVersion, 64);
    double concurrency = -1;
    r.number(json, "hardwareConcurrency", &concurrency);
    caps.hardwareConcurrency = concurrency >= 0 && concurrency < 1e6 ? int(concurrency) : -1;
    r.number(json, "deviceMemoryGiB", &caps.deviceMemoryGiB);
    r.boolean(json, "crossOriginIsolated", &caps.crossOriginIsolated);
    r.boolean(json, "sharedArrayBuffer", &caps.sharedArrayBuffer);
    const QJsonObject wasm = r.object(json, "wasm");
    r.setPrefix(QStringLiteral("wasm."));
    r.boolean(wasm, "simd", &caps.wasmSimd);
    r.boolean(wasm, "threads", &caps.wasmThreads);

    r.setPrefix(QString());
    const QJsonObject gpu = r.object(json, "webgpu");
    r.setPrefix(QStringLiteral("webgpu."));
    r.boolean(gpu, "api", &caps.webgpu.apiPresent);
    r.boolean(gpu, "adapter", &caps.webgpu.adapterFound);
    r.boolean(gpu, "isFallbackAdapter", &caps.webgpu.isFallbackAdapter);
    r.str(gpu, "vendor", &caps.webgpu.vendor);
    r.str(gpu, "architecture", &caps.webgpu.architecture);
    r.str(gpu, "device", &caps.webgpu.device);
    r.str(gpu, "description", &caps.webgpu.description);
    r.str(gpu, "error", &caps.webgpu.error);
    r.stringList(gpu, "features", &caps.webgpu.features);
    const QJsonObject limits = r.object(gpu, "limits");
    for (auto it = limits.begin(); it != limits.end() && caps.webgpu.limits.size() < 256; ++it) {
        if (!it.value().isDouble()) {
            r.setError("limits", "an object of numbers");
            break;
        }
        caps.webgpu.limits.insert(it.key().left(128), it.value().toDouble());
    }

    r.setPrefix(QString());
    const QJsonObject nn = r.object(json, "webnn");
    r.setPrefix(QStringLiteral("webnn."));
    r.boolean(nn, "api", &caps.webnn.apiPresent);
    r.stringList(nn, "contexts", &caps.webnn.contextDevices);
    const QJsonObject nnErrors = r.object(nn, "errors");
    for (auto it = nnErrors.begin(); it != nnErrors.end() && caps.webnn.errors.size() < 16; ++it) {
        caps.webnn.errors.insert(it.key().left(32), it.value().toString().left(1024));
    }

    if (!r.ok()) {
        if (error) {
            *error = r.error();
        }
        return std::nullopt;
    }
    return caps;
}

QJsonObject HostCapabilities::toJson() const
{
    QJsonObject limitsJson;
    for (auto it = webgpu.limits.begin(); it != webgpu.limits.end(); ++it) {
        limitsJson.insert(it.key(), it.value());
    }
    QJsonObject nnErrors;
    for (auto it = webnn.errors.begin(); it != webnn.errors.end(); ++it) {
        nnErrors.insert(it.key(), it.value());
    }
    return QJsonObject{
        {QStringLiteral("userAgent"), userAgent},
        {QStringLiteral("runtimeVersion"), runtimeVersion},
        {QStringLiteral("hardwareConcurrency"), hardwareConcurrency},
        {QStringLiteral("deviceMemoryGiB"), deviceMemoryGiB},
        {QStringLiteral("crossOriginIsolated"), crossOriginIsolated},
        {QStringLiteral("sharedArrayBuffer"), sharedArrayBuffer},
        {QStringLiteral("wasm"),
         QJsonObject{{QStringLiteral("simd"), wasmSimd}, {QStringLiteral("threads"), wasmThreads}}},
        {QStringLiteral("webgpu"),
         QJsonObject{{QStringLiteral("api"), webgpu.apiPresent},
                     {QStringLiteral("adapter"), webgpu.adapterFound},
                     {QStringLiteral("isFallbackAdapter"), webgpu.isFallbackAdapter},
                     {QStringLiteral("vendor"), webgpu.vendor},
                     {QStringLiteral("architecture"), webgpu.architecture},
                     {QStringLiteral("device"), webgpu.device},
                     {QStringLiteral("description"), webgpu.description},
                     {QStringLiteral("limits"), limitsJson},
                     {QStringLiteral("features"), QJsonArray::fromStringList(webgpu.features)},
                     {QStringLiteral("error"), webgpu.error}}},
        {QStringLiteral("webnn"),
         QJsonObject{{QStringLiteral("api"), webnn.apiPresent},
                     {QStringLiteral("contexts"), QJsonArray::fromStringList(webnn.contextDevices)},
                     {QStringLiteral("errors"), nnErrors}}},
    };
}

} // namespace accel
