#include "model/ModelConfig.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace accel {

namespace {

constexpr qint64 kMaxConfigBytes = 1024 * 1024;

/// Reads a positive integer key; `fallback` < 0 means required.
bool readInt(const QJsonObject &o, const char *key, int fallback, int minValue, int maxValue, int *out,
             ModelError *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        if (fallback < 0) {
            return fail(error, ModelErrorCode::BadConfig,
                        QStringLiteral("config.json: missing '%1'").arg(key));
        }
        *out = fallback;
        return true;
    }
    const double d = v.toDouble(-1.0);
    if (!v.isDouble() || d != std::floor(d) || d < minValue || d > maxValue) {
        return fail(error, ModelErrorCode::BadConfig,
                    QStringLiteral("config.json: '%1' must be an integer in [%2, %3]")
                        .arg(key)
                        .arg(minValue)
                        .arg(maxValue));
    }
    *out = int(d);
    return true;
}

bool readEps(const QJsonObject &o, const char *key, double fallback, double *out, ModelError *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        *out = fallback;
        return true;
    }
    if (!v.isDouble() || !(v.toDouble() > 0.0) || v.toDouble() > 1.0) {
        return fail(error, ModelErrorCode::BadConfig,
                    QStringLiteral("config.json: '%1' must be in (0, 1]").arg(key));
    }
    *out = v.toDouble();
    return true;
}

} // namespace

qint64 ModelConfig::layerParameterCount() const
{
    const qint64 e = hiddenSize;
    const qint64 i = intermediateSize;
    return 4 * e * e + 4 * e + 2 * e * i + i + e + 4 * e;
}

double ModelConfig::layerFlops(int seqLen) const
{
    const double s = seqLen;
    const double e = hiddenSize;
    const double matmuls = 2.0 * s * (4.0 * e * e + 2.0 * e * intermediateSize);
    const double attention = 2.0 * 2.0 * s * s * e; // QK^T and PV
    return matmuls + attention;
}

QString ModelConfig::familyName(Family family)
{
    switch (family) {
    case Family::Vision:
        return QStringLiteral("vision");
    case Family::Audio:
        return QStringLiteral("audio");
    case Family::Text:
        break;
    }
    return QStringLiteral("text");
}

std::optional<ModelConfig::Family> ModelConfig::familyFromName(const QString &name)
{
    for (Family f : {Family::Text, Family::Vision, Family::Audio}) {
        if (familyName(f) == name) {
            return f;
        }
    }
    return std::nullopt;
}

bool ModelConfig::validate(ModelError *error) const
{
    auto bad = [error](const QString &what) {
        return fail(error, ModelErrorCode::BadConfig, QStringLiteral("config: ") + what);
    };
    if (vocabSize < 1 || vocabSize > 10'000'000) {
        return bad(QStringLiteral("vocabulary size %1 out of range").arg(vocabSize));
    }
    if (maxPositions < 1 || maxPositions > 1'000'000) {
        return bad(QStringLiteral("max positions %1 out of range").arg(maxPositions));
    }
    if (hiddenSize < 1 || hiddenSize > 65536 || headCount < 1 || hiddenSize % headCount != 0) {
        return bad(QStringLiteral("hidden size %1 must be a positive multiple of the head count %2")
                       .arg(hiddenSize)
                       .arg(headCount));
    }
    if (layerCount < 1 || layerCount > 1024) {
        return bad(QStringLiteral("layer count %1 out of range").arg(layerCount));
    }
    if (intermediateSize < 1 || intermediateSize > 1'048'576) {
        return bad(QStringLiteral("intermediate size %1 out of range").arg(intermediateSize));
    }
    if (architecture == Architecture::EncoderBert && (typeVocabSize < 1 || typeVocabSize > 1024)) {
        return bad(QStringLiteral("type vocabulary size %1 out of range").arg(typeVocabSize));
    }
    if (!(layerNormEps > 0.0) || layerNormEps > 1.0) {
        return bad(QStringLiteral("layer norm epsilon must be in (0, 1]"));
    }
    return true;
}

