#pragma once

#include "model/ModelError.h"

#include <QMutex>

#include <memory>
#include <vector>

namespace accel {

class ModelWeights;
class ReferenceRunner;

/// The native side of a model run checked in the console: one ReferenceRunner per loaded model
/// (its materialised weights are kept between runs) behind a mutex, so background jobs
/// (QtConcurrent) may call it from any pool thread one at a time. Holds the weights it uses.
/// Every call blocks while it computes: never call it on the GUI thread.
class ReferenceCheck
{
public:
    /// `threads` parallelises each matmul (<= 0: all cores).
    explicit ReferenceCheck(std::shared_ptr<const ModelWeights> weights, int threads = 0);
    ~ReferenceCheck();

    const ModelWeights &weights() const { return *m_weights; }

    /// Embeddings of `tokens` followed by blocks [0, lastLayer): the hidden state at `lastLayer`.
    bool hiddenAt(const std::vector<int> &tokens, int lastLayer, std::vector<float> *hidden,
                  ModelError *error);
    /// Blocks [firstLayer, lastLayer) on `hidden` in place.
    bool runLayers(std::vector<float> *hidden, int seqLen, int firstLayer, int lastLayer, ModelError *error);

    struct TokenLogit
    {
        int token = 0;
        float logit = 0;
    };
    /// Next-token logits from one final hidden row ([hiddenSize] floats: the last position's
    /// output of the last block), through ln_f and the tied head; the `k` largest, best first.
    /// GPT-2 only (BadInput otherwise).
    bool topNextTokens(const std::vector<float> &lastRow, int k, std::vector<TokenLogit> *out,
                       ModelError *error);

    struct Comparison
    {
        double maxAbs = 0;   ///< max |got - want|
        double relative = 0; ///< maxAbs / max |want| (the scale floor is 1e-6)
        bool sizeMatches = false;
    };
    /// Compares `count` floats at `got` with `want`; sizeMatches false (and infinite errors) when
    /// the counts differ or a value is not finite.
    static Comparison compare(const float *got, std::size_t count, const std::vector<float> &want);
    /// The `k` largest entries of `logits`, best first (ties: lower token id first).
    static std::vector<TokenLogit> topK(const std::vector<float> &logits, int k);

private:
    std::shared_ptr<const ModelWeights> m_weights;
    QMutex m_mutex;
    std::unique_ptr<ReferenceRunner> m_runner;
};

} // namespace accel
