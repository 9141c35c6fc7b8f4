#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace accel {

/// What a runtime page reported about its browser in its `hello` (docs/host-protocol.md,
/// "capabilities"). Values are exactly what the page measured; nothing is filled in by the app.
/// Unknown numbers are -1 (e.g. deviceMemoryGiB outside Chromium).
struct HostCapabilities
{
    struct WebGpu
    {
        bool apiPresent = false;   // navigator.gpu exists
        bool adapterFound = false; // requestAdapter() returned an adapter
        bool isFallbackAdapter = false;
        QString vendor;
        QString architecture;
        QString device;
        QString description;
        QMap<QString, double> limits; // GPUSupportedLimits, by WebGPU name
        QStringList features;
        QString error; // why there is no adapter, when the page knows
    };
    struct WebNn
    {
        bool apiPresent = false;       // navigator.ml exists
        QStringList contextDevices;    // device types for which createContext() succeeded
        QMap<QString, QString> errors; // device type -> error of createContext()
    };

    QString userAgent;
    QString runtimeVersion;
    int hardwareConcurrency = -1;
    double deviceMemoryGiB = -1;
    bool crossOriginIsolated = false;
    bool sharedArrayBuffer = false;
    bool wasmSimd = false;
    bool wasmThreads = false;
    WebGpu webgpu;
    WebNn webnn;

    /// Parses the `capabilities` object of a hello. Missing optional fields keep their defaults;
    /// fields of the wrong type are an error (returned through `error`).
    static std::optional<HostCapabilities> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
};

} // namespace accel
