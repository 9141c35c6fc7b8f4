#pragma once

#include "model/ModelConfig.h"
#include "model/ModelError.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <map>
#include <vector>

namespace accel {

class ContentStore;
class KernelCheckServer;
struct TensorManifest;
class ModelWeights;

/// One run of the browser compute kernels against the native reference: builds the job the check
/// page executes (ops on odd shapes, weight loading, embeddings, layer ranges, benchmarks),
/// publishes it on a KernelCheckServer, collects the posted results and compares every float
/// result with ReferenceOps / ReferenceRunner.
///
/// Error metric: maxAbs = max |got - ref|; rel = maxAbs / max(max |ref|, 1e-6), i.e. relative to
/// the scale of the output (elementwise relative error is meaningless near zero). FP32 results
/// pass at rel <= tolerance (default 1e-4).
/// Thread: the owner's; `finished` is emitted once the page posts /done.
class KernelCheck : public QObject
{
    Q_OBJECT
public:
    struct Comparison
    {
        QString id;
        QString description;
        bool ran = false;
        QString error;     ///< from the page (exception) or a size mismatch
        double maxAbs = 0; ///< max |got - ref|
        double rel = 0;    ///< maxAbs / max |ref|
        double ms = 0;     ///< time the page reported
    };

    explicit KernelCheck(const QString &backend, QObject *parent = nullptr);

    QString backend() const { return m_backend; }
    void setOptions(const QJsonObject &options) { m_options = options; }

    /// Every op on a few odd shapes (not multiples of 4, 8 or 16), fixed seed.
    void addOpCases();
    /// Matmul cases only, of the given (m, k, n) shapes.
    void addMatmulCase(int m, int k, int n);
    /// Loads the weights of [firstLayer, lastLayer) plus the embeddings (stored as `storeAs`:
    /// "F32" or "F16" — F16 widened in the page, compared with an F16-rounded reference), then
    /// checks embed(tokens) and runLayers over each range in `ranges`.
    bool addModelCases(const ModelWeights &weights, const std::vector<int> &tokens,
                       const std::vector<std::pair<int, int>> &ranges, const QString &storeAs,
                       ModelError *error);
    /// A weight load that must be refused (options.memoryLimitBytes set below its size).
    void addRefusedLoadCase(const QString &name, int floats);
    /// A runLayers call with a missing-weight layer range: must fail with a clear message.
    void addMissingWeightsCase(int layer);
    /// The page caches the chunks of `manifest` (from `store`) in Cache Storage and rebuilds the
    /// tensor from the cache; the JSON result reports the inventory and the rebuilt tensor's hash.
    void addChunkCacheCase(const ContentStore &store, const TensorManifest &manifest);
    /// Benchmarks: f32 matmul GFLOP/s per size, and ms per layer of the loaded model.
    void addMatmulBenchmark(const std::vector<int> &sizes, double flopBudget);
    void addLayerBenchmark(int seqLen, int iterations);

    /// Registers job.json and the data blobs with the server and starts listening for results.
    void publish(KernelCheckServer *server);

    bool isFinished() const { return m_finished; }
    /// The page's /done summary: {skipped, reason, info, detected, cases, memory} or {fatal}.
    QJsonObject summary() const { return m_summary; }
    bool skipped() const { return m_summary.value(QLatin1String("skipped")).toBool(); }
    QString skipReason() const { return m_summary.value(QLatin1String("reason")).toString(); }
    QString fatalError() const { return m_summary.value(QLatin1String("fatal")).toString(); }
    /// JSON results (load, expect-error, bench cases) by case id.
    QJsonObject jsonResult(const QString &id) const;
    std::vector<Comparison> comparisons() const;

Q_SIGNALS:
    void finished();

private:
    QString addBlob(const QString &name, const std::vector<float> &values);
    void onPosted(const QString &path, const QByteArray &body);

    QString m_backend;
    QJsonObject m_options;
    QJsonObject m_config;
    QJsonArray m_cases;
    struct Expected
    {
        QString description;
        std::vector<float> reference;
    };
    std::map<QString, Expected> m_expected; // float cases in job order of ids
    QStringList m_order;
    std::map<QString, QByteArray> m_blobs;
    std::map<QString, QByteArray> m_binaryResults;
    std::map<QString, QJsonObject> m_jsonResults;
    QJsonObject m_summary;
    bool m_finished = false;
    int m_blobCounter = 0;
};

/// The runtime's JSON view of a config (what executor.js reads).
QJsonObject runtimeConfigJson(const ModelConfig &config);

} // namespace accel
