#include "model/ReferenceCheck.h"

#include "model/ModelWeights.h"
#include "model/ReferenceRunner.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

namespace accel {

ReferenceCheck::ReferenceCheck(std::shared_ptr<const ModelWeights> weights, int threads)
    : m_weights(std::move(weights))
    , m_runner(std::make_unique<ReferenceRunner>(
          *m_weights, threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()))))
{}

ReferenceCheck::~ReferenceCheck() = default;

bool ReferenceCheck::hiddenAt(const std::vector<int> &tokens, int lastLayer, std::vector<float> *hidden,
                              ModelError *error)
{
    QMutexLocker lock(&m_mutex);
    if (!m_runner->embed(tokens, hidden, error)) {
        return false;
    }
    return lastLayer == 0 || m_runner->runLayers(hidden, int(tokens.size()), 0, lastLayer, error);
}

bool ReferenceCheck::runLayers(std::vector<float> *hidden, int seqLen, int firstLayer, int lastLayer,
                               ModelError *error)
{
    QMutexLocker lock(&m_mutex);
    return m_runner->runLayers(hidden, seqLen, firstLayer, lastLayer, error);
}

bool ReferenceCheck::topNextTokens(const std::vector<float> &lastRow, int k, std::vector<TokenLogit> *out,
                                   ModelError *error)
{
    const ModelConfig &config = m_weights->config();
    if (config.architecture != ModelConfig::Architecture::DecoderGpt2) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("next-token logits need a GPT-2 (decoder) model"));
    }
    if (lastRow.size() != std::size_t(config.hiddenSize)) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("a final hidden row has %1 values, not %2")
                        .arg(lastRow.size())
                        .arg(config.hiddenSize));
    }
    std::vector<float> logits;
    {
        QMutexLocker lock(&m_mutex);
        // ln_f works per row, so the last position alone gives the same logits as the whole state.
        if (!m_runner->logits(lastRow, 1, &logits, error)) {
            return false;
        }
    }
    *out = topK(logits, k);
    return true;
}

ReferenceCheck::Comparison ReferenceCheck::compare(const float *got, std::size_t count,
                                                   const std::vector<float> &want)
{
    Comparison c;
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (!got || count != want.size()) {
        c.maxAbs = inf;
        c.relative = inf;
        return c;
    }
    c.sizeMatches = true;
    double scale = 1e-6;
    for (std::size_t i = 0; i < count; ++i) {
        const double d = std::abs(double(got[i]) - double(want[i]));
        if (!std::isfinite(d)) {
            c.maxAbs = inf;
            c.relative = inf;
            return c;
        }
        c.maxAbs = std::max(c.maxAbs, d);
        scale = std::max(scale, double(std::abs(want[i])));
    }
    c.relative = c.maxAbs / scale;
    return c;
}

std::vector<ReferenceCheck::TokenLogit> ReferenceCheck::topK(const std::vector<float> &logits, int k)
{
    std::vector<TokenLogit> all;
    all.reserve(logits.size());
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (std::isfinite(logits[i])) {
            all.push_back({int(i), logits[i]});
        }
    }
    const std::size_t n = std::min(all.size(), std::size_t(std::max(0, k)));
    std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(n), all.end(),
                      [](const TokenLogit &a, const TokenLogit &b) {
                          return a.logit > b.logit || (a.logit == b.logit && a.token < b.token);
                      });
    all.resize(n);
    return all;
}

} // namespace accel
