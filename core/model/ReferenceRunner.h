#pragma once

#include "model/ModelError.h"

#include <QString>

#include <map>
#include <memory>
#include <vector>

namespace accel {

class ModelWeights;

/// Native float32 forward pass over a contiguous layer range: the correctness oracle for the
/// browser kernels and the "native" backend of workers without browsers. Hidden states are
/// row-major [seqLen, hiddenSize]. Weights of the layers it runs are materialised on first use
/// and kept. Not thread-safe (one owner thread); `threads` parallelises each matmul.
class ReferenceRunner
{
public:
    /// `weights` must outlive the runner.
    explicit ReferenceRunner(const ModelWeights &weights, int threads = 1);
    ~ReferenceRunner();

    int threads() const { return m_threads; }
    void setThreads(int threads) { m_threads = threads < 1 ? 1 : threads; }

    /// Token (and for BERT token-type 0) + position embeddings; BERT also applies its LayerNorm.
    bool embed(const std::vector<int> &tokens, std::vector<float> *hidden, ModelError *error);
    /// Runs blocks [firstLayer, lastLayer) on hidden in place.
    bool runLayers(std::vector<float> *hidden, int seqLen, int firstLayer, int lastLayer, ModelError *error);
    /// GPT-2's ln_f (identity for BERT), then logits = hidden @ wte^T [seqLen, vocab].
    bool logits(const std::vector<float> &hidden, int seqLen, std::vector<float> *out, ModelError *error);

    /// Checks a layer range against the model: 0 <= first < last <= layerCount.
    static bool checkRange(int layerCount, int firstLayer, int lastLayer, ModelError *error);

private:
    struct Layer;
    const Layer *layer(int index, ModelError *error);
    const std::vector<float> *global(const QString &name, ModelError *error);

    const ModelWeights &m_weights;
    int m_threads = 1;
    std::map<int, std::unique_ptr<Layer>> m_layers;
    std::map<QString, std::vector<float>> m_globals;
};

} // namespace accel
