#include "model/ModelWeights.h"

#include "model/SafetensorsReader.h"

#include <QDir>
#include <QRegularExpression>

namespace accel {

/// Where a canonical tensor comes from: one or several (BERT Q/K/V) source tensors, each
/// possibly transposed from [out, in].
struct ModelWeights::Source
{
    QStringList names;
    bool transpose = false;
    std::vector<std::vector<std::int64_t>> shapes; ///< expected shape of each source tensor
};

ModelWeights::ModelWeights() = default;
ModelWeights::~ModelWeights() = default;

QStringList ModelWeights::embeddingTensorNames(const ModelConfig &config)
{
    if (config.architecture == ModelConfig::Architecture::EncoderBert) {
        return {QStringLiteral("wte"), QStringLiteral("wpe"), QStringLiteral("tte"),
                QStringLiteral("emb_ln.g"), QStringLiteral("emb_ln.b")};
    }
    return {QStringLiteral("wte"), QStringLiteral("wpe")};
}

QStringList ModelWeights::layerTensorNames(const ModelConfig &, int layer)
{
    QStringList names;
    for (const char *n : {"ln1.g", "ln1.b", "qkv.w", "qkv.b", "proj.w", "proj.b", "ln2.g", "ln2.b", "fc.w",
                          "fc.b", "out.w", "out.b"}) {
        names << QStringLiteral("h.%1.%2").arg(layer).arg(QLatin1String(n));
    }
    return names;
}

QStringList ModelWeights::finalTensorNames(const ModelConfig &config)
{
    if (config.architecture == ModelConfig::Architecture::DecoderGpt2) {
        return {QStringLiteral("ln_f.g"), QStringLiteral("ln_f.b")};
    }
    return {};
}

std::vector<std::int64_t> ModelWeights::canonicalShape(const ModelConfig &c, const QString &name)
{
    const std::int64_t e = c.hiddenSize;
    const std::int64_t inner = c.intermediateSize;
    if (name == QLatin1String("wte")) {
        return {c.vocabSize, e};
    }
    if (name == QLatin1String("wpe")) {
        return {c.maxPositions, e};
    }
    if (name == QLatin1String("tte")) {
        return {c.typeVocabSize, e};
    }
    if (name.startsWith(QLatin1String("emb_ln.")) || name.startsWith(QLatin1String("ln_f."))) {
        return {e};
    }
    static const QRegularExpression layerRe(QStringLiteral("^h\\.(\\d+)\\.(\\w+)\\.([wbg])$"));
    const QRegularExpressionMatch m = layerRe.match(name);
    if (!m.hasMatch() || m.captured(1).toInt() >= c.layerCount) {
        return {};
    }
    const QString part = m.captured(2);
    const bool matrix = m.captured(3) == QLatin1String("w");
    if (part == QLatin1String("ln1") || part == QLatin1String("ln2")) {
        return matrix ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{e};
    }
    if (part == QLatin1String("qkv")) {
        return matrix ? std::vector<std::int64_t>{e, 3 * e} : std::vector<std::int64_t>{3 * e};
    }
    if (part == QLatin1String("proj")) {
        return matrix ? std::vector<std::int64_t>{e, e} : std::vector<std::int64_t>{e};
    }
    if (part == QLatin1String("fc")) {
        return matrix ? std::vector<std::int64_t>{e, inner} : std::vector<std::int64_t>{inner};
    }
    if (part == QLatin1String("out")) {
        return matrix ? std::vector<std::int64_t>{inner, e} : std::vector<std::int64_t>{e};
    }
    return {};
}

bool ModelWeights::resolve(const QString &name, Source *s, ModelError *error) const
{
    const ModelConfig &c = m_config;
    const std::int64_t e = c.hiddenSize;
    const std::int64_t inner = c.intermediateSize;
    const std::vector<std::int64_t> shape = canonicalShape(c, name);
    if (shape.empty()) {
        return fail(error, ModelErrorCode::MissingTensor,
                    QStringLiteral("unknown canonical tensor '%1'").arg(name));
    }
    s->names.clear();
    s->shapes.clear();
    s->transpose = false;
    auto one = [&](const QString &hf, std::vector<std::int64_t> hfShape) {
        s->names << m_prefix + hf;
        s->shapes.push_back(std::move(hfShape));
    };
    const bool bert = c.architecture == ModelConfig::Architecture::EncoderBert;
    if (!name.startsWith(QLatin1String("h."))) {
        static const char *gpt2[][2] = {
            {"wte", "wte.weight"}, {"wpe", "wpe.weight"}, {"ln_f.g", "ln_f.weight"}, {"ln_f.b", "ln_f.bias"}};
        static const char *bertNames[][2] = {{"wte", "embeddings.word_embeddings.weight"},
                                             {"wpe", "embeddings.position_embeddings.weight"},
                                             {"tte", "embeddings.token_type_embeddings.weight"},
                                             {"emb_ln.g", "embeddings.LayerNorm.weight"},
                                             {"emb_ln.b", "embeddings.LayerNorm.bias"}};
        if (bert) {
            for (const auto &p : bertNames) {
                if (name == QLatin1String(p[0])) {
                    one(QLatin1String(p[1]), shape);
                }
            }
        } else {
            for (const auto &p : gpt2) {
                if (name == QLatin1String(p[0])) {
                    one(QLatin1String(p[1]), shape);
                }
            }
        }
        if (s->names.isEmpty()) {
            return fail(
                error, ModelErrorCode::MissingTensor,
                QStringLiteral("tensor '%1' does not exist for model_type %2").arg(name, c.modelType));
        }
        return true;
    }
    const QStringList parts = name.split(QLatin1Char('.'));
    const QString layer = parts.at(1);
    const QString part = parts.at(2) + QLatin1Char('.') + parts.at(3);
    if (!bert) {
        static const char *map[][2] = {
            {"ln1.g", "ln_1.weight"},      {"ln1.b", "ln_1.bias"},           {"qkv.w", "attn.c_attn.weight"},
            {"qkv.b", "attn.c_attn.bias"}, {"proj.w", "attn.c_proj.weight"}, {"proj.b", "attn.c_proj.bias"},
            {"ln2.g", "ln_2.weight"},      {"ln2.b", "ln_2.bias"},           {"fc.w", "mlp.c_fc.weight"},
            {"fc.b", "mlp.c_fc.bias"},     {"out.w", "mlp.c_proj.weight"},   {"out.b", "mlp.c_proj.bias"}};
        for (const auto &p : map) {
            if (part == QLatin1String(p[0])) {
                one(QStringLiteral("h.") + layer + QLatin1Char('.') + QLatin1String(p[1]), shape);
            }
        }
        return true;
    }
    const QString base = QStringLiteral("encoder.layer.") + layer + QLatin1Char('.');
    if (part == QLatin1String("qkv.w") || part == QLatin1String("qkv.b")) {
        const bool w = part.endsWith(QLatin1String(".w"));
        for (const char *qkv : {"query", "key", "value"}) {
            one(base + QStringLiteral("attention.self.") + QLatin1String(qkv) +
                    (w ? QStringLiteral(".weight") : QStringLiteral(".bias")),
                w ? std::vector<std::int64_t>{e, e} : std::vector<std::int64_t>{e});
        }
        s->transpose = w;
        return true;
    }
    static const char *map[][4] = {// canonical, HF, "T" when transposed, shape kind
                                   {"ln1.g", "attention.output.LayerNorm.weight", "", "e"},
                                   {"ln1.b", "attention.output.LayerNorm.bias", "", "e"},
                                   {"proj.w", "attention.output.dense.weight", "T", "ee"},
                                   {"proj.b", "attention.output.dense.bias", "", "e"},
                                   {"ln2.g", "output.LayerNorm.weight", "", "e"},
                                   {"ln2.b", "output.LayerNorm.bias", "", "e"},
                                   {"fc.w", "intermediate.dense.weight", "T", "ie"},
                                   {"fc.b", "intermediate.dense.bias", "", "i"},
                                   {"out.w", "output.dense.weight", "T", "ei"},
                                   {"out.b", "output.dense.bias", "", "e"}};
    for (const auto &p : map) {
        if (part == QLatin1String(p[0])) {
            const QString kind = QLatin1String(p[3]);
            std::vector<std::int64_t> hfShape;
            for (QChar ch : kind) {
                hfShape.push_back(ch == QLatin1Char('e') ? e : inner);
            }
            one(base + QLatin1String(p[1]), hfShape);
            s->transpose = QLatin1String(p[2]) == QLatin1String("T");
        }
    }
    return true;
}

bool ModelWeights::adopt(const ModelConfig &config, std::shared_ptr<const SafetensorsReader> reader,
                         ModelError *error)
{
    if (!config.validate(error)) {
        return false;
    }
    m_config = config;
    m_reader = std::move(reader);
    const bool bert = config.architecture == ModelConfig::Architecture::EncoderBert;
    const QString probe =
        bert ? QStringLiteral("embeddings.word_embeddings.weight") : QStringLiteral("wte.weight");
    m_prefix.clear();
    for (const QString &prefix : {QString(), QStringLiteral("transformer."), QStringLiteral("bert.")}) {
        if (m_reader->find(prefix + probe)) {
            m_prefix = prefix;
            break;
        }
    }
    QStringList all = embeddingTensorNames(config);
    for (int i = 0; i < config.layerCount; ++i) {
        all << layerTensorNames(config, i);
    }
    all << finalTensorNames(config);
    for (const QString &name : all) {
        Source s;
        if (!resolve(name, &s, error)) {
            return false;
        }
        for (qsizetype k = 0; k < s.names.size(); ++k) {
            const TensorInfo *info = m_reader->find(s.names.at(k));
            if (!info) {
                return fail(error, ModelErrorCode::MissingTensor,
                            QStringLiteral("model.safetensors has no tensor '%1' (needed by the %2 config)")
                                .arg(s.names.at(k), config.modelType));
            }
            if (!dtype::isFloatConvertible(info->dtype)) {
                return fail(error, ModelErrorCode::BadDtype,
                            QStringLiteral("tensor '%1' is %2; weights must be F32, F16 or BF16")
                                .arg(info->name, dtype::toString(info->dtype)));
            }
            if (info->shape != s.shapes.at(std::size_t(k))) {
                QStringList got;
                QStringList want;
                for (auto d : info->shape) {
                    got << QString::number(d);
                }
                for (auto d : s.shapes.at(std::size_t(k))) {
                    want << QString::number(d);
                }
                return fail(error, ModelErrorCode::BadShape,
                            QStringLiteral("tensor '%1' has shape [%2] but config.json implies [%3]")
                                .arg(info->name, got.join(QLatin1Char(',')), want.join(QLatin1Char(','))));
            }
        }
    }
    return true;
}

bool ModelWeights::load(const QString &dir, ModelError *error)
{
    const QDir d(dir);
    std::optional<ModelConfig> config =
        ModelConfig::fromFile(d.filePath(QStringLiteral("config.json")), error);
    if (!config) {
        return false;
    }
    auto reader = std::make_shared<SafetensorsReader>();
    if (!reader->open(d.filePath(QStringLiteral("model.safetensors")), error)) {
        return false;
    }
    return adopt(*config, std::move(reader), error);
}

bool ModelWeights::tensor(const QString &canonicalName, std::vector<float> *out, ModelError *error) const
{
    if (!m_reader) {
        return fail(error, ModelErrorCode::Io, QStringLiteral("no model loaded"));
    }
    Source s;
    if (!resolve(canonicalName, &s, error)) {
        return false;
    }
    std::vector<std::vector<float>> parts(static_cast<std::size_t>(s.names.size()));
    for (qsizetype k = 0; k < s.names.size(); ++k) {
        const TensorInfo *info = m_reader->find(s.names.at(k));
        if (!info) {
            return fail(error, ModelErrorCode::MissingTensor,
                        QStringLiteral("no tensor '%1'").arg(s.names.at(k)));
        }
        if (!m_reader->toFloat32(*info, &parts[std::size_t(k)], error)) {
            return false;
        }
    }
    if (!s.transpose && parts.size() == 1) {
        *out = std::move(parts.front());
        return true;
    }
    if (!s.transpose) { // concatenated biases
        out->clear();
        for (const auto &p : parts) {
            out->insert(out->end(), p.begin(), p.end());
        }
        return true;
    }
    // Each part is [outK, in] (nn.Linear); the canonical matrix is [in, sum(outK)].
    const std::int64_t in = s.shapes.front().at(1);
    std::int64_t totalOut = 0;
    for (const auto &shape : s.shapes) {
        totalOut += shape.at(0);
    }
    out->assign(std::size_t(in * totalOut), 0.0f);
    std::int64_t col = 0;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const std::int64_t rows = s.shapes[k].at(0);
        const float *src = parts[k].data();
        for (std::int64_t o = 0; o < rows; ++o) {
            for (std::int64_t i = 0; i < in; ++i) {
                (*out)[std::size_t(i * totalOut + col + o)] = src[o * in + i];
            }
        }
        col += rows;
    }
    return true;
}

} // namespace accel
