#pragma once
// Shared by the browser kernel tests: builds the standard check for one backend and model, and
// judges the results against the native reference.
#include "model/DemoModel.h"
#include "model/KernelCheck.h"
#include "model/KernelCheckServer.h"
#include "model/ModelWeights.h"
#include "model/SafetensorsReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace kernelcheck {

/// FP32 tolerance: max |got - ref| / max |ref| <= 1e-4 for every op and layer range. The kernels
/// accumulate in float32 (the reference's LayerNorm/softmax/attention sums use double), so after
/// 4 layers differences stay ~1e-6; 1e-4 leaves room for the browsers' exp/tanh.
constexpr double kTolerance = 1e-4;

enum class ModelKind { DemoF32 = 1, DemoF16, Bert };

inline std::shared_ptr<accel::ModelWeights> makeModel(ModelKind kind)
{
    accel::ModelConfig config = accel::DemoModel::config();
    accel::DemoModel::Options options;
    if (kind == ModelKind::DemoF16) {
        options.dtype = accel::Dtype::F16;
    }
    if (kind == ModelKind::Bert) { // a small BERT with odd sizes: hidden 60, 5 heads of 12, inner 100
        config.architecture = accel::ModelConfig::Architecture::EncoderBert;
        config.modelType = QStringLiteral("bert");
        config.activation = accel::ModelConfig::Activation::GeluErf;
        config.vocabSize = 97;
        config.maxPositions = 40;
        config.hiddenSize = 60;
        config.layerCount = 3;
        config.headCount = 5;
        config.intermediateSize = 100;
        config.typeVocabSize = 2;
        config.layerNormEps = 1e-12;
    }
    auto reader = std::make_shared<accel::SafetensorsReader>();
    auto weights = std::make_shared<accel::ModelWeights>();
    accel::ModelError error;
    if (!reader->openBytes(accel::DemoModel::safetensorsBytes(config, options), &error) ||
        !weights->adopt(config, reader, &error)) {
        qWarning("model: %s", qPrintable(error.message));
        return nullptr;
    }
    return weights;
}

/// Ops on odd shapes + model load, embeddings and layer ranges + a refused load + a missing weight.
inline bool buildStandardCheck(accel::KernelCheck *check, const accel::ModelWeights &weights, ModelKind kind,
                               const QJsonObject &extraOptions = {})
{
    // The limit fits the model's float32 weights plus 4 MiB; the refused load asks for 8 MiB more.
    const accel::ModelConfig &config = weights.config();
    qint64 weightBytes = 0;
    QStringList names = accel::ModelWeights::embeddingTensorNames(config);
    for (int l = 0; l < config.layerCount; ++l) {
        names << accel::ModelWeights::layerTensorNames(config, l);
    }
    for (const QString &name : names) {
        qint64 n = 4;
        for (auto d : accel::ModelWeights::canonicalShape(config, name)) {
            n *= d;
        }
        weightBytes += n;
    }
    QJsonObject options = extraOptions;
    options.insert(QStringLiteral("memoryLimitBytes"), double(weightBytes + 4 * 1024 * 1024));
    check->setOptions(options);
    check->addOpCases();
    const std::vector<int> tokens = {464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13, 0, 1023, 77};
    std::vector<int> clipped;
    for (int t : tokens) {
        clipped.push_back(t % weights.config().vocabSize);
    }
    const int layers = weights.config().layerCount;
    accel::ModelError error;
    if (!check->addModelCases(weights, clipped, {{0, layers}, {1, layers - 1}, {layers - 1, layers}},
                              kind == ModelKind::DemoF16 ? QStringLiteral("F16") : QStringLiteral("F32"),
                              &error)) {
        qWarning("%s", qPrintable(error.message));
        return false;
    }
    check->addRefusedLoadCase(QStringLiteral("too-big"), 2 * 1024 * 1024); // 8 MiB: 4 MiB more than fits
    check->addMissingWeightsCase(layers);                                  // range past the model
    return true;
}

/// Waits for the page's /done; QFAIL-style message in *why on failure.
inline bool waitFinished(accel::KernelCheck *check, int timeoutMs, QString *why)
{
    if (check->isFinished()) {
        return true;
    }
    QSignalSpy spy(check, &accel::KernelCheck::finished);
    if (!spy.wait(timeoutMs)) {
        *why = QStringLiteral("the check page did not finish within %1 s").arg(timeoutMs / 1000);
        return false;
    }
    return true;
}

/// Verifies every comparison and the JSON cases; prints a table.
inline void verify(const accel::KernelCheck &check)
{
    QVERIFY2(check.fatalError().isEmpty(), qPrintable(check.fatalError()));
    const auto comparisons = check.comparisons();
    QVERIFY(comparisons.size() > 10);
    for (const auto &c : comparisons) {
        qInfo("%-34s max abs %.3g  rel %.3g  %s", qPrintable(c.id), c.maxAbs, c.rel,
              c.ran ? "" : qPrintable(c.error));
        QVERIFY2(c.ran, qPrintable(c.id + QStringLiteral(": ") + c.error));
        QVERIFY2(c.rel <= kTolerance, qPrintable(QStringLiteral("%1 (%2): rel error %3 > %4")
                                                     .arg(c.id, c.description)
                                                     .arg(c.rel)
                                                     .arg(kTolerance)));
    }
    const QJsonObject load = check.jsonResult(QStringLiteral("load-weights"));
    QVERIFY2(load.value(QLatin1String("ok")).toBool(), qPrintable(QJsonDocument(load).toJson()));
    const QJsonObject refused = check.jsonResult(QStringLiteral("refused-load"));
    QVERIFY2(!refused.value(QLatin1String("ok")).toBool(true), "a load over the memory limit was accepted");
    QVERIFY2(refused.value(QLatin1String("error")).toString().contains(QStringLiteral("do not fit")),
             qPrintable(refused.value(QLatin1String("error")).toString()));
    // The refused load left the earlier weights in place and the accounting unchanged.
    QCOMPARE(refused.value(QLatin1String("usage")).toObject().value(QLatin1String("weightBytes")).toDouble(),
             load.value(QLatin1String("usage")).toObject().value(QLatin1String("weightBytes")).toDouble());
    const QJsonObject missing = check.jsonResult(QStringLiteral("missing-weights"));
    QVERIFY(!missing.value(QLatin1String("ok")).toBool(true));
    QVERIFY2(missing.value(QLatin1String("error")).toString().contains(QStringLiteral("layer range")) ||
                 missing.value(QLatin1String("error")).toString().contains(QStringLiteral("not loaded")),
             qPrintable(missing.value(QLatin1String("error")).toString()));
}

} // namespace kernelcheck
