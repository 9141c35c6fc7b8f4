#pragma once

#include <QByteArray>
#include <QString>

namespace accel {

/// The shared secret of a coordinator: 32 random bytes as hex in a 0600 file in its data dir.
class AccessToken
{
public:
    /// Reads the token file, creating it (0600, random token) when it does not exist.
    /// Empty + *error when it cannot be read or created, or is too short.
    static QByteArray loadOrCreate(const QString &path, QString *error);
    /// Reads an existing token file (for clients). Trailing whitespace is ignored.
    static QByteArray read(const QString &path, QString *error);
    /// Compares in time that depends only on the lengths, not on where the bytes differ.
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
    /// The token from "Authorization: Bearer X" or "X-Accel-Token: X".
    static QByteArray fromHeaders(const QByteArray &authorization, const QByteArray &xToken);
};

} // namespace accel
