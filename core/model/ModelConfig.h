#pragma once

#include "model/ModelError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace accel {

/// Transformer shapes read from a Hugging Face-style config.json. Two architectures:
/// - DecoderGpt2: learned positions, pre-LayerNorm blocks, fused QKV (Conv1D, x @ W), GELU tanh
///   approximation ("gelu_new"), final ln_f, LM head tied to wte.
/// - EncoderBert: word + position + token-type embeddings with LayerNorm, post-LayerNorm blocks,
///   separate Q/K/V nn.Linear (x @ W^T), exact erf GELU, bidirectional attention.
struct ModelConfig
{
    enum class Architecture { DecoderGpt2 = 1, EncoderBert };
    /// What the model consumes; the host selector prefers hosts with a good record on the family.
    enum class Family { Text = 1, Vision, Audio };
    enum class Activation { GeluTanh = 1, GeluErf };

    Architecture architecture = Architecture::DecoderGpt2;
    Family family = Family::Text;
    Activation activation = Activation::GeluTanh;
    QString modelType; ///< "gpt2" or "bert"
    int vocabSize = 0;
    int maxPositions = 0;
    int hiddenSize = 0;
    int layerCount = 0;
    int headCount = 0;
    int intermediateSize = 0;
    int typeVocabSize = 0; ///< BERT token types (0 for GPT-2)
    double layerNormEps = 1e-5;

    int headDim() const { return headCount > 0 ? hiddenSize / headCount : 0; }
    bool isCausal() const { return architecture == Architecture::DecoderGpt2; }
    /// Float count of one transformer block's weights (for memory estimates and the benchmark).
    qint64 layerParameterCount() const;
    /// Multiply-adds x2 of one block over seqLen tokens (matmuls and attention).
    double layerFlops(int seqLen) const;

    static std::optional<ModelConfig> fromJson(const QByteArray &json, ModelError *error);
    static std::optional<ModelConfig> fromFile(const QString &path, ModelError *error);
    QJsonObject toJson() const; ///< in the Hugging Face key names of the architecture

    static QString familyName(Family family);
    static std::optional<Family> familyFromName(const QString &name);

    /// Range checks shared by the parser and programmatic configs.
    bool validate(ModelError *error) const;
};

} // namespace accel
