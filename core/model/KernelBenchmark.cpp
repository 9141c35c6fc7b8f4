#include "model/KernelBenchmark.h"

#include "common/Clock.h"
#include "model/DemoModel.h"
#include "model/KernelCheck.h"
#include "model/KernelCheckBrowser.h"
#include "model/KernelCheckServer.h"
#include "model/ModelWeights.h"
#include "model/ReferenceOps.h"
#include "model/ReferenceRunner.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QTimer>

#include <algorithm>
#include <thread>

namespace accel {

namespace {

double nativeMatmulGflops(int n, int threads, double flopBudget)
{
    std::vector<float> a(std::size_t(n) * std::size_t(n), 0.5f);
    std::vector<float> b(a.size(), 0.25f);
    std::vector<float> c(a.size());
    const double flops = 2.0 * n * double(n) * n;
    const int iterations = std::max(1, int(flopBudget / flops));
    referenceops::matmul(a.data(), b.data(), nullptr, c.data(), n, n, n, threads); // warm-up
    const Clock *clock = Clock::system();
    const qint64 t0 = clock->nowNs();
    for (int i = 0; i < iterations; ++i) {
        referenceops::matmul(a.data(), b.data(), nullptr, c.data(), n, n, n, threads);
    }
    const double seconds = double(clock->nowNs() - t0) / 1e9;
    return flops * iterations / seconds / 1e9;
}

double nativeMsPerLayer(const ModelWeights &weights, int seqLen, int threads, ModelError *error)
{
    ReferenceRunner runner(weights, threads);
    std::vector<int> tokens(static_cast<std::size_t>(seqLen));
    for (int i = 0; i < seqLen; ++i) {
        tokens[std::size_t(i)] = (i * 37 + 11) % weights.config().vocabSize;
    }
    std::vector<float> hidden;
    if (!runner.embed(tokens, &hidden, error)) {
        return -1;
    }
    const int layers = weights.config().layerCount;
    std::vector<float> work = hidden;
    if (!runner.runLayers(&work, seqLen, 0, layers, error)) { // warm-up, materialises weights
        return -1;
    }
    const Clock *clock = Clock::system();
    const int reps = 3;
    const qint64 t0 = clock->nowNs();
    for (int r = 0; r < reps; ++r) {
        work = hidden;
        if (!runner.runLayers(&work, seqLen, 0, layers, error)) {
            return -1;
        }
    }
    return double(clock->nowNs() - t0) / 1e6 / reps / layers;
}

} // namespace

bool KernelBenchmark::run(const Options &options, Report *report,
                          const std::function<void(const QString &)> &progress, ModelError *error)
{
    report->sizes = options.sizes;
    report->rows.clear();
    report->ratios.clear();
    ModelWeights weights;
    if (!DemoModel::load(&weights, error)) {
        return false;
    }
    const int cores = std::max(1u, std::thread::hardware_concurrency());
    Row native1{QStringLiteral("native"),
                QStringLiteral("native-1t"),
                {},
                -1,
                QStringLiteral("C++ reference, 1 thread")};
    Row nativeN{QStringLiteral("native"),
                QStringLiteral("native-%1t").arg(cores),
                {},
                -1,
                QStringLiteral("C++ reference, %1 threads").arg(cores)};
    progress(QStringLiteral("native reference..."));
    for (int n : options.sizes) {
        native1.gflops.push_back(nativeMatmulGflops(n, 1, options.flopBudget));
        nativeN.gflops.push_back(nativeMatmulGflops(n, cores, options.flopBudget));
    }
    native1.msPerLayer = nativeMsPerLayer(weights, options.seqLen, 1, error);
    nativeN.msPerLayer = nativeMsPerLayer(weights, options.seqLen, cores, error);
    if (native1.msPerLayer < 0 || nativeN.msPerLayer < 0) {
        return false;
    }
    report->rows.push_back(native1);
    report->rows.push_back(nativeN);

    for (const QString &host : options.hosts) {
        if (host == QLatin1String("native")) {
            continue;
        }
        if (host == QLatin1String("embedded")) {
            report->rows.push_back(
                {host,
                 QStringLiteral("-"),
                 {},
                 -1,
                 QStringLiteral("QtWebEngine runs in the console; accelctl does not link it")});
            continue;
        }
        const auto kind = host == QLatin1String("firefox") ? KernelCheckBrowser::Kind::Firefox
                                                           : KernelCheckBrowser::Kind::Chromium;
        if (KernelCheckBrowser::findExecutable(kind).isEmpty()) {
            report->rows.push_back({host, QStringLiteral("-"), {}, -1, QStringLiteral("not installed")});
            continue;
        }
        for (const QString &backend : options.backends) {
            progress(QStringLiteral("%1 / %2...").arg(host, backend));
            Row row{host, backend, std::vector<double>(options.sizes.size(), -1.0), -1, QString()};
            KernelCheckServer server;
            if (!server.listen(error)) {
                return false;
            }
            // "wasm-threads": the Wasm backend in the compute worker on every hardware thread, as
            // host pages run it when cross-origin isolated.
            const bool wasmThreads = backend == QLatin1String("wasm-threads");
            KernelCheck check(wasmThreads ? QStringLiteral("wasm") : backend);
            QJsonObject checkOptions{{QStringLiteral("memoryLimitBytes"), 1024.0 * 1024 * 1024}};
            if (wasmThreads) {
                checkOptions.insert(QStringLiteral("worker"), true);
                checkOptions.insert(QStringLiteral("threads"), QStringLiteral("auto"));
            }
            check.setOptions(checkOptions);
            // Load the demo model (one range over every layer, checked like the tests do).
            if (!check.addModelCases(weights, std::vector<int>(8, 7), {{0, weights.config().layerCount}},
                                     QStringLiteral("F32"), error)) {
                return false;
            }
            check.addMatmulBenchmark(options.sizes, options.flopBudget);
            check.addLayerBenchmark(options.seqLen, 3);
            check.publish(&server);
            KernelCheckBrowser browser(kind);
            if (!browser.start(server.checkPageUrl(), error)) {
                return false;
            }
            QEventLoop loop;
            QTimer timeout;
            timeout.setSingleShot(true);
            QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
            QObject::connect(&check, &KernelCheck::finished, &loop, &QEventLoop::quit);
            timeout.start(options.timeoutMs);
            if (!check.isFinished()) {
                loop.exec();
            }
            browser.stop();
            if (!check.isFinished()) {
                row.note = QStringLiteral("timed out after %1 s").arg(options.timeoutMs / 1000);
            } else if (check.skipped()) {
                row.note = QStringLiteral("unavailable: ") + check.skipReason();
            } else if (!check.fatalError().isEmpty()) {
                row.note = QStringLiteral("failed: ") + check.fatalError().section(QLatin1Char('\n'), 0, 0);
            } else {
                const QJsonArray rows =
                    check.jsonResult(QStringLiteral("bench-matmul")).value(QLatin1String("rows")).toArray();
                for (const QJsonValue &v : rows) {
                    const int size = v.toObject().value(QLatin1String("size")).toInt();
                    const auto it = std::find(options.sizes.begin(), options.sizes.end(), size);
                    if (it != options.sizes.end()) {
                        row.gflops[std::size_t(it - options.sizes.begin())] =
                            v.toObject().value(QLatin1String("gflops")).toDouble();
                    }
                }
                row.msPerLayer = check.jsonResult(QStringLiteral("bench-layer"))
                                     .value(QLatin1String("msPerLayer"))
                                     .toDouble(-1);
                double worst = 0;
                for (const KernelCheck::Comparison &c : check.comparisons()) {
                    worst = std::max(worst, c.ran ? c.rel : 1e30);
                }
                const QJsonObject info = check.summary().value(QLatin1String("info")).toObject();
                row.note = QStringLiteral("demo model rel err %1").arg(worst, 0, 'g', 2);
                if (wasmThreads) {
                    row.note += QStringLiteral("; %1 thread(s)%2")
                                    .arg(info.value(QLatin1String("threads")).toInt())
                                    .arg(info.contains(QLatin1String("threadsReason"))
                                             ? QStringLiteral(" (") +
                                                   info.value(QLatin1String("threadsReason")).toString() +
                                                   QLatin1Char(')')
                                             : QString());
                }
                if (backend == QLatin1String("webgpu")) {
                    const QJsonObject adapter = info.value(QLatin1String("adapter")).toObject();
                    row.note +=
                        QStringLiteral("; %1 %2, kernel %3 (probe 256: regblock %4, tiled %5 GFLOP/s)")
                            .arg(adapter.value(QLatin1String("vendor")).toString(),
                                 adapter.value(QLatin1String("architecture")).toString(),
                                 info.value(QLatin1String("matmulKernel")).toString())
                            .arg(info.value(QLatin1String("matmulProbe"))
                                     .toObject()
                                     .value(QLatin1String("regblock"))
                                     .toObject()
                                     .value(QLatin1String("gflops"))
                                     .toDouble(),
                                 0, 'f', 2)
                            .arg(info.value(QLatin1String("matmulProbe"))
                                     .toObject()
                                     .value(QLatin1String("tiled"))
                                     .toObject()
                                     .value(QLatin1String("gflops"))
                                     .toDouble(),
                                 0, 'f', 2);
                }
            }
            report->rows.push_back(row);
        }
    }

    // Ratios against the native single-threaded figure, and the targets.
    for (const Row &row : report->rows) {
        if (row.host == QLatin1String("native") || row.gflops.empty()) {
            continue;
        }
        for (std::size_t i = 0; i < options.sizes.size(); ++i) {
            if (row.gflops[i] <= 0) {
                continue;
            }
            const double ratio = row.gflops[i] / native1.gflops[i];
            QString line =
                QStringLiteral("%1/%2 matmul %3: %4 GFLOP/s = %5% of native 1 thread (%6% of %7 threads)")
                    .arg(row.host, row.backend)
                    .arg(options.sizes[i])
                    .arg(row.gflops[i], 0, 'f', 2)
                    .arg(100.0 * ratio, 0, 'f', 1)
                    .arg(100.0 * row.gflops[i] / nativeN.gflops[i], 0, 'f', 1)
                    .arg(cores);
            if (row.backend == QLatin1String("wasm-threads")) {
                for (const Row &single : report->rows) {
                    if (single.host == row.host && single.backend == QLatin1String("wasm") &&
                        i < single.gflops.size() && single.gflops[i] > 0) {
                        line += QStringLiteral(", %1x the same host's 1-thread wasm")
                                    .arg(row.gflops[i] / single.gflops[i], 0, 'f', 2);
                    }
                }
            }
            if (row.backend == QLatin1String("wasm")) {
                line += ratio >= 0.2 ? QStringLiteral("  [target >= 20%: met]")
                                     : QStringLiteral("  [target >= 20%: MISSED]");
            }
            if (row.backend == QLatin1String("webgpu") && row.note.contains(QLatin1String("regblock")) &&
                row.note.contains(QLatin1String("swiftshader"))) {
                line += row.gflops[i] >= 1.0 ? QStringLiteral("  [target >= 1 GFLOP/s: met]")
                                             : QStringLiteral("  [target >= 1 GFLOP/s: MISSED]");
            }
            report->ratios << line;
        }
        if (row.msPerLayer > 0) {
            report->ratios
                << QStringLiteral(
                       "%1/%2 demo layer (seq %3): %4 ms = %5x native 1 thread, %6x native %7 threads")
                       .arg(row.host, row.backend)
                       .arg(options.seqLen)
                       .arg(row.msPerLayer, 0, 'f', 2)
                       .arg(row.msPerLayer / native1.msPerLayer, 0, 'f', 2)
                       .arg(row.msPerLayer / nativeN.msPerLayer, 0, 'f', 2)
                       .arg(cores);
        }
    }
    return true;
}

QString KernelBenchmark::format(const Report &report)
{
    QString out;
    out += QStringLiteral("%1 ").arg(QStringLiteral("host/backend"), -22);
    for (int n : report.sizes) {
        out += QStringLiteral("%1").arg(QStringLiteral("mm%1 GF/s").arg(n), 13);
    }
    out += QStringLiteral("%1  note\n").arg(QStringLiteral("ms/layer"), 10);
    for (const Row &row : report.rows) {
        out += QStringLiteral("%1 ").arg(row.host + QLatin1Char('/') + row.backend, -22);
        for (std::size_t i = 0; i < report.sizes.size(); ++i) {
            const double g = i < row.gflops.size() ? row.gflops[i] : -1;
            out += g > 0 ? QStringLiteral("%1").arg(g, 13, 'f', 2)
                         : QStringLiteral("%1").arg(QStringLiteral("-"), 13);
        }
        out += row.msPerLayer > 0 ? QStringLiteral("%1").arg(row.msPerLayer, 10, 'f', 2)
                                  : QStringLiteral("%1").arg(QStringLiteral("-"), 10);
        out += QStringLiteral("  ") + row.note + QLatin1Char('\n');
    }
    out += QStringLiteral("\nratios (measured in this run):\n");
    for (const QString &line : report.ratios) {
        out += QStringLiteral("  ") + line + QLatin1Char('\n');
    }
    return out;
}

} // namespace accel
