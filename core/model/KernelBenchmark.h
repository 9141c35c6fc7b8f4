#pragma once

#include "model/ModelError.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace accel {

/// `accelctl bench kernels`: f32 matmul GFLOP/s (256, 512, 1024 by default) and ms per demo-model
/// layer for each backend on each browser host kind present, next to the native reference
/// (single-threaded and all cores) measured in the same run, with the ratios. Browser hosts run
/// the kernel check page (KernelCheckServer + KernelCheckBrowser); QtWebEngine needs the console
/// (accelctl does not link it), so "embedded" is reported as not measured here.
/// Blocking: runs a local event loop while browsers work. Thread: the caller's (with an event loop).
class KernelBenchmark
{
public:
    struct Options
    {
        std::vector<int> sizes = {256, 512, 1024};
        QStringList hosts = {QStringLiteral("native"), QStringLiteral("chromium"), QStringLiteral("firefox")};
        /// "wasm-threads": wasm in the compute worker on every hardware thread (shared memory)
        QStringList backends = {QStringLiteral("webgpu"), QStringLiteral("wasm"),
                                QStringLiteral("wasm-threads"), QStringLiteral("js")};
        int seqLen = 64;           ///< tokens per layer benchmark
        double flopBudget = 2.0e9; ///< per matmul size: iterations = budget / (2 n^3), at least 1
        int timeoutMs = 180000;    ///< per browser run
    };

    struct Row
    {
        QString host;               ///< native, chromium, firefox
        QString backend;            ///< native-1t, native-Nt, webgpu, wasm, wasm-threads, js
        std::vector<double> gflops; ///< per size; < 0 when not measured
        double msPerLayer = -1;
        QString note; ///< kernel picked, adapter, or why it did not run
    };

    struct Report
    {
        std::vector<int> sizes;
        std::vector<Row> rows;
        QStringList ratios; ///< human-readable ratio lines, with targets
    };

    static bool run(const Options &options, Report *report,
                    const std::function<void(const QString &)> &progress, ModelError *error);
    static QString format(const Report &report);
};

} // namespace accel
