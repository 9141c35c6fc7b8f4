#pragma once

#include "model/Dtype.h"
#include "model/ModelConfig.h"
#include "model/ModelError.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace accel {

class ModelWeights;

/// The bundled demo model: a small GPT-2-shaped transformer with RANDOM weights from a fixed seed
/// (not a trained model: its outputs are meaningless text; the UI labels it so). It exists so the
/// console and the tests run with no download. The same generator writes any GPT-2 or BERT config
/// in the exact Hugging Face tensor layout, for fixtures.
class DemoModel
{
public:
    static constexpr std::uint64_t kSeed = 0x5eed'acce'1e7a'7e00ULL;
    static constexpr const char *kDirName = "demo-gpt2-random";

    struct Options
    {
        std::uint64_t seed = kSeed;
        Dtype dtype = Dtype::F32; ///< F32, F16 or BF16 storage
        QString prefix;           ///< e.g. "transformer." as some checkpoints name tensors
    };

    /// vocab 1024, 256 positions, hidden 256, 4 layers, 4 heads, inner 1024.
    static ModelConfig config();

    /// Writes DIR/config.json and DIR/model.safetensors (creating DIR). Deterministic: the same
    /// config and options give byte-identical files on every machine.
    static bool write(const QString &dir, const ModelConfig &config, const Options &options,
                      ModelError *error);
    static bool write(const QString &dir, ModelError *error)
    {
        return write(dir, config(), Options(), error);
    }

    /// The safetensors bytes alone.
    static QByteArray safetensorsBytes(const ModelConfig &config, const Options &options);

    /// The demo model (config() with default Options) in memory, adopted by `weights` exactly as
    /// if read from the files write() makes. False + *error only if the generator and the reader
    /// disagree (a bug).
    static bool load(ModelWeights *weights, ModelError *error);
};

} // namespace accel
