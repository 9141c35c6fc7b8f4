#include "model/ReferenceRunner.h"

#include "model/ModelWeights.h"
#include "model/ReferenceOps.h"

namespace accel {

struct ReferenceRunner::Layer
{
    std::vector<float> ln1g, ln1b, qkvw, qkvb, projw, projb, ln2g, ln2b, fcw, fcb, outw, outb;
};

ReferenceRunner::ReferenceRunner(const ModelWeights &weights, int threads)
    : m_weights(weights)
    , m_threads(threads < 1 ? 1 : threads)
{}

ReferenceRunner::~ReferenceRunner() = default;

bool ReferenceRunner::checkRange(int layerCount, int firstLayer, int lastLayer, ModelError *error)
{
    if (firstLayer < 0 || lastLayer > layerCount || firstLayer >= lastLayer) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("layer range %1:%2 is not inside 0:%3")
                        .arg(firstLayer)
                        .arg(lastLayer)
                        .arg(layerCount));
    }
    return true;
}

const ReferenceRunner::Layer *ReferenceRunner::layer(int index, ModelError *error)
{
    auto it = m_layers.find(index);
    if (it != m_layers.end()) {
        return it->second.get();
    }
    auto l = std::make_unique<Layer>();
    const QString p = QStringLiteral("h.%1.").arg(index);
    const std::pair<const char *, std::vector<float> *> parts[] = {
        {"ln1.g", &l->ln1g},   {"ln1.b", &l->ln1b},   {"qkv.w", &l->qkvw}, {"qkv.b", &l->qkvb},
        {"proj.w", &l->projw}, {"proj.b", &l->projb}, {"ln2.g", &l->ln2g}, {"ln2.b", &l->ln2b},
        {"fc.w", &l->fcw},     {"fc.b", &l->fcb},     {"out.w", &l->outw}, {"out.b", &l->outb}};
    for (const auto &[name, target] : parts) {
        if (!m_weights.tensor(p + QLatin1String(name), target, error)) {
            return nullptr;
        }
    }
    return (m_layers[index] = std::move(l)).get();
}

const std::vector<float> *ReferenceRunner::global(const QString &name, ModelError *error)
{
    auto it = m_globals.find(name);
    if (it != m_globals.end()) {
        return &it->second;
    }
    std::vector<float> values;
    if (!m_weights.tensor(name, &values, error)) {
        return nullptr;
    }
    return &(m_globals[name] = std::move(values));
}

bool ReferenceRunner::embed(const std::vector<int> &tokens, std::vector<float> *hidden, ModelError *error)
{
    const ModelConfig &c = m_weights.config();
    const int seqLen = int(tokens.size());
    if (seqLen < 1 || seqLen > c.maxPositions) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("sequence length %1 is not in 1..%2").arg(seqLen).arg(c.maxPositions));
    }
    for (int t : tokens) {
        if (t < 0 || t >= c.vocabSize) {
            return fail(
                error, ModelErrorCode::BadInput,
                QStringLiteral("token id %1 is outside the vocabulary (0..%2)").arg(t).arg(c.vocabSize - 1));
        }
    }
    const std::vector<float> *wte = global(QStringLiteral("wte"), error);
    const std::vector<float> *wpe = wte ? global(QStringLiteral("wpe"), error) : nullptr;
    if (!wpe) {
        return false;
    }
    const bool bert = c.architecture == ModelConfig::Architecture::EncoderBert;
    const std::vector<float> *tte = bert ? global(QStringLiteral("tte"), error) : nullptr;
    if (bert && !tte) {
        return false;
    }
    hidden->assign(std::size_t(seqLen) * std::size_t(c.hiddenSize), 0.0f);
    referenceops::embedding(tokens.data(), seqLen, wte->data(), wpe->data(), tte ? tte->data() : nullptr,
                            hidden->data(), c.hiddenSize);
    if (bert) {
        const std::vector<float> *g = global(QStringLiteral("emb_ln.g"), error);
        const std::vector<float> *b = g ? global(QStringLiteral("emb_ln.b"), error) : nullptr;
        if (!b) {
            return false;
        }
        referenceops::layerNorm(hidden->data(), g->data(), b->data(), hidden->data(), seqLen, c.hiddenSize,
                                c.layerNormEps);
    }
    return true;
}

