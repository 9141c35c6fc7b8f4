#pragma once

#include <QString>

namespace accel {

/// What went wrong while reading or running a model. No valid zero value: a default-constructed
/// error is "Unknown", so a forgotten assignment never reads as success.
enum class ModelErrorCode {
    Unknown = 1,
    Io,            ///< file missing, unreadable or unmappable
    Truncated,     ///< the file ends before the header or a tensor does
    BadHeader,     ///< the JSON header is absurd, malformed or inconsistent
    BadDtype,      ///< unknown dtype, or a dtype the operation cannot use
    BadShape,      ///< shape does not match the byte range or the config
    BadOffsets,    ///< offsets out of range, overlapping or leaving holes
    BadConfig,     ///< config.json missing, malformed or out of range
    MissingTensor, ///< a tensor the architecture needs is absent
    BadInput,      ///< token ids, sequence length or layer range out of range
};

struct ModelError
{
    ModelErrorCode code = ModelErrorCode::Unknown;
    QString message;

    QString toString() const { return message; }
};

/// Sets *error (when given) and returns false, so parsers can `return fail(error, ...)`.
inline bool fail(ModelError *error, ModelErrorCode code, const QString &message)
{
    if (error) {
        error->code = code;
        error->message = message;
    }
    return false;
}

} // namespace accel
