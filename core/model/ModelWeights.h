#pragma once

#include "model/ModelConfig.h"
#include "model/ModelError.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace accel {

class SafetensorsReader;

/// A model directory (config.json + model.safetensors in Hugging Face GPT-2 or BERT layout) seen
/// through one canonical, architecture-neutral set of float32 tensors that the reference runner
/// and every runtime kernel use:
///   wte [V,E]  wpe [P,E]  (BERT: tte [T,E], emb_ln.g/.b [E])  (GPT-2: ln_f.g/.b [E])
///   h.{i}.ln1.g/.b [E]  h.{i}.qkv.w [E,3E]  h.{i}.qkv.b [3E]  h.{i}.proj.w [E,E]  h.{i}.proj.b [E]
///   h.{i}.ln2.g/.b [E]  h.{i}.fc.w [E,I]    h.{i}.fc.b [I]    h.{i}.out.w [I,E]   h.{i}.out.b [E]
/// Every matrix is [in, out] (y = x @ W + b). GPT-2's Conv1D weights already are; BERT's nn.Linear
/// weights [out, in] are transposed and Q/K/V concatenated. For BERT, ln1 is attention.output.LayerNorm
/// and ln2 output.LayerNorm (post-LN). Names may carry a "transformer." / "bert." prefix.
/// Reentrant; a const instance may be shared between threads.
class ModelWeights
{
public:
    ModelWeights();
    ~ModelWeights();

    /// Loads DIR/config.json and DIR/model.safetensors and checks every tensor the config needs.
    bool load(const QString &dir, ModelError *error);
    /// Checks an already opened file against a config (tests, in-memory files).
    bool adopt(const ModelConfig &config, std::shared_ptr<const SafetensorsReader> reader, ModelError *error);

    const ModelConfig &config() const { return m_config; }
    const SafetensorsReader &reader() const { return *m_reader; }

    /// Canonical tensor names: the embedding ones, one layer's, the final ones.
    static QStringList embeddingTensorNames(const ModelConfig &config);
    static QStringList layerTensorNames(const ModelConfig &config, int layer);
    static QStringList finalTensorNames(const ModelConfig &config);
    /// Shape of a canonical tensor; empty for unknown names.
    static std::vector<std::int64_t> canonicalShape(const ModelConfig &config, const QString &name);

    /// Materialises a canonical tensor as float32 (widened from F16/BF16, transposed for BERT).
    bool tensor(const QString &canonicalName, std::vector<float> *out, ModelError *error) const;

private:
    struct Source;
    bool resolve(const QString &canonicalName, Source *source, ModelError *error) const;

    ModelConfig m_config;
    std::shared_ptr<const SafetensorsReader> m_reader;
    QString m_prefix; ///< "", "transformer." or "bert."
};

} // namespace accel