bool ReferenceRunner::runLayers(std::vector<float> *hidden, int seqLen, int firstLayer, int lastLayer,
                                ModelError *error)
{
    const ModelConfig &c = m_weights.config();
    if (!checkRange(c.layerCount, firstLayer, lastLayer, error)) {
        return false;
    }
    const int e = c.hiddenSize;
    const int inner = c.intermediateSize;
    if (seqLen < 1 || seqLen > c.maxPositions || hidden->size() != std::size_t(seqLen) * std::size_t(e)) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("hidden state has %1 floats; expected seqLen (%2, at most %3) x %4")
                        .arg(hidden->size())
                        .arg(seqLen)
                        .arg(c.maxPositions)
                        .arg(e));
    }
    const bool bert = c.architecture == ModelConfig::Architecture::EncoderBert;
    const std::size_t se = std::size_t(seqLen) * std::size_t(e);
    std::vector<float> normed(se), qkv(se * 3), att(se), proj(se),
        mlp(std::size_t(seqLen) * std::size_t(inner));
    float *x = hidden->data();
    for (int i = firstLayer; i < lastLayer; ++i) {
        const Layer *l = layer(i, error);
        if (!l) {
            return false;
        }
        const float *attnIn = x;
        if (!bert) {
            referenceops::layerNorm(x, l->ln1g.data(), l->ln1b.data(), normed.data(), seqLen, e,
                                    c.layerNormEps);
            attnIn = normed.data();
        }
        referenceops::matmul(attnIn, l->qkvw.data(), l->qkvb.data(), qkv.data(), seqLen, e, 3 * e, m_threads);
        referenceops::attention(qkv.data(), att.data(), seqLen, c.headCount, c.headDim(), c.isCausal());
        referenceops::matmul(att.data(), l->projw.data(), l->projb.data(), proj.data(), seqLen, e, e,
                             m_threads);
        referenceops::add(x, proj.data(), x, std::int64_t(se));
        if (bert) {
            referenceops::layerNorm(x, l->ln1g.data(), l->ln1b.data(), x, seqLen, e, c.layerNormEps);
        }
        const float *mlpIn = x;
        if (!bert) {
            referenceops::layerNorm(x, l->ln2g.data(), l->ln2b.data(), normed.data(), seqLen, e,
                                    c.layerNormEps);
            mlpIn = normed.data();
        }
        referenceops::matmul(mlpIn, l->fcw.data(), l->fcb.data(), mlp.data(), seqLen, e, inner, m_threads);
        if (c.activation == ModelConfig::Activation::GeluTanh) {
            referenceops::geluTanh(mlp.data(), mlp.data(), std::int64_t(mlp.size()));
        } else {
            referenceops::geluErf(mlp.data(), mlp.data(), std::int64_t(mlp.size()));
        }
        referenceops::matmul(mlp.data(), l->outw.data(), l->outb.data(), proj.data(), seqLen, inner, e,
                             m_threads);
        referenceops::add(x, proj.data(), x, std::int64_t(se));
        if (bert) {
            referenceops::layerNorm(x, l->ln2g.data(), l->ln2b.data(), x, seqLen, e, c.layerNormEps);
        }
    }
    return true;
}

bool ReferenceRunner::logits(const std::vector<float> &hidden, int seqLen, std::vector<float> *out,
                             ModelError *error)
{
    const ModelConfig &c = m_weights.config();
    if (seqLen < 1 || hidden.size() != std::size_t(seqLen) * std::size_t(c.hiddenSize)) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("hidden state size does not match seqLen"));
    }
    std::vector<float> normed = hidden;
    if (c.architecture == ModelConfig::Architecture::DecoderGpt2) {
        const std::vector<float> *g = global(QStringLiteral("ln_f.g"), error);
        const std::vector<float> *b = g ? global(QStringLiteral("ln_f.b"), error) : nullptr;
        if (!b) {
            return false;
        }
        referenceops::layerNorm(normed.data(), g->data(), b->data(), normed.data(), seqLen, c.hiddenSize,
                                c.layerNormEps);
    }
    const std::vector<float> *wte = global(QStringLiteral("wte"), error);
    if (!wte) {
        return false;
    }
    out->assign(std::size_t(seqLen) * std::size_t(c.vocabSize), 0.0f);
    referenceops::matmulTransposedB(normed.data(), wte->data(), out->data(), seqLen, c.hiddenSize,
                                    c.vocabSize, m_threads);
    return true;
}

} // namespace accel