std::optional<ModelConfig> ModelConfig::fromJson(const QByteArray &json, ModelError *error)
{
    if (json.size() > kMaxConfigBytes) {
        fail(error, ModelErrorCode::BadConfig, QStringLiteral("config.json is larger than 1 MiB"));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        fail(error, ModelErrorCode::BadConfig,
             QStringLiteral("config.json is not a JSON object: %1").arg(parseError.errorString()));
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    ModelConfig c;
    c.modelType = o.value(QLatin1String("model_type")).toString();
    bool ok = true;
    if (c.modelType == QLatin1String("gpt2")) {
        c.architecture = Architecture::DecoderGpt2;
        ok = readInt(o, "vocab_size", -1, 1, 10'000'000, &c.vocabSize, error) &&
             readInt(o, "n_positions", -1, 1, 1'000'000, &c.maxPositions, error) &&
             readInt(o, "n_embd", -1, 1, 65536, &c.hiddenSize, error) &&
             readInt(o, "n_layer", -1, 1, 1024, &c.layerCount, error) &&
             readInt(o, "n_head", -1, 1, 65536, &c.headCount, error) &&
             readInt(o, "n_inner", c.hiddenSize > 0 ? 4 * c.hiddenSize : -1, 1, 1'048'576,
                     &c.intermediateSize, error) &&
             readEps(o, "layer_norm_epsilon", 1e-5, &c.layerNormEps, error);
        const QString act =
            o.value(QLatin1String("activation_function")).toString(QStringLiteral("gelu_new"));
        if (ok && act != QLatin1String("gelu_new") && act != QLatin1String("gelu_pytorch_tanh")) {
            if (act == QLatin1String("gelu")) {
                c.activation = Activation::GeluErf;
            } else {
                fail(error, ModelErrorCode::BadConfig,
                     QStringLiteral("config.json: activation_function '%1' is not supported (gelu_new, gelu)")
                         .arg(act));
                return std::nullopt;
            }
        } else {
            c.activation = Activation::GeluTanh;
        }
    } else if (c.modelType == QLatin1String("bert")) {
        c.architecture = Architecture::EncoderBert;
        ok = readInt(o, "vocab_size", -1, 1, 10'000'000, &c.vocabSize, error) &&
             readInt(o, "max_position_embeddings", -1, 1, 1'000'000, &c.maxPositions, error) &&
             readInt(o, "hidden_size", -1, 1, 65536, &c.hiddenSize, error) &&
             readInt(o, "num_hidden_layers", -1, 1, 1024, &c.layerCount, error) &&
             readInt(o, "num_attention_heads", -1, 1, 65536, &c.headCount, error) &&
             readInt(o, "intermediate_size", -1, 1, 1'048'576, &c.intermediateSize, error) &&
             readInt(o, "type_vocab_size", 2, 1, 1024, &c.typeVocabSize, error) &&
             readEps(o, "layer_norm_eps", 1e-12, &c.layerNormEps, error);
        const QString act = o.value(QLatin1String("hidden_act")).toString(QStringLiteral("gelu"));
        if (ok && act != QLatin1String("gelu")) {
            if (act == QLatin1String("gelu_new")) {
                c.activation = Activation::GeluTanh;
            } else {
                fail(error, ModelErrorCode::BadConfig,
                     QStringLiteral("config.json: hidden_act '%1' is not supported (gelu, gelu_new)")
                         .arg(act));
                return std::nullopt;
            }
        } else {
            c.activation = Activation::GeluErf;
        }
    } else {
        fail(error, ModelErrorCode::BadConfig,
             c.modelType.isEmpty()
                 ? QStringLiteral("config.json: missing 'model_type' (supported: gpt2, bert)")
                 : QStringLiteral("config.json: model_type '%1' is not supported (gpt2, bert)")
                       .arg(c.modelType.left(64)));
        return std::nullopt;
    }
    if (!ok) {
        return std::nullopt;
    }
    // Not a Hugging Face key: our own optional hint for host selection. Text by default.
    const QJsonValue family = o.value(QLatin1String("accel_family"));
    if (!family.isUndefined()) {
        const std::optional<Family> f = familyFromName(family.toString());
        if (!f) {
            fail(error, ModelErrorCode::BadConfig,
                 QStringLiteral("config.json: accel_family must be text, vision or audio"));
            return std::nullopt;
        }
        c.family = *f;
    }
    if (!c.validate(error)) {
        return std::nullopt;
    }
    return c;
}

std::optional<ModelConfig> ModelConfig::fromFile(const QString &path, ModelError *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, ModelErrorCode::Io, QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    if (file.size() > kMaxConfigBytes) {
        fail(error, ModelErrorCode::BadConfig, QStringLiteral("%1 is larger than 1 MiB").arg(path));
        return std::nullopt;
    }
    return fromJson(file.readAll(), error);
}

QJsonObject ModelConfig::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("model_type"), modelType);
    if (architecture == Architecture::DecoderGpt2) {
        o.insert(QStringLiteral("architectures"), QJsonArray{QStringLiteral("GPT2LMHeadModel")});
        o.insert(QStringLiteral("vocab_size"), vocabSize);
        o.insert(QStringLiteral("n_positions"), maxPositions);
        o.insert(QStringLiteral("n_ctx"), maxPositions);
        o.insert(QStringLiteral("n_embd"), hiddenSize);
        o.insert(QStringLiteral("n_layer"), layerCount);
        o.insert(QStringLiteral("n_head"), headCount);
        o.insert(QStringLiteral("n_inner"), intermediateSize);
        o.insert(QStringLiteral("layer_norm_epsilon"), layerNormEps);
        o.insert(QStringLiteral("activation_function"),
                 activation == Activation::GeluTanh ? QStringLiteral("gelu_new") : QStringLiteral("gelu"));
    } else {
        o.insert(QStringLiteral("architectures"), QJsonArray{QStringLiteral("BertModel")});
        o.insert(QStringLiteral("vocab_size"), vocabSize);
        o.insert(QStringLiteral("max_position_embeddings"), maxPositions);
        o.insert(QStringLiteral("hidden_size"), hiddenSize);
        o.insert(QStringLiteral("num_hidden_layers"), layerCount);
        o.insert(QStringLiteral("num_attention_heads"), headCount);
        o.insert(QStringLiteral("intermediate_size"), intermediateSize);
        o.insert(QStringLiteral("type_vocab_size"), typeVocabSize);
        o.insert(QStringLiteral("layer_norm_eps"), layerNormEps);
        o.insert(QStringLiteral("hidden_act"),
                 activation == Activation::GeluErf ? QStringLiteral("gelu") : QStringLiteral("gelu_new"));
    }
    if (family != Family::Text) {
        o.insert(QStringLiteral("accel_family"), familyName(family));
    }
    return o;
}

} // namespace accel
