#include "model/DemoModel.h"

#include "model/ModelWeights.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

#include <QDir>
#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>
#include <vector>

namespace accel {

namespace {

/// splitmix64: tiny, portable and fully specified (std:: distributions are not), so the demo
/// weights are the same everywhere.
class Random
{
public:
    explicit Random(std::uint64_t seed)
        : m_state(seed)
    {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [-1, 1).
    float uniform() { return float(double(next() >> 11) * 0x1.0p-53 * 2.0 - 1.0); }

private:
    std::uint64_t m_state;
};

std::vector<float> values(Random &rng, std::int64_t count, float center, float spread)
{
    std::vector<float> v(static_cast<std::size_t>(count));
    for (float &x : v) {
        x = center + spread * rng.uniform();
    }
    return v;
}

} // namespace

ModelConfig DemoModel::config()
{
    ModelConfig c;
    c.architecture = ModelConfig::Architecture::DecoderGpt2;
    c.family = ModelConfig::Family::Text;
    c.activation = ModelConfig::Activation::GeluTanh;
    c.modelType = QStringLiteral("gpt2");
    c.vocabSize = 1024;
    c.maxPositions = 256;
    c.hiddenSize = 256;
    c.layerCount = 4;
    c.headCount = 4;
    c.intermediateSize = 1024;
    c.layerNormEps = 1e-5;
    return c;
}

QByteArray DemoModel::safetensorsBytes(const ModelConfig &c, const Options &options)
{
    Random rng(options.seed);
    SafetensorsWriter w;
    w.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    w.setMetadata(
        QStringLiteral("accel_demo"),
        QStringLiteral("random weights from seed %1; not a trained model").arg(options.seed, 0, 16));
    const std::int64_t e = c.hiddenSize;
    const std::int64_t inner = c.intermediateSize;
    // Spreads keep activations O(1) through the layers, like a trained model's (std ~0.02 matrices
    // would make every layer nearly an identity and hide attention/GELU bugs).
    const float matrixSpread = float(1.7 / std::sqrt(double(e)));
    const float innerSpread = float(1.7 / std::sqrt(double(inner)));
    auto add = [&](const QString &name, std::vector<std::int64_t> shape, float center, float spread) {
        std::int64_t n = 1;
        for (auto d : shape) {
            n *= d;
        }
        w.addFloat(options.prefix + name, shape, values(rng, n, center, spread), options.dtype);
    };
    if (c.architecture == ModelConfig::Architecture::DecoderGpt2) {
        add(QStringLiteral("wte.weight"), {c.vocabSize, e}, 0.0f, 0.5f);
        add(QStringLiteral("wpe.weight"), {c.maxPositions, e}, 0.0f, 0.2f);
        for (int i = 0; i < c.layerCount; ++i) {
            const QString p = QStringLiteral("h.%1.").arg(i);
            add(p + QStringLiteral("ln_1.weight"), {e}, 1.0f, 0.2f);
            add(p + QStringLiteral("ln_1.bias"), {e}, 0.0f, 0.1f);
            add(p + QStringLiteral("attn.c_attn.weight"), {e, 3 * e}, 0.0f, matrixSpread);
            add(p + QStringLiteral("attn.c_attn.bias"), {3 * e}, 0.0f, 0.1f);
            add(p + QStringLiteral("attn.c_proj.weight"), {e, e}, 0.0f, matrixSpread);
            add(p + QStringLiteral("attn.c_proj.bias"), {e}, 0.0f, 0.1f);
            add(p + QStringLiteral("ln_2.weight"), {e}, 1.0f, 0.2f);
            add(p + QStringLiteral("ln_2.bias"), {e}, 0.0f, 0.1f);
            add(p + QStringLiteral("mlp.c_fc.weight"), {e, inner}, 0.0f, matrixSpread);
            add(p + QStringLiteral("mlp.c_fc.bias"), {inner}, 0.0f, 0.1f);
            add(p + QStringLiteral("mlp.c_proj.weight"), {inner, e}, 0.0f, innerSpread);
            add(p + QStringLiteral("mlp.c_proj.bias"), {e}, 0.0f, 0.1f);
        }
        add(QStringLiteral("ln_f.weight"), {e}, 1.0f, 0.2f);
        add(QStringLiteral("ln_f.bias"), {e}, 0.0f, 0.1f);
    } else {
        add(QStringLiteral("embeddings.word_embeddings.weight"), {c.vocabSize, e}, 0.0f, 0.5f);
        add(QStringLiteral("embeddings.position_embeddings.weight"), {c.maxPositions, e}, 0.0f, 0.2f);
        add(QStringLiteral("embeddings.token_type_embeddings.weight"), {c.typeVocabSize, e}, 0.0f, 0.2f);
        add(QStringLiteral("embeddings.LayerNorm.weight"), {e}, 1.0f, 0.2f);
        add(QStringLiteral("embeddings.LayerNorm.bias"), {e}, 0.0f, 0.1f);
        for (int i = 0; i < c.layerCount; ++i) {
            const QString p = QStringLiteral("encoder.layer.%1.").arg(i);
            for (const char *qkv : {"query", "key", "value"}) {
                add(p + QStringLiteral("attention.self.") + QLatin1String(qkv) + QStringLiteral(".weight"),
                    {e, e}, 0.0f, matrixSpread);
                add(p + QStringLiteral("attention.self.") + QLatin1String(qkv) + QStringLiteral(".bias"), {e},
                    0.0f, 0.1f);
            }
            add(p + QStringLiteral("attention.output.dense.weight"), {e, e}, 0.0f, matrixSpread);
            add(p + QStringLiteral("attention.output.dense.bias"), {e}, 0.0f, 0.1f);
            add(p + QStringLiteral("attention.output.LayerNorm.weight"), {e}, 1.0f, 0.2f);
            add(p + QStringLiteral("attention.output.LayerNorm.bias"), {e}, 0.0f, 0.1f);
            add(p + QStringLiteral("intermediate.dense.weight"), {inner, e}, 0.0f, matrixSpread);
            add(p + QStringLiteral("intermediate.dense.bias"), {inner}, 0.0f, 0.1f);
            add(p + QStringLiteral("output.dense.weight"), {e, inner}, 0.0f, innerSpread);
            add(p + QStringLiteral("output.dense.bias"), {e}, 0.0f, 0.1f);
            add(p + QStringLiteral("output.LayerNorm.weight"), {e}, 1.0f, 0.2f);
            add(p + QStringLiteral("output.LayerNorm.bias"), {e}, 0.0f, 0.1f);
        }
    }
    return w.toBytes();
}

bool DemoModel::write(const QString &dir, const ModelConfig &config, const Options &options,
                      ModelError *error)
{
    if (!config.validate(error)) {
        return false;
    }
    if (!QDir().mkpath(dir)) {
        return fail(error, ModelErrorCode::Io, QStringLiteral("cannot create directory %1").arg(dir));
    }
    const QDir d(dir);
    QSaveFile configFile(d.filePath(QStringLiteral("config.json")));
    const QByteArray json = QJsonDocument(config.toJson()).toJson(QJsonDocument::Indented);
    if (!configFile.open(QIODevice::WriteOnly) || configFile.write(json) != json.size() ||
        !configFile.commit()) {
        return fail(
            error, ModelErrorCode::Io,
            QStringLiteral("cannot write %1: %2").arg(configFile.fileName(), configFile.errorString()));
    }
    QSaveFile weights(d.filePath(QStringLiteral("model.safetensors")));
    const QByteArray bytes = safetensorsBytes(config, options);
    if (!weights.open(QIODevice::WriteOnly) || weights.write(bytes) != bytes.size() || !weights.commit()) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("cannot write %1: %2").arg(weights.fileName(), weights.errorString()));
    }
    return true;
}

bool DemoModel::load(ModelWeights *weights, ModelError *error)
{
    auto reader = std::make_shared<SafetensorsReader>();
    return reader->openBytes(safetensorsBytes(config(), Options()), error) &&
           weights->adopt(config(), reader, error);
}

} // namespace accel
